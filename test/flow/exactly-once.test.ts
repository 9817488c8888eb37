import { actionExecuteInvoke } from '../helpers/activities';
import { failures } from '../helpers/fake-connector';
import { cardJson, startWorld, validForm, World } from '../helpers/world';

const requestIdOf = (body: unknown) => /REQ-[A-Z0-9]{6}/.exec(JSON.stringify(body))?.[0];

describe('exactly once', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { stepMs: 60 } });
  });
  afterAll(async () => w.stop());
  beforeEach(() => w.sandbox.clearRequests());

  it('turns a double click into one request and one create', async () => {
    const { formId } = await w.openForm();
    const data = validForm('AcmeDouble');
    const [a, b] = await Promise.all([w.submit(formId, data), w.submit(formId, data)]);
    expect(requestIdOf(a.body.value)).toBeDefined();
    expect(requestIdOf(a.body.value)).toBe(requestIdOf(b.body.value));
    await w.waitForCard(formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
  });

  it('turns a retried turn (the same activity delivered twice) into one create', async () => {
    const { formId } = await w.openForm();
    const activity = actionExecuteInvoke('customer.create', validForm('AcmeRetry'), { serviceUrl: w.connector.url, replyToId: formId });
    const first = await w.bot.post(activity);
    const second = await w.bot.post(activity);
    expect(requestIdOf(second.body)).toBe(requestIdOf(first.body));
    await w.waitForCard(formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
  });

  it('accepts only one of two different forms submitted at the same moment for one short name', async () => {
    const one = await w.openForm();
    const two = await w.openForm();
    const [a, b] = await Promise.all([w.submit(one.formId, validForm('AcmeRace')), w.submit(two.formId, validForm('AcmeRace'))]);
    const accepted = [a, b].filter((x) => JSON.stringify(x.body.value).includes('Creating: AcmeRace'));
    const refused = [a, b].filter((x) => /already in progress|submitted a moment ago/.test(JSON.stringify(x.body.value)));
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    await w.waitForCard(accepted[0] === a ? one.formId : two.formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
  });

  it('refuses a second form for a short name whose request is still running', async () => {
    const one = await w.openForm();
    const two = await w.openForm();
    await w.submit(one.formId, validForm('AcmeTwice'));
    const res = await w.submit(two.formId, validForm('AcmeTwice'));
    expect(JSON.stringify(res.body.value)).toMatch(/already in progress \(REQ-/);
    await w.waitForCard(one.formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
  });
});

describe('when Teams pushes back on card edits', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { stepMs: 40 } });
  });
  afterAll(async () => w.stop());

  it('retries throttled (429 with and without Retry-After) and unavailable (503, 412) edits and still ends on the final card', async () => {
    const { formId } = await w.openForm();
    w.connector.failNext(1, { ...failures.throttled(0), method: 'PUT' });
    w.connector.failNext(1, { ...failures.throttled(), method: 'PUT' });
    w.connector.failNext(1, { ...failures.serverError(503), method: 'PUT' });
    w.connector.failNext(1, { ...failures.preconditionFailed(), method: 'PUT' });
    await w.submit(formId, validForm('AcmeThrottle'));
    await w.waitForCard(formId, 'Customer deployed', 20_000);
    const injected = w.connector.sent.filter((c) => c.injected && c.activityId === formId).map((c) => c.status);
    expect(injected).toEqual([429, 429, 503, 412]);
  });

  it('re-posts the card as a new message when the original can no longer be edited, and keeps editing the new one', async () => {
    const { formId } = await w.openForm();
    w.connector.failNext(1, { ...failures.activityNotFound(), method: 'PUT', activityId: formId });
    await w.submit(formId, validForm('AcmeMoved'));
    const repost = await w.connector.waitFor((c) => c.kind !== 'edit' && !c.injected && cardJson(c).includes('AcmeMoved'), 10_000);
    await w.waitForCard(repost.responseId!, 'Customer deployed');
    expect(w.connector.edits(formId)).toHaveLength(0);
  });

  it('lets the deployment finish when the bot was removed from the conversation', async () => {
    const { formId } = await w.openForm();
    w.connector.failNext(50, { ...failures.botNotInRoster(), activityId: formId });
    await w.submit(formId, validForm('AcmeRemoved'));
    await w.connector.waitFor((c) => c.injected && c.status === 403);
    const deadline = Date.now() + 10_000;
    while (!w.sandbox.customers().some((c) => c.shortName === 'AcmeRemoved' && c.deploymentState === 'Deployed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(w.sandbox.customers().find((c) => c.shortName === 'AcmeRemoved')?.deploymentState).toBe('Deployed');
    expect(w.bot.logs.some((l) => l.includes('no longer in the conversation'))).toBe(true);
  });
});
