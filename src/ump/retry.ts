import { UmpHttpError, UmpNetworkError, UmpTimeoutError } from './errors';

export interface RetryPolicy {
  /** Extra attempts for idempotent calls after the first one. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt (waits included). */
  maxTotalMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller instead. */
  maxRetryAfterMs: number;
  /** Fresh POSTs of a create after an uncertain failure, once a look-up showed nothing was created. */
  createRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
  maxRetryAfterMs: 60_000,
  createRetries: 2,
};

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryable(err: unknown): boolean {
  if (err instanceof UmpTimeoutError || err instanceof UmpNetworkError) return true;
  return err instanceof UmpHttpError && RETRYABLE_STATUS.has(err.status);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed so delays still grow, half is
 * random so clients that failed together do not come back together. A Retry-After wins when larger.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, retryAfterMs?: number, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * The delay before the next attempt, or undefined when the policy says stop: count exhausted,
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
  const retryAfterMs = err instanceof UmpHttpError ? err.retryAfterMs : undefined;
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return undefined;
  const delay = backoffDelay(attempt, policy, retryAfterMs, random);
  return elapsedMs + delay > policy.maxTotalMs ? undefined : delay;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
