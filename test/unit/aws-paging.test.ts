import * as assert from 'node:assert/strict';
import { errorFacts, retryClassOf } from '../../src/core/aws/errors';
import { Pacer } from '../../src/core/aws/pacer';
import { PacedRequestError, pacedRequest, pages } from '../../src/core/aws/paging';
import { FakeClock } from './aws-fake-clock';

function throttle(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

/**
 * A fake server with AWS's rule: at most `rate` requests per second per key (token bucket of
 * `burst`), answering ThrottlingException otherwise. Requests take `latencyMs`.
 */
class FakeServer {
  private tokens: number;
  private last = 0;
  readonly arrivals: number[] = [];
  throttles = 0;
  constructor(
    private readonly clock: FakeClock,
    private readonly rate = 2,
    private readonly burst = 2,
    private readonly latencyMs = 40,
  ) {
    this.tokens = burst;
  }
  request(): Promise<string> {
    return new Promise((resolve, reject) => {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
      this.arrivals.push(now);
      const allowed = this.tokens >= 1;
      if (allowed) this.tokens -= 1;
      else this.throttles++;
      this.clock.setTimer(() => (allowed ? resolve('ok') : reject(throttle())), this.latencyMs);
    });
  }
}

function deps(clock: FakeClock, pacer: Pacer, send: () => Promise<string>, signal?: AbortSignal) {
  return {
    acquire: () => pacer.acquire('k', 'c', signal),
    send,
    retryClass: (error: unknown) => retryClassOf(errorFacts(error)),
    cancelled: () => signal?.aborted === true,
    onThrottle: () => pacer.throttled('k', 'c'),
    onSuccess: () => pacer.succeeded('k'),
    sleep: (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms)),
    maxThrottleRetries: 12,
    maxAttempts: 3,
    random: () => 0.5,
  };
}

describe('aws paced requests', () => {
  it('absorbs throttles: paced and retried, never surfaced', async () => {
    const clock = new FakeClock();
    // A stricter server than the pacer expects (1 req/s): throttles happen, and are absorbed.
    const server = new FakeServer(clock, 1, 1);
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock, random: () => 0 });
    let done = 0;
    let throttles = 0;
    const run = (async () => {
      for (let i = 0; i < 10; i++) {
        const result = await pacedRequest(deps(clock, pacer, () => server.request()));
        throttles += result.throttles;
        done++;
      }
    })();
    await clock.advance(120_000);
    await run;
    assert.equal(done, 10);
    assert.equal(throttles, server.throttles);
    assert.ok(server.throttles > 0, 'the stricter server did throttle');
  });

  it('makes no throttles at all against AWS-like limits', async () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock, 2, 2);
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 25, clock });
    const runs = ['a', 'b', 'c'].map(async () => {
      for (let i = 0; i < 10; i++) await pacedRequest({ ...deps(clock, pacer, () => server.request()), acquire: () => pacer.acquire('k', {}) });
    });
    await clock.advance(60_000);
    await Promise.all(runs);
    assert.equal(server.throttles, 0);
    assert.equal(server.arrivals.length, 30);
    // 30 requests at one per 525 ms: ≥ 95% of the 2 req/s ceiling.
    const seconds = (server.arrivals[29] - server.arrivals[0]) / 1000;
    assert.ok(29 / seconds >= 1.9, `${(29 / seconds).toFixed(2)} req/s`);
  });

  it('gives up on throttles only after maxThrottleRetries, with the throttle as cause', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock, random: () => 0, maxPenaltyMs: 2000 });
    let sent = 0;
    const result = pacedRequest({ ...deps(clock, pacer, () => (sent++, Promise.reject(throttle()))), maxThrottleRetries: 4 }).catch((error: unknown) => error);
    await clock.advance(60_000);
    const error = await result;
    assert.ok(error instanceof PacedRequestError);
    assert.equal(error.throttles, 4);
    assert.equal(sent, 5);
    assert.equal((error.cause as Error).name, 'ThrottlingException');
  });

  it('retries transient failures a bounded number of times, and others not at all', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 100, marginMs: 0, clock });
    let sent = 0;
    const serverError = Object.assign(new Error('oops'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    const flaky = pacedRequest(deps(clock, pacer, () => (++sent < 3 ? Promise.reject(serverError) : Promise.resolve('ok'))));
    await clock.advance(10_000);
    assert.deepEqual(await flaky, { value: 'ok', requests: 3, throttles: 0, retries: 2 });

    sent = 0;
    const broken = pacedRequest(deps(clock, pacer, () => (sent++, Promise.reject(serverError)))).catch((error: unknown) => error);
    await clock.advance(10_000);
    assert.ok((await broken) instanceof PacedRequestError);
    assert.equal(sent, 3, 'maxAttempts 3');

    sent = 0;
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    const final = pacedRequest(deps(clock, pacer, () => (sent++, Promise.reject(denied)))).catch((error: unknown) => error);
    await clock.advance(1000);
    assert.equal(((await final) as PacedRequestError).cause, denied);
    assert.equal(sent, 1);
  });

  it('stops at once when cancelled while waiting for a slot', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    await pacer.acquire('k', 'other');
    const controller = new AbortController();
    let sent = 0;
    const request = pacedRequest(deps(clock, pacer, () => (sent++, Promise.resolve('x')), controller.signal)).catch((error: unknown) => error);
    await clock.advance(100);
    controller.abort();
    const error = await request;
    assert.ok(error instanceof PacedRequestError);
    assert.equal((error.cause as Error).name, 'AbortError');
    assert.equal(sent, 0);
    assert.equal(clock.now(), 100);
  });
});

describe('aws pages', () => {
  it('follows tokens lazily, stops at the end, at maxPages, and on a repeated token', async () => {
    const calls: (string | undefined)[] = [];
    const fetch = (token: string | undefined) => {
      calls.push(token);
      const n = token ? Number(token) : 0;
      return Promise.resolve({ items: [n], nextToken: n < 3 ? String(n + 1) : undefined });
    };
    const all: number[][] = [];
    for await (const page of pages(fetch)) all.push(page.items);
    assert.deepEqual(all, [[0], [1], [2], [3]]);
    assert.deepEqual(calls, [undefined, '1', '2', '3']);

    calls.length = 0;
    const two: number[] = [];
    for await (const page of pages(fetch, { maxPages: 2 })) two.push(page.index);
    assert.deepEqual(two, [0, 1]);
    assert.equal(calls.length, 2);

    calls.length = 0;
    for await (const page of pages(fetch, { startToken: '2' })) {
      assert.equal(page.items[0], 2);
      break; // breaking stops fetching
    }
    assert.deepEqual(calls, ['2']);

    let loops = 0;
    for await (const page of pages(() => Promise.resolve({ items: loops++, nextToken: 'same' }), { startToken: 'same' })) assert.equal(page.nextToken, undefined);
    assert.equal(loops, 1);
  });
});
