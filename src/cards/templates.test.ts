import { secretParameter } from '../provisioning/request-spec';
import { renderFormCard } from './form-card';
import { renderHelpCard } from './help-card';
import { portalLink, renderProgressCard } from './progress-card';
import { renderRequestListCard } from './request-list-card';
import { renderAuditCard, trailOf } from './audit-card';
import { renderCustomerStatusCard } from './customer-status-card';
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
    'request-list': () =>
      renderRequestListCard({ requests: [baseRequest, { ...baseRequest, id: 'REQ-22222A', state: 'failed' }], filter: 'mine', hasMore: true, laterPage: true, commandPrefix: '@Bot ' }),
    'request-audit': () =>
      renderAuditCard(baseRequest, [{ requestId: baseRequest.id, at: '2026-01-01T00:00:00.000Z', actor: 'u', action: 'submitted', detail: { by: 'Megan', shortName: 'Acme01' } }]),
    'customer-status': () =>
      renderCustomerStatusCard({
        customer: { guid: 'g-1', shortName: 'HiddenCo', fullName: 'Hidden', licenseType: 'Essentials', siteLocations: [{ id: 's-1', sbcId: 6, sbcDeploymentState: 'Deployed' }] },
        deploymentState: 'Deployed',
        showTenant: false,
        portalUrl: 'https://portal.example.net/#/customers/g-1',
      }),
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

  it('renders from one prepared template many times, each render independent of the others', () => {
    const first = renderProgressCard(baseRequest, { now: new Date('2026-01-01T00:00:10.000Z') });
    const copy = JSON.stringify(first);
    const second = renderProgressCard({ ...baseRequest, id: 'REQ-OTHER1', state: 'deployed', result: { siteLocationIds: ['s1'] } });
    expect(JSON.stringify(first)).toBe(copy);
    expect(JSON.stringify(second)).toContain('REQ-OTHER1');
    expect(JSON.stringify(second)).not.toContain('REQ-7K3F9Q');
  });

  it('fails a render that leaves a binding unresolved', () => {
    expect(() => renderTemplate('help', { intro: 'x' })).toThrow(/unresolved binding/);
  });

  it('renders junk card data (objects, arrays, objects without toString) as empty inputs, never throws', () => {
    const junk = { shortName: { toString: null }, fullName: ['a'], sbcId: 5, channelId: true, CacProfile: Object.create(null) } as unknown as Record<string, unknown>;
    const json = JSON.stringify(renderFormCard({ values: junk }));
    expect(json).toContain('"id":"sbcId","label":"SBC id (from the Known SBCs list)","value":"5"');
    expect(json).toContain('"id":"shortName"');
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

describe('cards over a request\'s whole life', () => {
  const failed: ProvisioningRequest = {
    ...baseRequest,
    state: 'failed',
    ump: {},
    steps: [],
    finishedAt: '2026-01-01T00:00:03.000Z',
    failure: {
      step: 'Submit to Live Platform',
      message: 'Live Platform rejected the request. Short name: exists',
      hint: 'Nothing was created.',
      fieldErrors: { shortName: ["A customer with the short name 'Acme01' already exists."] },
      nothingCreated: true,
    },
  };
  const titles = (c: AdaptiveCardJson) => ((c as unknown as { actions?: { title: string; type: string }[] }).actions ?? []).map((a) => a.title);

  it('shows Live Platform\'s field errors under the form\'s field names and offers Fix and resubmit', () => {
    const card = renderProgressCard(failed);
    const json = JSON.stringify(card);
    expect(json).toContain('"title":"Short name","value":"A customer with the short name \'Acme01\' already exists."');
    expect(titles(card)).toEqual(['Fix and resubmit']);
    expect(validate(card)).toEqual([]);
    // Not once it was resubmitted, not on a snapshot, not when Live Platform accepted the request.
    const resubmitted = renderProgressCard({ ...failed, retriedAs: { id: 'REQ-NEW001', formKey: 'f', at: '2026-01-01T00:10:00.000Z', by: { id: 'u', name: 'Megan' } } });
    expect(titles(resubmitted)).toEqual([]);
    expect(JSON.stringify(resubmitted)).toContain('REQ-NEW001 by Megan at 00:10 UTC');
    expect(titles(renderProgressCard(failed, { snapshot: true }))).toEqual([]);
    expect(titles(renderProgressCard({ ...failed, failure: { ...failed.failure!, nothingCreated: undefined } }))).toEqual([]);
    expect(titles(renderProgressCard({ ...failed, state: 'expired', failure: undefined }))).toEqual(['Submit again']);
  });

  it('links a finished customer to the portal when UMP_PORTAL_URL is set, and only when its guid is known', () => {
    const deployed: ProvisioningRequest = { ...baseRequest, state: 'deployed', result: { customerGuid: 'b38e5a04', siteLocationIds: [] } };
    const template = 'https://portal.example.net/#/customers/{customerGuid}?n={shortName}';
    const card = renderProgressCard(deployed, { portalUrl: template }) as unknown as { actions: { type: string; url?: string }[] };
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl', url: 'https://portal.example.net/#/customers/b38e5a04?n=Acme01' })]);
    expect(titles(renderProgressCard(deployed))).toEqual([]);
    expect(portalLink(template, { ...deployed, result: undefined })).toBe('');
    expect(portalLink(template, baseRequest)).toBe('');
    expect(portalLink(template, failed)).toBe('');
    expect(portalLink('https://portal.example.net/customers', deployed)).toBe('https://portal.example.net/customers');
  });

  it('posts a snapshot for status: no buttons, said to be a snapshot', () => {
    const json = JSON.stringify(renderProgressCard({ ...baseRequest, state: 'queued' }, { snapshot: true, now: new Date('2026-01-01T00:00:10.000Z') }));
    expect(json).toContain("Snapshot at 00:00 UTC: the request's own card follows it live");
    expect(json).not.toContain('Cancel request');
  });

  it('lists requests with state, who and when, and pages with More carrying the last one shown', () => {
    const card = renderRequestListCard({ requests: [baseRequest], filter: 'failed', hasMore: true, laterPage: false, commandPrefix: '' }) as unknown as {
      actions: { title: string; data: Record<string, string> }[];
    };
    const json = JSON.stringify(card);
    expect(json).toContain('**Acme01** · REQ-7K3F9Q');
    expect(json).toContain('Megan \\\\*\\\\*Bowen\\\\*\\\\* · 00:00 UTC on 2026-01-01');
    expect(json).toContain('"text":"Deploying"');
    expect(card.actions.map((a) => a.title)).toEqual(['More']);
    expect(card.actions[0].data).toEqual({ verb: 'requests.more', filter: 'failed', beforeAt: baseRequest.createdAt, beforeId: baseRequest.id });
    const empty = JSON.stringify(renderRequestListCard({ requests: [], filter: '', hasMore: false, laterPage: false, commandPrefix: '' }));
    expect(empty).toContain('No requests in this conversation yet.');
  });

  it('tells the trail in order: requested, validated, approved, queued, sent, each step, the end, with who', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const r: ProvisioningRequest = { ...baseRequest, state: 'deployed', steps: [{ level: 'Information', message: 'MsTenantid is valid', at: at(5) }] };
    const lines = trailOf(r, [
      { requestId: r.id, at: at(0), actor: 'aad-megan', action: 'submitted', detail: { by: 'Megan Bowen', shortName: 'Acme01', approval: 'required' } },
      { requestId: r.id, at: at(2), actor: 'aad-adele', action: 'approved', detail: { by: 'Adele Vance' } },
      { requestId: r.id, at: at(3), actor: 'system', action: 'dequeued', detail: { waitedMs: 1000 } },
      { requestId: r.id, at: at(3), actor: 'system', action: 'card.moved', detail: {} },
      { requestId: r.id, at: at(4), actor: 'system', action: 'create.sent' },
      { requestId: r.id, at: at(4), actor: 'system', action: 'deploying', detail: { mode: 'poll' } },
      { requestId: r.id, at: at(9), actor: 'system', action: 'deployed', detail: { customerGuid: 'g' } },
    ]);
    expect(lines.map((l) => `${l.what} · ${l.who}`)).toEqual([
      'Requested · Megan Bowen',
      'Validated · the bot',
      'Waiting for approval · the bot',
      'Approved · Adele Vance',
      'Queued · the bot',
      'Left the queue · the bot',
      'Sent to Live Platform · the bot',
      'Accepted by Live Platform · the bot',
      'Step (Information) · Live Platform',
      'Deployed · the bot',
    ]);
    expect(lines[1].detail).toBe('Microsoft tenant contoso.onmicrosoft.com → 4bf50a33-a383-4d3f-9403-220c898bc1b2; short name free');
  });

  it('keeps a long trail within Teams\' message size: the newest entries, and how many were left out', () => {
    const steps = Array.from({ length: 300 }, (_, i) => ({ level: 'Information', message: `Step ${i} ${'x'.repeat(80)}`, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
    const card = renderAuditCard({ ...baseRequest, steps }, []);
    const json = JSON.stringify(card);
    expect(json.length).toBeLessThan(28_000);
    const hidden = Number(/(\d+) earlier entries not shown\./.exec(json)![1]);
    expect(hidden).toBeGreaterThanOrEqual(240);
    expect(json).toContain('Step 299');
    expect(json).not.toContain(`Step ${hidden - 1} `);
    expect(json).toContain(`Step ${hidden} `);
  });

  it('shows a foreign customer as Live Platform reports it; its tenant only to admins', () => {
    const c = { guid: 'g-1', shortName: 'HiddenCo', msTenantId: 't-1', siteLocations: [{ id: 's-1', sbcId: 6, sbcDeploymentState: 'Failed' }] };
    const json = JSON.stringify(renderCustomerStatusCard({ customer: c, deploymentState: 'Failed', showTenant: false, portalUrl: '' }));
    expect(json).toContain('"title":"Site s-1","value":"SBC 6 · Failed"');
    expect(json).toContain('"style":"attention"');
    expect(json).not.toContain('t-1');
    expect(JSON.stringify(renderCustomerStatusCard({ customer: c, showTenant: true, portalUrl: '' }))).toContain('"value":"t-1"');
  });

  it('carries the request a resubmit form replaces, and keeps custom variables the script has no input for', () => {
    const card = renderFormCard({ values: { shortName: 'Acme', 'CustomVar.Variable3': 'third', customVariables: 'Extra=1' }, scripts, retryOf: 'REQ-7K3F9Q', fieldErrors: { 'CustomVar.Variable3': ['too long'], form: ['Odd body.'] } });
    const json = JSON.stringify(card);
    expect(json).toContain('"retryOf":"REQ-7K3F9Q"');
    expect(json).toContain('"value":"Extra=1\\nVariable3=third"');
    expect(json).toContain('too long');
    expect(json).toContain('Odd body.');
    expect(JSON.stringify(renderFormCard({ values: {} }))).toContain('"retryOf":""');
  });
});

describe('secrets on the form', () => {
  it('never renders back a secret: by field, by the script variable’s name, or a secret-named line of the free-form box', () => {
    const withSecretVar = [{ id: 9, name: 'sbc-secret', customerVariables: ['Trunk name', 'Trunk password'], cleanupScriptId: 900 }];
    const card = renderFormCard({
      values: { sbcOnboardingScript: '9', CarrierUserPassword: 'pw-1', 'CustomVar.Variable1': 'trunk-a', 'CustomVar.Variable2': 'pw-2', customVariables: 'Region=eu\nSipPin=4711x' },
      scripts: withSecretVar,
    });
    const json = JSON.stringify(card);
    for (const secret of ['pw-1', 'pw-2', '4711x']) expect(json).not.toContain(secret);
    expect(json).toContain('trunk-a');
    expect(json).toContain('"value":"Region=eu"');
    expect(json).toContain('"id":"CustomVar.Variable2","label":"Trunk password (CustomVar.Variable2)","value":"","style":"Password"');
    expect(json).toContain('For your safety Carrier password, Trunk password, SipPin are not shown again');
    expect(validate(card)).toEqual([]);
  });

  it('seals a custom variable the script names like a secret', () => {
    const script = { customerVariables: ['Trunk name', 'Trunk password'] };
    expect(secretParameter('CustomVar.Variable2', script)).toBe(true);
    expect(secretParameter('CustomVar.Variable1', script)).toBe(false);
    expect(secretParameter('CustomVar.Variable3', script)).toBe(false);
    expect(secretParameter('SipTrunkPassword')).toBe(true);
  });
});
