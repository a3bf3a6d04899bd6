import * as assert from 'node:assert/strict';
import { TokenBucketLimiter, defaultBurst } from '../support/endpoint/ratelimit';

describe('endpoint rate limiter', () => {
  it('allows the burst at once, then the rate', () => {
    const limiter = new TokenBucketLimiter({ rate: 2, burst: 2 });
    const at0 = [0, 0, 0, 0].map(() => limiter.take('a', 0).allowed);
    assert.deepEqual(at0, [true, true, false, false]);
    assert.equal(limiter.take('a', 499).allowed, false);
    assert.equal(limiter.take('a', 500).allowed, true);
    assert.equal(limiter.take('a', 500).allowed, false);
    assert.equal(limiter.take('a', 1000).allowed, true);
  });

  it('accepts rate × seconds + burst requests under a flood', () => {
    const limiter = new TokenBucketLimiter({ rate: 2, burst: 2 });
    let accepted = 0;
    for (let ms = 0; ms <= 10_000; ms += 10) if (limiter.take('k', ms).allowed) accepted++;
    assert.equal(accepted, 2 * 10 + 2);
  });

  it('keeps one bucket per key', () => {
    const limiter = new TokenBucketLimiter({ rate: 1, burst: 1 });
    assert.equal(limiter.take('111122223333/us-east-1', 0).allowed, true);
    assert.equal(limiter.take('111122223333/us-east-1', 0).allowed, false);
    assert.equal(limiter.take('111122223333/us-west-2', 0).allowed, true);
    assert.equal(limiter.take('444455556666/us-east-1', 0).allowed, true);
  });

  it('says when to retry', () => {
    const limiter = new TokenBucketLimiter({ rate: 4, burst: 1 });
    limiter.take('a', 0);
    const refused = limiter.take('a', 100);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterMs, 150);
  });

  it('changes its limit on the fly and refuses nonsense', () => {
    const limiter = new TokenBucketLimiter({ rate: 100, burst: 100 });
    limiter.setLimit({ rate: 1, burst: 1 });
    assert.equal(limiter.take('a', 0).allowed, true);
    assert.equal(limiter.take('a', 1).allowed, false);
    assert.deepEqual(limiter.current, { rate: 1, burst: 1 });
    assert.throws(() => limiter.setLimit({ rate: -1, burst: 1 }));
    assert.throws(() => limiter.setLimit({ rate: 1, burst: 0 }));
    assert.equal(defaultBurst(2), 2);
    assert.equal(defaultBurst(0.5), 1);
  });
});
