import { maxConcurrent } from './state';
import { callApi, control, newCustomer, startSandbox, type Harness, type RawAnswer } from '../../test/helpers/sandbox-support';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox({ stepMs: 10 });
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

type CustomerAnswer = {
  id: string;
  customerId: string;
  siteLocationIds: string[];
  deploymentState: string;
  errorDetails: string | null;
  progressDetails: string;
};
type TaskAnswer = {
  id: string;
  status: string;
  executionMessages: { level: string; message: string }[];
  outputData: { umpCustomerGuid: string } | null;
  completeTime: string | null;
};

const DOC_PROGRESS = (name: string) =>
  `(Information, MsTenantid is valid);(Information, Customer data created!);(Information, SBC sbc-onboarding done for site ${name}.);(Information, CreateSiteInOvoc started.);(Information, Site created in Ovoc)`;

async function readUntil<T>(read: () => Promise<RawAnswer>, done: (body: T) => boolean): Promise<T[]> {
  const seen: T[] = [];
  for (let i = 0; i < 400; i++) {
    const body = (await read()).json as T;
    seen.push(body);
    if (done(body)) return seen;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('never finished');
}

describe('deployments', () => {
  it('poll: progress through the documented steps, in order, to Deployed', async () => {
    // Steps are timed from the create: 100 ms keeps the POST's own answer at the first step on a busy machine.
    h.sandbox.configure({ stepMs: 100 });
    const created = (await callApi(h, 'POST', '/api/v2/customer', newCustomer('StepsCo'))).json as CustomerAnswer;
    expect(created).toMatchObject({
      customerId: 'StepsCo',
      deploymentState: 'InProgress',
      errorDetails: null,
      progressDetails: '(Information, MsTenantid is valid)',
    });
    const seen = await readUntil<CustomerAnswer>(
      () => callApi(h, 'GET', `/api/v2/customer/${created.id}`),
      (b) => b.deploymentState !== 'InProgress',
    );
    for (let i = 1; i < seen.length; i++) expect(seen[i].progressDetails.startsWith(seen[i - 1].progressDetails)).toBe(true);
    expect(seen[seen.length - 1]).toEqual({ ...created, deploymentState: 'Deployed', progressDetails: DOC_PROGRESS('StepsCo') });
  });

  it('sync: the POST answers only when the deployment is over', async () => {
    h.sandbox.setMode('sync');
    const res = await callApi(h, 'POST', '/api/v2/customer', newCustomer('SyncOnly'));
    expect(res.json).toMatchObject({ deploymentState: 'Deployed', progressDetails: DOC_PROGRESS('SyncOnly') });
  });

  it('task: the POST answers a job, whose task reports the steps and then the customer guid', async () => {
    h.sandbox.setMode('task');
    const { jobId } = (await callApi(h, 'POST', '/api/v2/customer', newCustomer('JobCo'))).json as { jobId: string };
    expect(jobId).toMatch(/^wst_[0-9a-f-]{36}$/);
    const seen = await readUntil<TaskAnswer>(
      () => callApi(h, 'GET', `/api/v2/task/${jobId}`),
      (t) => t.status !== 'In Progress',
    );
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ id: jobId, status: 'CompletedSuccess', completeTime: expect.any(String) });
    expect(last.executionMessages).toHaveLength(5);
    expect(last.outputData?.umpCustomerGuid).toBe(h.sandbox.customers().find((c) => c.shortName === 'JobCo')?.guid);
    expect((await callApi(h, 'GET', '/api/v2/task/wst_unknown')).json).toBe('Task with wst_unknown not found');
  });

  it.each(['poll', 'task', 'sync'] as const)('%s: short names beginning with "fail" fail at the SBC step with errorDetails', async (mode) => {
    h.sandbox.setMode(mode);
    const created = (await callApi(h, 'POST', '/api/v2/customer', newCustomer(`fail${mode}`))).json as { id?: string; jobId?: string };
    const guid = h.sandbox.customers().find((c) => c.shortName === `fail${mode}`)?.guid ?? '';
    const seen = await readUntil<CustomerAnswer>(
      () => callApi(h, 'GET', `/api/v2/customer/${guid}`),
      (b) => b.deploymentState !== 'InProgress',
    );
    const last = seen[seen.length - 1];
    expect(last.deploymentState).toBe('Failed');
    expect(last.errorDetails).toMatch(/^Script 'sbc-scenario7' failed on SBC 'sbc-eu-west-1'/);
    expect(last.progressDetails).toBe(
      `(Information, MsTenantid is valid);(Information, Customer data created!);(Error, SBC sbc-onboarding failed for site fail${mode}, script sbc-scenario7 stopped!)`,
    );
    if (mode === 'task') {
      const task = (await callApi(h, 'GET', `/api/v2/task/${created.jobId ?? ''}`)).json as TaskAnswer;
      expect(task.status).toBe('Failed');
    }
  });

  it('slow: the customer exists before the POST is answered', async () => {
    h.sandbox.configure({ slowMs: 60_000 });
    const pending = callApi(h, 'POST', '/api/v2/customer', newCustomer('slowpoke')).catch(() => 'aborted');
    for (let i = 0; i < 200 && !h.sandbox.customers().some((c) => c.shortName === 'slowpoke'); i++) await new Promise((r) => setTimeout(r, 5));
    const list = (await callApi(h, 'GET', '/api/v3/customer')).json as { CustomerShortName: string }[];
    expect(list.map((c) => c.CustomerShortName)).toContain('slowpoke');
    expect(h.sandbox.requests().find((r) => r.route === 'createCustomer')?.status).toBeUndefined();
    void pending; // cut off when the sandbox closes
  });

  it('counts how many deployments ran at the same instant, and in which order they arrived', async () => {
    h.sandbox.configure({ stepMs: 200 });
    await callApi(h, 'POST', '/api/v2/customer', newCustomer('overlap1'));
    await callApi(h, 'POST', '/api/v2/customer', newCustomer('overlap2'));
    expect(h.sandbox.maxConcurrentDeployments()).toBe(2);
    h.sandbox.configure({ stepMs: 0 });
    for (const name of ['instant1', 'instant2']) await callApi(h, 'POST', '/api/v2/customer', newCustomer(name));
    expect(h.sandbox.maxConcurrentDeployments()).toBe(2);
    expect(h.sandbox.deploymentOrder()).toEqual(['overlap1', 'overlap2', 'instant1', 'instant2']);
    expect(((await control(h, 'GET', '/_sandbox/state')).json as { maxConcurrentDeployments: number }).maxConcurrentDeployments).toBe(2);
  });
});

