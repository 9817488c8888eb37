import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Config } from '../../src/config';
import { DeliveryError } from '../../src/bot/messenger';
import { createTeamsEdge } from '../../src/bot/teams-adapter';
import { personalMessage } from '../helpers/activities';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { failures, startFakeConnector, type FakeConnector } from '../helpers/fake-connector';
import { testAddress } from '../helpers/fixtures';
import { captureLog } from '../helpers/sandbox-support';

/**
 * botbuilder's own HTTP retry obeys a connector Retry-After on 429/503 for as long as it says (three
 * times). These go through the real botbuilder pipeline against a stub connector: a wait above 60 s
 * must fail the send at once (without the cap, these tests hang for an hour and time out), a short
 * one is still waited for and retried by botbuilder.
 */

const hasCard = (c: { body?: { attachments?: unknown[] } }) => (c.body?.attachments?.length ?? 0) > 0;

describe('Retry-After from the Bot Connector, in a turn', () => {
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

  it('does not wait for a Retry-After of 3600 s: the reply fails once, is logged, and the turn ends', async () => {
    connector.failNext(1, { ...failures.throttled(3600), method: 'POST' });
    const res = await bot.post(personalMessage('help', { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    // The failed reply was not tried again; the funnel's apology (a plain message) went out instead.
    const cards = connector.sent.filter(hasCard);
    expect(cards.map((c) => c.status)).toEqual([429]);
    await connector.waitFor((c) => c.status === 201 && !hasCard(c));
    const capped = bot.logs.map((l) => JSON.parse(l) as { level: number; msg: string; retryAfterMs?: number }).filter((l) => l.retryAfterMs === 3_600_000);
    expect(capped).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('longer than we wait') }));
  });

  it('still lets botbuilder wait for a short Retry-After (1 s) and retry the reply', async () => {
    connector.failNext(1, { ...failures.throttled(1), method: 'POST' });
    const res = await bot.post(personalMessage('help', { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    expect(connector.sent.filter(hasCard).map((c) => c.status)).toEqual([429, 201]);
  });
});

describe('Retry-After from the Bot Connector, on proactive sends (the card updater, notices)', () => {
  let connector: FakeConnector;
  const log = captureLog('info');
  const logger = log.logger;
  const edge = createTeamsEdge({ config: { bot: { anonymous: true, appId: '' } } as Config, logger, gate: async () => true });
  const card = { type: 'AdaptiveCard' as const, version: '1.5', body: [{ type: 'TextBlock', text: 'deploying' }] };

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(() => connector.close());
  beforeEach(() => connector.reset());

  it('fails an edit at once when the connector asks for more than 60 s, with what it said, for the card updater to give up on', async () => {
    connector.failNext(1, { ...failures.throttled(120), method: 'PUT' });
    const to = testAddress({ serviceUrl: connector.url, conversationId: 'c1' });
    const err = await edge.messenger.update(to, 'm1', card).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(connector.sent.map((c) => [c.kind, c.status])).toEqual([['edit', 429]]);
    expect(log.text().includes('"retryAfterMs":120000')).toBe(true);
  });

  it('honours a Retry-After in milliseconds above the cap too (retry-after-ms)', async () => {
    connector.failNext(1, { status: 503, headers: { 'retry-after-ms': '90000' }, method: 'POST' });
    const to = testAddress({ serviceUrl: connector.url, conversationId: 'c2' });
    await expect(edge.messenger.say(to, { text: 'deployed' })).rejects.toMatchObject({ status: 503, retryAfterMs: 90_000 });
    expect(connector.sent.map((c) => c.status)).toEqual([503]);
  });

  it('waits for a short Retry-After and the notice goes out', async () => {
    connector.failNext(1, { ...failures.throttled(1), method: 'POST' });
    const to = testAddress({ serviceUrl: connector.url, conversationId: 'c3' });
    await expect(edge.messenger.say(to, { text: 'deployed' })).resolves.toEqual(expect.any(String));
    expect(connector.sent.map((c) => c.status)).toEqual([429, 201]);
  });

  it('keeps one connector client per connector for proactive sends, the Retry-After cap in it', async () => {
    const made = jest.spyOn(ConfigurationBotFrameworkAuthentication.prototype, 'createConnectorFactory');
    try {
      const own = createTeamsEdge({ config: { bot: { anonymous: true, appId: '' } } as Config, logger, gate: async () => true });
      const to = testAddress({ serviceUrl: connector.url, conversationId: 'c4' });
      await own.messenger.post(to, card);
      for (let i = 0; i < 5; i++) await own.messenger.update(to, 'm1', card);
      await own.messenger.say(to, { text: 'deployed' });
      expect(made).toHaveBeenCalledTimes(1);
      expect(connector.sent.map((c) => c.kind)).toEqual(['send', 'edit', 'edit', 'edit', 'edit', 'edit', 'send']);
      // The kept client still refuses to wait an hour.
      connector.failNext(1, { ...failures.throttled(3600), method: 'PUT' });
      await expect(own.messenger.update(to, 'm1', card)).rejects.toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    } finally {
      made.mockRestore();
    }
  });
});
