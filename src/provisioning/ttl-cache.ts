/**
 * One value, loaded on demand, shared by concurrent callers, kept for ttlMs. Failures are not kept.
 * `amend` changes the kept value in place (and the one being loaded, which may predate the change).
 */
export function createTtlCache<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now) {
  let value: { v: T; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  /** Amendments made while a load is on its way: its answer may have been read before them. */
  let pending: ((v: T) => T)[] = [];
  return {
    get(): Promise<T> {
      if (value && now() - value.at < ttlMs) return Promise.resolve(value.v);
      if (!inFlight) {
        pending = [];
        inFlight = load().then(
          (loaded) => {
            const v = pending.reduce((acc, fn) => fn(acc), loaded);
            pending = [];
            value = { v, at: now() };
            inFlight = undefined;
            return v;
          },
          (err) => {
            pending = [];
            inFlight = undefined;
            throw err;
          },
        );
      }
      return inFlight;
    },
    amend(fn: (v: T) => T) {
      if (value) value = { v: fn(value.v), at: value.at };
      if (inFlight) pending.push(fn);
    },
  };
}
