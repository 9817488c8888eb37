import path from 'node:path';
import axios from 'axios';
import Database from 'better-sqlite3';
import { cardJson, startWorld, validForm, World } from '../helpers/world';

const CACHE_MS = 300;

describe('when Live Platform stops answering', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { stepMs: 40 }, env: { READYZ_CACHE_MS: String(CACHE_MS) } });
  });
  afterAll(async () => w.stop());

  it('keeps the request, says so on the card, and creates the customer once Live Platform is back', async () => {
    const { formId } = await w.openForm();
    // The create fails and so does every look-up by name: the client cannot tell whether the
    // customer exists, so nothing may be posted again until a look-up answers.
    w.sandbox.inject({ kind: 'status', status: 503, count: 1, match: 'POST /api/v2/customer' });
    w.sandbox.inject({ kind: 'status', status: 503, count: 4, match: 'GET /api/v3/customer' });
    await w.submit(formId, validForm('AcmeOutage'));
    const noted = await w.waitForCard(formId, 'Live Platform is not answering', 20_000);
    expect(cardJson(noted)).toContain('never created twice');
    const final = await w.waitForCard(formId, 'Customer deployed', 30_000);
    expect(cardJson(final)).not.toContain('Live Platform is not answering');
    expect(w.sandbox.customers().filter((c) => c.shortName === 'AcmeOutage')).toHaveLength(1);
  }, 60_000);

  it('keeps following a deployment through failed progress reads', async () => {
    const { formId } = await w.openForm();
    await w.submit(formId, validForm('AcmeBlip'));
    await w.waitForCard(formId, '"Deploying: AcmeBlip');
    w.sandbox.inject({ kind: 'drop', count: 4, match: 'GET /api/v2/customer/' });
    await w.waitForCard(formId, 'Customer deployed', 30_000);
    expect(w.sandbox.requests().some((r) => r.fault)).toBe(true);
  }, 60_000);

  it('reports not ready, with a reason code, while Live Platform fails, and ready again after; probes it once per cache period', async () => {
    const readyz = () => axios.get(`${w.bot.url}/readyz`, { validateStatus: () => true });
    const probes = () => w.sandbox.requests().filter((r) => r.route === 'listScriptTemplates' && r.query.pageSize === '1').length;
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(CACHE_MS);
    const ready = await readyz();
    expect(ready.data).toEqual({ status: 'ready', checks: { store: 'ok', livePlatform: 'ok' } });
    // A load balancer polling: one Live Platform call per cache period, however many asks.
    const before = probes();
    await Promise.all([readyz(), readyz(), readyz(), readyz()]);
    expect(probes()).toBe(before);
    await wait(CACHE_MS);
    w.sandbox.inject({ kind: 'status', status: 503, count: 1, match: 'GET /api/v2/scripttemplates' });
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.data).toEqual({ status: 'not ready', checks: { store: 'ok', livePlatform: 'http_503' } });
    await wait(CACHE_MS);
    expect((await readyz()).status).toBe(200);
  });

  it('reports the store not ready when it cannot write', async () => {
    const dbFile = path.join(w.env.DATA_DIR, 'requests.sqlite');
    const raw = new Database(dbFile);
    // Another connection holding the write lock: the bot's write waits its short busy_timeout, then gives up.
    raw.exec('BEGIN EXCLUSIVE');
    try {
      const res = await axios.get(`${w.bot.url}/readyz`, { validateStatus: () => true });
      expect(res.status).toBe(503);
      expect(res.data.checks.store).toBe('not_writable');
    } finally {
      raw.exec('ROLLBACK');
      raw.close();
    }
    expect((await axios.get(`${w.bot.url}/readyz`)).data.checks.store).toBe('ok');
  });
});
