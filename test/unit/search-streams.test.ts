/**
 * core/events/streams: LookupEvents events to rows, and the newest-first merge of several streams
 * (budget, cutoff, when a stream may stop, how far back the result is complete).
 */
import { strict as assert } from 'node:assert';
import { completeBackTo, compareNewestFirst, fromLookupEvent, NewestFirstMerge } from '../../src/core/events/streams';

describe('search: LookupEvents events become rows', () => {
  it('parses CloudTrailEvent and completes the row with LookupEvents’ own fields', () => {
    const record = { eventID: 'e1', eventTime: '2026-11-20T10:00:00Z', eventName: 'DeleteBucket', eventSource: 's3.amazonaws.com', userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Admin/alice' } };
    const json = JSON.stringify(record);
    const parsed = fromLookupEvent({ EventId: 'e1', Username: 'alice', Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'logs' }, { ResourceName: '' }], CloudTrailEvent: json });
    assert.equal(parsed.json, json, 'the record text is kept as it came');
    assert.equal(parsed.row.user, 'alice');
    assert.deepEqual(parsed.row.resources, [{ type: 'AWS::S3::Bucket', name: 'logs' }]);
    assert.equal(parsed.row.time, Date.parse('2026-11-20T10:00:00Z'));
    assert.equal(parsed.parseError, undefined);
  });

  it('still gives a row when CloudTrailEvent is missing or not JSON', () => {
    for (const CloudTrailEvent of [undefined, '{not json', '[1,2]', '"text"']) {
      const parsed = fromLookupEvent({ EventId: 'e2', EventName: 'StopLogging', EventSource: 'cloudtrail.amazonaws.com', EventTime: new Date('2026-11-21T00:00:00Z'), ReadOnly: 'false', Username: 'bob', CloudTrailEvent });
      assert.equal(parsed.row.eventId, 'e2');
      assert.equal(parsed.row.eventName, 'StopLogging');
      assert.equal(parsed.row.readOnly, false);
      assert.equal(parsed.row.user, 'bob');
      assert.equal(parsed.row.time, Date.parse('2026-11-21T00:00:00Z'));
      assert.ok(parsed.parseError, 'the problem is reported');
      assert.deepEqual(JSON.parse(parsed.json), parsed.record);
    }
  });

  it('orders newest first, ties by event id', () => {
    const items = [
      { time: 1, eventId: 'b' },
      { time: 3, eventId: 'a' },
      { time: 1, eventId: 'a' },
    ];
    assert.deepEqual([...items].sort(compareNewestFirst), [
      { time: 3, eventId: 'a' },
      { time: 1, eventId: 'a' },
      { time: 1, eventId: 'b' },
    ]);
  });
});

describe('search: the newest-first merge of several streams', () => {
  it('knows the cutoff once the budget is met, and lets streams below it stop', () => {
    const merge = new NewestFirstMerge(3);
    merge.addMatch(100);
    merge.addMatch(90);
    assert.equal(merge.cutoff(), undefined, 'not enough matches yet');
    assert.equal(merge.canStop(10), false);
    merge.addMatch(50);
    merge.addMatch(95);
    assert.equal(merge.cutoff(), 90, 'the 3rd newest of 100, 95, 90, 50');
    assert.equal(merge.canStop(91), false, 'a stream above the cutoff may still return one of the newest 3');
    assert.equal(merge.canStop(90), true);
    assert.equal(merge.canStop(20), true);
  });

  it('keeps the exact cutoff over many matches in any order (heap against a sort)', () => {
    const merge = new NewestFirstMerge(50);
    const times: number[] = [];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      times.push(seed % 100_000);
      merge.addMatch(seed % 100_000);
    }
    assert.equal(merge.cutoff(), [...times].sort((a, b) => b - a)[49]);
    merge.setBudget(400);
    assert.equal(merge.budget, 400);
    assert.equal(merge.cutoff(), [...times].sort((a, b) => b - a)[399], 'a new budget recomputes from every match');
  });

  it('says how far back the merged result is complete', () => {
    assert.equal(completeBackTo([{ watermark: 500, more: false }, { watermark: 300, more: false }]), -Infinity, 'every stream ended: complete');
    assert.equal(completeBackTo([{ watermark: 500, more: true }, { watermark: 300, more: true }, { watermark: 900, more: false }]), 500);
    assert.equal(completeBackTo([{ watermark: Infinity, more: true }, { watermark: 300, more: true }]), Infinity, 'a stream that has not started: nothing is complete yet');
  });
});
