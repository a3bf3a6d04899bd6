import { strict as assert } from 'node:assert';
import { createLimiter } from '../../src/core/aws/limit';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('concurrency limiter (core/aws/limit)', () => {
  it('runs at most `limit` tasks at once, the others in arrival order', async () => {
    const limiter = createLimiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual([limiter.active, limiter.waiting], [2, 2]);
    gates[1]?.resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]?.resolve();
    gates[2]?.resolve();
    gates[3]?.resolve();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.equal(limiter.peak, 2);
    assert.equal(limiter.active, 0);
  });

  it('frees the slot of a task that fails, and passes the failure on', async () => {
    const limiter = createLimiter(1);
    const failing = limiter.run(() => Promise.reject(new Error('boom')));
    const thrown = limiter.run(() => {
      throw new Error('sync');
    });
    const next = limiter.run(() => Promise.resolve('ok'));
    await assert.rejects(failing, /boom/);
    await assert.rejects(thrown, /sync/);
    assert.equal(await next, 'ok');
  });

  it('rejects a limit that is not a positive integer', () => {
    assert.throws(() => createLimiter(0), RangeError);
    assert.throws(() => createLimiter(1.5), RangeError);
  });
});
