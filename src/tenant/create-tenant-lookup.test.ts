import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../logger';
import { createLoginStandin, TEST_TENANTS, type LoginStandin, type RunningLoginStandin } from '../sandbox/login-standin';
import { createTenantLookup, type TenantLookupOptions } from '.';

const CONTOSO = TEST_TENANTS.contoso;

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', pretty: false, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('tenant lookup against the login stand-in', () => {
  let standin: LoginStandin;
  let running: RunningLoginStandin;
  let clock: number;

  beforeEach(async () => {
    standin = createLoginStandin();
    running = await standin.start();
    clock = 1_000_000;
  });
  afterEach(() => running.close());

  const lookup = (overrides: Partial<TenantLookupOptions> = {}) =>
    createTenantLookup({ authority: running.url, timeoutMs: 2000, logger: capturingLogger().logger, now: () => clock, ...overrides });

  describe('answers', () => {
    it.each([CONTOSO.guid, CONTOSO.guid.toUpperCase(), CONTOSO.domain, 'contoso.com', ' Contoso.COM '])(
      'finds Contoso from %j and returns its lower-case GUID',
      async (input) => {
        await expect(lookup().resolve(input)).resolves.toEqual({ status: 'found', tenantId: CONTOSO.guid, input });
      },
    );

    it('finds a tenant whose discovery document lives behind an authority given with a trailing slash', async () => {
      await expect(lookup({ authority: `${running.url}/` }).resolve('fabrikam.com')).resolves.toMatchObject({
        status: 'found',
        tenantId: TEST_TENANTS.fabrikam.guid,
      });
    });

    it.each(['nobody.onmicrosoft.com', TEST_TENANTS.missing.guid])('reports %s as not found, with a message that says what to check', async (input) => {
      await expect(lookup().resolve(input)).resolves.toEqual({
        status: 'not_found',
        input,
        message: `Tenant '${input}' was not found in Microsoft Entra ID. Check the tenant id (a GUID) or its verified domain, e.g. contoso.onmicrosoft.com.`,
      });
    });

    it('reports malformed input as invalid without asking Microsoft', async () => {
      const result = await lookup().resolve('admin@contoso.com');
      expect(result).toMatchObject({ status: 'invalid', input: 'admin@contoso.com' });
      expect(result.status === 'invalid' && result.message).toMatch(/email address/);
      expect(standin.requestCount()).toBe(0);
    });

    it.each([
      ['a 503', TEST_TENANTS.outage.domain, /HTTP 503 \(temporarily_unavailable AADSTS90033\)/],
      ['an HTML page with status 200', TEST_TENANTS.garbled.domain, /HTTP 200 without an issuer \(body is not JSON\)/],
    ])('cannot verify a tenant when the authority answers %s', async (_what, input, reason) => {
      const result = await lookup().resolve(input);
      expect(result).toMatchObject({ status: 'unverified', input });
      expect(result.status === 'unverified' && result.reason).toMatch(reason);
    });

    it('cannot verify a tenant when the authority does not answer within the timeout', async () => {
      const result = await lookup({ timeoutMs: 150 }).resolve(TEST_TENANTS.hang.domain);
      expect(result).toMatchObject({ status: 'unverified' });
      expect(result.status === 'unverified' && result.reason).toMatch(/^no answer within 150 ms from GET http:\/\/127\.0\.0\.1:\d+\/hang\.example\//);
    });

    it('cannot verify a tenant when nothing listens at the authority', async () => {
      const gone = await createLoginStandin().start();
      await gone.close();
      const result = await lookup({ authority: gone.url }).resolve(CONTOSO.domain);
      expect(result).toMatchObject({ status: 'unverified' });
      expect(result.status === 'unverified' && result.reason).toMatch(/request failed \(ECONNREFUSED/);
    });

    it('logs why a tenant could not be verified, as a warning', async () => {
      const { logger, lines } = capturingLogger();
      await createTenantLookup({ authority: running.url, timeoutMs: 2000, logger }).resolve(TEST_TENANTS.outage.guid);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          component: 'tenant-lookup',
          tenant: TEST_TENANTS.outage.guid,
          reason: expect.stringMatching(/HTTP 503/),
          msg: 'tenant could not be verified',
        }),
      );
    });
  });

  describe('caching', () => {
    it('asks once for concurrent lookups of the same tenant, whatever their letter case', async () => {
      const tenants = lookup();
      const results = await Promise.all(['contoso.com', 'CONTOSO.com', 'contoso.com', ' contoso.com'].map((i) => tenants.resolve(i)));
      expect(results.map((r) => r.status)).toEqual(['found', 'found', 'found', 'found']);
      expect(standin.requestCount()).toBe(1);
    });

    it('remembers a found tenant until its time to live has passed', async () => {
      const tenants = lookup({ cacheTtlMs: 60_000 });
      await tenants.resolve(CONTOSO.domain);
      clock += 59_999;
      await expect(tenants.resolve(CONTOSO.domain)).resolves.toMatchObject({ status: 'found', tenantId: CONTOSO.guid });
      expect(standin.requestCount()).toBe(1);
      clock += 1;
      await tenants.resolve(CONTOSO.domain);
      expect(standin.requestCount()).toBe(2);
    });

    it('remembers a found domain under its GUID too', async () => {
      const tenants = lookup();
      await tenants.resolve('contoso.com');
      await expect(tenants.resolve(CONTOSO.guid)).resolves.toMatchObject({ status: 'found', input: CONTOSO.guid });
      expect(standin.requestCount()).toBe(1);
    });

    it('remembers "not found" only for the shorter negative time to live', async () => {
      const tenants = lookup({ cacheTtlMs: 3_600_000, negativeCacheTtlMs: 30_000 });
      await tenants.resolve('nobody.onmicrosoft.com');
      await expect(tenants.resolve('nobody.onmicrosoft.com')).resolves.toMatchObject({ status: 'not_found' });
      expect(standin.requestCount()).toBe(1);
      clock += 30_000;
      await tenants.resolve('nobody.onmicrosoft.com');
      expect(standin.requestCount()).toBe(2);
    });

    it('never remembers an answer it could not verify', async () => {
      const tenants = lookup();
      await tenants.resolve(TEST_TENANTS.outage.domain);
      await tenants.resolve(TEST_TENANTS.outage.domain);
      expect(standin.requestCount()).toBe(2);
    });

    it('keeps no more than maxCacheEntries answers, dropping the oldest', async () => {
      const tenants = lookup({ maxCacheEntries: 2 });
      await tenants.resolve('one.onmicrosoft.com');
      await tenants.resolve('two.onmicrosoft.com');
      await tenants.resolve('three.onmicrosoft.com');
      await tenants.resolve('three.onmicrosoft.com');
      expect(standin.requestCount()).toBe(3);
      await tenants.resolve('one.onmicrosoft.com');
      expect(standin.requestCount()).toBe(4);
    });
  });
});

