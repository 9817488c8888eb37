import { cardJson, startWorld, validForm, World } from '../helpers/world';

const titles = (w: World, formId: string) => w.connector.edits(formId).map((e) => JSON.parse(cardJson(e)).body[0].items[0].text as string);

describe.each(['sync', 'poll', 'task'] as const)('creating a customer from Teams when Live Platform reports progress in %s mode', (mode) => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { mode, stepMs: 40 } });
  });
  afterAll(async () => w.stop());
  beforeEach(() => {
    w.connector.reset();
    w.sandbox.clearRequests();
  });

  it('answers the submit at once with the progress card, then edits it to Deployed, one create, no redundant edit', async () => {
    const { formId, card } = await w.openForm();
    expect(JSON.stringify(card)).toContain('sbc-scenario7');
    const answer = await w.submit(formId, validForm(`Acme${mode}`));
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const progress = JSON.stringify(answer.body.value);
    expect(progress).toContain(`Acme${mode}`);
    expect(progress).toMatch(/REQ-[A-Z0-9]{6}/);
    expect(progress).toContain('Megan Bowen');

    const final = await w.waitForCard(formId, 'Customer deployed');
    const json = cardJson(final);
    expect(json).toContain('Site created in Ovoc');
    expect(json).toContain('Customer GUID');
    expect(json).toContain('Total time');

    const edits = w.connector.edits(formId).map(cardJson);
    // The click's answer already shows the first state to the only person in a personal chat.
    expect(edits[0]).not.toEqual(progress);
    for (let i = 1; i < edits.length; i++) expect(edits[i]).not.toEqual(edits[i - 1]);
    expect(titles(w, formId).at(-1)).toMatch(/^Deployed/);
    // Nothing is edited after the final state.
    expect(titles(w, formId).filter((t) => t.startsWith('Deployed'))).toHaveLength(1);
    expect(w.creates()).toBe(1);
  });

  it('ends on Failed with the failing step and the server error text', async () => {
    const { formId } = await w.openForm();
    await w.submit(formId, validForm(`fail${mode}`));
    const final = await w.waitForCard(formId, 'What went wrong');
    const json = cardJson(final);
    expect(json).toMatch(/^\{.*"Failed: fail/);
    expect(json).toContain('Failing step');
    expect(json).toContain('connection to the SBC was lost');
    expect(json).toContain('What to do');
    expect(w.creates()).toBe(1);
  });
});

describe('the Action.Submit fallback (older Teams clients)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w.stop());

  it('replaces the form by editing the message and follows the deployment the same way', async () => {
    const { formId } = await w.openForm();
    const res = await w.submit(formId, validForm('AcmeSubmit'), { via: 'submit' });
    expect(res.status).toBe(200);
    await w.waitForCard(formId, 'Customer deployed');
    expect(w.creates()).toBe(1);
  });
});

describe('group chats and channels, where no approval is asked for (APPROVAL_POLICY=none)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { APPROVAL_POLICY: 'none' } });
  });
  afterAll(async () => w.stop());

  it.each(['channel', 'groupChat'] as const)('opens the form with an @mention in a %s and deploys from it', async (where) => {
    const { formId, conversationId } = await w.openForm('new shortName=Acme' + where.slice(0, 4), where);
    const res = await w.submit(formId, validForm(`Acme${where.slice(0, 4)}`), { where, conversationId });
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const final = await w.waitForCard(formId, 'Customer deployed');
    expect(final.conversationId).toBe(conversationId);
    // The click's answer replaced the card for the clicker only: everyone else is shown it by an edit.
    expect(cardJson(w.connector.edits(formId)[0])).toEqual(JSON.stringify(res.body.value));
  });
});
