import { renderFormCard } from './form-card';
import { renderHelpCard } from './help-card';
import { renderProgressCard } from './progress-card';
import { AdaptiveCardJson, renderTemplate, templateNames } from './render';
import { ProvisioningRequest } from '../provisioning/request';
import { FEATURES } from '../bot/features';
import { declaredCommands } from '../bot/registry';
import { testAddress } from '../../test/helpers/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

function validate(card: AdaptiveCardJson): string[] {
  const c = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  c.parse(card, ctx);
  const results = c.validateProperties();
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of results.validationEvents as { message: string }[]) problems.push(e.message);
  return problems;
}

const scripts = [
  { id: 7, name: 'sbc-scenario7', customerVariables: ['Variable1', 'Trunk name'], cleanupScriptId: 700, cleanupScriptName: 'sbc-scenario7Cleanup' },
  { id: 8, name: 'sbc-scenario8', customerVariables: [], cleanupScriptId: 800 },
];

const baseRequest: ProvisioningRequest = {
  id: 'REQ-7K3F9Q',
  formKey: 'k',
  state: 'deploying',
  version: 3,
  requestedBy: { id: 'u', name: 'Megan **Bowen**' },
  customer: {
    shortName: 'Acme01',
    fullName: '[x](http://evil)',
    siteLocation: { sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 },
    ovocCustomerType: 'IPGROUP_TYPE',
    msTenantId: '4bf50a33-a383-4d3f-9403-220c898bc1b2',
    tenantInput: 'contoso.onmicrosoft.com',
    scriptParameters: { CacProfile: '5 sessions', 'CustomVar.Variable1': 'x' },
    secretKeys: ['CarrierUserPassword'],
  },
  conversation: testAddress(),
  linkedCards: [],
  notified: [],
  ump: { mode: 'poll' },
  steps: [
    { level: 'Information', message: 'MsTenantid is valid', at: '2026-01-01T00:00:01.000Z' },
    { level: 'Warning', message: 'Slow SBC', at: '2026-01-01T00:00:05.000Z' },
  ],
  warnings: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:05.000Z',
};

