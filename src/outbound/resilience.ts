import { setTimeout as delay } from 'node:timers/promises';

/**
 * How every outbound call of the bot (Live Platform, its token endpoint, Microsoft's tenant
 * discovery, the Bot Connector) decides what is worth another try and how long to wait:
 * one classification of "transient", one backoff with jitter, one reading of Retry-After.
 */

/**
 * Statuses that say "not now" rather than "no": timeouts, throttling, a precondition that may hold
 * next time (Teams' 412 on concurrent edits) and the gateway/availability family of 5xx. Other 5xx
 * (501 Not Implemented, 505) and every 4xx will answer the same next time.
 */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 412, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status);
}

/**
 * An error is transient when it says so (`transient: true`, as timeouts and network failures do),
 * or when it carries an HTTP status from the transient set. Anything else is final.
 */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { transient?: unknown; status?: unknown };
  if (typeof e.transient === 'boolean') return e.transient;
  return typeof e.status === 'number' && isTransientStatus(e.status);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt (waits included). */
  maxTotalMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Exponential backoff with "equal jitter": half the step is fixed so delays still grow, half is
 * random so clients that failed together do not come back together. A Retry-After wins when larger.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, retryAfterMs?: number, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Milliseconds the failed call was told to wait (an error's `retryAfterMs`), if any. */
export function retryAfterOf(err: unknown): number | undefined {
  const v = err && typeof err === 'object' ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The delay before attempt `attempt + 1`, or undefined when the policy says stop: count exhausted,
 * the total budget would be exceeded, or the server asks for a longer wait than we accept.
 */
export function nextDelay(
  err: unknown,
  attempt: number,
  elapsedMs: number,
  maxAttempts: number,
  policy: RetryPolicy,
  random = Math.random,
): number | undefined {
  if (attempt >= maxAttempts) return undefined;
  const retryAfterMs = retryAfterOf(err);
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return undefined;
  const wait = backoffDelay(attempt, policy, retryAfterMs, random);
  return elapsedMs + wait > policy.maxTotalMs ? undefined : wait;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  signal?.aborted ? Promise.resolve() : delay(ms, undefined, { signal }).catch(() => undefined);

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether this failure may be tried again; defaults to `isTransient`. */
  retryable?: (err: unknown, attempt: number) => boolean;
  /** Extra attempts allowed after this failure (defaults to `policy.retries`). */
  budget?: (err: unknown) => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  now?: () => number;
  /** How to wait (a test's fake clock); defaults to real timers. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops waiting (and retrying) once aborted; the last error is thrown. */
  signal?: AbortSignal;
}

/** Runs `fn` and tries again per the policy; the last error is thrown when it says stop. */
export async function retrying<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const retryable = o.retryable ?? isTransient;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const budget = o.budget ? o.budget(err) : o.policy.retries;
      const wait = !o.signal?.aborted && retryable(err, attempt) ? nextDelay(err, attempt, now() - started, budget, o.policy) : undefined;
      if (wait === undefined) throw err;
      o.onRetry?.(err, attempt + 1, wait);
      await (o.sleep ?? sleep)(wait, o.signal);
      if (o.signal?.aborted) throw err;
    }
  }
}
