import { withDeadline } from './deadline';

describe('withDeadline', () => {
  it('gives the promise its value when it settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, () => 0)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('own')), 1_000, () => 0)).rejects.toThrow('own');
  });

  it('gives what onTimeout returns, or throws, when the promise is late', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(withDeadline(never, 5, () => undefined)).resolves.toBeUndefined();
    await expect(
      withDeadline(never, 5, () => {
        throw new Error('late');
      }),
    ).rejects.toThrow('late');
  });
});
