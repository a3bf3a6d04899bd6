/**
 * The search runner (src/features/search/runner.ts) with a fake LookupEvents: streams per
 * (profile, region) and fan-out value, the newest-first budget across streams, load more / keep
 * going from the NextToken, failures in one stream, cancel, throttles, denial bursts, scan limit.
 */
import { strict as assert } from 'node:assert';
import { AwsError } from '../../src/core/aws/errors';
import type { CloudTrailRecord } from '../../src/core/events/record';
import { MAX_STREAMS, SearchRun, type SearchItem } from '../../src/features/search/runner';
import type { DoneReason, SearchRequest } from '../../src/shared/protocol';
import { fakeLookup, NOW, record, sleep } from './search-support';

function request(query: SearchRequest['query'], regions = ['us-east-1'], profiles = ['dev']): SearchRequest {
  return { profiles, regions, query: { time: { preset: '30d' }, ...query } };
}

function times(items: readonly SearchItem[]): number[] {
  return items.map((item) => item.row.time).sort((a, b) => b - a);
}

const denied = (what: string): AwsError =>
  new AwsError({ kind: 'access-denied', message: `Not allowed to ${what}.`, next: 'Ask for cloudtrail:LookupEvents.', missingAction: 'cloudtrail:LookupEvents', retry: 'none' });

