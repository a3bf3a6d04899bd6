import { strict as assert } from 'node:assert';
import { describeFilter, planQuery, serverSideFilters, summarizePlan, type QueryPlan } from '../../src/core/events/planner';
import { EVENT_HISTORY_MS, normalizeQuery, parseEventQuery, resolveTimeRange, type EventQuery, type LookupAttributeKey } from '../../src/core/events/query';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function plan(query: EventQuery, options: { maxFanOut?: number } = {}): QueryPlan {
  return planQuery(query, { now: NOW, ...options });
}

const typical: Record<LookupAttributeKey, string> = {
  EventId: '3c5ec6b5-5ffb-4e4d-9f2a-0c0a1b2c3d4e',
  AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  ResourceName: 'my-bucket',
  Username: 'alice',
  EventName: 'DeleteTrail',
  ResourceType: 'AWS::S3::Bucket',
  EventSource: 's3.amazonaws.com',
  ReadOnly: 'false',
};
const ORDER: LookupAttributeKey[] = ['EventId', 'AccessKeyId', 'ResourceName', 'Username', 'EventName', 'ResourceType', 'EventSource', 'ReadOnly'];

describe('core/events/query: time ranges', () => {
  it('resolves every preset relative to the injected now', () => {
    const expected = { '15m': 15 * 60_000, '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
    for (const [preset, ms] of Object.entries(expected)) {
      const range = resolveTimeRange({ preset: preset as keyof typeof expected }, NOW);
      assert.equal(range.end, NOW, preset);
      assert.equal(range.start, NOW - ms, preset);
      assert.equal(range.clamped, false);
    }
  });

  it('defaults to the whole 90-day Event history', () => {
    const range = resolveTimeRange(undefined, NOW);
    assert.equal(range.start, NOW - EVENT_HISTORY_MS);
    assert.equal(range.end, NOW);
  });

  it('clamps a custom start older than 90 days and an end in the future, saying so', () => {
    const range = resolveTimeRange({ start: NOW - 200 * DAY, end: NOW + DAY }, NOW);
    assert.equal(range.start, NOW - EVENT_HISTORY_MS);
    assert.equal(range.end, NOW);
    assert.equal(range.clamped, true);
    assert.equal(range.warnings.length, 2);
    assert.match(range.warnings[0] ?? '', /90 days/);
  });

  it('keeps an open-ended custom range inside the window and swaps a reversed one', () => {
    assert.deepEqual([resolveTimeRange({ start: NOW - DAY }, NOW).start, resolveTimeRange({ start: NOW - DAY }, NOW).end], [NOW - DAY, NOW]);
    assert.equal(resolveTimeRange({ end: NOW - DAY }, NOW).start, NOW - EVENT_HISTORY_MS);
    const swapped = resolveTimeRange({ start: NOW - HOUR, end: NOW - 2 * HOUR }, NOW);
    assert.deepEqual([swapped.start, swapped.end], [NOW - 2 * HOUR, NOW - HOUR]);
    assert.match(swapped.warnings.join(' '), /swapped/);
  });

  it('marks a range entirely outside Event history as empty', () => {
    assert.equal(resolveTimeRange({ start: NOW - 400 * DAY, end: NOW - 100 * DAY }, NOW).empty, true);
    assert.equal(resolveTimeRange({ start: NOW + DAY, end: NOW + 2 * DAY }, NOW).empty, true);
    assert.equal(resolveTimeRange({ start: Number.NaN, end: Number.POSITIVE_INFINITY }, NOW).empty, false);
  });
});

describe('core/events/query: normalisation and validation', () => {
  it('trims, drops empty values, removes duplicates and completes event sources', () => {
    const query = normalizeQuery({
      attributes: { EventName: [' DeleteTrail ', 'DeleteTrail', ''], EventSource: ['S3'], Username: ['  '], ReadOnly: ['write'], AccessKeyId: ['akia123'], EventId: ['ABC'] },
      errorCodes: [' AccessDenied '],
      text: '  ',
      riskyOnly: true,
    });
    assert.deepEqual(query.attributes, { EventId: ['abc'], EventName: ['DeleteTrail'], ReadOnly: ['false'], EventSource: ['s3.amazonaws.com'], AccessKeyId: ['AKIA123'] });
    assert.equal(query.errorsOnly, true, 'error codes imply errors only');
    assert.equal(query.text, undefined);
    assert.equal(query.riskyOnly, 'medium');
    assert.deepEqual(normalizeQuery(query), query, 'idempotent');
  });

  it('accepts a well-formed untrusted query (ISO or epoch times, string or list values)', () => {
    const query = parseEventQuery({ time: { start: '2025-06-14T00:00:00Z', end: NOW }, attributes: { Username: 'alice', EventName: ['A', 'B'] }, access: 'read', limit: 10 });
    assert.deepEqual(query.time, { start: Date.UTC(2025, 5, 14), end: NOW });
    assert.deepEqual(query.attributes, { EventName: ['A', 'B'], Username: ['alice'] });
    assert.equal(query.access, 'read');
  });

  const bad: Array<[string, unknown]> = [
    ['not an object', 'x'],
    ['unknown key', { evil: 1 }],
    ['unknown attribute', { attributes: { Evil: 'x' } }],
    ['attribute object value', { attributes: { EventName: { $gt: '' } } }],
    ['too many values', { attributes: { EventName: Array.from({ length: 65 }, () => 'x') } }],
    ['overlong value', { attributes: { EventName: 'x'.repeat(5000) } }],
    ['bad ReadOnly', { attributes: { ReadOnly: 'maybe' } }],
    ['unknown preset', { time: { preset: '1y' } }],
    ['bad time', { time: { start: 'yesterday-ish' } }],
    ['bad access', { access: 'admin' }],
    ['bad risk level', { riskyOnly: 'critical' }],
    ['bad limit', { limit: 0 }],
    ['non-boolean errorsOnly', { errorsOnly: 'yes' }],
  ];
  for (const [what, value] of bad) {
    it(`rejects ${what}`, () => assert.throws(() => parseEventQuery(value), Error));
  }
});

describe('core/events/planner: which attribute goes to LookupEvents', () => {
  it('sends a lone attribute to the server and applies nothing locally', () => {
    for (const key of ORDER) {
      const p = plan({ attributes: { [key]: [typical[key]] } });
      assert.equal(p.server?.attribute, key, key);
      assert.equal(p.local.length, 0, key);
      assert.equal(p.calls.length, 1);
      assert.deepEqual(p.calls[0]?.lookupAttributes, [{ AttributeKey: key, AttributeValue: key === 'EventSource' ? 's3.amazonaws.com' : key === 'EventId' ? typical.EventId.toLowerCase() : typical[key] }]);
    }
  });

  it('follows EventId > AccessKeyId > ResourceName > Username > EventName > ResourceType > EventSource > ReadOnly for every pair', () => {
    for (let i = 0; i < ORDER.length; i++) {
      for (let j = i + 1; j < ORDER.length; j++) {
        const [better, worse] = [ORDER[i], ORDER[j]];
        const p = plan({ attributes: { [worse]: [typical[worse]], [better]: [typical[better]] } });
        assert.equal(p.server?.attribute, better, `${better} vs ${worse}`);
        assert.deepEqual(
          p.local.map((item) => item.filter),
          [{ kind: 'attribute', attribute: worse, values: [worse === 'EventSource' ? 's3.amazonaws.com' : typical[worse]] }],
        );
      }
    }
  });

  it('picks the best of all eight and keeps the seven others local, explaining why', () => {
    const attributes = Object.fromEntries(ORDER.map((key) => [key, [typical[key]]]));
    const p = plan({ attributes });
    assert.equal(p.server?.attribute, 'EventId');
    assert.equal(p.local.length, 7);
    assert.match(p.server?.reason ?? '', /single event/);
    assert.match(p.explanation.join('\n'), /Applied locally/);
    for (const item of p.local) assert.match(item.reason, /one attribute per call/);
  });

  it('reads value shapes: a temporary key beats an ARN; an ARN beats a plain name', () => {
    assert.match(plan({ attributes: { AccessKeyId: ['ASIAXXXXXXXXXXXXXXXX'] } }).server?.reason ?? '', /temporary/);
    assert.equal(plan({ attributes: { ResourceName: ['arn:aws:s3:::b'], Username: ['alice'] } }).server?.attribute, 'ResourceName');
    assert.match(plan({ attributes: { ResourceName: ['arn:aws:s3:::b'] } }).server?.reason ?? '', /ARN/);
  });

  it('treats high-volume read APIs as less selective, but still above ResourceType', () => {
    assert.match(plan({ attributes: { EventName: ['DescribeInstances'] } }).server?.reason ?? '', /high-volume/);
    assert.equal(plan({ attributes: { EventName: ['DescribeInstances'], ResourceType: ['AWS::EC2::Instance'] } }).server?.attribute, 'EventName');
  });

  it('prefers write-only over read-only as the ReadOnly attribute and drops "both"', () => {
    assert.match(plan({ attributes: { ReadOnly: ['false'] } }).server?.reason ?? '', /write/);
    const both = plan({ attributes: { ReadOnly: ['true', 'false'] } });
    assert.equal(both.server, null);
    assert.equal(both.local.length, 0);
  });

  it('folds access=read|write into ReadOnly and reports a contradiction as impossible', () => {
    assert.deepEqual(plan({ access: 'write' }).calls[0]?.lookupAttributes, [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }]);
    const p = plan({ access: 'read', attributes: { ReadOnly: ['false'] } });
    assert.ok(p.impossible);
    assert.equal(p.calls.length, 0);
  });
});

