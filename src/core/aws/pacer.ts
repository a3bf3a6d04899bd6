/**
 * The pacer: keeps every rate-limited call (LookupEvents: 2 requests/second per account per
 * region) under its limit, across everything running at once, fairly.
 *
 * - One lane per key (`account|region|endpoint`). A lane grants one request at a time, at least
 *   `intervalMs` after the previous grant *as it actually happened* (a late timer never lets two
 *   grants bunch up), so throttles are rare rather than expected.
 * - Fairness: the waiting consumers of a lane form a ring. Each grant goes to the consumer at the
 *   head of the ring, which then goes to the back if it still waits. A consumer that asks for
 *   ten requests at once gets one turn per round, like everybody else (round-robin between
 *   consumers, not FIFO per request).
 * - A throttle that still happens (another program using the same account, a stricter server)
 *   pushes the lane back: the next grant waits `penaltyMs`, doubling while throttles repeat, and
 *   the throttled consumer goes first once the lane reopens.
 * - Cancellation: an aborted wait leaves the queue at once and rejects; the lane moves on.
 *
 * Pure logic with an injectable clock, so tests drive time by hand.
 */

export interface PacerClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PacerOptions {
  /** Requests per second per lane. Default 2 (LookupEvents). */
  ratePerSecond?: number;
  /**
   * Added to every interval (ms), as headroom for network jitter between our clock and the
   * server's. Default 25 ms: 2 req/s become one every 525 ms, 95% of the ceiling.
   */
  marginMs?: number;
  /** First pause after a throttle (ms). Default 1000. Doubles per consecutive throttle. */
  penaltyMs?: number;
  /** Longest pause after throttles (ms). Default 16000. */
  maxPenaltyMs?: number;
  clock?: PacerClock;
  /** Jitter source for penalties, [0, 1). Default Math.random. */
  random?: () => number;
}

/** What the pacer needs of an AbortSignal (the DOM/Node type, narrowed so tests can fake it). */
export interface PacerSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface LaneStats {
  readonly granted: number;
  readonly throttled: number;
  readonly waiting: number;
  readonly consumers: number;
}

interface Waiter {
  readonly consumer: unknown;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal?: PacerSignal;
  onAbort?: () => void;
}

interface Lane {
  /** Earliest time of the next grant. */
  nextAt: number;
  /** Consumers waiting, in turn order. Each has at least one waiter. */
  ring: unknown[];
  queues: Map<unknown, Waiter[]>;
  timer: unknown;
  timerAt: number;
  consecutiveThrottles: number;
  granted: number;
  throttled: number;
  /** The consumer whose request was just throttled: it goes first when it asks again. */
  priority: unknown;
}

export class PacerCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Cancelled.');
  }
}