describe('card templates', () => {
  const fixtures: Record<string, () => AdaptiveCardJson> = {
    help: () => renderHelpCard({ needsMention: true, botName: 'Bot', commands: declaredCommands(FEATURES) }),
    'customer-form': () => renderFormCard({ values: { shortName: 'Acme', CarrierUserPassword: 'hunter2' }, scripts, fieldErrors: { shortName: ['bad'] }, formError: 'oops', notice: 'n' }),
    'request-progress': () => renderProgressCard(baseRequest, { now: new Date('2026-01-01T00:00:10.000Z') }),
  };
  const awaiting: ProvisioningRequest = {
    ...baseRequest,
    state: 'awaiting_approval',
    steps: [],
    conversation: testAddress({ kind: 'channel', conversationId: '19:c@thread.tacv2;messageid=1' }),
    requestedBy: { id: 'aad-megan', name: 'Megan Bowen', aadObjectId: 'aad-megan', userId: '29:megan' },
    approval: { requestedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z' },
  };
  // The approval card in each of its forms: shared (read-only, refreshing), an approver's view, and decided.
  const approvalViews: Record<string, () => AdaptiveCardJson> = {
    'shared, waiting': () => renderProgressCard(awaiting, { refreshUserIds: ['29:adele'] }),
    "an approver's view": () => renderProgressCard(awaiting, { viewer: { canApprove: true, canReject: true, canCancel: false } }),
    'approved, deploying': () =>
      renderProgressCard({ ...awaiting, state: 'deploying', approval: { ...awaiting.approval!, decision: { outcome: 'approved', at: '2026-01-01T00:05:00.000Z', by: { id: 'a', name: 'Adele' } } } }),
    rejected: () =>
      renderProgressCard({
        ...awaiting,
        state: 'rejected',
        approval: { ...awaiting.approval!, decision: { outcome: 'rejected', at: '2026-01-01T00:05:00.000Z', by: { id: 'a', name: 'Adele' }, reason: 'Wrong **SBC**' } },
      }),
  };

  it.each(Object.keys(approvalViews))('renders the approval card %s with no leftover binding and passes the validator', (name) => {
    const card = approvalViews[name]();
    expect(JSON.stringify(card)).not.toContain('${');
    expect(validate(card)).toEqual([]);
  });

  it('shows approvers their buttons only in their own view; the shared card refreshes for the requester and the approvers', () => {
    const shared = approvalViews['shared, waiting']() as unknown as { refresh?: { userIds: string[] }; actions: { title: string }[] };
    expect(shared.actions.map((a) => a.title)).toEqual(['Show my actions']);
    expect(shared.refresh?.userIds).toEqual(['29:megan', '29:adele']);
    const mine = approvalViews["an approver's view"]() as unknown as { refresh?: unknown; actions: { title: string; associatedInputs?: string }[] };
    expect(mine.actions.map((a) => [a.title, a.associatedInputs])).toEqual([
      ['Approve', 'none'],
      ['Reject', 'auto'],
    ]);
    expect(mine.refresh).toBeUndefined();
    const decided = JSON.stringify(approvalViews['approved, deploying']());
    expect(decided).toContain('Approved by Adele at 00:05 UTC');
    expect(decided).not.toContain('"refresh"');
    const rejected = approvalViews.rejected() as unknown as { body: { items?: { text: string }[] }[] };
    expect(rejected.body[0].items![1].text).toContain('Rejected by Adele at 00:05 UTC — Wrong \\*\\*SBC\\*\\*');
    // Nothing ran: no empty list of deployment steps.
    expect(JSON.stringify(rejected)).not.toContain('Deployment steps');
  });

  it('has a fixture for every template in cards/', () => {
    expect(templateNames().sort()).toEqual(Object.keys(fixtures).sort());
  });

  it.each(Object.keys(fixtures))('renders %s with no leftover binding and passes the Adaptive Cards validator', (name) => {
    const card = fixtures[name]();
    expect(JSON.stringify(card)).not.toContain('${');
    expect(validate(card)).toEqual([]);
    expect(card.version).toBe('1.5');
  });

  it('fails a render that leaves a binding unresolved', () => {
    expect(() => renderTemplate('help', { intro: 'x' })).toThrow(/unresolved binding/);
  });

  it('does not mistake user text that looks like a binding for a template error', () => {
    const card = renderFormCard({ values: { shortName: '${shortName}' } });
    expect(JSON.stringify(card)).toContain('${shortName}');
  });
});

describe('the form card', () => {
  it('has one labelled input per create-request field, with the API field names as ids', () => {
    const json = JSON.stringify(renderFormCard({ values: {}, scripts }));
    for (const id of ['shortName', 'fullName', 'sbcId', 'sbcOnboardingScript', 'sbcCleanupScript', 'ovocCustomerType', 'msTenantId', 'channelId', 'lcCustomerId', 'CacProfile', 'ProxySet', 'OnlinePstnGateway', 'CarrierUserName', 'CarrierUserPassword', 'CarrierMainLine', 'CarrierHostName', 'CustomVar.Variable1', 'CustomVar.Variable2', 'customVariables']) {
      expect(json).toContain(`"id":"${id}"`);
    }
    expect(json).toContain('"verb":"customer.create"');
  });

  it('never renders the password back, but keeps every other value', () => {
    const json = JSON.stringify(renderFormCard({ values: { shortName: 'Acme', CarrierUserName: 'carrier-user', CarrierUserPassword: 'hunter2' }, scripts }));
    expect(json).not.toContain('hunter2');
    expect(json).toContain('carrier-user');
  });

  it('falls back to plain id inputs and says why when the script list is unavailable', () => {
    const json = JSON.stringify(renderFormCard({ values: {}, scriptsUnavailableReason: 'Live Platform is down' }));
    expect(json).toContain('Live Platform is down');
    expect(json).toContain('Onboarding script id');
  });
});

describe('the progress card', () => {
  it('shows user text literally instead of rendering Markdown', () => {
    const json = JSON.stringify(renderProgressCard(baseRequest));
    expect(json).toContain('\\\\[x\\\\](http://evil)');
    expect(json).toContain('Megan \\\\*\\\\*Bowen\\\\*\\\\*');
  });

  it('masks secrets and ticks observed steps, then lists the expected ones still to come', () => {
    const card = renderProgressCard(baseRequest);
    const json = JSON.stringify(card);
    expect(json).toContain('•••••••• (hidden)');
    expect(json).toContain('MsTenantid is valid');
    expect(json).toContain('Customer data created');
    expect(json).toContain('+0:05');
  });

  it('shows the failing step, the server error and the trace id on failure', () => {
    const json = JSON.stringify(
      renderProgressCard({
        ...baseRequest,
        state: 'failed',
        finishedAt: '2026-01-01T00:00:09.000Z',
        failure: { step: 'SBC onboarding', message: 'SBC script failed', errorDetails: 'Timeout on SBC 5', traceId: '00-abc', hint: 'Fix it' },
      }),
    );
    expect(json).toContain('Failing step');
    expect(json).toContain('Timeout on SBC 5');
    expect(json).toContain('00-abc');
    expect(json).toContain('Fix it');
  });

  it('stays well under the Teams message size limit with a very long step list', () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({ level: 'Information', message: `step ${i} ${'x'.repeat(200)}`, at: baseRequest.createdAt }));
    const json = JSON.stringify(renderProgressCard({ ...baseRequest, steps }));
    expect(Buffer.byteLength(json)).toBeLessThan(40_000);
    expect(json).toContain('460 earlier steps not shown');
  });
});
