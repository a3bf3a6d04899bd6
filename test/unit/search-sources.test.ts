/**
 * The source abstraction (src/features/search/sources.ts): local logs and Athena as one stream of
 * items that becomes the same results as Event history — keys, dedupe, risk flags, damaged files
 * in progress, failures, cancel, load more — and the session choosing the run by the request's
 * source. Fake openers; no fs, no AWS.
 */
import { strict as assert } from 'node:assert';
import { AwsError } from '../../src/core/aws/errors';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { parseSearchArgument, requestFromArgument } from '../../src/features/search/args';
import { athenaProgress, trailOptions } from '../../src/features/search/openers';
import { SearchRun } from '../../src/features/search/runner';
import { SearchSession, type SessionHost } from '../../src/features/search/session';
import { createSearchRun, SourceRun, sourceLabel, type ExternalSource, type SourceItem, type SourceOpener } from '../../src/features/search/sources';
import type { HostMessage, SearchRequest } from '../../src/shared/protocol';
import { fakeLookup, NOW, record, sleep } from './search-support';

const ARCHIVE: ExternalSource = { kind: 'archive', folderId: 1, name: 'logs' };
const ATHENA: ExternalSource = { kind: 'athena', trail: 'MyTrail', outputLocation: 's3://results-bucket/x/' };

function request(source: ExternalSource, query: SearchRequest['query'] = {}): SearchRequest & { source: ExternalSource } {
  return { profiles: ['dev'], regions: ['us-east-1'], query, source };
}

/** An opener over fixed items; records what it was asked. */
function opener(items: SourceItem[], options: { delayMs?: number; fail?: Error } = {}): SourceOpener & { calls: Array<{ limit?: number; aborted: () => boolean }> } {
  const calls: Array<{ limit?: number; aborted: () => boolean }> = [];
  const open: SourceOpener = async function* (_request, query, signal) {
    calls.push({ limit: query.limit, aborted: () => signal.aborted });
    let given = 0;
    for (const item of items) {
      if (options.delayMs) await sleep(options.delayMs, signal).catch(() => undefined);
      if (signal.aborted) return;
      if ('row' in item && query.limit !== undefined && given >= query.limit) return;
      if ('row' in item) given++;
      yield item;
    }
    if (options.fail) throw options.fail;
  };
  return Object.assign(open, { calls });
}

const rowItem = (i: number, overrides: Partial<CloudTrailRecord> = {}): SourceItem => {
  const rec = record(i, overrides);
  return { row: toRow(rec), record: rec };
};

