/** Recent lookups, the hover cache, and matching live trails to their definitions in code. */
import { strict as assert } from 'node:assert';
import { LookupCache, cacheKey } from '../../src/core/lookup/cache';
import { MAX_RECENT, addRecent, parseRecent, recentOfKind, removeRecent, type RecentLookup } from '../../src/core/lookup/history';
import { liveTrailName, matchTrailDefinitions } from '../../src/core/lookup/trails';

describe('lookup: recent lookups', () => {
  const entry = (value: string, at: number, kind: RecentLookup['kind'] = 'user'): RecentLookup => ({ kind, value, at });

  it('most recent first, one entry per kind and value, at most 20', () => {
    let list: RecentLookup[] = [];
    for (let i = 0; i < 25; i++) list = addRecent(list, entry(`user${i}`, i));
    assert.equal(list.length, MAX_RECENT);
    assert.equal(list[0].value, 'user24');
    list = addRecent(list, entry('user10', 100));
    assert.equal(list[0].value, 'user10');
    assert.equal(list.filter((item) => item.value === 'user10').length, 1);
    list = addRecent(list, entry('user10', 101, 'resource'));
    assert.equal(list.filter((item) => item.value === 'user10').length, 2, 'another kind is another entry');
  });

  it('access keys and event ids compare case-insensitively; names do not', () => {
    let list = addRecent([], entry('AKIAIOSFODNN7EXAMPLE', 1, 'accessKey'));
    list = addRecent(list, entry('akiaiosfodnn7example', 2, 'accessKey'));
    assert.equal(list.length, 1);
    list = addRecent(addRecent([], entry('Alice', 1)), entry('alice', 2));
    assert.equal(list.length, 2);
  });

  it('removes, filters by kind, and survives hostile stored state', () => {
    const list = [entry('a', 3), entry('b', 2, 'eventName'), entry('c', 1)];
    assert.deepEqual(removeRecent(list, entry('a', 0)).map((item) => item.value), ['b', 'c']);
    assert.deepEqual(recentOfKind(list, 'user').map((item) => item.value), ['a', 'c']);
    assert.deepEqual(parseRecent(undefined), []);
    assert.deepEqual(parseRecent('x'), []);
    const parsed = parseRecent([
      null,
      { kind: 'user', value: 'old', at: 1 },
      { kind: 'bogus', value: 'x', at: 2 },
      { kind: 'user', value: '', at: 3 },
      { kind: 'user', value: 'x'.repeat(5000), at: 4 },
      { kind: 'user', value: 'ok', at: Number.NaN },
      { kind: 'eventName', value: 'StopLogging', at: 5, profile: 'default', region: 42 },
      { kind: 'user', value: 'old', at: 9 },
    ]);
    assert.deepEqual(parsed, [
      { kind: 'user', value: 'old', at: 9 },
      { kind: 'eventName', value: 'StopLogging', at: 5, profile: 'default' },
    ]);
  });
});

