/**
 * The retry loop of a paced request and the page loop of a paged operation, as pure functions of
 * their dependencies (so the rules are unit-tested with fakes, and the SDK glue stays thin).
 */
import { backoffDelay, type RetryClass } from './errors';

export interface PacedRequestDeps<T> {
  /** Waits for a slot (the pacer); rejects when cancelled. */
  acquire(): Promise<void>;
  /** Sends the request once. */
  send(): Promise<T>;
  /** How to treat a failure. */
  retryClass(error: unknown): RetryClass;
  /** Whether the caller cancelled (then a failure is just the cancellation). */
  cancelled(): boolean;
  /** The slot's request was throttled: pace harder (Pacer.throttled). */
  onThrottle(attempt: number): void;
  /** The request succeeded (Pacer.succeeded). */
  onSuccess(): void;
  /** Waits before a transient retry; rejects when cancelled. */
  sleep(ms: number): Promise<void>;
  /** Throttles absorbed before giving up. */
  readonly maxThrottleRetries: number;
  /** Attempts for transient failures (first included). */
  readonly maxAttempts: number;
  readonly random?: () => number;
}

export interface PacedResult<T> {
  readonly value: T;
  /** Requests sent (each one took a slot). */
  readonly requests: number;
  readonly throttles: number;
  readonly retries: number;
}

/** The error a paced request rejects with, carrying what happened before it failed. */
export class PacedRequestError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly requests: number,
    readonly throttles: number,
    readonly retries: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PacedRequestError';
  }
}

/**
 * Sends one request through the pacer: throttles go back to the pacer (which pauses the lane)
 * until `maxThrottleRetries`; transient failures wait a jittered backoff and go back too, until
 * `maxAttempts`; anything else fails at once.
 */
export async function pacedRequest<T>(deps: PacedRequestDeps<T>): Promise<PacedResult<T>> {
  let requests = 0;
  let throttles = 0;
  let failures = 0;
  let retries = 0;
  for (;;) {
    try {
      await deps.acquire();
    } catch (error) {
      throw new PacedRequestError(error, requests, throttles, retries);
    }
    requests++;
    try {
      const value = await deps.send();
      deps.onSuccess();
      return { value, requests, throttles, retries };
    } catch (error) {
      if (deps.cancelled()) throw new PacedRequestError(error, requests, throttles, retries);
      const kind = deps.retryClass(error);
      if (kind === 'throttle' && throttles < deps.maxThrottleRetries) {
        throttles++;
        deps.onThrottle(throttles);
        continue;
      }
      if (kind === 'transient' && failures < deps.maxAttempts - 1) {
        retries++;
        try {
          await deps.sleep(backoffDelay(failures++, { baseMs: 200, capMs: 5_000, random: deps.random }));
        } catch (sleepError) {
          throw new PacedRequestError(sleepError, requests, throttles, retries);
        }
        continue;
      }
      throw new PacedRequestError(error, requests, throttles, retries);
    }
  }
}

export interface Page<T> {
  readonly items: T;
  readonly nextToken?: string;
}

/**
 * Pages of a token-paged operation: `fetch(token)` for each page until there is no token, the
 * same token comes back (a server bug that would loop forever), or `maxPages` is reached.
 * Fetches lazily: the next page is asked for only when the consumer wants it.
 */
export async function* pages<T>(fetch: (token: string | undefined) => Promise<Page<T>>, options: { startToken?: string; maxPages?: number } = {}): AsyncGenerator<Page<T> & { index: number }, void, undefined> {
  let token = options.startToken;
  for (let index = 0; options.maxPages === undefined || index < options.maxPages; index++) {
    const page = await fetch(token);
    const next = page.nextToken && page.nextToken !== token ? page.nextToken : undefined;
    yield { items: page.items, nextToken: next, index };
    if (!next) return;
    token = next;
  }
}
