import axios from 'axios';
import { cardJson, startWorld, validForm, World } from '../helpers/world';

describe('when Live Platform stops answering', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { stepMs: 40 } });
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

  it('reports not ready, with the reason, while Live Platform fails, and ready again after', async () => {
    const ready = await axios.get(`${w.bot.url}/readyz`);
    expect(ready.data).toEqual({ status: 'ready', checks: { store: 'ok', livePlatform: 'ok' } });
    w.sandbox.inject({ kind: 'status', status: 503, count: 1, match: 'GET /api/v2/scripttemplates' });
    const down = await axios.get(`${w.bot.url}/readyz`, { validateStatus: () => true });
    expect(down.status).toBe(503);
    expect(down.data.checks.store).toBe('ok');
    expect(down.data.checks.livePlatform).toMatch(/503/);
    expect((await axios.get(`${w.bot.url}/readyz`)).status).toBe(200);
  });
});
