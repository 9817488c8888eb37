import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time, as the domain and the card updater see it. Injected so unit tests can move time with a
 * fake clock instead of waiting (test/helpers/fake-clock.ts).
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => (signal?.aborted ? Promise.resolve() : delay(ms, undefined, { signal }).catch(() => undefined)),
};