describe('search runner: streams, merge, budget', () => {
  it('runs one stream per (profile, region) and per fanned-out value, in parallel, deduplicating', async () => {
    const data: Record<string, CloudTrailRecord[]> = {};
    for (const profile of ['dev', 'prod']) {
      for (const region of ['us-east-1', 'eu-west-1']) data[`${profile}/${region}`] = Array.from({ length: 30 }, (_, i) => record(i, { eventID: `${profile}-${region}-${i}`, eventName: i % 2 ? 'StopLogging' : 'DeleteTrail' }));
    }
    // The same event reachable through two profiles of one account: kept once.
    data['prod/us-east-1']?.push(record(1, { eventID: 'dev-us-east-1-1', eventName: 'StopLogging' }));
    const fake = fakeLookup({ data });
    const rows: SearchItem[] = [];
    const run = new SearchRun(request({ attributes: { EventName: ['DeleteTrail', 'StopLogging'] } }, ['us-east-1', 'eu-west-1'], ['dev', 'prod']), { lookup: fake.lookup, now: NOW }, { rows: (items) => rows.push(...items) });
    const info = run.planInfo(1);
    assert.equal(info.streams.length, 8, '2 profiles × 2 regions × 2 values');
    assert.ok(info.streams.some((stream) => stream.label === 'prod · eu-west-1 · StopLogging'));
    assert.equal(await run.start(), 'complete');
    assert.equal(rows.length, 120, 'every event once');
    assert.equal(new Set(rows.map((item) => item.row.eventId)).size, 120);
    assert.deepEqual(new Set(fake.calls.map((call) => call.input.LookupAttributes?.[0]?.AttributeValue)), new Set(['DeleteTrail', 'StopLogging']));
    const progress = run.progress(1);
    assert.equal(progress.total.matched, 120);
    assert.equal(progress.total.fetched, 121, 'the duplicate was fetched, not kept');
    assert.equal(progress.completeBackTo, undefined, 'complete: every stream reached the start');
    assert.ok(progress.streams.every((stream) => stream.state === 'complete' && !stream.more));
  });

  it('applies the local filters and keeps the record text for detail and export', async () => {
    const data = { 'dev/us-east-1': Array.from({ length: 120 }, (_, i) => record(i, i % 10 === 0 ? { errorCode: 'AccessDenied', errorMessage: 'no' } : {})) };
    const fake = fakeLookup({ data });
    const run = new SearchRun(request({ attributes: { Username: ['alice'] }, errorsOnly: true, sourceIps: ['203.0.113.0/24'] }), { lookup: fake.lookup, now: NOW });
    assert.equal(run.plan.server?.attribute, 'Username');
    await run.start();
    assert.equal(run.matched, 12);
    assert.ok(run.results().every((item) => item.row.errorCode === 'AccessDenied' && (JSON.parse(item.json) as CloudTrailRecord).errorMessage === 'no'));
    assert.equal(run.progress(1).total.fetched, 120);
  });

  it('stops when the newest N of all streams are known: exactly the newest N, not the first to arrive', async () => {
    // us-east-1 has the newest events; eu-west-1's are all older, so it may stop after one page.
    const data = {
      'dev/us-east-1': Array.from({ length: 500 }, (_, i) => record(i * 2, { eventID: `use-${i}` })),
      'dev/eu-west-1': Array.from({ length: 500 }, (_, i) => record(2000 + i, { eventID: `euw-${i}` })),
    };
    const all = [...data['dev/us-east-1'], ...data['dev/eu-west-1']].map((item) => Date.parse(String(item.eventTime))).sort((a, b) => b - a);
    const fake = fakeLookup({ data });
    const run = new SearchRun(request({ limit: 120 }, ['us-east-1', 'eu-west-1']), { lookup: fake.lookup, now: NOW });
    assert.equal(await run.start(), 'limit');
    const got = times(run.results());
    assert.deepEqual(got.slice(0, 120), all.slice(0, 120), 'the newest 120 across both regions');
    const progress = run.progress(1);
    const eu = progress.streams.find((stream) => stream.region === 'eu-west-1');
    assert.ok(eu && eu.pages <= 2 && eu.fetched <= 100, `the older region stopped early (${eu?.pages} pages)`);
    assert.equal(eu?.state, 'paused');
    assert.equal(eu?.pausedBy, 'limit');
    assert.ok(progress.completeBackTo !== undefined && progress.completeBackTo <= (all[119]), 'complete back past the 120th');
    assert.equal(run.more, true);

    // Load more: the next 120, continuing each stream from its token (no page fetched twice).
    const before = fake.calls.length;
    assert.equal(await run.loadMore(), 'limit');
    const resumed = fake.calls.slice(before);
    assert.ok(resumed.every((call) => call.token !== undefined), 'resumed from NextToken');
    assert.deepEqual(times(run.results()).slice(0, 240), all.slice(0, 240));
    assert.equal(new Set(run.results().map((item) => item.row.eventId)).size, run.matched);

    // Keep going up to 10,000: until both streams end.
    assert.equal(await run.keepGoing(10_000), 'complete');
    assert.equal(run.matched, 1000);
    assert.equal(run.more, false);
  });

  it('goes on when one stream fails: partial results stay, the failure is reported once, retry resumes it', async () => {
    const data = {
      'dev/us-east-1': Array.from({ length: 150 }, (_, i) => record(i, { eventID: `a-${i}` })),
      'dev/eu-west-1': Array.from({ length: 150 }, (_, i) => record(i, { eventID: `b-${i}` })),
      'dev/us-west-2': Array.from({ length: 150 }, (_, i) => record(i, { eventID: `c-${i}` })),
    };
    const fake = fakeLookup({ data, fail: { 'dev/eu-west-1': { error: denied('read eu-west-1'), afterPages: 1 } } });
    const failures: Array<{ label: string; kind: string }> = [];
    let done: DoneReason | undefined;
    const run = new SearchRun(request({}, ['us-east-1', 'eu-west-1', 'us-west-2']), { lookup: fake.lookup, now: NOW }, { failure: (stream, error) => failures.push({ label: stream.label, kind: error.kind }), done: (reason) => (done = reason) });
    assert.equal(await run.start(), 'complete');
    assert.equal(done, 'complete');
    assert.deepEqual(failures, [{ label: 'dev · eu-west-1', kind: 'access-denied' }]);
    assert.equal(run.failedStreams, 1);
    assert.equal(run.matched, 350, 'two full regions and the first page of the failed one');
    assert.equal(run.stream(1)?.error?.missingAction, 'cloudtrail:LookupEvents');
    assert.equal(run.progress(1).streams[1]?.state, 'failed');
    assert.equal(await run.retryFailed(), 'complete');
    assert.equal(run.matched, 450, 'retried from where it failed');
    assert.equal(run.failedStreams, 0);
  });

  it('fails as a whole only when every stream fails', async () => {
    const fake = fakeLookup({ data: {}, fail: { 'dev/us-east-1': { error: denied('x'), sticky: true }, 'dev/eu-west-1': { error: denied('y'), sticky: true } } });
    const run = new SearchRun(request({}, ['us-east-1', 'eu-west-1']), { lookup: fake.lookup, now: NOW });
    assert.equal(await run.start(), 'failed');
  });

  it('pauses (never fails) a stream AWS keeps throttling', async () => {
    const throttled = new AwsError({ kind: 'throttled', message: 'Rate exceeded.', next: 'Wait.', retry: 'throttle' });
    const fake = fakeLookup({ data: { 'dev/us-east-1': [record(1)] }, fail: { 'dev/us-east-1': { error: throttled } } });
    const failures: unknown[] = [];
    const run = new SearchRun(request({}), { lookup: fake.lookup, now: NOW }, { failure: (_, error) => failures.push(error) });
    assert.equal(await run.start(), 'paused');
    assert.deepEqual(failures, []);
    assert.equal(run.progress(1).streams[0]?.pausedBy, 'throttled');
    assert.equal(await run.loadMore(), 'complete');
    assert.equal(run.matched, 1);
  });

  it('cancels at once, keeps what arrived, and can continue', async () => {
    const data = { 'dev/us-east-1': Array.from({ length: 2000 }, (_, i) => record(i)), 'dev/eu-west-1': Array.from({ length: 2000 }, (_, i) => record(i, { eventID: `e-${i}` })) };
    const fake = fakeLookup({ data, delayMs: 20 });
    const run = new SearchRun(request({ limit: 5000 }, ['us-east-1', 'eu-west-1']), { lookup: fake.lookup, now: NOW });
    const finished = run.start();
    await sleep(110);
    run.cancel();
    const started = Date.now();
    assert.equal(await finished, 'cancelled');
    assert.ok(Date.now() - started < 100, 'promptly');
    const kept = run.matched;
    assert.ok(kept > 0 && kept < 4000, `partial results kept (${kept})`);
    assert.ok(run.progress(1).streams.every((stream) => stream.state === 'cancelled' && stream.more));
    assert.equal(await run.keepGoing(5000), 'complete');
    assert.equal(run.matched, 4000, 'continued from the tokens: nothing lost, nothing twice');
  });

  it('pauses a stream after the scan limit of a round when nothing matches', async () => {
    const data = { 'dev/us-east-1': Array.from({ length: 1000 }, (_, i) => record(i, { eventName: 'DescribeTrails' })) };
    const fake = fakeLookup({ data });
    const run = new SearchRun(request({ text: 'never-there' }), { lookup: fake.lookup, now: NOW, scanLimit: 200 });
    assert.equal(await run.start(), 'paused');
    assert.equal(run.progress(1).total.fetched, 200);
    assert.equal(run.progress(1).streams[0]?.pausedBy, 'scan');
    assert.equal(await run.loadMore(), 'paused');
    assert.equal(run.progress(1).total.fetched, 400, 'another round');
  });

  it('flags denial bursts, also on rows reported before the burst was seen', async () => {
    // Seven denials by one principal within three minutes, across two pages (50 events each).
    const records: CloudTrailRecord[] = Array.from({ length: 100 }, (_, i) => record(i * 0.5, { eventID: `d-${i}`, eventName: 'ListUsers', eventSource: 'iam.amazonaws.com' }));
    for (const i of [45, 47, 49, 51, 53, 55, 57]) records[i] = { ...(records[i]), errorCode: 'AccessDenied' };
    const fake = fakeLookup({ data: { 'dev/us-east-1': records } });
    const updated: SearchItem[] = [];
    const run = new SearchRun(request({ errorsOnly: true }), { lookup: fake.lookup, now: NOW }, { risk: (items) => updated.push(...items) });
    await run.start();
    assert.equal(run.matched, 7);
    assert.ok(run.results().every((item) => item.risk.some((flag) => flag.id === 'builtin.access-denied-burst' && flag.level === 'high')), 'every denial of the burst is flagged');
    assert.ok(updated.length >= 1, 'rows of the first page got the flag afterwards');
    assert.equal(run.results()[0]?.risk[0]?.level, 'high', 'the burst flag sorts first');
  });

  it('refuses a search with too many streams, and plans an impossible one without a request', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const regions = Array.from({ length: 20 }, (_, i) => `us-east-${i + 1}`);
    assert.throws(() => new SearchRun({ profiles: many, regions, query: {} }, { lookup: fakeLookup({ data: {} }).lookup, now: NOW }), new RegExp(`at most ${MAX_STREAMS}`));
    const fake = fakeLookup({ data: {} });
    const run = new SearchRun(request({ time: { start: NOW - 200 * 86_400_000, end: NOW - 100 * 86_400_000 } }), { lookup: fake.lookup, now: NOW });
    assert.equal(await run.start(), 'complete');
    assert.ok(run.planInfo(1).impossible);
    assert.equal(fake.calls.length, 0);
  });

  it('warns when IAM events are searched outside us-east-1', () => {
    const run = new SearchRun(request({ attributes: { EventSource: ['iam'] } }, ['eu-west-1']), { lookup: fakeLookup({ data: {} }).lookup, now: NOW });
    assert.ok(run.planInfo(1).warnings.some((warning) => /us-east-1/.test(warning)));
  });
});
