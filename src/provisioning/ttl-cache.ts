/** One value, loaded on demand, shared by concurrent callers, kept for ttlMs. Failures are not kept. */
export function createTtlCache<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now) {
  let value: { v: T; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  return {
    get(): Promise<T> {
      if (value && now() - value.at < ttlMs) return Promise.resolve(value.v);
      inFlight ??= load().then(
        (v) => {
          value = { v, at: now() };
          inFlight = undefined;
          return v;
        },
        (err) => {
          inFlight = undefined;
          throw err;
        },
      );
      return inFlight;
    },
    invalidate() {
      value = undefined;
    },
  };
}
