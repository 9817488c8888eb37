import type { ConversationAddress } from '../../src/provisioning/conversation-address';

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
