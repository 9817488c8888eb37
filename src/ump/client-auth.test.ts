import { UmpAuthError, UmpHttpError } from './errors';
import { byRoute, captureLog, clientFor, startSandbox, type Harness } from '../../test/helpers/sandbox-support';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

describe('Live Platform authentication', () => {
  it('fetches one token for many calls, and concurrent first calls share a single token request', async () => {
    const client = clientFor(h);
    await Promise.all([client.listCustomers(), client.listCustomers(), client.listCustomers(), client.listScriptTemplates()]);
    await client.listCustomers();
    expect(byRoute(h, 'token')).toHaveLength(1);
    expect(byRoute(h, 'listCustomers').every((r) => r.auth === 'valid')).toBe(true);
  });

  it('sends the documented client-credentials form', async () => {
    await clientFor(h).listCustomers();
    expect(byRoute(h, 'token')[0].body).toEqual({
      grant_type: 'client_credentials',
      client_id: 'sandbox-client',
      client_secret: '[redacted]',
      scope: 'api://ump-sandbox/.default',
    });
  });

  it('renews the token a few minutes before it expires, not before', async () => {
    let clock = 1_000_000;
    const client = clientFor(h, { now: () => clock });
    await client.listCustomers();
    clock += 50 * 60_000; // 50 of the token's ~60 minutes
    await client.listCustomers();
    expect(byRoute(h, 'token')).toHaveLength(1);
    clock += 6 * 60_000; // now inside the last five minutes
    await client.listCustomers();
    expect(byRoute(h, 'token')).toHaveLength(2);
  });

  it('after a 401 fetches a new token once and repeats the call', async () => {
    const client = clientFor(h);
    await client.listCustomers();
    h.sandbox.expireTokens();
    await expect(client.listCustomers()).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ shortName: 'ExistingCo' })]));
    expect(byRoute(h, 'token')).toHaveLength(2);
    expect(byRoute(h, 'listCustomers').map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('re-authenticates only once: a second 401 becomes an error that points at the scope and app registration', async () => {
    h.sandbox.inject({ kind: 'status', status: 401, count: 5, match: 'GET /api/v3/customer' });
    const err = await clientFor(h)
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpHttpError);
    expect(err).toMatchObject({ status: 401, method: 'GET', path: '/api/v3/customer' });
    expect((err as UmpHttpError).userMessage).toContain('UMP_SCOPE');
    expect(byRoute(h, 'token')).toHaveLength(2);
    expect(byRoute(h, 'listCustomers')).toHaveLength(2);
  });

  it.each([
    ['a wrong client secret', { clientSecret: 'not-the-secret' }, 'UMP_CLIENT_SECRET', 'AADSTS7000215'],
    ['an unknown client id', { clientId: 'someone-else' }, 'UMP_CLIENT_ID', 'AADSTS700016'],
    ['a scope of another application', { scope: 'api://other-app/.default' }, 'UMP_SCOPE', 'AADSTS500011'],
    ['a scope without /.default', { scope: 'api://ump-sandbox' }, 'UMP_SCOPE', 'AADSTS1002012'],
  ])('turns %s into a UmpAuthError naming the setting to check', async (_what, override, setting, code) => {
    const err = await clientFor(h, override)
      .listCustomers()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UmpAuthError);
    expect(err).toMatchObject({ setting, aadsts: code });
    expect((err as UmpAuthError).message).toContain(`Check ${setting}`);
    expect((err as UmpAuthError).userMessage).toContain(setting);
    expect((err as UmpAuthError).traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify({ m: (err as Error).message, u: (err as UmpAuthError).userMessage })).not.toContain('not-the-secret');
    expect(byRoute(h, 'listCustomers')).toHaveLength(0);
  });

  it('blames UMP_TOKEN_URL for an unknown tenant, a path that is not a token endpoint, and an unreachable host', async () => {
    const wrongTenant = h.running.tokenUrl.replace('sandbox-tenant', 'other-tenant');
    const notToken = `${h.running.url}/nowhere/token`;
    const other = await startSandbox();
    const unreachable = other.running.tokenUrl;
    await other.close();
    for (const tokenUrl of [wrongTenant, notToken, unreachable]) {
      const err = await clientFor(h, { tokenUrl, retry: { retries: 0 } })
        .listCustomers()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UmpAuthError);
      expect((err as UmpAuthError).setting).toBe('UMP_TOKEN_URL');
    }
  });

  it('retries a token endpoint that is briefly unavailable', async () => {
    h.sandbox.inject({ kind: 'status', status: 503, count: 1, match: 'token' });
    await expect(clientFor(h).listCustomers()).resolves.toHaveLength(4);
    expect(byRoute(h, 'token').map((r) => r.status)).toEqual([503, 200]);
  });

  it('ping proves the token and one authenticated call, and throws the typed error when they fail', async () => {
    await expect(clientFor(h).ping()).resolves.toBeUndefined();
    expect(byRoute(h, 'listScriptTemplates')).toHaveLength(1);
    await expect(clientFor(h, { clientSecret: 'nope' }).ping()).rejects.toBeInstanceOf(UmpAuthError);
  });

  it('never writes the client secret or a token into the log', async () => {
    const log = captureLog('trace');
    const client = clientFor(h, { logger: log.logger });
    await client.listCustomers();
    h.sandbox.expireTokens();
    await client.listCustomers();
    await clientFor(h, { logger: log.logger, clientSecret: 'wrong-secret-value' })
      .listCustomers()
      .catch(() => undefined);
    expect(log.lines().length).toBeGreaterThan(3);
    expect(log.text()).not.toContain('sandbox-secret');
    expect(log.text()).not.toContain('wrong-secret-value');
    expect(log.text()).not.toMatch(/sbx\.[\w-]{8,}/);
  });
});
