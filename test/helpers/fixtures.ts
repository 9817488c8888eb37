import { defineFeature, type Feature } from '../../src/bot/registry';
import type { ConversationAddress } from '../../src/provisioning/conversation-address';
import type { ProvisioningRequest } from '../../src/provisioning/request';

/** A stored conversation address for unit tests (nothing is sent to it). */
export function testAddress(over: Partial<ConversationAddress> = {}): ConversationAddress {
  return { v: 1, channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/connector', conversationId: 'conv', kind: 'personal', botId: 'bot', ...over };
}

/** The smallest valid create form, as the card sends it (strings). */
export const MINIMAL_FORM = {
  shortName: 'Acme01',
  msTenantId: 'contoso.onmicrosoft.com',
  ovocCustomerType: 'IPGROUP_TYPE',
  sbcId: '5',
  sbcOnboardingScript: '7',
  sbcCleanupScript: '700',
} as const;

/** A stored request for unit tests: a valid record in state `submitted`; `over` replaces fields. */
export function testRequest(over: Partial<ProvisioningRequest> = {}): ProvisioningRequest {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: 'REQ-AAAAAA',
    formKey: 'conv|1',
    state: 'submitted',
    version: 1,
    requestedBy: { id: 'u1', name: 'Megan' },
    customer: {
      shortName: 'Acme01',
      siteLocation: { sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 },
      ovocCustomerType: 'IPGROUP_TYPE',
      msTenantId: '4bf50a33-a383-4d3f-9403-220c898bc1b2',
      scriptParameters: {},
      secretKeys: ['CarrierUserPassword'],
    },
    conversation: testAddress(),
    linkedCards: [],
    notified: [],
    ump: {},
    steps: [],
    warnings: [],
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

/** A feature declaring `n` commands c0…c(n-1) and no handlers: for the manifest's command-list limits. */
export function featureWithCommands(n: number): Feature {
  return defineFeature({
    id: 'many',
    commands: Array.from({ length: n }, (_, i) => ({
      name: `c${i}`,
      aliases: [],
      usage: `c${i}`,
      summary: `command ${i}`,
      example: `c${i}`,
      permission: 'help' as const,
    })),
    create: () => ({ commands: {}, verbs: {} }),
  });
}
