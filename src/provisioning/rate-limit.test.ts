import { FakeClock } from '../../test/helpers/fake-clock';
import { createRateWindow, formatWait, retryAfterOf } from './rate-limit';

describe('the per-user rate window', () => {
  it('takes `limit` hits per window per key, refuses the next with the wait, tells the first refusal only, then recovers', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const w = createRateWindow({ limit: 2, windowMs: 60_000, clock });
    expect(w.hit('a')).toEqual({ ok: true });
    await clock.advance(10_000);
    expect(w.hit('a')).toEqual({ ok: true });
    expect(w.hit('b')).toEqual({ ok: true });
    expect(w.hit('a')).toEqual({ ok: false, retryAfterMs: 50_000, first: true });
    await clock.advance(1_000);
    expect(w.hit('a')).toEqual({ ok: false, retryAfterMs: 49_000, first: false });
    await clock.advance(49_000);
    expect(w.hit('a')).toEqual({ ok: true });
    // Refused hits did not count: the window holds the hits at +10 s and +60 s.
    expect(w.hit('a')).toMatchObject({ ok: false, retryAfterMs: 10_000, first: true });
  });

  it('has no limit at 0, and forgets idle keys so memory stays bounded', async () => {
    const clock = new FakeClock(0);
    expect(createRateWindow({ limit: 0, windowMs: 1000, clock }).hit('x')).toEqual({ ok: true });
    const w = createRateWindow({ limit: 1, windowMs: 1000, clock, maxKeys: 3 });
    for (const k of ['a', 'b', 'c']) w.hit(k);
    await clock.advance(2_000);
    for (const k of ['d', 'e', 'f']) w.hit(k);
    // a was forgotten (idle), so it is allowed again; f is still counted.
    expect(w.hit('a').ok).toBe(true);
    expect(w.hit('f').ok).toBe(false);
  });

  it('tells when one more is allowed from stored times', () => {
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    const now = Date.parse(t(50));
    expect(retryAfterOf([t(10), t(20)], 3, 3_600_000, now)).toBeUndefined();
    expect(retryAfterOf([t(10), t(20), t(30)], 3, 3_600_000, now)).toBe(20 * 60_000);
    expect(retryAfterOf([t(5), t(10), t(20), t(30)], 3, 3_600_000, now)).toBe(20 * 60_000);
    expect(formatWait(500)).toBe('1 second');
    expect(formatWait(42_100)).toBe('43 seconds');
    expect(formatWait(60_000)).toBe('1 minute');
    expect(formatWait(12 * 60_000 + 1)).toBe('13 minutes');
  });
});