describe('concurrency of deployments, counted from their spans', () => {
  it('does not count a deployment that ends as another starts as overlapping', () => {
    expect(maxConcurrent([])).toBe(0);
    const spans = [
      { shortName: 'a', startedAt: 0, finishesAt: 10 },
      { shortName: 'b', startedAt: 10, finishesAt: 20 },
      { shortName: 'c', startedAt: 5, finishesAt: 15 },
      { shortName: 'd', startedAt: 6, finishesAt: 7 },
    ];
    expect(maxConcurrent(spans)).toBe(3);
    expect(maxConcurrent(spans.slice(0, 2))).toBe(1);
  });
});

describe('other endpoints', () => {
  it('list customers with the documented keys, and site locations with allDetails', async () => {
    const list = (await callApi(h, 'GET', '/api/v3/customer')).json as Record<string, unknown>[];
    expect(list.map((c) => c.CustomerShortName)).toEqual(['ExistingCo', 'FabrikamVoice', 'NorthwindTel', 'BrokenCo']);
    expect(Object.keys(list[0])).toEqual(expect.arrayContaining(['UmpCustomerGuid', 'CustomerShortName', 'CustomerFullName', 'LicenseType', 'MsTenantId']));
    expect(list[0].SiteLocation).toBeUndefined();
    const detailed = (await callApi(h, 'GET', '/api/v3/customer?allDetails=true')).json as { SiteLocation: { sbcDeploymentState: string }[] }[];
    expect(detailed.map((c) => c.SiteLocation[0].sbcDeploymentState)).toEqual(['Deployed', 'Deployed', 'Deployed', 'Failed']);
  });

  it("keeps another operator's customer out of the list, but refuses its short name on create", async () => {
    const list = (await callApi(h, 'GET', '/api/v3/customer')).json as { CustomerShortName: string }[];
    expect(list.map((c) => c.CustomerShortName)).not.toContain('HiddenCo');
    const refused = await callApi(h, 'POST', '/api/v2/customer', newCustomer('hiddenco'));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ errors: { ShortName: ["A customer with the short name 'hiddenco' already exists."] } });
    expect((await callApi(h, 'GET', '/api/v3/customer/3f1e2d4c-0000-4a00-8000-000000000005')).status).toBe(200);
  });

  it('page script templates (default size 10), filter them by type, and add variables only with allDetails', async () => {
    const page = async (q: string) =>
      (await callApi(h, 'GET', `/api/v2/scripttemplates?${q}`)).json as { id: number; customerVariables?: string[]; relatedScripts?: unknown[] }[];
    const sizes = [];
    for (let p = 0; p < 4; p++) sizes.push((await page(`scriptType=Any&allDetails=true&pageNumber=${p}`)).length);
    expect(sizes).toEqual([10, 10, 8, 0]);
    expect((await page('scriptType=M365&pageSize=50')).map((t) => t.id)).toEqual([20, 21, 22, 23]);
    const sbc = await page('scriptType=SBC&allDetails=true&pageSize=100');
    expect(sbc).toHaveLength(24);
    expect(sbc.find((t) => t.id === 7)).toEqual({
      id: 7,
      name: 'sbc-scenario7',
      scriptType: 1,
      description: 'SIP registration with two customer variables',
      customerVariables: ['Variable1', 'Variable2'],
      relatedScripts: [{ key: 700, value: 'sbc-scenario7Cleanup' }],
    });
    expect((await page('scriptType=Any'))[0].customerVariables).toBeUndefined();
    expect((await callApi(h, 'GET', '/api/v2/scripttemplates?scriptType=Nope')).status).toBe(400);
  });

  it('delete a customer (200, body 1), then answer 404 with a bare JSON string', async () => {
    const guid = '3f1e2d4c-0000-4a00-8000-000000000002';
    const first = await callApi(h, 'DELETE', `/api/v2/customer/${guid}`);
    expect([first.status, first.text]).toEqual([200, '1']);
    const second = await callApi(h, 'DELETE', `/api/v2/customer/${guid}`);
    expect([second.status, second.json]).toEqual([404, `Customer with ${guid} not found`]);
  });

  it('answer 404 for unknown paths and 405 for a known path with another method', async () => {
    expect((await callApi(h, 'GET', '/api/v9/nothing')).status).toBe(404);
    expect((await callApi(h, 'PUT', '/api/v2/customer')).status).toBe(405);
  });

  it('drift the key casing when asked, as docs/live-platform-api.md warns real servers do', async () => {
    h.sandbox.configure({ casing: 'drifted' });
    const created = (await callApi(h, 'POST', '/api/v2/customer', newCustomer('DriftCo'))).json as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(['CustomerId', 'DeploymentState', 'ErrorDetails', 'Id', 'ProgressDetails', 'SiteLocationIds']);
    expect(created.SiteLocationIds).toEqual([expect.any(Number)]);
    const list = (await callApi(h, 'GET', '/api/v3/customer')).json as Record<string, unknown>[];
    expect(list[0]).toHaveProperty('umpCustomerGuid');
  });
});

