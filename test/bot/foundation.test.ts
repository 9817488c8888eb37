import axios from 'axios';
import { startFakeConnector, FakeConnector } from '../helpers/fake-connector';
import { SIGNED_BOT_ENV, startTestBot, TestBot } from '../helpers/bot-harness';
import { channelMention, conversationUpdateBotAdded, groupChatMention, personalMessage } from '../helpers/activities';

function cardText(call: { body?: { attachments?: { content?: unknown }[] } }): string {
  return JSON.stringify(call.body?.attachments?.[0]?.content ?? {});
}

describe('the bot over HTTP, in anonymous mode', () => {
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
  beforeEach(() => connector.reset());

  it('answers help in a personal chat with the command list', async () => {
    const res = await bot.post(personalMessage('help', { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((c) => c.kind !== 'unknown' && !!c.body?.attachments);
    expect(cardText(reply)).toContain('Commands');
    expect(cardText(reply)).toContain('shortName=Acme');
  });

  it('answers /help with a leading slash and HTML from the Teams client', async () => {
    await bot.post(personalMessage('<p>/HELP&nbsp;</p>', { serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => !!c.body?.attachments);
    expect(cardText(reply)).toContain('Commands');
  });

  it('answers help in a channel when mentioned, and tells people to mention it', async () => {
    await bot.post(channelMention('help', { serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => !!c.body?.attachments);
    expect(reply.conversationId).toContain('19:');
    expect(cardText(reply)).toContain('mention me first');
  });

  it('answers help in a group chat when mentioned', async () => {
    await bot.post(groupChatMention('help', { serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => !!c.body?.attachments);
    expect(cardText(reply)).toContain('Commands');
  });

  it('does not treat a sentence that merely contains "help" as the help command', async () => {
    await bot.post(personalMessage('can you help me', { serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => c.kind !== 'unknown' && typeof c.body?.text === 'string');
    expect(reply.body?.text).toContain('I don\'t know "can"');
  });

  it('suggests the closest command for a typo', async () => {
    await bot.post(personalMessage('hepl', { serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => typeof c.body?.text === 'string');
    expect(reply.body?.text).toMatch(/Did you mean \*\*help\*\*/);
  });

  it('welcomes a conversation when the bot is added', async () => {
    await bot.post(conversationUpdateBotAdded({ serviceUrl: connector.url }));
    const reply = await connector.waitFor((c) => !!c.body?.attachments);
    expect(cardText(reply)).toContain('Hi!');
  });

  it('ignores a message with neither text nor card data, without answering or crashing', async () => {
    const res = await bot.post({ ...personalMessage('', { serviceUrl: connector.url }), text: undefined });
    expect(res.status).toBe(200);
    // A later message is still answered, so the empty one did not break anything.
    await bot.post(personalMessage('help', { serviceUrl: connector.url }));
    await connector.waitFor((c) => !!c.body?.attachments);
    expect(connector.replies()).toHaveLength(1);
  });

  it('rejects a malformed body with 400 and keeps serving', async () => {
    const bad = await axios.post(bot.messagesUrl, '{not json', { headers: { 'content-type': 'application/json' }, validateStatus: () => true });
    expect(bad.status).toBe(400);
    const notActivity = await axios.post(bot.messagesUrl, { hello: 'world' }, { validateStatus: () => true });
    expect(notActivity.status).toBe(400);
    const health = await axios.get(`${bot.url}/healthz`);
    expect(health.data).toEqual({ status: 'ok' });
  });

  it('answers an unknown card action invoke with an error the client can show', async () => {
    const { actionExecuteInvoke } = await import('../helpers/activities');
    const res = await bot.post(actionExecuteInvoke('no.such.verb', {}, { serviceUrl: connector.url, replyToId: '1' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('in anonymous mode, refuses an activity whose serviceUrl is not on this machine, and sends nothing there', async () => {
    const res = await bot.post(personalMessage('help', { serviceUrl: 'https://smba.trafficmanager.net/emea/' }));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('only answers a Bot Connector on this machine');
    expect(bot.logs.some((l) => l.includes('serviceUrl is not on this machine') && l.includes('smba.trafficmanager.net'))).toBe(true);
    expect(connector.sent).toHaveLength(0);
  });

  it('reports not ready, with the reason, when Live Platform is not configured', async () => {
    const res = await axios.get(`${bot.url}/readyz`, { validateStatus: () => true });
    expect(res.status).toBe(503);
    expect(res.data.checks.store).toBe('ok');
    expect(res.data.checks.livePlatform).toBe('not_configured');
  });
});

describe('the bot with an app id configured', () => {
  it('refuses unsigned requests to /api/messages with 401', async () => {
    const bot = await startTestBot(SIGNED_BOT_ENV);
    try {
      const res = await bot.post(personalMessage('help', { serviceUrl: 'http://127.0.0.1:9/' }));
      expect(res.status).toBe(401);
      expect(bot.logs.join('\n')).not.toContain(SIGNED_BOT_ENV.MICROSOFT_APP_PASSWORD);
    } finally {
      await bot.stop();
    }
  });
});
