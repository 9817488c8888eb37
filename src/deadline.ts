/**
 * `p`, or whatever `onTimeout` returns (or throws) if `p` has not settled within `ms`. The timer is
 * cleared either way and never keeps the process alive; `p` itself keeps running.
 */
export function withDeadline<T, U = never>(p: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
