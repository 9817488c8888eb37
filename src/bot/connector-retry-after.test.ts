import { createLogger } from '../logger';
import { connectorRetryAfterMs, describeConnectorError, MAX_CONNECTOR_RETRY_AFTER_MS } from './connector-errors';
import { capRetryAfterPolicy, RetryAfterAboveCap } from './teams-adapter';

const headers = (h: Record<string, string>) => ({ get: (n: string) => Object.entries(h).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] });

describe('reading the Bot Connector Retry-After like botbuilder does', () => {
  const now = Date.parse('2025-06-02T09:00:00Z');

  it.each<[string, Record<string, string>, number | undefined]>([
    ['delta-seconds', { 'Retry-After': '120' }, 120_000],
    ['fractional seconds', { 'Retry-After': '1.5' }, 1_500],
    ['an HTTP date', { 'Retry-After': 'Mon, 02 Jun 2025 09:02:00 GMT' }, 120_000],
    ['a date in the past', { 'Retry-After': 'Mon, 02 Jun 2025 08:00:00 GMT' }, 0],
    ['retry-after-ms first', { 'retry-after-ms': '250', 'Retry-After': '120' }, 250],
    ['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '90000' }, 90_000],
    ['nothing usable', { 'Retry-After': 'soon' }, undefined],
    ['no header', {}, undefined],
  ])('%s', (_label, h, expected) => {
    expect(connectorRetryAfterMs(headers(h).get, now)).toBe(expected);
  });

  it('describeConnectorError reads every spelling, plain header objects in any case too', () => {
    expect(describeConnectorError({ statusCode: 429, response: { headers: headers({ 'retry-after-ms': '61000' }) } })).toMatchObject({
      status: 429,
      retryAfterMs: 61_000,
    });
    expect(describeConnectorError({ statusCode: 503, response: { headers: { 'Retry-After': '7' } } })).toMatchObject({ status: 503, retryAfterMs: 7_000 });
  });
});

describe('the Retry-After cap inside botbuilder’s retry loop', () => {
  const lines: { level: number; msg: string; retryAfterMs?: number }[] = [];
  const logger = createLogger({ level: 'info', pretty: false, destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  const policy = capRetryAfterPolicy(logger);
  const answer = (status: number, h: Record<string, string>) => ({
    status,
    headers: headers(h),
    bodyAsText: JSON.stringify({ error: { code: 'Throttled', message: 'slow down' } }),
    request: { method: 'PUT', headers: { authorization: 'Bearer secret-token' } },
  });

  beforeEach(() => void lines.splice(0));

  it('hands a wait of up to 60 s back to botbuilder, and any other answer untouched', async () => {
    for (const res of [
      answer(429, { 'Retry-After': '60' }),
      answer(503, { 'Retry-After': '1' }),
      answer(429, {}),
      answer(500, { 'Retry-After': '3600' }),
      answer(200, {}),
    ]) {
      await expect(policy.sendRequest({}, async () => res)).resolves.toBe(res);
    }
    expect(lines).toEqual([]);
  });

  it.each([429, 503])('refuses to let botbuilder wait for a %i with Retry-After above the cap: fails at once, logged', async (status) => {
    const res = answer(status, { 'Retry-After': '3600' });
    const err = await policy.sendRequest({}, async () => res).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterAboveCap);
    // Not a RestError, so botbuilder's retry policy rethrows it without consulting its strategies.
    expect((err as Error).name).not.toBe('RestError');
    // What the card updater and the chat funnel read from it: it gives up too (above its own cap).
    expect(describeConnectorError(err)).toEqual({ status, code: 'Throttled', retryAfterMs: 3_600_000 });
    expect(3_600_000).toBeGreaterThan(MAX_CONNECTOR_RETRY_AFTER_MS);
    // Logged without the request (its headers carry the bot's token).
    expect(JSON.stringify(err)).not.toContain('secret-token');
    expect(lines).toEqual([expect.objectContaining({ level: 40, retryAfterMs: 3_600_000 })]);
  });
});