export class Pacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly clock: PacerClock;
  private readonly random: () => number;
  readonly intervalMs: number;
  private readonly penaltyMs: number;
  private readonly maxPenaltyMs: number;

  constructor(options: PacerOptions = {}) {
    const rate = options.ratePerSecond ?? 2;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('ratePerSecond must be a positive number');
    this.intervalMs = 1000 / rate + Math.max(0, options.marginMs ?? 25);
    this.penaltyMs = Math.max(this.intervalMs, options.penaltyMs ?? 1000);
    this.maxPenaltyMs = Math.max(this.penaltyMs, options.maxPenaltyMs ?? 16_000);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /**
   * Resolves when `consumer` may send one request on lane `key`. Rejects with an AbortError if
   * `signal` fires first (immediately if it already has).
   */
  acquire(key: string, consumer: unknown, signal?: PacerSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new PacerCancelledError());
    const lane = this.lane(key);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { consumer, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = (): void => {
          if (this.remove(lane, waiter)) reject(new PacerCancelledError());
          this.schedule(key, lane);
        };
        signal.addEventListener('abort', waiter.onAbort);
      }
      this.enqueue(lane, waiter);
      this.pump(key, lane);
    });
  }

  /**
   * The request granted to `consumer` on lane `key` was throttled: pause the lane and let this
   * consumer go first when it reopens (call acquire again to wait for that).
   */
  throttled(key: string, consumer?: unknown): void {
    const lane = this.lane(key);
    lane.throttled++;
    lane.consecutiveThrottles++;
    const penalty = Math.min(this.maxPenaltyMs, this.penaltyMs * 2 ** (lane.consecutiveThrottles - 1));
    // Up to 20% jitter so that two programs throttled together do not come back together.
    const pause = penalty * (1 + 0.2 * this.random());
    lane.nextAt = Math.max(lane.nextAt, this.clock.now() + pause);
    if (consumer !== undefined) lane.priority = consumer;
    this.schedule(key, lane);
  }

  /** A granted request on lane `key` succeeded: throttles are no longer consecutive. */
  succeeded(key: string): void {
    const lane = this.lanes.get(key);
    if (lane) lane.consecutiveThrottles = 0;
  }

  stats(key: string): LaneStats {
    const lane = this.lanes.get(key);
    if (!lane) return { granted: 0, throttled: 0, waiting: 0, consumers: 0 };
    let waiting = 0;
    for (const queue of lane.queues.values()) waiting += queue.length;
    return { granted: lane.granted, throttled: lane.throttled, waiting, consumers: lane.ring.length };
  }

  /** Rejects every waiter and stops the timers. */
  dispose(): void {
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) this.clock.clearTimer(lane.timer);
      lane.timer = undefined;
      for (const queue of lane.queues.values()) {
        for (const waiter of queue) {
          this.detach(waiter);
          waiter.reject(new PacerCancelledError());
        }
      }
      lane.queues.clear();
      lane.ring = [];
    }
    this.lanes.clear();
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { nextAt: -Infinity, ring: [], queues: new Map(), timer: undefined, timerAt: Infinity, consecutiveThrottles: 0, granted: 0, throttled: 0, priority: undefined };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private enqueue(lane: Lane, waiter: Waiter): void {
    const queue = lane.queues.get(waiter.consumer);
    if (queue) {
      queue.push(waiter);
      return;
    }
    lane.queues.set(waiter.consumer, [waiter]);
    // A consumer coming back right after its throttle goes first; everyone else queues at the back.
    if (lane.priority !== undefined && lane.priority === waiter.consumer) {
      lane.ring.unshift(waiter.consumer);
      lane.priority = undefined;
    } else {
      lane.ring.push(waiter.consumer);
    }
  }

  private remove(lane: Lane, waiter: Waiter): boolean {
    const queue = lane.queues.get(waiter.consumer);
    const index = queue ? queue.indexOf(waiter) : -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    this.detach(waiter);
    if (queue.length === 0) {
      lane.queues.delete(waiter.consumer);
      lane.ring = lane.ring.filter((consumer) => consumer !== waiter.consumer);
    }
    return true;
  }

  private detach(waiter: Waiter): void {
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
  }

  /** Grants as many requests as the lane allows now, then sets a timer for the next one. */
  private pump(key: string, lane: Lane): void {
    const now = this.clock.now();
    if (lane.ring.length > 0 && now >= lane.nextAt) {
      const consumer = lane.ring.shift();
      const queue = lane.queues.get(consumer);
      const waiter = queue?.shift();
      if (queue && queue.length > 0) lane.ring.push(consumer);
      else lane.queues.delete(consumer);
      if (waiter) {
        this.detach(waiter);
        lane.granted++;
        // From the real grant time: a late timer pushes the next grant later, never closer.
        lane.nextAt = now + this.intervalMs;
        waiter.resolve();
      }
    }
    this.schedule(key, lane);
  }

  private schedule(key: string, lane: Lane): void {
    if (lane.ring.length === 0) {
      if (lane.timer !== undefined) this.clock.clearTimer(lane.timer);
      lane.timer = undefined;
      lane.timerAt = Infinity;
      if (lane.consecutiveThrottles === 0 && lane.priority === undefined && this.clock.now() >= lane.nextAt) {
        // Idle and rested: forget the lane so a long-running process does not collect them.
        if (this.lanes.get(key) === lane) this.lanes.delete(key);
      }
      return;
    }
    if (lane.timer !== undefined && lane.timerAt === lane.nextAt) return;
    if (lane.timer !== undefined) this.clock.clearTimer(lane.timer);
    const delay = Math.max(0, lane.nextAt - this.clock.now());
    lane.timerAt = lane.nextAt;
    lane.timer = this.clock.setTimer(() => {
      lane.timer = undefined;
      lane.timerAt = Infinity;
      if (this.lanes.get(key) === lane) this.pump(key, lane);
    }, delay);
  }
}
