import { UmpHttpError, UmpNetworkError, UmpShapeError, UmpTimeoutError, UmpValidationError } from '../ump/errors';
import { HttpNetworkError, HttpTimeoutError } from './http';
import { backoffDelay, DEFAULT_RETRY, isTransient, nextDelay, parseRetryAfter, retrying } from './resilience';

const http = (status: number, retryAfterMs?: number) => new UmpHttpError('GET', '/api/v3/customer', status, { retryAfterMs });
const policy = { ...DEFAULT_RETRY, retries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 10_000, maxRetryAfterMs: 5_000 };

describe('the outbound resilience policy', () => {
  it('calls timeouts, network errors, 408, 412, 429 and the gateway 5xx transient, and nothing else', () => {
    expect(isTransient(new HttpTimeoutError('GET', '/x', 10))).toBe(true);
    expect(isTransient(new HttpNetworkError('GET', '/x', 'ECONNREFUSED'))).toBe(true);
    expect(isTransient({ status: 412 })).toBe(true);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
    expect(isTransient(new UmpTimeoutError('GET', '/x', 10))).toBe(true);
    expect(isTransient(new UmpNetworkError('GET', '/x', 'ECONNRESET'))).toBe(true);
    for (const s of [408, 429, 500, 502, 503, 504]) expect(isTransient(http(s))).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 501]) expect(isTransient(http(s))).toBe(false);
    expect(isTransient(new UmpValidationError('POST', '/x', { ShortName: ['taken'] }))).toBe(false);
    expect(isTransient(new UmpShapeError('GET', '/x', 200, ['bad'], '{}'))).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores anything else', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1, 0, 0, 0))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, policy, undefined, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, undefined, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, undefined, () => 1)).toBe(1000);
  });

  it('waits at least what Retry-After asks', () => {
    expect(backoffDelay(0, policy, 3000, () => 1)).toBe(3000);
  });

  it('stops after the retry count, past the time budget, or when Retry-After is longer than we accept', () => {
    expect(nextDelay(http(503), 3, 0, policy.retries, policy)).toBeUndefined();
    expect(nextDelay(http(503), 0, 9_990, policy.retries, policy)).toBeUndefined();
    expect(nextDelay(http(503, 6_000), 0, 0, policy.retries, policy)).toBeUndefined();
    expect(nextDelay(http(503, 2_000), 0, 0, policy.retries, policy)).toBe(2_000);
  });

  it('retries a transient failure within the budget and gives the last error back after it', async () => {
    let calls = 0;
    const fast = { ...policy, baseDelayMs: 1, maxDelayMs: 2 };
    await expect(
      retrying(
        async () => {
          calls++;
          throw http(503);
        },
        { policy: fast },
      ),
    ).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(fast.retries + 1);
  });

  it('never retries a final failure, and returns the first success', async () => {
    let calls = 0;
    await expect(
      retrying(
        async () => {
          calls++;
          throw http(400);
        },
        { policy },
      ),
    ).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(1);
    const seen: number[] = [];
    const value = await retrying(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 2) throw http(502);
        return 'ok';
      },
      { policy: { ...policy, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    expect([value, seen]).toEqual(['ok', [0, 1, 2]]);
  });
});
