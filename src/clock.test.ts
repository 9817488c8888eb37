import { systemClock } from './clock';

describe('the system clock', () => {
  it('sleeps the time asked', async () => {
    const t0 = Date.now();
    await systemClock.sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('wakes every sleeper on one signal at once when it aborts, and resolves at once when already aborted', async () => {
    const stop = new AbortController();
    let woken = 0;
    const sleeps = Array.from({ length: 500 }, () => systemClock.sleep(60_000, stop.signal).then(() => woken++));
    await new Promise((r) => setImmediate(r));
    expect(woken).toBe(0);
    stop.abort();
    await Promise.all(sleeps);
    expect(woken).toBe(500);
    await systemClock.sleep(60_000, stop.signal);
  });

  it('keeps one abort listener per signal however many sleep on it, and forgets the sleepers that woke', async () => {
    const stop = new AbortController();
    const added = jest.spyOn(stop.signal, 'addEventListener');
    await Promise.all(Array.from({ length: 200 }, () => systemClock.sleep(1, stop.signal)));
    expect(added).toHaveBeenCalledTimes(1);
    // The ones that finished are gone: an abort now wakes only the one still sleeping.
    let late = false;
    const pending = systemClock.sleep(60_000, stop.signal).then(() => (late = true));
    stop.abort();
    await pending;
    expect(late).toBe(true);
  });
});
