import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../logger';
import { createUmpClient } from './client';
import { customerEntrySchema, customerProgressSchema, problemSchema, scriptTemplatePageSchema, taskSchema } from './schemas';
import { toOnboardingScripts } from './script-templates';
import { customerPhase, snapshotFromCustomer, snapshotFromTask, taskPhase } from './snapshot';
import type { ScriptTemplate } from './types';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/ump', name), 'utf8'));

describe('customer progress answers', () => {
  it('turn the documented synchronous answer into a succeeded snapshot with five steps', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('create-sync-deployed.json')));
    expect(snap).toMatchObject({
      phase: 'succeeded',
      rawState: 'Deployed',
      customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c',
      customerId: 'SaraTest1',
      siteLocationIds: ['2205294f-9111-4e9d-8343-bd24f8e7a90f'],
    });
    expect(snap.steps).toHaveLength(5);
    expect(snap.errorDetails).toBeUndefined();
  });

  it('treat a 200 carrying errorDetails as a failure whatever the state says', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('create-200-with-error-details.json')));
    expect(snap.phase).toBe('failed');
    expect(snap.errorDetails).toContain('IP Group FailCo already exists');
  });

  it('tolerate PascalCase keys, integer site ids, an empty errorDetails and sloppy progress text', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('customer-drifted.json')));
    expect(snap).toMatchObject({ phase: 'running', customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c', siteLocationIds: ['4711'] });
    expect(snap.steps.map((s) => s.message)).toEqual(['MsTenantid is valid', 'Customer data created!']);
    expect(snap.errorDetails).toBeUndefined();
  });

  it('reject a body that carries none of the fields we need', () => {
    expect(customerProgressSchema.safeParse({ hello: 'world' }).success).toBe(false);
    expect(customerProgressSchema.safeParse('Deployed').success).toBe(false);
    expect(customerProgressSchema.safeParse({ id: { nested: true } }).success).toBe(false);
  });
});

describe('deriving the phase', () => {
  const info = [{ level: 'Information', message: 'ok' }];
  const err = [{ level: 'Error', message: 'boom' }];

  it('calls Deployed a success only when no step and no errorDetails say otherwise', () => {
    expect(customerPhase('Deployed', undefined, info)).toBe('succeeded');
    expect(customerPhase('deployed', undefined, info)).toBe('succeeded');
    expect(customerPhase('Deployed', undefined, err)).toBe('failed');
    expect(customerPhase('Deployed', 'script failed', info)).toBe('failed');
  });

  it('calls any state naming a failure or an error failed, and anything else running', () => {
    expect(customerPhase('Failed', undefined, info)).toBe('failed');
    expect(customerPhase('DeploymentError', undefined, info)).toBe('failed');
    expect(customerPhase('InProgress', undefined, info)).toBe('running');
    expect(customerPhase('SomethingNew', undefined, info)).toBe('running');
    expect(customerPhase(undefined, undefined, [])).toBe('running');
  });

  it('ends tasks on Completed*, fail, error or cancel', () => {
    expect(taskPhase('CompletedSuccess', info, undefined)).toBe('succeeded');
    expect(taskPhase('Completed', err, undefined)).toBe('failed');
    expect(taskPhase('CompletedWithErrors', info, undefined)).toBe('failed');
    expect(taskPhase('Cancelled', info, undefined)).toBe('failed');
    expect(taskPhase('Failed', info, undefined)).toBe('failed');
    expect(taskPhase('In Progress', info, undefined)).toBe('running');
  });
});

