import { createTtlCache } from './ttl-cache';

describe('the TTL cache', () => {
  it('loads once for concurrent callers and keeps the value for its TTL', async () => {
    let t = 0;
    let loads = 0;
    const cache = createTtlCache(
      1000,
      async () => ++loads,
      () => t,
    );
    expect(await Promise.all([cache.get(), cache.get()])).toEqual([1, 1]);
    t = 999;
    expect(await cache.get()).toBe(1);
    t = 1000;
    expect(await cache.get()).toBe(2);
  });

  it('amends the kept value in place, without loading again and without extending its TTL', async () => {
    let t = 0;
    let loads = 0;
    const cache = createTtlCache<string[]>(
      1000,
      async () => [`load${++loads}`],
      () => t,
    );
    await cache.get();
    cache.amend((v) => [...v, 'added']);
    t = 500;
    expect(await cache.get()).toEqual(['load1', 'added']);
    t = 1000;
    expect(await cache.get()).toEqual(['load2']);
  });

  it('applies an amendment made while a load is on its way to what that load brings', async () => {
    let release!: (v: string[]) => void;
    const cache = createTtlCache<string[]>(1000, () => new Promise((r) => (release = r)));
    const pending = cache.get();
    cache.amend((v) => [...v, 'added meanwhile']);
    release(['loaded']);
    expect(await pending).toEqual(['loaded', 'added meanwhile']);
    expect(await cache.get()).toEqual(['loaded', 'added meanwhile']);
  });

  it('keeps no failure, and no amendment of a load that failed', async () => {
    let fail = true;
    const cache = createTtlCache<string[]>(1000, async () => {
      if (fail) throw new Error('down');
      return ['fresh'];
    });
    const first = cache.get();
    cache.amend((v) => [...v, 'lost with the failure']);
    await expect(first).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toEqual(['fresh']);
  });
});
