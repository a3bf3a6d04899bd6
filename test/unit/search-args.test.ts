/**
 * The search command's argument (from the Trails tree, command links, other extensions) and the
 * UI update throttle.
 */
import { strict as assert } from 'node:assert';
import { parseSearchArgument, requestFromArgument } from '../../src/features/search/args';
import { Throttle, type ThrottleClock } from '../../src/features/search/throttle';

describe('search command argument', () => {
  const defaults = { profile: 'default', region: 'us-east-1', query: { time: { preset: '24h' as const } } };

  it('takes { profile, region } from a tree node, ignoring its other fields', () => {
    const node = { profile: 'prod', region: 'eu-west-1', label: 'Trail', contextValue: 'trail', collapsibleState: 1 };
    const argument = parseSearchArgument(node);
    assert.deepEqual(argument, { profiles: ['prod'], regions: ['eu-west-1'], run: false });
    assert.deepEqual(requestFromArgument(argument, defaults), { profiles: ['prod'], regions: ['eu-west-1'], query: { time: { preset: '24h' } } });
  });

  it('takes attributes (strings or lists) and a query, validated and normalised', () => {
    const argument = parseSearchArgument({ profile: 'dev', attributes: { EventName: 'StopLogging', EventSource: ['cloudtrail'] }, query: { errorsOnly: true }, run: true });
    assert.ok(argument);
    assert.equal(argument.run, true);
    const request = requestFromArgument(argument, defaults);
    assert.deepEqual(request.regions, ['us-east-1'], 'the active region by default');
    assert.deepEqual(request.query, { time: { preset: '24h' }, attributes: { EventName: ['StopLogging'], EventSource: ['cloudtrail.amazonaws.com'] }, errorsOnly: true });
  });

  it('ignores what is not an argument (no object, nothing usable)', () => {
    for (const value of [undefined, null, 'dev', 42, [], { label: 'x' }, { run: true }]) assert.equal(parseSearchArgument(value), undefined);
  });

  it('rejects invalid values', () => {
    assert.throws(() => parseSearchArgument({ region: 'not a region' }), /region/);
    assert.throws(() => parseSearchArgument({ attributes: { Evil: 'x' } }), /unknown key/);
    assert.throws(() => requestFromArgument({ profiles: ['bad\nname'], run: false }, defaults), /profile/);
  });
});

describe('search UI update throttle', () => {
  function fakeClock(): ThrottleClock & { advance(ms: number): void } {
    let now = 0;
    let timers: Array<{ at: number; callback: () => void; id: number }> = [];
    let id = 0;
    return {
      now: () => now,
      setTimeout: (callback, ms) => {
        timers.push({ at: now + ms, callback, id: ++id });
        return id;
      },
      clearTimeout: (handle) => {
        timers = timers.filter((timer) => timer.id !== handle);
      },
      advance(ms: number) {
        now += ms;
        const due = timers.filter((timer) => timer.at <= now);
        timers = timers.filter((timer) => timer.at > now);
        for (const timer of due) timer.callback();
      },
    };
  }

  it('flushes the first request at once, then at most once per interval', () => {
    const clock = fakeClock();
    let flushes = 0;
    const throttle = new Throttle(() => flushes++, 100, clock);
    throttle.request();
    assert.equal(flushes, 1, 'the first rows show at once');
    for (let i = 0; i < 10; i++) {
      clock.advance(5);
      throttle.request();
    }
    assert.equal(flushes, 1);
    clock.advance(60);
    assert.equal(flushes, 2, 'coalesced into one flush');
    throttle.request();
    throttle.now();
    assert.equal(flushes, 3, 'now() flushes at once and cancels the pending one');
    clock.advance(200);
    assert.equal(flushes, 3);
    throttle.dispose();
    throttle.request();
    assert.equal(flushes, 3);
  });
});
