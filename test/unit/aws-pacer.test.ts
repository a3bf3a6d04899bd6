import * as assert from 'node:assert/strict';
import { Pacer } from '../../src/core/aws/pacer';
import { FakeClock } from './aws-fake-clock';

/** A consumer that pages sequentially: acquire, "send" (takes `latencyMs`), repeat. */
async function pageLoop(pacer: Pacer, clock: FakeClock, key: string, name: string, pages: number, log: { name: string; at: number }[], latencyMs = 50, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < pages; i++) {
    await pacer.acquire(key, name, signal);
    log.push({ name, at: clock.now() });
    await new Promise<void>((resolve) => clock.setTimer(resolve, latencyMs));
  }
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]);
}

describe('aws pacer', () => {
  it('never grants more than the rate per key, measured over any window', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 25, clock });
    const log: { name: string; at: number }[] = [];
    const runs = ['a', 'b', 'c', 'd'].map((name) => pageLoop(pacer, clock, 'acct|us-east-1', name, 10, log));
    await clock.advance(30_000);
    await Promise.all(runs);
    assert.equal(log.length, 40);
    const times = log.map((entry) => entry.at);
    for (const gap of gaps(times)) assert.ok(gap >= 525, `gap ${gap}`);
    // In any 1000 ms window, at most 2 grants.
    for (const start of times) assert.ok(times.filter((time) => time >= start && time < start + 1000).length <= 2);
    // And the lane is kept busy: 40 grants in 39 intervals.
    assert.equal(times[times.length - 1] - times[0], 39 * 525);
  });

  it('keeps lanes of different accounts and regions independent', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    const log: { name: string; at: number }[] = [];
    const runs = ['111|us-east-1', '111|eu-west-1', '222|us-east-1'].map((key) => pageLoop(pacer, clock, key, key, 5, log));
    await clock.advance(10_000);
    await Promise.all(runs);
    for (const key of ['111|us-east-1', '111|eu-west-1', '222|us-east-1']) {
      assert.deepEqual(
        log.filter((entry) => entry.name === key).map((entry) => entry.at),
        [0, 500, 1000, 1500, 2000],
        key,
      );
    }
  });

  it('is fair: round-robin between consumers, not FIFO per burst', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    const order: string[] = [];
    const grants: Promise<void>[] = [];
    // A bursts 6 requests at once; B and C arrive a moment later with 2 each.
    for (let i = 0; i < 6; i++) grants.push(pacer.acquire('k', 'A').then(() => void order.push('A')));
    await clock.advance(10);
    for (let i = 0; i < 2; i++) grants.push(pacer.acquire('k', 'B').then(() => void order.push('B')));
    for (let i = 0; i < 2; i++) grants.push(pacer.acquire('k', 'C').then(() => void order.push('C')));
    await clock.advance(10_000);
    await Promise.all(grants);
    assert.deepEqual(order, ['A', 'A', 'B', 'C', 'A', 'B', 'C', 'A', 'A', 'A']);
  });

  it('shares the lane evenly between sequential pagers', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    const log: { name: string; at: number }[] = [];
    const runs = [pageLoop(pacer, clock, 'k', 'search', 30, log), pageLoop(pacer, clock, 'k', 'posture', 30, log, 10), pageLoop(pacer, clock, 'k', 'lookup', 30, log, 200)];
    await clock.advance(15_000);
    const firstThirty = log.slice(0, 30);
    for (const name of ['search', 'posture', 'lookup']) {
      assert.equal(firstThirty.filter((entry) => entry.name === name).length, 10, name);
    }
    await clock.advance(60_000);
    await Promise.all(runs);
  });

  it('grants at once when idle, then spaces from the actual grant time', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    let granted = 0;
    await pacer.acquire('k', 'x');
    granted++;
    assert.equal(clock.now(), 0);
    await clock.advance(2000);
    await pacer.acquire('k', 'x'); // idle lane: no waiting
    granted++;
    assert.equal(clock.now(), 2000);
    const third = pacer.acquire('k', 'x').then(() => granted++);
    await clock.advance(499);
    assert.equal(granted, 2);
    await clock.advance(1);
    await third;
    assert.equal(granted, 3);
  });

  it('stops waiting promptly when cancelled, and the others move up', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, clock });
    await pacer.acquire('k', 'first');
    const controller = new AbortController();
    let cancelled: unknown;
    const waiting = pacer.acquire('k', 'slow', controller.signal).catch((error: unknown) => (cancelled = error));
    const other = pacer.acquire('k', 'other');
    await clock.advance(100);
    controller.abort();
    await clock.settle();
    await waiting;
    assert.ok(cancelled instanceof Error && cancelled.name === 'AbortError', 'rejected with an AbortError');
    assert.equal(clock.now(), 100, 'without waiting for a slot');
    assert.equal(pacer.stats('k').waiting, 1);
    await clock.advance(400);
    await other; // took the slot at 500 that the cancelled one would have had
    assert.equal(clock.now(), 500);
    // An already-aborted signal rejects at once.
    await assert.rejects(pacer.acquire('k', 'late', AbortSignal.abort()), { name: 'AbortError' });
  });

  it('pauses a lane after a throttle, doubling while throttles repeat, and lets the throttled consumer go first', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, penaltyMs: 1000, maxPenaltyMs: 4000, clock, random: () => 0 });
    const order: { name: string; at: number }[] = [];
    await pacer.acquire('k', 'A');
    const b = pacer.acquire('k', 'B').then(() => void order.push({ name: 'B', at: clock.now() }));
    // A's request was throttled at t=50: the lane pauses 1 s and A retries first.
    await clock.advance(50);
    pacer.throttled('k', 'A');
    const a = pacer.acquire('k', 'A').then(() => void order.push({ name: 'A', at: clock.now() }));
    await clock.advance(5000);
    await Promise.all([a, b]);
    assert.deepEqual(order, [
      { name: 'A', at: 1050 },
      { name: 'B', at: 1550 },
    ]);
    assert.equal(pacer.stats('k').throttled, 1);
  });

  it('caps the penalty and resets it after a success', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 2, marginMs: 0, penaltyMs: 1000, maxPenaltyMs: 4000, clock, random: () => 0 });
    const grantAfterThrottle = async (): Promise<number> => {
      const start = clock.now();
      pacer.throttled('k');
      let at = -1;
      const waiting = pacer.acquire('k', 'x').then(() => (at = clock.now()));
      await clock.advance(20_000);
      await waiting;
      return at - start;
    };
    await pacer.acquire('k', 'x');
    assert.deepEqual([await grantAfterThrottle(), await grantAfterThrottle(), await grantAfterThrottle(), await grantAfterThrottle()], [1000, 2000, 4000, 4000]);
    pacer.succeeded('k');
    assert.equal(await grantAfterThrottle(), 1000);
  });

  it('rejects waiters on dispose and forgets idle lanes', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ ratePerSecond: 1, marginMs: 0, clock });
    await pacer.acquire('k', 'x');
    const waiting = pacer.acquire('k', 'y');
    pacer.dispose();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(clock.pending, 0);
    assert.throws(() => new Pacer({ ratePerSecond: 0 }), RangeError);
  });
});
