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

function onAbort(signal: AbortSignal, wake: () => void): () => void {
  let set = sleepers.get(signal);
  if (!set) {
    const mine = new Set<() => void>();
    set = mine;
    sleepers.set(signal, mine);
    signal.addEventListener(
      'abort',
      () => {
        for (const w of [...mine]) w();
        mine.clear();
      },
      { once: true },
    );
  }
  set.add(wake);
  const own = set;
  return () => void own.delete(wake);
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    signal?.aborted
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          let forget = () => undefined as void;
          const timer = setTimeout(() => {
            forget();
            resolve();
          }, ms);
          if (signal)
            forget = onAbort(signal, () => {
              clearTimeout(timer);
              resolve();
            });
        }),
};
