import { UmpHttpError, UmpNetworkError, UmpShapeError, UmpTimeoutError } from './errors';
import { byRoute, CARRIER_PASSWORD, captureLog, clientFor, newCustomer, startSandbox, type Harness } from '../../test/helpers/sandbox-support';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox({ mode: 'poll', stepMs: 10 });
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const LIST = 'GET /api/v3/customer';
const CREATE = 'POST /api/v2/customer';

describe('idempotent GETs', () => {
  it('wait as long as Retry-After asks on a 503, then succeed', async () => {
    h.sandbox.inject({ kind: 'status', status: 503, retryAfterSec: 1, match: LIST });
    const log = captureLog('debug');
    const customers = await clientFor(h, { logger: log.logger }).listCustomers();
    expect(customers.map((c) => c.shortName)).toContain('ExistingCo');
    expect(byRoute(h, 'listCustomers').map((r) => r.status)).toEqual([503, 200]);
    const retryLines = log.lines().filter((l) => l.msg === 'Live Platform call failed; retrying');
    expect(retryLines).toHaveLength(1);
    expect(retryLines[0].delayMs).toBe(1000);
  });

  it('retry 500s and dropped connections, and succeed once the server recovers', async () => {
    h.sandbox.inject({ kind: 'status', status: 500, count: 1, match: LIST }, { kind: 'drop', count: 1, match: LIST });
    await expect(clientFor(h).listCustomers()).resolves.toHaveLength(4);
    expect(byRoute(h, 'listCustomers').map((r) => r.status)).toEqual([500, 0, 200]);
  });

  it('give up after the retry count, keeping the trace id and error ticket', async () => {
    h.sandbox.inject({ kind: 'status', status: 500, count: 10, match: LIST });
    const err = await clientFor(h, { retry: { retries: 2, baseDelayMs: 1 } })
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpHttpError);
    expect(err).toMatchObject({
      status: 500,
      method: 'GET',
      path: '/api/v3/customer',
      traceId: expect.stringMatching(/^00-/),
      errorTicket: expect.stringMatching(/^SBX-/),
    });
    expect((err as UmpHttpError).userMessage).toMatch(/error ticket SBX-.*trace id 00-/);
    expect(byRoute(h, 'listCustomers')).toHaveLength(3);
  });

  it('do not wait for a Retry-After longer than the policy accepts', async () => {
    h.sandbox.inject({ kind: 'status', status: 503, retryAfterSec: 120, match: LIST });
    const err = await clientFor(h, { retry: { maxRetryAfterMs: 60_000 } })
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, retryAfterMs: 120_000 });
    expect(byRoute(h, 'listCustomers')).toHaveLength(1);
  });

  it('time out with a UmpTimeoutError after the retries', async () => {
    h.sandbox.inject({ kind: 'delay', ms: 2_000, count: 3, match: LIST });
    const err = await clientFor(h, { requestTimeoutMs: 100, retry: { retries: 1, baseDelayMs: 1 } })
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpTimeoutError);
    expect(byRoute(h, 'listCustomers')).toHaveLength(2);
  });

  it('are not retried on a 4xx', async () => {
    const client = clientFor(h);
    await expect(client.getCustomerProgress('no-such-guid')).rejects.toMatchObject({ status: 404, detail: 'Customer with no-such-guid not found' });
    expect(byRoute(h, 'getCustomer')).toHaveLength(1);
  });
});