describe('tenant lookup against authorities that answer in unexpected shapes', () => {
  let server: http.Server;
  let authority: string;
  let answer: (res: http.ServerResponse, origin: string) => void;

  beforeAll(async () => {
    server = http.createServer((_req, res) => answer(res, authority));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send =
    (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) =>
    (res: http.ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
  const resolve = (input: string) => createTenantLookup({ authority, timeoutMs: 2000, logger: capturingLogger().logger }).resolve(input);

  it('takes the GUID from an issuer on any host, such as a sovereign cloud', async () => {
    answer = send(200, { issuer: 'https://login.microsoftonline.us/4BF50A33-A383-4D3F-9403-220C898BC1B2/v2.0' });
    await expect(resolve('contoso.us')).resolves.toEqual({ status: 'found', tenantId: CONTOSO.guid, input: 'contoso.us' });
  });

  it.each([
    [
      'an issuer without a GUID',
      send(200, { issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }),
      /issuer '.*\{tenantid\}.*' that names no tenant GUID/,
    ],
    ['no issuer', send(200, { token_endpoint: 'x' }), /HTTP 200 without an issuer \(unexpected JSON\)/],
    [
      'a 400 that is not invalid_tenant',
      send(400, {
        error: 'invalid_request',
        error_description: 'AADSTS900023: Specified tenant identifier is neither a valid DirectoryId nor a valid domain name.',
      }),
      /HTTP 400 \(invalid_request AADSTS900023\)/,
    ],
    ['a 404', send(404, 'Not Found'), /^HTTP 404 from GET/],
    ['a redirect', send(302, {}, { location: 'https://elsewhere.example/' }), /^HTTP 302 from GET/],
    // Two statements on purpose: restify (loaded by other suites in the same jest worker) patches
    // ServerResponse.prototype.writeHead globally, and its version does not return the response.
    [
      'a 500 with a non-JSON body',
      (res: http.ServerResponse) => {
        res.writeHead(500);
        res.end('<html>oops</html>');
      },
      /^HTTP 500 from GET/,
    ],
  ])('cannot verify a tenant when the authority answers with %s', async (_what, respond, reason) => {
    answer = respond;
    const result = await resolve('contoso.com');
    expect(result).toMatchObject({ status: 'unverified', input: 'contoso.com' });
    expect(result.status === 'unverified' && result.reason).toMatch(reason);
  });

  it('cannot verify a GUID whose issuer names a different tenant', async () => {
    answer = send(200, { issuer: `https://login.microsoftonline.com/${TEST_TENANTS.fabrikam.guid}/v2.0` });
    const result = await resolve(CONTOSO.guid);
    expect(result.status === 'unverified' && result.reason).toMatch(
      new RegExp(`issuer tenant ${TEST_TENANTS.fabrikam.guid} for requested tenant ${CONTOSO.guid}`),
    );
  });

  it('treats a 400 naming AADSTS90002 as not found even without the invalid_tenant code', async () => {
    answer = send(400, { error: 'some_new_code', error_description: "AADSTS90002: Tenant 'x' not found." });
    await expect(resolve('contoso.com')).resolves.toMatchObject({ status: 'not_found' });
  });

  it('refuses an authority that is not an http(s) URL, saying what it expects', () => {
    expect(() => createTenantLookup({ authority: 'login.microsoftonline.com', timeoutMs: 1000, logger: capturingLogger().logger })).toThrow(
      /not an absolute URL; expected e\.g\. https:\/\/login\.microsoftonline\.com/,
    );
  });
});
