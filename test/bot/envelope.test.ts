import { startFakeConnector, type FakeConnector } from '../helpers/fake-connector';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { actionExecuteInvoke, personalMessage } from '../helpers/activities';

/** Activities Teams never sends are refused at the door, before botbuilder and teams-ai assume their shape. */
describe('the activity envelope', () => {
  let connector: FakeConnector;
  let bot: TestBot;
  beforeAll(async () => {
    connector = await startFakeConnector();
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.stop();
    await connector.close();
  });

  const valid = () => personalMessage('help', { serviceUrl: connector.url }) as unknown as Record<string, unknown>;

  it.each<[string, (a: Record<string, unknown>) => void]>([
    ['no from', (a) => delete a.from],
    ['a numeric from.id', (a) => ((a.from as Record<string, unknown>).id = 5)],
    ['a numeric aadObjectId', (a) => ((a.from as Record<string, unknown>).aadObjectId = 5)],
    ['no serviceUrl', (a) => delete a.serviceUrl],
    ['a conversation id with CJK and control characters', (a) => ((a.conversation as Record<string, unknown>).id = 'a:燡\u001b')],
    ['a numeric text', (a) => (a.text = 5)],
    ['a mention naming nobody', (a) => (a.entities = [{ type: 'mention' }])],
    ['membersAdded with null', (a) => (a.membersAdded = [null])],
    ['a lone surrogate in replyToId', (a) => (a.replyToId = '\ud800')],
  ])('refuses an activity with %s: 400, no turn, nothing sent', async (_label, spoil) => {
    const activity = valid();
    spoil(activity);
    const sent = connector.sent.length;
    const res = await bot.post(activity);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'The activity is malformed.' });
    expect(connector.sent.length).toBe(sent);
    expect(bot.logs.some((l) => l.includes('refused a malformed activity'))).toBe(true);
  });

  it('answers an invoke nobody handles with a refusal, not a 501', async () => {
    const activity = { ...actionExecuteInvoke('x', {}, { serviceUrl: connector.url, replyToId: '1' }), name: 'application/search', value: {} };
    const res = await bot.post(activity);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { message: 'This bot does not handle that request.' } });
  });

  it('opens the form as the answer when help’s New customer comes as an Action.Execute', async () => {
    const res = await bot.post(actionExecuteInvoke('form.open', { verb: 'form.open' }, { serviceUrl: connector.url, replyToId: '1' }));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('New Essentials customer');
  });
});
