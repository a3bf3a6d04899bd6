/**
 * Offline queries (archives, Athena): S3 delivery names, which files a time range needs, and the
 * plan without the 90-day window.
 */
import { strict as assert } from 'node:assert';
import { dayFolder, deliveryDays, fileMayHoldRange, parseLogFileName, parseLogFolder } from '../../src/core/archive/keys';
import { compileOfflineFilter, planOfflineQuery, resolveOfflineRange } from '../../src/core/archive/plan';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';

const NOW = Date.UTC(2026, 0, 1);

describe('archive: S3 delivery names', () => {
  it('parses CloudTrail, Insights and digest object names', () => {
    assert.deepEqual(parseLogFileName('AWSLogs/111111111111/CloudTrail/eu-central-1/2017/12/11/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz'), {
      account: '111111111111',
      kind: 'CloudTrail',
      region: 'eu-central-1',
      time: Date.UTC(2017, 11, 11, 15, 5),
      unique: 'A6kvhMoVeCsc7v8U',
      extension: '.json.gz',
    });
    assert.equal(parseLogFileName('123456789012_CloudTrail-Insight_us-east-1_20240229T2359Z_abc.json.gz')?.kind, 'CloudTrail-Insight');
    assert.equal(parseLogFileName('123456789012_CloudTrail-Digest_us-gov-west-1_20240101T000000Z.json.gz'), undefined);
    assert.equal(parseLogFileName('123456789012_CloudTrail-Digest_us-gov-west-1_20240101T000000Z_x.json.gz')?.kind, 'CloudTrail-Digest');
    assert.equal(parseLogFileName('123456789012_CloudTrail_us-east-1_20230229T1200Z_x.json.gz'), undefined, '29 February 2023');
    assert.equal(parseLogFileName('123456789012_CloudTrail_us-east-1_20231301T1200Z_x.json.gz'), undefined);
    assert.equal(parseLogFileName('raw-large-samples.json'), undefined);
    assert.equal(parseLogFileName('C:\\logs\\123456789012_CloudTrail_ap-southeast-3_20240101T0000Z_x.json')?.region, 'ap-southeast-3');
  });

  it('reads the folder layout, organization trails included', () => {
    assert.deepEqual(parseLogFolder('s3://b/p/AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2024/05/06/x.json.gz'), { organizationId: 'o-abcdefghij', account: '111122223333', kind: 'CloudTrail', region: 'us-east-1', day: '2024/05/06' });
    assert.equal(parseLogFolder('/tmp/logs/x.json'), undefined);
  });

  it('skips a file only when none of its events can be in the range', () => {
    const t = Date.UTC(2024, 4, 6, 12, 0);
    assert.equal(fileMayHoldRange(t, undefined), true);
    assert.equal(fileMayHoldRange(t, { start: t + 60 * 60_000 }), false, 'delivered an hour before the start');
    assert.equal(fileMayHoldRange(t, { start: t + 10 * 60_000 }), true, 'within the clock skew');
    assert.equal(fileMayHoldRange(t, { end: t - 2 * 86_400_000 }), false, 'delivered two days after the end');
    assert.equal(fileMayHoldRange(t, { end: t - 3_600_000 }), true, 'late delivery');
    assert.equal(fileMayHoldRange(t, { end: t - 3_600_000 }, { deliverySlackMs: 60_000 }), false);
  });

  it('names the delivery-date folders a range needs', () => {
    assert.equal(dayFolder(Date.UTC(2024, 1, 29, 23, 59)), '2024/02/29');
    assert.deepEqual(deliveryDays({ start: Date.UTC(2024, 1, 29, 0, 5), end: Date.UTC(2024, 2, 1, 12) }), { first: '2024/02/28', last: '2024/03/02' });
  });
});

describe('archive: offline plan', () => {
  const at = (iso: string, extra: CloudTrailRecord = {}): { row: ReturnType<typeof toRow>; record: CloudTrailRecord } => {
    const record: CloudTrailRecord = { eventTime: iso, eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', ...extra };
    return { row: toRow(record), record };
  };

  it('keeps ranges older than 90 days, open ends open, whole seconds', () => {
    assert.deepEqual(resolveOfflineRange({ start: Date.UTC(2017, 0, 1, 0, 0, 0, 700), end: Date.UTC(2017, 11, 31, 0, 0, 0, 200) }, NOW).range, { start: Date.UTC(2017, 0, 1), end: Date.UTC(2017, 11, 31, 0, 0, 0, 999) });
    assert.deepEqual(resolveOfflineRange({ start: Date.UTC(2017, 0, 1) }, NOW).range, { start: Date.UTC(2017, 0, 1) });
    assert.deepEqual(resolveOfflineRange({ preset: '7d' }, NOW).range, { start: NOW - 7 * 86_400_000, end: NOW + 999 });
    assert.equal(resolveOfflineRange(undefined, NOW).range, undefined);
    assert.deepEqual(resolveOfflineRange({ start: 5000, end: 1000 }, NOW).warnings.length, 1);
  });

  it('applies every attribute locally (none went to a server), and Insights only when asked', () => {
    const plan = planOfflineQuery({ time: { start: Date.UTC(2017, 0, 1), end: Date.UTC(2018, 0, 1) }, attributes: { EventName: ['stoplogging'] } }, { now: NOW });
    const match = compileOfflineFilter(plan);
    const hit = at('2017-06-01T00:00:00Z');
    assert.equal(match(hit.row, hit.record), true);
    const other = at('2017-06-01T00:00:00Z', { eventName: 'StartLogging' });
    assert.equal(match(other.row, other.record), false);
    const late = at('2019-06-01T00:00:00Z');
    assert.equal(match(late.row, late.record), false);
    const insight = at('2017-06-01T00:00:00Z', { eventCategory: 'Insight' });
    assert.equal(match(insight.row, insight.record), false);
    const insights = compileOfflineFilter(planOfflineQuery({ insights: true }, { now: NOW }));
    assert.equal(insights(insight.row, insight.record), true);
    assert.equal(insights(hit.row, hit.record), false);
  });

  it('a record without a usable time is in no range, but found without one', () => {
    const none = at('redacted');
    assert.equal(compileOfflineFilter(planOfflineQuery({ time: { end: NOW } }, { now: NOW }))(none.row, none.record), false);
    assert.equal(compileOfflineFilter(planOfflineQuery({}, { now: NOW }))(none.row, none.record), true);
  });

  it('contradictions match nothing', () => {
    const plan = planOfflineQuery({ attributes: { ReadOnly: ['true'] }, access: 'write' }, { now: NOW });
    assert.ok(plan.impossible);
    const hit = at('2017-06-01T00:00:00Z');
    assert.equal(compileOfflineFilter(plan)(hit.row, hit.record), false);
  });
});