describe('answers that are not what the docs describe', () => {
  it('malformed JSON is a UmpShapeError that keeps the raw body, and is not retried', async () => {
    h.sandbox.inject({ kind: 'malformed', match: LIST });
    const err = await clientFor(h)
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpShapeError);
    expect(err).not.toBeInstanceOf(UmpHttpError);
    const shape = err as UmpShapeError;
    expect(shape).toMatchObject({ status: 200, method: 'GET', path: '/api/v3/customer', issues: ['(body): not valid JSON'] });
    expect(shape.rawBody).toContain('UmpCustomerGuid');
    expect(byRoute(h, 'listCustomers')).toHaveLength(1);
  });

  it('a malformed create answer is not re-POSTed: the customer it most likely created is adopted', async () => {
    h.sandbox.inject({ kind: 'malformed', match: CREATE });
    const out = await clientFor(h).createCustomer(newCustomer('ShapeCo'));
    expect(out).toMatchObject({ mode: 'poll', adopted: true });
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('a malformed create answer with nothing to adopt is a UmpShapeError, and still only one POST', async () => {
    // The dot makes the sandbox refuse the create; the fault then turns that refusal into an unreadable 200.
    h.sandbox.inject({ kind: 'malformed', match: CREATE });
    const err = await clientFor(h)
      .createCustomer(newCustomer('Gone.Co'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpShapeError);
    expect((err as UmpShapeError).rawBody).toContain('One or more validation errors');
    expect(JSON.stringify(err)).not.toContain(CARRIER_PASSWORD);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
    expect(byRoute(h, 'listCustomers')).toHaveLength(1);
  });
});

describe('the create POST is never repeated blindly', () => {
  it('after a client timeout, finds the customer the server did create and adopts it: exactly one POST', async () => {
    const client = clientFor(h, { createTimeoutMs: 300 });
    const out = await client.createCustomer(newCustomer('slowCo'));
    expect(out).toMatchObject({ mode: 'poll', adopted: true });
    const created = h.sandbox.customers().find((c) => c.shortName === 'slowCo');
    expect(out.mode !== 'task' && out.customerGuid).toBe(created?.guid);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('after a 500 from a server that had already created the customer, adopts it: exactly one POST', async () => {
    h.sandbox.inject({ kind: 'status', status: 500, after: true, match: CREATE });
    const out = await clientFor(h).createCustomer(newCustomer('CrashCo'));
    expect(out.adopted).toBe(true);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('after a 503 or a dropped connection with nothing created, looks first and then POSTs again', async () => {
    h.sandbox.inject({ kind: 'status', status: 503, match: CREATE }, { kind: 'drop', match: CREATE });
    const out = await clientFor(h).createCustomer(newCustomer('RetryCo'));
    expect(out).toMatchObject({ mode: 'poll', adopted: false });
    expect(byRoute(h, 'createCustomer').map((r) => r.status)).toEqual([503, 0, 200]);
    expect(byRoute(h, 'listCustomers')).toHaveLength(2);
    expect(h.sandbox.customers().filter((c) => c.shortName === 'RetryCo')).toHaveLength(1);
  });

  it('stops after the bounded number of POSTs', async () => {
    h.sandbox.inject({ kind: 'status', status: 502, count: 10, match: CREATE });
    const err = await clientFor(h, { retry: { createRetries: 2, baseDelayMs: 1 } })
      .createCustomer(newCustomer('DownCo'))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502 });
    expect(byRoute(h, 'createCustomer')).toHaveLength(3);
    expect(byRoute(h, 'listCustomers')).toHaveLength(3);
  });

  it('does not POST again when the look-up itself fails: it cannot know, so the caller must reconcile later', async () => {
    h.sandbox.inject({ kind: 'drop', match: CREATE }, { kind: 'status', status: 500, count: 10, match: LIST });
    const err = await clientFor(h, { retry: { retries: 1, baseDelayMs: 1 } })
      .createCustomer(newCustomer('BlindCo'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpNetworkError);
    expect(byRoute(h, 'createCustomer')).toHaveLength(1);
  });

  it('treats 429 as "not done": waits and POSTs again without a look-up', async () => {
    h.sandbox.inject({ kind: 'status', status: 429, retryAfterSec: 0, match: CREATE });
    const out = await clientFor(h).createCustomer(newCustomer('BusyCo'));
    expect(out.adopted).toBe(false);
    expect(byRoute(h, 'createCustomer').map((r) => r.status)).toEqual([429, 200]);
    expect(byRoute(h, 'listCustomers')).toHaveLength(0);
  });

  it('adopts when the repeated POST is refused as a duplicate because the first one landed late', async () => {
    // POST 1 is held before handling longer than the client waits, so the look-up finds nothing;
    // it then creates the customer before POST 2 (sent after the backoff) arrives and is refused.
    h.sandbox.inject({ kind: 'delay', ms: 500, match: CREATE });
    const client = clientFor(h, { createTimeoutMs: 100, retry: { baseDelayMs: 1_200, maxDelayMs: 1_200 } });
    const out = await client.createCustomer(newCustomer('LateCo'));
    expect(out).toMatchObject({ mode: 'poll', adopted: true });
    expect(byRoute(h, 'createCustomer').map((r) => [r.status, r.clientGone ?? false])).toEqual([
      [200, true],
      [400, false],
    ]);
    expect(byRoute(h, 'listCustomers')).toHaveLength(2);
    expect(h.sandbox.customers().filter((c) => c.shortName === 'LateCo')).toHaveLength(1);
  });
});

describe('script templates', () => {
  it('reads every page, so cleanup scripts on later pages are still paired', async () => {
    const client = clientFor(h);
    const all = await client.listScriptTemplates();
    expect(all).toHaveLength(28);
    expect(new Set(all.map((t) => t.id)).size).toBe(28);
    expect(byRoute(h, 'listScriptTemplates').map((r) => r.query.pageNumber)).toEqual(['0', '1', '2', '3']);
    const onboarding = await client.listOnboardingScripts();
    expect(onboarding).toHaveLength(12);
    expect(onboarding.find((o) => o.id === 7)).toEqual({
      id: 7,
      name: 'sbc-scenario7',
      description: 'SIP registration with two customer variables',
      customerVariables: ['Variable1', 'Variable2'],
      cleanupScriptId: 700,
      cleanupScriptName: 'sbc-scenario7Cleanup',
    });
    expect(onboarding.find((o) => o.id === 10007)?.cleanupScriptId).toBe(10700);
  });

  it('warns instead of silently showing one page when the server ignores the paging parameters', async () => {
    const log = captureLog('warn');
    const all = await clientFor(h, { logger: log.logger, scriptTemplatePaging: { pageParam: 'page' } }).listScriptTemplates();
    expect(all).toHaveLength(10);
    expect(log.lines().some((l) => String(l.msg).includes('may be incomplete'))).toBe(true);
  });
});

describe('reading and deleting customers', () => {
  it('gets one customer with its site locations, and undefined for an unknown guid', async () => {
    const client = clientFor(h);
    const existing = await client.findCustomerByShortName('existingco');
    expect(existing).toMatchObject({ shortName: 'ExistingCo', msTenantId: '11111111-1111-4111-8111-111111111111' });
    const details = await client.getCustomer(existing?.guid ?? '');
    expect(details).toMatchObject({ shortName: 'ExistingCo', licenseType: 'Essentials', siteLocations: [{ sbcId: 5, sbcDeploymentState: 'Deployed' }] });
    await expect(client.getCustomer('00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
  });

  it('deletes a customer, and reports a second delete as not-found', async () => {
    const client = clientFor(h);
    const guid = (await client.findCustomerByShortName('FabrikamVoice'))?.guid ?? '';
    await expect(client.deleteCustomer(guid)).resolves.toBe('deleted');
    await expect(client.deleteCustomer(guid)).resolves.toBe('not-found');
    await expect(client.findCustomerByShortName('FabrikamVoice')).resolves.toBeUndefined();
  });
});

describe('secrets', () => {
  it('never reach a log line or an error, whatever goes wrong', async () => {
    const log = captureLog('trace');
    const client = clientFor(h, { logger: log.logger, createTimeoutMs: 300 });
    const errors: unknown[] = [];
    h.sandbox.inject({ kind: 'status', status: 500, after: true, match: CREATE }, { kind: 'malformed', match: 'GET /api/v2/customer/' });
    await client.createCustomer(newCustomer('LeakCo')).catch((e: unknown) => errors.push(e));
    await client.createCustomer(newCustomer('leak.co')).catch((e: unknown) => errors.push(e));
    await client.createCustomer(newCustomer('slowLeak')).catch((e: unknown) => errors.push(e));
    await clientFor(h, { logger: log.logger, clientSecret: 'Wr0ng-Secret' })
      .createCustomer(newCustomer('AuthLeak'))
      .catch((e: unknown) => errors.push(e));
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const everything =
      log.text() + JSON.stringify(errors) + errors.map((e) => `${(e as Error).message} ${(e as { userMessage?: string }).userMessage}`).join(' ');
    for (const secret of [CARRIER_PASSWORD, 'sandbox-secret', 'Wr0ng-Secret']) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/sbx\.[\w-]{8,}/);
    expect(JSON.stringify(h.sandbox.requests())).not.toContain(CARRIER_PASSWORD);
  });
});