describe('task answers', () => {
  it('take the customer guid from outputData.umpCustomerGuid', () => {
    const snap = snapshotFromTask(taskSchema.parse(fixture('task-completed.json')));
    expect(snap).toMatchObject({ phase: 'succeeded', rawState: 'CompletedSuccess', customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c' });
    expect(snap.steps).toEqual([
      { level: 'Information', message: 'MsTenantid is valid' },
      { level: 'Information', message: 'Site created in Ovoc' },
    ]);
  });

  it('tolerate PascalCase keys, a null outputData and lower-case levels', () => {
    const snap = snapshotFromTask(taskSchema.parse(fixture('task-in-progress-drifted.json')));
    expect(snap).toEqual({ phase: 'running', rawState: 'In Progress', steps: [{ level: 'Information', message: 'MsTenantid is valid' }] });
  });

  it('give a failed task errorDetails from its last Error message', () => {
    const snap = snapshotFromTask(taskSchema.parse({ id: 'wst_1', status: 'Failed', executionMessages: [{ level: 'Error', message: 'SBC unreachable' }] }));
    expect(snap).toMatchObject({ phase: 'failed', errorDetails: 'SBC unreachable' });
  });
});

describe('customer list entries', () => {
  it('read the documented PascalCase keys and their camelCase drift alike', () => {
    const [a, b, c] = fixture('customers-v3.json') as unknown[];
    expect(customerEntrySchema.parse(a)).toMatchObject({
      umpcustomerguid: '3f1e2d4c-0000-4a00-8000-000000000001',
      customershortname: 'ExistingCo',
      sitelocation: [{ sbcid: 5, sbcdeploymentstate: 'Deployed' }],
    });
    expect(customerEntrySchema.parse(b)).toMatchObject({ umpcustomerguid: '3f1e2d4c-0000-4a00-8000-000000000002', customershortname: 'FabrikamVoice' });
    expect(customerEntrySchema.safeParse(c).success).toBe(false);
  });
});

describe('script templates', () => {
  const page = scriptTemplatePageSchema.parse(fixture('scripttemplates-page.json'));
  const templates: ScriptTemplate[] = page.map((t) => ({
    id: t.id,
    name: t.name,
    customerVariables: t.customervariables,
    relatedScripts: t.relatedscripts ?? [],
  }));

  it('read related scripts whichever side of {key, value} holds the id, and every spelling of the variables', () => {
    expect(templates.find((t) => t.id === 7)).toMatchObject({
      customerVariables: ['Variable1', 'Variable2'],
      relatedScripts: [{ id: 700, name: 'sbc-scenario7Cleanup' }],
    });
    expect(templates.find((t) => t.id === 8)).toMatchObject({
      name: 'sbc-scenario8',
      customerVariables: ['Variable1', 'Variable2'],
      relatedScripts: [{ id: 800, name: 'sbc-scenario8Cleanup' }],
    });
    expect(templates.find((t) => t.id === 9)).toMatchObject({ customerVariables: ['PbxIp'], relatedScripts: [{ id: 900 }] });
  });

  it('offer onboarding scripts paired with their cleanup, and never a cleanup script as onboarding', () => {
    const onboarding = toOnboardingScripts(templates);
    expect(onboarding.map((o) => o.id).sort((x, y) => x - y)).toEqual([7, 8, 9, 20]);
    expect(onboarding.find((o) => o.id === 7)).toEqual({
      id: 7,
      name: 'sbc-scenario7',
      customerVariables: ['Variable1', 'Variable2'],
      cleanupScriptId: 700,
      cleanupScriptName: 'sbc-scenario7Cleanup',
    });
    // The cleanup's name comes from the template list when the relation does not carry it.
    expect(onboarding.find((o) => o.id === 9)).toMatchObject({ cleanupScriptId: 900, cleanupScriptName: 'scenario9 teardown' });
    expect(onboarding.find((o) => o.id === 20)?.cleanupScriptId).toBeUndefined();
  });
});

describe('problem details', () => {
  it('keep per-field messages under the keys the server sent, and the trace id', () => {
    expect(problemSchema.parse(fixture('validation-problem.json'))).toMatchObject({
      traceid: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
      errors: { ShortName: ['The short name must not contain a dot.'], MsTenantId: ['This MsTenant already exists as an UMP lead!'] },
    });
  });
});

describe('fields the bot only displays never make an entry unreadable', () => {
  // Each displayed field, sent as an enum number, as null, in another case, as `{id, name}`, or as nonsense.
  const odd: [string, unknown, string | undefined][] = [
    ['a number', 2, '2'],
    ['null', null, undefined],
    ['upper case', 'ESSENTIALS', 'ESSENTIALS'],
    ['an {id, name} object', { Id: 1, Name: 'Essentials' }, 'Essentials'],
    ['an empty string', '  ', undefined],
    ['a list', ['x'], undefined],
    ['a boolean', true, 'true'],
  ];
  const entry = (over: Record<string, unknown>) => ({
    UmpCustomerGuid: '3f1e2d4c-0000-4a00-8000-000000000001',
    CustomerShortName: 'ExistingCo',
    CustomerFullName: 'Existing Company Ltd',
    LicenseType: 'Essentials',
    MsTenantId: '11111111-1111-4111-8111-111111111111',
    SiteLocation: [{ SiteLocationId: 'site-1', SbcId: 5, sbcDeploymentState: 'Deployed' }],
    ...over,
  });
  const intact = {
    umpcustomerguid: '3f1e2d4c-0000-4a00-8000-000000000001',
    customershortname: 'ExistingCo',
    customerfullname: 'Existing Company Ltd',
    licensetype: 'Essentials',
    mstenantid: '11111111-1111-4111-8111-111111111111',
    sitelocation: [{ id: 'site-1', sbcid: 5, sbcdeploymentstate: 'Deployed' }],
  };

  describe.each(odd)('a customer list entry with a displayed field sent as %s', (_label, value, expected) => {
    it.each([
      ['LicenseType', 'licensetype'],
      ['CustomerFullName', 'customerfullname'],
      ['MsTenantId', 'mstenantid'],
    ])('%s: still read, the other fields intact', (wireKey, key) => {
      const parsed = customerEntrySchema.safeParse(entry({ [wireKey]: value }));
      expect(parsed.success).toBe(true);
      expect(parsed.data).toMatchObject({ ...intact, [key]: expected });
      if (expected === undefined) expect(parsed.data?.[key as keyof typeof intact]).toBeUndefined();
    });

    it('sbcDeploymentState of a site: still read, the other fields intact', () => {
      const parsed = customerEntrySchema.parse(entry({ SiteLocation: [{ SiteLocationId: 'site-1', SbcId: 5, SbcDeploymentState: value }] }));
      expect(parsed).toMatchObject({ ...intact, sitelocation: [{ id: 'site-1', sbcid: 5 }] });
      expect(parsed.sitelocation?.[0].sbcdeploymentstate).toBe(expected);
    });

    it('deploymentState, traceId and customerId of a progress answer: still read', () => {
      const parsed = customerProgressSchema.parse({
        id: 'g1',
        deploymentState: value,
        traceId: value,
        customerId: value,
        progressDetails: '(Information, ok)',
      });
      expect(parsed).toMatchObject({ id: 'g1', progressdetails: '(Information, ok)' });
      expect([parsed.deploymentstate, parsed.traceid, parsed.customerid]).toEqual([expected, expected, expected]);
    });

    it('a step level and the trace id of a task: still read', () => {
      const parsed = taskSchema.parse({
        id: 'wst_1',
        status: 'In Progress',
        traceId: value,
        executionMessages: [{ level: value, message: 'MsTenantid is valid' }],
      });
      expect(parsed).toMatchObject({ id: 'wst_1', status: 'In Progress', executionmessages: [{ message: 'MsTenantid is valid' }] });
      expect([parsed.traceid, parsed.executionmessages?.[0].level]).toEqual([expected, expected]);
    });

    it('scriptType, description and name of a script template: still read, the page too', () => {
      const page = scriptTemplatePageSchema.parse([
        {
          id: 7,
          name: 'sbc-scenario7',
          scriptType: value,
          description: value,
          customerVariables: 'Variable1',
          relatedScripts: [{ key: 700, value: 'sbc-scenario7Cleanup' }],
        },
        { id: 8, name: value, scriptType: 1 },
      ]);
      expect(page[0]).toMatchObject({
        id: 7,
        name: 'sbc-scenario7',
        customervariables: ['Variable1'],
        relatedscripts: [{ id: 700, name: 'sbc-scenario7Cleanup' }],
      });
      expect(page[0].description).toBe(expected);
      expect(page[0].scripttype).toBe(typeof value === 'number' ? value : expected);
      expect(page[1]).toMatchObject({ id: 8, name: expected ?? 'Script 8', scripttype: 1 });
    });
  });

  it('a site location sent as one object, with an SBC id as text or nonsense, and odd items in the list', () => {
    expect(customerEntrySchema.parse(entry({ SiteLocation: { SiteLocationId: 4711, SbcId: '5', SbcDeploymentState: 3 } })).sitelocation).toEqual([
      expect.objectContaining({ id: '4711', sbcid: 5, sbcdeploymentstate: '3' }),
    ]);
    const parsed = customerEntrySchema.parse(
      entry({ SiteLocation: [null, 'site-2', { SbcId: 'SBC-5', SbcDeploymentState: { name: 'deployed' } }], LicenseType: 'essentials' }),
    );
    expect(parsed).toMatchObject({ customershortname: 'ExistingCo', licensetype: 'essentials' });
    expect(parsed.sitelocation).toEqual([{ id: 'site-2' }, { sbcdeploymentstate: 'deployed' }].map((s) => expect.objectContaining(s)));
    expect(parsed.sitelocation?.[1].sbcid).toBeUndefined();
    expect(customerEntrySchema.parse(entry({ SiteLocation: null })).sitelocation).toBeUndefined();
  });

  it('a numeric short name is read as text; an entry without guid or short name is still refused', () => {
    expect(customerEntrySchema.parse(entry({ CustomerShortName: 12345 })).customershortname).toBe('12345');
    expect(customerEntrySchema.safeParse(entry({ CustomerShortName: null })).success).toBe(false);
    expect(customerEntrySchema.safeParse(entry({ UmpCustomerGuid: null })).success).toBe(false);
  });

  it('a task status sent as a number is read; a task without a status is still refused', () => {
    expect(snapshotFromTask(taskSchema.parse({ id: 'wst_1', status: 3 }))).toMatchObject({ phase: 'running', rawState: '3' });
    expect(taskSchema.safeParse({ id: 'wst_1', status: null }).success).toBe(false);
    expect(taskSchema.safeParse({ id: null, status: 'CompletedSuccess' })).toMatchObject({ success: true, data: { status: 'CompletedSuccess' } });
  });

  it('a progress answer with odd progressDetails and site ids keeps what it can show', () => {
    const snap = snapshotFromCustomer(
      customerProgressSchema.parse({
        id: 'g1',
        deploymentState: 'DEPLOYED',
        siteLocationIds: [12, null, 'abc', { x: 1 }],
        progressDetails: { level: 'Information' },
      }),
    );
    expect(snap).toMatchObject({ phase: 'succeeded', rawState: 'DEPLOYED', siteLocationIds: ['12', 'abc'] });
    expect(snap.steps).toEqual([{ level: 'Information', message: '{"level":"Information"}' }]);
    const listed = customerProgressSchema.parse({ id: 'g1', deploymentState: 1, progressDetails: [{ level: 0, message: 'queued' }, 'plain text', null] });
    expect(snapshotFromCustomer(listed)).toMatchObject({
      phase: 'running',
      rawState: '1',
      steps: [
        { level: '0', message: 'queued' },
        { level: 'Information', message: 'plain text' },
      ],
    });
  });

  it('a related script without an id is dropped, not the whole template page', () => {
    const page = scriptTemplatePageSchema.parse([
      { id: 7, name: 'sbc-scenario7', relatedScripts: [{ key: 'no id here' }, null, { key: 700, value: 'sbc-scenario7Cleanup' }] },
    ]);
    expect(page[0].relatedscripts).toEqual([{ id: 700, name: 'sbc-scenario7Cleanup' }]);
  });

  it('the client maps such a customer into its details with every other field intact', async () => {
    const body = entry({
      LicenseType: 3,
      CustomerFullName: null,
      SiteLocation: [{ SiteLocationId: 4711, SbcId: '5', SbcDeploymentState: 2 }, { SbcDeploymentState: 'FAILED' }],
    });
    const http = async (req: { url: string }) => {
      const json = req.url.includes('/token') ? { access_token: 'tok', expires_in: 3600, token_type: 'Bearer' } : body;
      return { status: 200, text: JSON.stringify(json), header: () => undefined };
    };
    const client = createUmpClient({
      baseUrl: 'https://ump.test/tenantui',
      tokenUrl: 'https://login.test/sp/oauth2/v2.0/token',
      clientId: 'client',
      clientSecret: 'secret',
      scope: 'api://ump/.default',
      requestTimeoutMs: 1000,
      createTimeoutMs: 1000,
      logger: createLogger({ level: 'silent', pretty: false }),
      http,
    });
    await expect(client.getCustomer('3f1e2d4c-0000-4a00-8000-000000000001')).resolves.toEqual({
      guid: '3f1e2d4c-0000-4a00-8000-000000000001',
      shortName: 'ExistingCo',
      msTenantId: '11111111-1111-4111-8111-111111111111',
      licenseType: '3',
      siteLocations: [{ id: '4711', sbcId: 5, sbcDeploymentState: '2' }, { sbcDeploymentState: 'FAILED' }],
    });
  });
});