describe('fault injection', () => {
  it('serves the next N matching requests with the injected status and Retry-After, then recovers', async () => {
    await control(h, 'POST', '/_sandbox/config', { faults: [{ kind: 'status', status: 503, retryAfterSec: 7, count: 2, match: 'GET /api/v3/customer' }] });
    const a = await callApi(h, 'GET', '/api/v3/customer');
    expect([a.status, a.header('retry-after')]).toEqual([503, '7']);
    expect(a.json).toMatchObject({ status: 503, traceId: expect.any(String), errorTicket: expect.any(String) });
    expect((await callApi(h, 'GET', '/api/v2/scripttemplates')).status).toBe(200); // not matched
    expect((await callApi(h, 'GET', '/api/v3/customer')).status).toBe(503);
    expect((await callApi(h, 'GET', '/api/v3/customer')).status).toBe(200);
  });

  it('answers malformed JSON on request', async () => {
    h.sandbox.inject({ kind: 'malformed', match: '/api/v3/customer' });
    const res = await callApi(h, 'GET', '/api/v3/customer');
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text) as unknown).toThrow();
  });

  it('drops the connection on request', async () => {
    h.sandbox.inject({ kind: 'drop', match: 'GET /api/v3/customer' });
    await expect(callApi(h, 'GET', '/api/v3/customer')).rejects.toThrow();
  });

  it('can fail after doing the work: the customer exists although the answer was a 500', async () => {
    h.sandbox.inject({ kind: 'status', status: 500, after: true, match: 'POST /api/v2/customer' });
    expect((await callApi(h, 'POST', '/api/v2/customer', newCustomer('HalfCo'))).status).toBe(500);
    expect(h.sandbox.customers().map((c) => c.shortName)).toContain('HalfCo');
  });

  it('validates control requests', async () => {
    expect((await control(h, 'POST', '/_sandbox/config', { mode: 'eventually' })).status).toBe(400);
    expect((await control(h, 'POST', '/_sandbox/config', { faults: [{ kind: 'status', status: 200 }] })).status).toBe(400);
    expect((await control(h, 'POST', '/_sandbox/config', { mode: 'task', stepMs: 0 })).json).toMatchObject({ settings: { mode: 'task', stepMs: 0 } });
  });
});

