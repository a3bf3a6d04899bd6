/**
 * Throttles UI updates: the first request runs at once (the first rows show as soon as they
 * arrive), later ones are coalesced so that `flush` runs at most once per interval.
 */
export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Throttle {
  private timer: unknown;
  private last = -Infinity;
  private disposed = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs = 100,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  /** Something changed: flush now if the last flush is old enough, else once the interval has passed. */
  request(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) this.run();
    else this.timer = this.clock.setTimeout(() => this.run(), wait);
  }

  /** Flushes right away (before a final message), cancelling a pending flush. */
  now(): void {
    if (this.disposed) return;
    this.run();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.clock.now();
    this.flush();
  }
}
