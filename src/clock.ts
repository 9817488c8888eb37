/**
 * Time, as the domain and the card updater see it. Injected so unit tests can move time with a
 * fake clock instead of waiting (test/helpers/fake-clock.ts).
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Sleepers per signal, woken by one abort listener. Hundreds of deployment loops sleep on the
 * runner's one stop signal at once, and adding an event listener scans the signal's listeners:
 * one listener per sleep made every sleep O(sleepers).
 */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

/** The sleepers on `signal`, with the one listener that wakes them all when it aborts. */
function sleepersOn(signal: AbortSignal): Set<() => void> {
  const known = sleepers.get(signal);
  if (known) return known;
  const set = new Set<() => void>();
  sleepers.set(signal, set);
  signal.addEventListener(
    'abort',
    () => {
      for (const wake of [...set]) wake();
      set.clear();
    },
    { once: true },
  );
  return set;
}

/** Wakes `wake` when `signal` aborts; the returned function forgets it (the sleep ended first). */
function onAbort(signal: AbortSignal, wake: () => void): () => void {
  const set = sleepersOn(signal);
  set.add(wake);
  return () => void set.delete(wake);
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    signal?.aborted
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            forget?.();
            resolve();
          }, ms);
          const forget =
            signal &&
            onAbort(signal, () => {
              clearTimeout(timer);
              resolve();
            });
        }),
};