describe('core/events/planner: several values, fan-out', () => {
  it('fans a multi-valued server attribute out into one call per value, deduplicated', () => {
    const p = plan({ attributes: { EventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail'] }, time: { preset: '24h' } });
    assert.equal(p.server?.attribute, 'EventName');
    assert.equal(p.calls.length, 3);
    assert.equal(p.dedupe, true);
    assert.deepEqual(
      p.calls.map((call) => call.lookupAttributes[0]?.AttributeValue),
      ['StopLogging', 'DeleteTrail', 'UpdateTrail'],
    );
    assert.match(p.server?.reason ?? '', /one LookupEvents stream each/);
    for (const call of p.calls) assert.deepEqual([call.startTime, call.endTime], [NOW - DAY, NOW]);
  });

  it('weighs fan-out cost: three users lose to one event name over a day but win over 90 days', () => {
    const attributes = { Username: ['alice', 'bob', 'carol'], EventName: ['PutBucketPolicy'] };
    assert.equal(plan({ attributes, time: { preset: '24h' } }).server?.attribute, 'EventName');
    assert.equal(plan({ attributes, time: { preset: '90d' } }).server?.attribute, 'Username');
  });

  it('keeps an attribute with more values than maxFanOut local and says why', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F'].map((c) => `Delete${c}`);
    const p = plan({ attributes: { EventName: names, EventSource: ['ec2'] } });
    assert.equal(p.server?.attribute, 'EventSource');
    assert.ok(p.local.some((item) => item.filter.kind === 'attribute' && item.filter.attribute === 'EventName'));
    assert.match(p.explanation.join('\n'), /at most 5/);
    const none = plan({ attributes: { EventName: names } });
    assert.equal(none.server, null);
    assert.equal(none.calls.length, 1);
    assert.deepEqual(none.calls[0]?.lookupAttributes, []);
    assert.equal(plan({ attributes: { EventName: names } }, { maxFanOut: 6 }).calls.length, 6);
  });
});

describe('core/events/planner: local-only filters, Insights, time', () => {
  it('puts every local-only filter in the plan, cheapest first, with labels for the panel', () => {
    const p = plan({
      attributes: { EventName: ['ConsoleLogin'] },
      text: 'Mozilla',
      riskyOnly: 'high',
      userAgent: 'aws-cli',
      sourceIps: ['10.0.0.0/8'],
      errorCodes: ['AccessDenied*'],
    });
    assert.deepEqual(
      p.local.map((item) => item.filter.kind),
      ['errors', 'sourceIp', 'userAgent', 'risk', 'text'],
    );
    assert.deepEqual(
      p.local.map((item) => item.label),
      ['Error code is “AccessDenied*”', 'Source IP is “10.0.0.0/8”', 'User agent contains “aws-cli”', 'Risk high or higher', 'Text “Mozilla” anywhere in the event'],
    );
    assert.match(summarizePlan(p), /^AWS: EventName = “ConsoleLogin” · Local: /);
  });

  it('fetches everything in range when no attribute is given', () => {
    const p = plan({ errorsOnly: true, time: { preset: '1h' } });
    assert.equal(p.server, null);
    assert.deepEqual(p.calls, [{ lookupAttributes: [], startTime: NOW - HOUR, endTime: NOW }]);
    assert.deepEqual(p.local.map((item) => item.label), ['Failed calls only']);
    assert.match(summarizePlan(p), /AWS: all events in range/);
  });

  it('asks for EventCategory=insight with Insights, on every fanned-out call', () => {
    const p = plan({ insights: true, attributes: { EventName: ['A', 'B'] } });
    assert.equal(p.eventCategory, 'insight');
    assert.ok(p.calls.every((call) => call.eventCategory === 'insight'));
    assert.match(p.explanation.join(' '), /EventCategory=insight/);
    assert.equal(plan({}).calls[0]?.eventCategory, undefined);
  });

  it('makes no call for a range outside Event history', () => {
    const p = plan({ time: { start: NOW - 400 * DAY, end: NOW - 300 * DAY }, attributes: { Username: ['alice'] } });
    assert.ok(p.impossible);
    assert.deepEqual(p.calls, []);
    assert.match(summarizePlan(p), /Nothing can match/);
  });

  it('lists the server-side filters for running a plan over local files', () => {
    const p = plan({ time: { preset: '7d' }, insights: true, attributes: { Username: ['alice'] } });
    assert.deepEqual(serverSideFilters(p), [
      { kind: 'time', start: NOW - 7 * DAY, end: NOW },
      { kind: 'category', category: 'insight' },
      { kind: 'attribute', attribute: 'Username', values: ['alice'] },
    ]);
  });

  it('is plain data (survives JSON) and carries the limit', () => {
    const p = plan({ attributes: { Username: ['alice'] }, text: 'x', limit: 25 });
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    assert.equal(p.limit, 25);
  });

  it('describes every filter kind', () => {
    assert.equal(describeFilter({ kind: 'attribute', attribute: 'ReadOnly', values: ['true'] }), 'Read-only calls');
    assert.equal(describeFilter({ kind: 'attribute', attribute: 'ReadOnly', values: ['false'] }), 'Write calls');
    assert.equal(describeFilter({ kind: 'attribute', attribute: 'Username', values: ['a', 'b'] }), 'Username is any of “a”, “b”');
    assert.equal(describeFilter({ kind: 'category', category: 'insight' }), 'Insights events');
    assert.equal(describeFilter({ kind: 'risk', minLevel: 'low' }), 'Flagged events only');
    assert.match(describeFilter({ kind: 'time', start: 0, end: 1000 }), /^Between 1970/);
    assert.match(describeFilter({ kind: 'text', value: 'x'.repeat(100) }), /…/);
  });
});