describe('inspection and reset', () => {
  it('records every call with its route and status, but not the control calls', async () => {
    await callApi(h, 'GET', '/api/v3/customer');
    await callApi(h, 'GET', '/api/v3/customer', undefined, '');
    const log = (await control(h, 'GET', '/_sandbox/requests')).json as { route: string; status: number; auth: string }[];
    expect(log.map((r) => [r.route, r.status, r.auth])).toEqual([
      ['token', 200, 'none'],
      ['listCustomers', 200, 'valid'],
      ['listCustomers', 401, 'none'],
    ]);
    expect(h.sandbox.requests()).toEqual(log);
    expect((await control(h, 'GET', '/_sandbox/requests/counts')).json).toEqual({ token: 1, listCustomers: 2 });
  });

  it('counts calls per route beyond what the trimmed log keeps, until cleared', async () => {
    for (let i = 0; i < 5010; i++) await callApi(h, 'GET', '/api/v3/customer', undefined, '');
    expect(h.sandbox.requests()).toHaveLength(5000);
    expect((await control(h, 'GET', '/_sandbox/requests/counts')).json).toEqual({ listCustomers: 5010 });
    await control(h, 'DELETE', '/_sandbox/requests');
    expect((await control(h, 'GET', '/_sandbox/requests/counts')).json).toEqual({});
  });

  it('tells when each customer started deploying and its step time, so step times can be computed', async () => {
    const before = Date.now();
    await callApi(h, 'POST', '/api/v2/customer', newCustomer('TimedCo'));
    const c = h.sandbox.customers().find((x) => x.shortName === 'TimedCo');
    expect(c?.startedAt).toBeGreaterThanOrEqual(before);
    expect(c?.stepMs).toBe(h.sandbox.settings().stepMs);
  });

  it('resets to the seeded state: created customers gone, deleted ones back, settings and faults restored', async () => {
    await callApi(h, 'POST', '/api/v2/customer', newCustomer('TempCo'));
    await callApi(h, 'DELETE', '/api/v2/customer/3f1e2d4c-0000-4a00-8000-000000000001');
    h.sandbox.configure({ mode: 'task' });
    h.sandbox.inject({ kind: 'status', status: 500, count: 10 });
    expect((await control(h, 'POST', '/_sandbox/reset')).status).toBe(200);
    expect(h.sandbox.customers().map((c) => c.shortName)).toEqual(['ExistingCo', 'FabrikamVoice', 'NorthwindTel', 'BrokenCo', 'HiddenCo']);
    expect(h.sandbox.settings().mode).toBe('poll');
    expect(h.sandbox.requests()).toEqual([]);
    expect((await callApi(h, 'GET', '/api/v3/customer')).status).toBe(200);
  });

  it('closes promptly even while an answer is being held back', async () => {
    const other = await startSandbox({ slowMs: 60_000, stepMs: 0 });
    const pending = callApi(other, 'POST', '/api/v2/customer', newCustomer('slowClose')).then(
      () => 'answered',
      () => 'cut off',
    );
    for (let i = 0; i < 200 && other.sandbox.customers().length < 5; i++) await new Promise((r) => setTimeout(r, 5));
    await other.close();
    await expect(pending).resolves.toBe('cut off');
  });
});
