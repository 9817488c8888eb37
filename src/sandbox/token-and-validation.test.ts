import { callApi, CARRIER_PASSWORD, newCustomer, requestToken, startSandbox, type Harness } from '../../test/helpers/sandbox-support';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox({ stepMs: 0 });
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const aadsts = (json: unknown) => /^AADSTS(\d+):/.exec((json as { error_description: string }).error_description)?.[1];

describe('the sandbox token endpoint', () => {
  it('issues a short-lived bearer token for the documented client-credentials form', async () => {
    const res = await requestToken(h);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String) });
  });

  it.each([
    ['a wrong secret', { client_secret: 'nope' }, 401, 'invalid_client', '7000215'],
    ['a missing secret', { client_secret: '' }, 401, 'invalid_client', '7000216'],
    ['an unknown client id', { client_id: 'who' }, 400, 'unauthorized_client', '700016'],
    ['another grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type', '70003'],
    ['a scope without /.default', { scope: 'api://ump-sandbox' }, 400, 'invalid_scope', '1002012'],
    ['a scope for another application', { scope: 'api://elsewhere/.default' }, 400, 'invalid_resource', '500011'],
    ['no scope', { scope: '' }, 400, 'invalid_request', '900144'],
  ])('rejects %s the way Entra does', async (_what, form, status, error, code) => {
    const res = await requestToken(h, form);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error, error_codes: [Number(code)], trace_id: expect.any(String), correlation_id: expect.any(String) });
    expect(aadsts(res.json)).toBe(code);
  });

  it('rejects an unknown tenant in the token URL with AADSTS90002', async () => {
    const res = await requestToken(h, {}, h.running.tokenUrl.replace('sandbox-tenant', 'contoso'));
    expect(res.status).toBe(400);
    expect(aadsts(res.json)).toBe('90002');
  });
});

