/**
 * A token bucket per key, like the AWS request-rate limits: `rate` tokens a second refill a bucket that
 * holds at most `burst` tokens; a request takes one token or is throttled. Pure: time is passed in.
 */

export interface RateLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Bucket size: how many requests may arrive at once after a quiet period. */
  burst: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When throttled: how long until a token is available. */
  retryAfterMs: number;
  /** Tokens left after this request. */
  remaining: number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private limit: RateLimit;

  constructor(limit: RateLimit) {
    this.limit = normalise(limit);
  }

  get current(): RateLimit {
    return { ...this.limit };
  }

  /** Changes the limit; existing buckets keep their tokens (capped at the new burst). */
  setLimit(limit: RateLimit): void {
    this.limit = normalise(limit);
    for (const bucket of this.buckets.values()) bucket.tokens = Math.min(bucket.tokens, this.limit.burst);
  }

  take(key: string, nowMs: number): TakeResult {
    const { rate, burst } = this.limit;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, lastMs: nowMs };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.lastMs);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * rate) / 1000);
    bucket.lastMs = Math.max(bucket.lastMs, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0, remaining: bucket.tokens };
    }
    const retryAfterMs = rate > 0 ? Math.ceil(((1 - bucket.tokens) * 1000) / rate) : Number.POSITIVE_INFINITY;
    return { allowed: false, retryAfterMs, remaining: bucket.tokens };
  }

  reset(): void {
    this.buckets.clear();
  }
}

function normalise(limit: RateLimit): RateLimit {
  if (!(limit.rate >= 0) || !Number.isFinite(limit.rate)) throw new Error(`rate must be a finite number ≥ 0, got ${limit.rate}`);
  if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) throw new Error(`burst must be a finite number ≥ 1, got ${limit.burst}`);
  return { rate: limit.rate, burst: limit.burst };
}

/** AWS's default burst for a rate: the rate itself, at least one request. */
export function defaultBurst(rate: number): number {
  return Math.max(1, Math.floor(rate));
}
