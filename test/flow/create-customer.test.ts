import { cardJson, startWorld, VALID_FORM, World } from '../helpers/world';

describe('creating a customer from Teams, polling mode', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ sandbox: { mode: 'poll' } });
  });
  afterAll(async () => w.stop());

  it('goes from new to Deployed, one create, one edit per change', async () => {
    const { formId, card } = await w.openForm();
    expect(JSON.stringify(card)).toContain('sbc-scenario7');
    const answer = await w.submit(formId, VALID_FORM);
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(answer.body.value)).toContain('Acme01');
    await w.waitForCard(formId, 'Customer deployed');
    const edits = w.connector.edits(formId).map(cardJson);
    for (let i = 1; i < edits.length; i++) expect(edits[i]).not.toEqual(edits[i - 1]);
    expect(w.creates()).toBe(1);
    console.log(edits.length, edits.map((e) => (JSON.parse(e).body[0].items[0].text)));
  });
});