describe('search sources: SourceRun', () => {
  it('keeps the rows, dedupes by event id, flags risk and reports file errors in progress', async () => {
    const items: SourceItem[] = [rowItem(1), rowItem(2, { eventName: 'StopLogging' }), rowItem(1), { error: { file: 'bad.json.gz', message: 'damaged gzip' } }, { progress: { kind: 'archive', files: 3, filesRead: 3, filesSkipped: 0, bytesRead: 1234, records: 3, errors: 1, fileErrors: [] } }];
    const rows: number[] = [];
    const done: string[] = [];
    const run = new SourceRun(request(ARCHIVE), opener(items), { lookup: fakeLookup({ data: {} }).lookup, now: NOW }, { rows: (batch) => rows.push(...batch.map((item) => item.key)), done: (reason) => done.push(reason) });
    assert.equal(await run.start(), 'complete');
    assert.equal(run.matched, 2);
    assert.deepEqual(rows, [0, 1]);
    assert.deepEqual(done, ['complete']);
    const stop = run.results().find((item) => item.row.eventName === 'StopLogging');
    assert.ok(stop && stop.risk.length > 0 && stop.risk[0]?.level === 'high', 'risk flags from the same catalogue');
    const progress = run.progress(7);
    assert.equal(progress.searchId, 7);
    assert.equal(progress.streams.length, 1);
    assert.equal(progress.streams[0]?.label, 'Local logs · logs');
    assert.equal(progress.streams[0]?.region, 'all regions');
    assert.deepEqual(progress.source, { kind: 'archive', files: 3, filesRead: 3, filesSkipped: 0, bytesRead: 1234, records: 3, errors: 1, fileErrors: [{ file: 'bad.json.gz', message: 'damaged gzip' }] });
    assert.equal(JSON.parse(run.results()[0]?.json ?? '{}').eventID, 'ev-1');
  });

  it('describes its plan without Event history’s 90-day window (old ranges stay possible)', () => {
    const old = { start: Date.UTC(2019, 0, 1), end: Date.UTC(2019, 11, 31) };
    const run = new SourceRun(request(ARCHIVE, { time: old, attributes: { EventName: ['DeleteTrail'] }, errorsOnly: true }), opener([]), { lookup: fakeLookup({ data: {} }).lookup, now: NOW });
    const plan = run.planInfo(1);
    assert.equal(plan.impossible, undefined);
    assert.equal(plan.server, null);
    assert.deepEqual(plan.range, { start: old.start, end: old.end + 999 });
    assert.match(plan.summary, /^Local logs · logs: EventName = “DeleteTrail” · /);
    const athena = new SourceRun(request({ ...ATHENA, sql: 'SELECT 1' }), opener([]), { lookup: fakeLookup({ data: {} }).lookup, now: NOW }).planInfo(1);
    assert.equal(athena.summary, 'Athena · MyTrail: your SQL');
  });

  it('stops at the budget, and load more opens the source again for a larger one (kept events skipped)', async () => {
    const items = Array.from({ length: 10 }, (_, i) => rowItem(i));
    const open = opener(items);
    const run = new SourceRun(request(ARCHIVE, { limit: 4 }), open, { lookup: fakeLookup({ data: {} }).lookup, now: NOW });
    assert.equal(await run.start(), 'limit');
    assert.equal(run.matched, 4);
    assert.equal(run.more, true);
    assert.equal(await run.loadMore(), 'limit');
    assert.equal(run.matched, 8);
    assert.deepEqual(open.calls.map((call) => call.limit), [4, 8]);
    assert.equal(await run.keepGoing(100), 'complete');
    assert.equal(run.matched, 10);
    assert.equal(run.more, false);
  });

  it('a failing source fails its one stream with an AwsError; partial results stay', async () => {
    const failures: AwsError[] = [];
    const error = new AwsError({ kind: 'invalid-input', message: 'The Athena query failed: SYNTAX_ERROR', next: 'Check the SQL.', retry: 'none', operation: 'athena:GetQueryExecution' });
    const run = new SourceRun(request(ATHENA), opener([rowItem(1)], { fail: error }), { lookup: fakeLookup({ data: {} }).lookup, now: NOW }, { failure: (_stream, failure) => failures.push(failure) });
    assert.equal(await run.start(), 'failed');
    assert.equal(run.matched, 1);
    assert.equal(run.failedStreams, 1);
    assert.equal(failures[0]?.message, 'The Athena query failed: SYNTAX_ERROR');
    assert.equal(run.stream(0)?.error?.kind, 'invalid-input');
  });

  it('cancel aborts the source’s signal (Athena stops its query) and keeps what arrived', async () => {
    const open = opener(Array.from({ length: 50 }, (_, i) => rowItem(i)), { delayMs: 5 });
    const run = new SourceRun(request(ATHENA), open, { lookup: fakeLookup({ data: {} }).lookup, now: NOW });
    const done = run.start();
    await sleep(30);
    run.cancel();
    assert.equal(await done, 'cancelled');
    assert.ok(open.calls[0]?.aborted());
    assert.ok(run.matched > 0 && run.matched < 50);
    assert.equal(run.more, true);
  });

  it('createSearchRun: Event history → LookupEvents streams; others → their opener, or an error when missing', () => {
    const lookup = fakeLookup({ data: {} }).lookup;
    assert.ok(createSearchRun({ profiles: ['dev'], regions: ['us-east-1'], query: {} }, { lookup }) instanceof SearchRun);
    assert.ok(createSearchRun(request(ARCHIVE), { lookup, sources: { archive: opener([]) } }) instanceof SourceRun);
    assert.throws(() => createSearchRun(request(ATHENA), { lookup, sources: { archive: opener([]) } }), /Athena · MyTrail: this source is not available/);
    assert.equal(sourceLabel(undefined), 'Event history');
    assert.equal(sourceLabel({ kind: 'athena', trail: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/Org' }), 'Athena · Org');
  });

  it('adapts Athena stats and DescribeTrails for the panel', () => {
    assert.deepEqual(athenaProgress({ queryExecutionId: 'q-1', state: 'RUNNING', scannedBytes: 5, billedBytes: 10, costUsd: 0.1, rows: 0, matched: 0, pages: 0, polls: 2, elapsedMs: 9, warnings: [] }), { kind: 'athena', queryExecutionId: 'q-1', state: 'RUNNING', scannedBytes: 5, billedBytes: 10, costUsd: 0.1, rows: 0 });
    const arn = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/T';
    assert.deepEqual(trailOptions([{ Name: 'T', TrailARN: arn, HomeRegion: 'us-east-1', S3BucketName: 'b' }, { Name: 'T', TrailARN: arn }, { TrailARN: 'x' }]), [{ name: 'T', arn, organization: false, homeRegion: 'us-east-1', bucket: 'b' }]);
  });
});

describe('search sources: the session and the command argument', () => {
  function host(): SessionHost & { posted: HostMessage[]; folders: number } {
    const out: SessionHost & { posted: HostMessage[]; folders: number } = {
      posted: [],
      folders: 0,
      post: (message) => out.posted.push(JSON.parse(JSON.stringify(message)) as HostMessage),
      init: () => Promise.resolve({ profiles: [{ name: 'dev' }], regions: [{ id: 'us-east-1', name: 'N. Virginia' }] }),
      openJson: () => Promise.resolve(),
      diff: () => Promise.resolve(),
      copy: () => Promise.resolve(),
      save: () => Promise.resolve(undefined),
      runFix: () => undefined,
      pickFolder: () => {
        out.folders++;
        return Promise.resolve({ folderId: 9, name: 'picked' });
      },
      listTrails: (profile) => (profile === 'denied' ? Promise.reject(new Error('Access denied: cloudtrail:DescribeTrails')) : Promise.resolve([{ name: 'T', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/T', organization: false }])),
    };
    return out;
  }

  it('runs a search on the request’s source and streams rows, progress with the source’s counters, and done', async () => {
    const h = host();
    const session = new SearchSession(h, { lookup: fakeLookup({ data: {} }).lookup, log: { info: () => undefined, warn: () => undefined, debug: () => undefined }, intervalMs: 5, now: () => NOW, sources: { archive: opener([rowItem(1), rowItem(2), { progress: { kind: 'archive', files: 1, filesRead: 1, filesSkipped: 0, bytesRead: 10, records: 2, errors: 0, fileErrors: [] } }]) } }, undefined);
    await session.receive({ type: 'ready' });
    await session.receive({ type: 'search', request: request(ARCHIVE) });
    await sleep(30);
    const plan = h.posted.find((message): message is Extract<HostMessage, { type: 'plan' }> => message.type === 'plan');
    assert.deepEqual(plan?.plan.request.source, ARCHIVE);
    const rows = h.posted.filter((message): message is Extract<HostMessage, { type: 'rows' }> => message.type === 'rows').flatMap((message) => message.rows);
    assert.equal(rows.length, 2);
    const progress = h.posted.filter((message): message is Extract<HostMessage, { type: 'progress' }> => message.type === 'progress').pop();
    assert.equal(progress?.source?.kind, 'archive');
    assert.equal(h.posted.filter((message) => message.type === 'done').length, 1);
    session.dispose();
  });

  it('answers pickFolder with the folder’s id and name, listTrails with trails or the error', async () => {
    const h = host();
    const session = new SearchSession(h, { lookup: fakeLookup({ data: {} }).lookup, log: { info: () => undefined, warn: () => undefined, debug: () => undefined } }, undefined);
    await session.receive({ type: 'pickFolder' });
    await session.receive({ type: 'listTrails', profile: 'dev', region: 'us-east-1' });
    await session.receive({ type: 'listTrails', profile: 'denied', region: 'us-east-1' });
    await session.receive({ type: 'listTrails', profile: 'dev', region: '../../etc' });
    assert.deepEqual(h.posted[0], { type: 'folder', folder: { folderId: 9, name: 'picked' } });
    assert.equal(h.posted[1]?.type === 'trails' && h.posted[1].trails[0]?.name, 'T');
    assert.deepEqual(h.posted[2], { type: 'trails', profile: 'denied', trails: [], error: 'Access denied: cloudtrail:DescribeTrails' });
    assert.equal(h.posted.length, 3, 'the hostile message was dropped');
    session.dispose();
  });

  it('a command argument may name a local folder by its absolute path (a trusted caller), or an Athena source', () => {
    const argument = parseSearchArgument({ source: { kind: 'archive', folder: '/work/logs', byRegion: true }, query: { time: { preset: '90d' } }, run: true });
    assert.deepEqual(argument?.source, { kind: 'archive', folder: '/work/logs', byRegion: true });
    assert.throws(() => parseSearchArgument({ source: { kind: 'archive', folder: 'relative/path' } }), /absolute/);
    assert.throws(() => parseSearchArgument({ source: { kind: 'athena', trail: "'; DROP" } }), /trail/);
    const athena = parseSearchArgument({ source: { kind: 'athena', trail: 'T', outputLocation: 's3://b-b-b/x/' } });
    assert.ok(athena);
    const built = requestFromArgument(athena, { profile: 'dev', region: 'eu-west-1', query: {} }, athena.source?.kind === 'athena' ? athena.source : undefined);
    assert.deepEqual(built.source, { kind: 'athena', trail: 'T', outputLocation: 's3://b-b-b/x/' });
  });
});