describe('sandbox API authentication', () => {
  it('answers 401 with an empty body and a Bearer challenge without a token, with a bad one, and with an expired one', async () => {
    const good = ((await requestToken(h)).json as { access_token: string }).access_token;
    for (const token of ['', 'made-up']) {
      const res = await callApi(h, 'GET', '/api/v3/customer', undefined, token);
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
      expect(res.header('www-authenticate')).toMatch(/^Bearer /);
    }
    expect((await callApi(h, 'GET', '/api/v3/customer', undefined, good)).status).toBe(200);
    h.sandbox.expireTokens();
    expect((await callApi(h, 'GET', '/api/v3/customer', undefined, good)).status).toBe(401);
  });

  it('lets tokens run out after their lifetime', async () => {
    let clock = 0;
    const other = await startSandbox({ tokenTtlSec: 60, now: () => clock });
    try {
      const token = ((await requestToken(other)).json as { access_token: string }).access_token;
      clock += 59_000;
      expect((await callApi(other, 'GET', '/api/v3/customer', undefined, token)).status).toBe(200);
      clock += 2_000;
      expect((await callApi(other, 'GET', '/api/v3/customer', undefined, token)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

type Problem = { title: string; status: number; traceId: string; errors: Record<string, string[]> };
const create = async (body: unknown) => {
  const res = await callApi(h, 'POST', '/api/v2/customer', body);
  return { status: res.status, problem: res.json as Problem, json: res.json };
};

describe('create-customer validation', () => {
  it.each([
    ['ab', ['The short name must be 3 to 15 characters long; it has 2.']],
    ['a'.repeat(16), ['The short name must be 3 to 15 characters long; it has 16.']],
    ['has space', ['The short name must not contain spaces.']],
    ['dot.com', ['The short name must not contain a dot.']],
    ['a/b\\c:d*e?', ['The short name must not contain any of \\ / : * ? " < > | (found \\ / : * ?).']],
    ['q"<x>|', ['The short name must not contain any of \\ / : * ? " < > | (found " < > |).']],
    ['tab\there', ['The short name must not contain spaces.']],
    ['bell\u0007co', ['The short name must contain only printable characters.']],
    ['x y.z', ['The short name must not contain spaces.', 'The short name must not contain a dot.']],
  ])('rejects the short name %j saying which part of the rule failed', async (shortName, messages) => {
    const { status, problem } = await create(newCustomer(shortName));
    expect(status).toBe(400);
    expect(problem.errors).toEqual({ ShortName: messages });
    expect(problem).toMatchObject({
      title: 'One or more validation errors occurred.',
      status: 400,
      traceId: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
    });
  });

  it.each(['abc', 'A&B-Co#1', 'Müller_Co', 'x'.repeat(15), 'Ünïcødé-7', "O'Brien+Sons"])(
    'accepts the short name %j (letters, digits and other printable characters)',
    async (shortName) => {
      const { status } = await create(newCustomer(shortName));
      expect(status).toBe(200);
    },
  );

  it('names every missing required field', async () => {
    const { status, problem } = await create({});
    expect(status).toBe(400);
    expect(Object.keys(problem.errors).sort()).toEqual(['MsTenantId', 'OvocCustomerType', 'ScriptParameters', 'ShortName', 'SiteLocation']);
  });

  it('checks the SBC, both scripts, the channel and the Live Platform customer exist', async () => {
    const { problem } = await create(
      newCustomer('RefsCo', { siteLocation: { sbcId: 42, sbcOnboardingScript: 20, sbcCleanupScript: 4242 }, channelId: '999', lcCustomerId: '1' }),
    );
    expect(problem.errors).toEqual({
      'SiteLocation.SbcId': ['SBC 42 is not in the Known SBCs list.'],
      'SiteLocation.SbcOnboardingScript': ['Script template 20 is not an SBC script.'],
      'SiteLocation.SbcCleanupScript': ['Script template 4242 does not exist.'],
      ChannelId: ['Channel 999 does not exist.'],
      LcCustomerId: ['Live Platform customer 1 does not exist.'],
    });
  });

  it('checks the tenant id, customer type, full name and carrier credentials', async () => {
    const { problem } = await create(
      newCustomer('FieldsCo', {
        msTenantId: 'contoso.onmicrosoft.com',
        ovocCustomerType: 'OTHER' as never,
        fullName: 'x'.repeat(201),
        scriptParameters: { CarrierUserName: 'u'.repeat(61), CarrierUserPassword: 'пароль', 'CustomVar.Foo': '1' },
      }),
    );
    expect(Object.keys(problem.errors).sort()).toEqual([
      'FullName',
      'MsTenantId',
      'OvocCustomerType',
      'ScriptParameters.CarrierUserName',
      'ScriptParameters.CarrierUserPassword',
      'ScriptParameters.CustomVar.Foo',
    ]);
  });

  it('refuses a duplicate short name in any case, and a Microsoft tenant that is already a lead', async () => {
    const dupName = await create(newCustomer('existingCO'));
    expect(dupName.problem.errors).toEqual({ ShortName: ["A customer with the short name 'existingCO' already exists."] });
    const dupTenant = await create(newCustomer('NewNameCo', { msTenantId: '11111111-1111-4111-8111-111111111111' }));
    expect(dupTenant.problem.errors).toEqual({ MsTenantId: ['This MsTenant already exists as an UMP lead!'] });
    h.sandbox.configure({ uniqueTenant: false });
    expect((await create(newCustomer('NewNameCo', { msTenantId: '11111111-1111-4111-8111-111111111111' }))).status).toBe(200);
  });

  it('answers a body that is not JSON the ASP.NET way', async () => {
    const res = await callApi(h, 'POST', '/api/v2/customer', '{"shortName": ');
    expect(res.status).toBe(400);
    expect(Object.keys((res.json as Problem).errors)).toEqual(['$', 'request']);
  });

  it('accepts siteLocation as a one-element list and property names in any case, as ASP.NET binds them', async () => {
    const req = newCustomer('CaseCo');
    const { status } = await create({
      ShortName: req.shortName,
      SiteLocation: [req.siteLocation],
      OvocCustomerType: req.ovocCustomerType,
      MSTENANTID: req.msTenantId,
      scriptparameters: req.scriptParameters,
    });
    expect(status).toBe(200);
  });

  it('keeps the carrier password out of its request log', async () => {
    await create(newCustomer('LogCo'));
    const rec = h.sandbox.requests().find((r) => r.route === 'createCustomer');
    expect(rec?.body).toMatchObject({ shortName: 'LogCo', scriptParameters: { CarrierUserPassword: '[redacted]', CarrierUserName: 'carrier-user' } });
    expect(JSON.stringify(h.sandbox.requests())).not.toContain(CARRIER_PASSWORD);
    expect(JSON.stringify(h.sandbox.requests())).not.toContain('sandbox-secret');
    expect(JSON.stringify(h.sandbox.requests())).not.toMatch(/Bearer/i);
  });
});
