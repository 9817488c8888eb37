import { TEST_TENANTS } from '../../src/sandbox/login-standin';
import { startTestBot } from '../helpers/bot-harness';
import { actionExecuteInvoke, personalMessage } from '../helpers/activities';
import { startFakeConnector } from '../helpers/fake-connector';
import { startWorld, validForm, World } from '../helpers/world';

type Card = { body: unknown[] };

/** Finds the error text shown under a field of a re-rendered form. */
function fieldError(card: unknown, field: string): string | undefined {
  const items: Record<string, unknown>[] = [];
  const walk = (o: unknown) => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      items.push(o as Record<string, unknown>);
      Object.values(o).forEach(walk);
    }
  };
  walk((card as Card).body);
  const i = items.findIndex((x) => x.id === field && String(x.type).startsWith('Input.'));
  if (i < 0) return undefined;
  const next = items.slice(i + 1).find((x) => x.type === 'TextBlock' || String(x.type).startsWith('Input.'));
  return next && next.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}

function inputValue(card: unknown, field: string): unknown {
  let found: unknown;
  const walk = (o: unknown) => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (r.id === field && String(r.type).startsWith('Input.')) found = r.value;
      Object.values(r).forEach(walk);
    }
  };
  walk((card as Card).body);
  return found;
}

describe('invalid input comes back on the form, next to its field, and nothing is created', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w.stop());

  async function submitExpectingForm(data: Record<string, unknown>) {
    const { formId } = await w.openForm();
    const res = await w.submit(formId, data);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const json = JSON.stringify(res.body.value);
    expect(json).toContain('New Essentials customer');
    return res.body.value;
  }

  it('reports every bad field at once and keeps what was typed, except the password', async () => {
    const data = validForm('bad name.', { sbcId: 'five', fullName: 'Keep me', CarrierUserName: 'keep-user' });
    const card = await submitExpectingForm(data);
    expect(fieldError(card, 'shortName')).toMatch(/spaces/);
    expect(fieldError(card, 'shortName')).toMatch(/dot/);
    expect(fieldError(card, 'sbcId')).toMatch(/whole number/);
    expect(inputValue(card, 'fullName')).toBe('Keep me');
    expect(inputValue(card, 'CarrierUserName')).toBe('keep-user');
    expect(JSON.stringify(card)).not.toContain(String(data.CarrierUserPassword));
    expect(JSON.stringify(card)).toContain('enter it once more');
    expect(w.creates()).toBe(0);
  });

  it('says a tenant that Microsoft does not know was not found', async () => {
    const card = await submitExpectingForm(validForm('AcmeMissing', { msTenantId: TEST_TENANTS.missing.domain }));
    expect(fieldError(card, 'msTenantId')).toMatch(/was not found in Microsoft Entra ID/);
    expect(w.creates()).toBe(0);
  });

  it('says a tenant that looks like neither a GUID nor a domain is malformed', async () => {
    const card = await submitExpectingForm(validForm('AcmeBadT', { msTenantId: 'not a tenant' }));
    expect(fieldError(card, 'msTenantId')).toBeDefined();
    expect(w.creates()).toBe(0);
  });

  it('says when a tenant could not be verified, distinctly from not found', async () => {
    const card = await submitExpectingForm(validForm('AcmeOutage', { msTenantId: TEST_TENANTS.outage.domain }));
    expect(fieldError(card, 'msTenantId')).toMatch(/could not be verified/);
    expect(fieldError(card, 'msTenantId')).not.toMatch(/not found/);
    expect(w.creates()).toBe(0);
  });

  it('refuses a short name that already exists in Live Platform, whatever its case', async () => {
    const card = await submitExpectingForm(validForm('existingco'));
    expect(fieldError(card, 'shortName')).toMatch(/already exists in Live Platform/);
    expect(w.creates()).toBe(0);
  });

  it('refuses a tenant that already has a customer in Live Platform', async () => {
    const first = await w.openForm();
    await w.submit(first.formId, validForm('AcmeFirst', { msTenantId: 'fabrikam.onmicrosoft.com' }));
    await w.waitForCard(first.formId, 'Customer deployed');
    const card = await submitExpectingForm(validForm('AcmeSecond', { msTenantId: TEST_TENANTS.fabrikam.guid }));
    // Which customer owns it is told to admins only (test/flow/access.test.ts); this user is none.
    expect(fieldError(card, 'msTenantId')).toMatch(/already has a customer in Live Platform/);
    expect(JSON.stringify(card)).not.toContain('AcmeFirst');
  });

  it('knows the customer it just submitted without fetching the whole customer list again', async () => {
    const first = await w.openForm();
    await w.submit(first.formId, validForm('AcmeListed', { msTenantId: 'tenant41.onmicrosoft.com' }));
    const lists = () => w.sandbox.requests().filter((r) => r.route === 'listCustomers').length;
    const before = lists();
    // While the first is still deploying, its tenant is taken: told at once, from the cached list.
    const card = await submitExpectingForm(validForm('AcmeListed2', { msTenantId: 'tenant41.onmicrosoft.com' }));
    expect(fieldError(card, 'msTenantId')).toMatch(/already has a customer in Live Platform/);
    expect(lists()).toBe(before);
    await w.waitForCard(first.formId, 'Customer deployed');
  });

  it('frees the name and the tenant again when a request ended without creating anything', async () => {
    const first = await w.openForm();
    // Live Platform refuses this create (sandbox: a 400 validation error): nothing exists there.
    w.sandbox.inject({ kind: 'status', status: 400, match: 'POST /api/v2/customer', count: 1 });
    await w.submit(first.formId, validForm('AcmeRefused', { msTenantId: 'tenant42.onmicrosoft.com' }));
    await w.waitForCard(first.formId, /Failed/);
    const again = await w.openForm();
    const res = await w.submit(again.formId, validForm('AcmeRefused', { msTenantId: 'tenant42.onmicrosoft.com' }));
    expect(JSON.stringify(res.body.value)).toMatch(/Creating|Deploying/);
    await w.waitForCard(again.formId, 'Customer deployed');
  });
});

describe('an unverifiable tenant with TENANT_UNVERIFIED_POLICY=warn', () => {
  it('accepts a tenant GUID with a warning on the card', async () => {
    const w = await startWorld({ env: { TENANT_UNVERIFIED_POLICY: 'warn' } });
    try {
      const { formId } = await w.openForm();
      const res = await w.submit(formId, validForm('AcmeWarn', { msTenantId: TEST_TENANTS.outage.guid }));
      expect(JSON.stringify(res.body.value)).toContain('could not be verified with Microsoft');
      await w.waitForCard(formId, /Deployed|Failed/);
      expect(w.creates()).toBe(1);
    } finally {
      await w.stop();
    }
  });
});

describe('without Live Platform configured', () => {
  it('opens the form but explains why it cannot create, and who must fix it', async () => {
    const connector = await startFakeConnector();
    const bot = await startTestBot();
    try {
      await bot.post(personalMessage('new', { serviceUrl: connector.url }));
      const form = await connector.waitFor((c) => !!c.body?.attachments);
      expect(JSON.stringify(form.body)).toContain('UMP_BASE_URL');
      const res = await bot.post(actionExecuteInvoke('customer.create', validForm('AcmeNoUmp'), { serviceUrl: connector.url, replyToId: form.responseId! }));
      expect(JSON.stringify(res.body)).toContain('Live Platform is not configured');
    } finally {
      await bot.stop();
      await connector.close();
    }
  });
});
