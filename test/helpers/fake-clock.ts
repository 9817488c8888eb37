import type { Clock } from '../../src/clock';

/**
 * Lets every promise job that is ready run: a few turns of the event loop (each turn drains the
 * microtask queue first). Enough for code that only awaits promises (the fakes and the embedded
 * SQLite store answer without I/O).
 */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Sleeper {
  due: number;
  /** Order of registration: sleepers due at the same time wake in the order they slept. */
  seq: number;
  wake(): void;
}

/**
 * A Clock whose time moves only when the test says so. `sleep` registers a sleeper; `advance(ms)`
 * moves time forward sleeper by sleeper, in due-time order, and lets promise jobs run after each
 * one, so the woken code can do its work and sleep again before time moves on.
 *
 * `now` and `sleep` are bound (arrow properties): code may hand `clock.sleep` on as a bare function
 * (the card updater passes it to `retrying`).
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(start: Date | string | number = '2025-06-02T09:00:00.000Z') {
    this.time = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.time);

  /** Resolves once `advance` reaches now + ms; at once for ms <= 0 or an aborted signal. Never rejects. */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted || !(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        due: this.time + ms,
        seq: this.seq++,
        wake: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  };

  /** Moves time forward by `ms`, waking each sleeper due by then at its own due time. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    const target = this.time + ms;
    await flush();
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.time = Math.max(this.time, next.due);
      next.wake();
      await flush();
    }
    this.time = target;
    await flush();
  }

  /** How many sleeps are waiting for time to move. */
  pendingSleeps(): number {
    return this.sleepers.size;
  }

  private nextDue(limit: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.due <= limit && (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq))) best = s;
    }
    return best;
  }
}
