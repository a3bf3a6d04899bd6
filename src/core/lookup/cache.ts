/**
 * A small cache for hover lookups, keyed per profile + region + identifier:
 *
 *  - a value is kept `ttlMs` (a few minutes: "last changed" does not change every second, and
 *    LookupEvents allows 2 requests/second per account and region);
 *  - a failure is kept `errorTtlMs` (short), so hovering again does not hammer a denied API;
 *    a cancellation is never kept;
 *  - concurrent askers of one key share one fetch; each asker may cancel (its AbortSignal) and
 *    the fetch itself is aborted only when every asker has gone;
 *  - at most `maxEntries` keys (the oldest go first).
 */
export interface LookupCacheOptions {
  readonly ttlMs: number;
  readonly errorTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
  /** The error an asker gets when its signal aborts (the AWS layer's `cancelled` AwsError). Default: an AbortError. */
  readonly cancelled?: () => Error;
  /** Whether a failure is a cancellation (never cached). Default: `error.name === 'AbortError'` or `kind === 'cancelled'`. */
  readonly isCancellation?: (error: unknown) => boolean;
}

interface Settled<V> {
  readonly expires: number;
  readonly value?: V;
  readonly error?: unknown;
  readonly failed: boolean;
}

interface InFlight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

function defaultIsCancellation(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  return (error as { kind?: unknown }).kind === 'cancelled' || (error as { name?: unknown }).name === 'AbortError';
}

function abortError(): Error {
  const error = new Error('The lookup was cancelled.');
  error.name = 'AbortError';
  return error;
}

export function cacheKey(profile: string, region: string, id: string): string {
  return `${profile}\u0000${region}\u0000${id}`;
}

export class LookupCache<V> {
  private readonly settled = new Map<string, Settled<V>>();
  private readonly inFlight = new Map<string, InFlight<V>>();
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly cancelled: () => Error;
  private readonly isCancellation: (error: unknown) => boolean;

  constructor(options: LookupCacheOptions) {
    this.cancelled = options.cancelled ?? abortError;
    this.isCancellation = options.isCancellation ?? defaultIsCancellation;
    this.ttlMs = options.ttlMs;
    this.errorTtlMs = options.errorTtlMs ?? Math.min(30_000, options.ttlMs);
    this.maxEntries = options.maxEntries ?? 200;
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.settled.size;
  }

  /** The fresh value of `key`, without fetching. */
  peek(key: string): V | undefined {
    const entry = this.fresh(key);
    return entry && !entry.failed ? entry.value : undefined;
  }

  /**
   * The value of `key`: cached, shared with a fetch in flight, or fetched now. Rejects with
   * `options.cancelled()` as soon as `signal` aborts.
   */
  get(key: string, fetch: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(this.cancelled());
    const entry = this.fresh(key);
    if (entry) return entry.failed ? Promise.reject(entry.error instanceof Error ? entry.error : new Error(String(entry.error))) : Promise.resolve(entry.value as V);

    let flight = this.inFlight.get(key);
    if (!flight) {
      const controller = new AbortController();
      const promise = fetch(controller.signal).then(
        (value) => {
          if (this.inFlight.get(key) === created) {
            this.inFlight.delete(key);
            this.store(key, { value, failed: false, expires: this.now() + this.ttlMs });
          }
          return value;
        },
        (error: unknown) => {
          if (this.inFlight.get(key) === created) {
            this.inFlight.delete(key);
            if (!this.isCancellation(error) && !controller.signal.aborted) this.store(key, { error, failed: true, expires: this.now() + this.errorTtlMs });
          }
          throw error;
        },
      );
      const created: InFlight<V> = { promise, controller, waiters: 0 };
      flight = created;
      this.inFlight.set(key, flight);
    }
    const shared = flight;
    shared.waiters++;
    if (!signal) return shared.promise.finally(() => shared.waiters--);

    return new Promise<V>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => {
        if (done) return;
        done = true;
        shared.waiters--;
        if (shared.waiters <= 0 && this.inFlight.get(key) === shared) {
          this.inFlight.delete(key);
          shared.controller.abort();
        }
        reject(this.cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (value) => {
          if (done) return;
          done = true;
          shared.waiters--;
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          shared.waiters--;
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Forgets everything (the profile files or the endpoint changed); fetches in flight are aborted. */
  clear(): void {
    this.settled.clear();
    for (const flight of this.inFlight.values()) flight.controller.abort();
    this.inFlight.clear();
  }

  private fresh(key: string): Settled<V> | undefined {
    const entry = this.settled.get(key);
    if (!entry) return undefined;
    if (entry.expires > this.now()) return entry;
    this.settled.delete(key);
    return undefined;
  }

  private store(key: string, entry: Settled<V>): void {
    this.settled.delete(key);
    this.settled.set(key, entry);
    while (this.settled.size > this.maxEntries) {
      const oldest = this.settled.keys().next().value;
      if (oldest === undefined) break;
      this.settled.delete(oldest);
    }
  }
}
