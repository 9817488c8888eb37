import { Writable } from 'node:stream';
import { TestAdapter, TurnContext, INVOKE_RESPONSE_KEY } from 'botbuilder';
import { createErrorFunnel } from '../../src/bot/error-funnel';
import { UmpHttpError } from '../../src/ump/errors';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  return { lines, logger };
}

async function runFunnel(err: unknown, type = 'message') {
  const { lines, logger } = capture();
  const adapter = new TestAdapter();
  const sent: Record<string, unknown>[] = [];
  adapter.onTurnError = undefined as never;
  const activity = { type, id: 'act-1', channelId: 'msteams', conversation: { id: 'c1' }, from: { id: 'u1' }, recipient: { id: 'b' }, serviceUrl: 'http://x' };
  const context = new TurnContext(adapter, activity as never);
  context.onSendActivities(async (_ctx, activities, next) => {
    sent.push(...(activities as unknown as Record<string, unknown>[]));
    if (activities.some((a) => a.type === 'invokeResponse')) context.turnState.set(INVOKE_RESPONSE_KEY, activities[0]);
    return next();
  });
  await createErrorFunnel(logger)(context, err);
  return { sent, lines };
}

describe('the error funnel', () => {
  it('answers once with a short message and a correlation id that is also in the log, never a stack trace', async () => {
    const err = new Error('boom at line 42');
    const { sent, lines } = await runFunnel(err);
    expect(sent).toHaveLength(1);
    const text = String(sent[0].text);
    const ref = /reference: ([0-9a-f]{8})/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(text).not.toContain('boom');
    expect(text).not.toMatch(/at .*\.ts/);
    const logged = lines.join('');
    expect(logged).toContain(`"ref":"${ref}"`);
    expect(logged).toContain('"activityId":"act-1"');
  });

  it('passes on the user message of a known error, which says what to do', async () => {
    const err = new UmpHttpError('GET', '/api/v3/customer', 503);
    const { sent } = await runFunnel(err);
    expect(String(sent[0].text)).toBe(`${err.userMessage} (ref ${/ref ([0-9a-f]{8})/.exec(String(sent[0].text))?.[1]})`);
    expect(String(sent[0].text)).toMatch(/^Live Platform is busy or unavailable \(HTTP 503\)\. Try again in a few minutes.* \(ref [0-9a-f]{8}\)$/);
  });

  it('answers a failed invoke with an error invoke response, so the client shows it', async () => {
    const { sent } = await runFunnel(new Error('x'), 'invoke');
    expect(sent).toHaveLength(1);
    expect(sent[0].type).toBe('invokeResponse');
    expect(JSON.stringify(sent[0].value)).toContain('application/vnd.microsoft.error');
  });
});

describe('the logger', () => {
  it('redacts secrets by key, up to four levels deep', () => {
    const { lines, logger } = capture();
    logger.info(
      { client_secret: 's1', cfg: { headers: { Authorization: 'Bearer t' } }, body: { scriptParameters: { CarrierUserPassword: 'p1' } }, access_token: 't2' },
      'x',
    );
    const out = lines.join('');
    for (const secret of ['s1', 'Bearer t', 'p1', 't2']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
