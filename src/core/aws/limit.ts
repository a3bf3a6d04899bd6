/**
 * A concurrency limit: at most `limit` tasks run at once, the others wait their turn (first come,
 * first served). For the calls that AWS does not rate-limit like LookupEvents (DescribeTrails,
 * GetTrailStatus, S3 reads…), so that one profile's scan keeps a bounded number of requests in
 * flight however many regions and trails it has. Pure: no timers, no I/O.
 */

export interface Limiter {
  /** Runs `task` when a slot is free; resolves or rejects with it. A task that never starts does not hold a slot. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
  /** The most tasks that ran at once so far (for tests and benchmarks). */
  readonly peak: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  let peak = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    active--;
    const next = queue.shift();
    if (next) next();
  };
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          active++;
          if (active > peak) peak = active;
          let pending: Promise<T>;
          try {
            pending = task();
          } catch (error) {
            pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
          }
          pending.then(
            (value) => {
              release();
              resolve(value);
            },
            (error: unknown) => {
              release();
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        };
        if (active < limit) start();
        else queue.push(start);
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    get peak() {
      return peak;
    },
  };
}
