import axios from 'axios';
import { createLoginStandin, TEST_TENANTS, type RunningLoginStandin, type TestTenant } from './login-standin';

const http = axios.create({ validateStatus: () => true, timeout: 2000 });
const discoveryUrl = (authority: string, tenant: string) => `${authority}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;

describe('login stand-in', () => {
  const standin = createLoginStandin();
  let running: RunningLoginStandin;

  beforeAll(async () => {
    running = await standin.start();
  });
  afterAll(() => running.close());

  const existing = (Object.values(TEST_TENANTS) as TestTenant[]).filter((t) => t.behaviour === 'exists');
  const addresses = existing.flatMap((t) => [t.guid, t.domain, ...t.otherDomains, t.domain.toUpperCase()].map((a) => [t.name, a, t.guid] as const));

  it.each(addresses)('answers 200 for %s addressed as %s, with an issuer naming its GUID on the stand-in origin', async (_name, address, guid) => {
    const res = await http.get(discoveryUrl(running.url, address));
    expect(res.status).toBe(200);
    expect(res.data.issuer).toBe(`${running.url}/${guid}/v2.0`);
    expect(res.data.token_endpoint).toBe(`${running.url}/${guid}/oauth2/v2.0/token`);
  });

  it.each(['nobody.onmicrosoft.com', TEST_TENANTS.missing.domain, TEST_TENANTS.missing.guid])(
    'answers 400 invalid_tenant / AADSTS90002 for the unknown tenant %s, as Microsoft does',
    async (tenant) => {
      const res = await http.get(discoveryUrl(running.url, tenant));
      expect(res.status).toBe(400);
      expect(res.data.error).toBe('invalid_tenant');
      expect(res.data.error_description).toMatch(new RegExp(`^AADSTS90002: Tenant '${tenant.replace(/\./g, '\\.')}' not found\\.`));
      expect(res.data.error_codes).toEqual([90002]);
    },
  );

  it.each([TEST_TENANTS.outage.domain, TEST_TENANTS.outage.guid])('answers 503 for the outage tenant %s', async (tenant) => {
    expect((await http.get(discoveryUrl(running.url, tenant))).status).toBe(503);
  });

  it('answers HTML with status 200 for the garbled tenant', async () => {
    const res = await http.get(discoveryUrl(running.url, TEST_TENANTS.garbled.domain), { responseType: 'text' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('never answers for the hang tenant, yet close() still completes', async () => {
    const hanging = createLoginStandin();
    const own = await hanging.start();
    const pending = http.get(discoveryUrl(own.url, TEST_TENANTS.hang.guid), { timeout: 0 }).then(
      () => 'answered',
      () => 'connection dropped',
    );
    while (hanging.requestCount() === 0) await new Promise((r) => setImmediate(r));
    await own.close();
    // Had the stand-in answered before close(), the request would have resolved.
    expect(await pending).toBe('connection dropped');
  });

  it('answers 404 for other paths and counts every request it receives', async () => {
    const counter = createLoginStandin();
    const own = await counter.start();
    try {
      expect(counter.requestCount()).toBe(0);
      expect((await http.get(`${own.url}/contoso.com/v2.0/token`)).status).toBe(404);
      await http.get(discoveryUrl(own.url, 'contoso.com'));
      expect(counter.requestCount()).toBe(2);
      expect(counter.requests().map((r) => r.tenant)).toEqual([undefined, 'contoso.com']);
    } finally {
      await own.close();
    }
  });

  it('serves the tenants it is given instead of the default ones, and keeps the fault tenants', async () => {
    const custom = createLoginStandin({ tenants: { 'northwind.onmicrosoft.com': '7DA8252F-D78F-4D91-B0E4-386B575E05CD' } });
    const own = await custom.start();
    try {
      const res = await http.get(discoveryUrl(own.url, 'northwind.onmicrosoft.com'));
      expect(res.data.issuer).toBe(`${own.url}/7da8252f-d78f-4d91-b0e4-386b575e05cd/v2.0`);
      expect((await http.get(discoveryUrl(own.url, TEST_TENANTS.contoso.domain))).status).toBe(400);
      expect((await http.get(discoveryUrl(own.url, TEST_TENANTS.outage.domain))).status).toBe(503);
      expect(custom.tenants).toEqual({
        'northwind.onmicrosoft.com': '7da8252f-d78f-4d91-b0e4-386b575e05cd',
        '7da8252f-d78f-4d91-b0e4-386b575e05cd': '7da8252f-d78f-4d91-b0e4-386b575e05cd',
      });
    } finally {
      await own.close();
    }
  });
});
