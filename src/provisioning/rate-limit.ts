import type { Clock } from '../clock';

/**
 * Per-user limits (docs/security.md): a sliding window of the last `limit` hits per key, so a burst
 * is refused as soon as it passes the limit and accepted again as soon as the oldest hit ages out.
 */

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number; /** The first refusal since the window filled (tell the user once). */ first: boolean };

export interface RateWindow {
  /** Counts a hit for `key` when it is within the limit; never counts a refused one. */
  hit(key: string): Verdict;
}

interface Entry {
  hits: number[];
  /** A refusal was told until this time. */
  toldUntil: number;
}

/** `limit` hits per `windowMs` per key; 0 means no limit. Memory stays bounded by `maxKeys`. */
export function createRateWindow(opts: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }): RateWindow {
  const { limit, windowMs, clock } = opts;
  const maxKeys = opts.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();

  function prune(now: number) {
    for (const [k, e] of entries) if ((e.hits.at(-1) ?? 0) <= now - windowMs) entries.delete(k);
    // Still too many live keys: forget the oldest (a Map iterates in insertion order).
    for (const k of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(k);
    }
  }

  return {
    hit(key) {
      if (limit <= 0) return { ok: true };
      const now = clock.now().getTime();
      let e = entries.get(key);
      if (!e) {
        if (entries.size >= maxKeys) prune(now);
        e = { hits: [], toldUntil: 0 };
        entries.set(key, e);
      }
      while (e.hits.length && e.hits[0] <= now - windowMs) e.hits.shift();
      if (e.hits.length < limit) {
        e.hits.push(now);
        return { ok: true };
      }
      const until = e.hits[0] + windowMs;
      const first = e.toldUntil < until;
      e.toldUntil = until;
      return { ok: false, retryAfterMs: until - now, first };
    },
  };
}

/** When the oldest of the last `limit` events ages out of the window: when one more is allowed. */
export function retryAfterOf(times: readonly string[], limit: number, windowMs: number, now: number): number | undefined {
  if (limit <= 0 || times.length < limit) return undefined;
  return Math.max(1_000, Date.parse(times[times.length - limit]) + windowMs - now);
}

/** "45 seconds", "1 minute", "12 minutes": how long to wait, rounded up. */
export function formatWait(ms: number): string {
  if (ms < 60_000) {
    const s = Math.max(1, Math.ceil(ms / 1000));
    return s === 1 ? '1 second' : `${s} seconds`;
  }
  const m = Math.ceil(ms / 60_000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}