describe('lookup: hover cache', () => {
  let now = 0;
  const clock = (): number => now;
  const deferred = <T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } => {
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };

  beforeEach(() => {
    now = 1000;
  });

  it('keys by profile, region and id', () => {
    assert.notEqual(cacheKey('a', 'us-east-1', 'x'), cacheKey('a', 'us-east-2', 'x'));
    assert.notEqual(cacheKey('a', 'b', 'x'), cacheKey('ab', '', 'x'));
  });

  it('keeps values for the TTL, then fetches again', async () => {
    const cache = new LookupCache<number>({ ttlMs: 60_000, now: clock });
    let fetches = 0;
    const fetch = (): Promise<number> => Promise.resolve(++fetches);
    assert.equal(await cache.get('k', fetch), 1);
    now += 59_000;
    assert.equal(await cache.get('k', fetch), 1);
    assert.equal(cache.peek('k'), 1);
    now += 2_000;
    assert.equal(cache.peek('k'), undefined);
    assert.equal(await cache.get('k', fetch), 2);
  });

  it('shares one fetch between concurrent askers', async () => {
    const cache = new LookupCache<string>({ ttlMs: 60_000, now: clock });
    const pending = deferred<string>();
    let fetches = 0;
    const fetch = (): Promise<string> => {
      fetches++;
      return pending.promise;
    };
    const a = cache.get('k', fetch, new AbortController().signal);
    const b = cache.get('k', fetch);
    pending.resolve('v');
    assert.deepEqual(await Promise.all([a, b]), ['v', 'v']);
    assert.equal(fetches, 1);
  });

  it('cancels an asker at once, and the fetch only when every asker is gone', async () => {
    const cache = new LookupCache<string>({ ttlMs: 60_000, now: clock });
    const pending = deferred<string>();
    let fetchSignal: AbortSignal | undefined;
    const fetch = (signal: AbortSignal): Promise<string> => {
      fetchSignal = signal;
      signal.addEventListener('abort', () => pending.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      return pending.promise;
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = cache.get('k', fetch, first.signal);
    const b = cache.get('k', fetch, second.signal);
    first.abort();
    await assert.rejects(a, { name: 'AbortError' });
    assert.equal(fetchSignal?.aborted, false, 'the other asker still waits');
    second.abort();
    await assert.rejects(b, { name: 'AbortError' });
    assert.equal(fetchSignal?.aborted, true);
    // A cancellation is not cached: the next hover fetches again.
    assert.equal(await cache.get('k', () => Promise.resolve('fresh')), 'fresh');
  });

  it('keeps failures briefly, never cancellations', async () => {
    const cache = new LookupCache<string>({ ttlMs: 60_000, errorTtlMs: 5_000, now: clock, cancelled: () => new Error('custom cancel') });
    let calls = 0;
    const failing = (): Promise<string> => {
      calls++;
      return Promise.reject(Object.assign(new Error('denied'), { kind: 'access-denied' }));
    };
    await assert.rejects(cache.get('k', failing), /denied/);
    await assert.rejects(cache.get('k', failing), /denied/);
    assert.equal(calls, 1);
    now += 6_000;
    await assert.rejects(cache.get('k', failing), /denied/);
    assert.equal(calls, 2);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(cache.get('other', failing, aborted.signal), /custom cancel/);
    let cancelCalls = 0;
    const cancelling = (): Promise<string> => {
      cancelCalls++;
      return Promise.reject(Object.assign(new Error('stop'), { kind: 'cancelled' }));
    };
    await assert.rejects(cache.get('c', cancelling), /stop/);
    await assert.rejects(cache.get('c', cancelling), /stop/);
    assert.equal(cancelCalls, 2);
  });

  it('holds at most maxEntries keys; clear() forgets and aborts', async () => {
    const cache = new LookupCache<number>({ ttlMs: 60_000, maxEntries: 3, now: clock });
    for (let i = 0; i < 5; i++) await cache.get(`k${i}`, () => Promise.resolve(i));
    assert.equal(cache.size, 3);
    assert.equal(cache.peek('k0'), undefined);
    assert.equal(cache.peek('k4'), 4);
    let signal: AbortSignal | undefined;
    const inflight = cache.get('slow', (s) => {
      signal = s;
      return new Promise<number>((_, reject) => s.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    });
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(signal?.aborted, true);
    await assert.rejects(inflight, /aborted/);
  });
});

describe('lookup: live trail ↔ definitions in code', () => {
  it('reads a trail name from an ARN', () => {
    assert.equal(liveTrailName('arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail'), 'MyTrail');
    assert.equal(liveTrailName(' MyTrail '), 'MyTrail');
  });

  it('matches the physical name, the logical id, CloudFormation- and CDK-generated names, loosely similar names', () => {
    const definitions = [
      'AuditTrail', // CloudFormation logical id, no TrailName
      { name: 'aws_cloudtrail.main', format: 'terraform' as const, trailName: 'org-trail' },
      { name: 'module.audit.aws_cloudtrail.this[0]', format: 'terraform' as const },
      { name: 'ManagementTrail', format: 'cdk' as const },
      { name: 'Named', trailName: 'management-events' },
    ];
    const best = (live: string): [number, string] | undefined => {
      const [match] = matchTrailDefinitions(live, definitions);
      return match ? [match.index, match.confidence] : undefined;
    };
    assert.deepEqual(best('arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail'), [1, 'exact']);
    assert.deepEqual(best('management-events'), [4, 'exact']);
    assert.deepEqual(best('AuditTrail'), [0, 'exact']);
    assert.deepEqual(best('this'), [2, 'similar']);
    assert.deepEqual(best('prod-stack-AuditTrail-1A2B3C4D5E6F7'), [0, 'generated']);
    assert.deepEqual(best('AuditStack-ManagementTrailA1B2C3D4-ABCDEFGH1234'), [3, 'generated']);
    assert.deepEqual(best('audit_trail'), [0, 'similar']);
    assert.equal(best('someone-elses-trail'), undefined);
    assert.equal(best(''), undefined);
    // A definition with a physical name matches only that name exactly.
    assert.deepEqual(matchTrailDefinitions('Named', definitions), []);
  });

  it('orders several matches best first and says why', () => {
    const matches = matchTrailDefinitions('audit', ['Audit', 'audit']);
    assert.deepEqual(matches.map((match) => [match.index, match.confidence]), [
      [1, 'exact'],
      [0, 'similar'],
    ]);
    assert.match(matches[0].reason, /logical id audit/);
  });
});
