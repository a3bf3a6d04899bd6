/**
 * The search engine (src/features/search/runner.ts) with the real AWS layer and SDK over real HTTP,
 * against the local CloudTrail endpoint enforcing AWS's LookupEvents limit (2 requests/second per
 * account and region): several regions and profiles in parallel, exact results against the
 * endpoint's own data, and faults — AccessDenied, expired credentials, 5xx bursts — that stop one
 * stream while the others go on, partial results staying; cancel keeps what arrived.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsLayer } from '../../src/aws/layer';
import { compileFilter } from '../../src/core/events/filter';
import { fromLookupEvent } from '../../src/core/events/streams';
import { SearchRun, type LookupFn } from '../../src/features/search/runner';
import type { SearchRequest } from '../../src/shared/protocol';
import { DEFAULT_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint, type RequestLogEntry } from '../support/endpoint';

function maxPerSecond(entries: readonly RequestLogEntry[]): number {
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i]) - (times[j]) >= 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('search runner × AWS layer × local endpoint (2 requests/s per account and region)', function () {
  this.timeout(120_000);
  let endpoint: Endpoint;
  let dir: string;
  let layer: AwsLayer;
  let lookup: LookupFn;

  before(async () => {
    endpoint = await startEndpoint({ rate: 2, burst: 2 });
    dir = mkdtempSync(join(tmpdir(), 'ctl-search-it-'));
    const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
  });

  beforeEach(() => {
    endpoint.faults.reset();
    endpoint.state.log.clear();
    layer = new AwsLayer({ env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') }, homedir: dir });
    lookup = (target, input, options) => layer.lookupEvents(target, input, options);
  });

  afterEach(() => layer.dispose());

  after(async () => {
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What the search must return: every event of the regions through the plan's server-side and local filters. */
  function expected(run: SearchRun, account: string, regions: readonly string[]): string[] {
    const predicate = compileFilter(run.plan, { includeServerSide: true });
    return regions
      .flatMap((region) => endpoint.state.events(account, region))
      .map((event) => fromLookupEvent(event))
      .filter(({ row, record }) => predicate(row, record))
      .map(({ row }) => row.eventId)
      .sort();
  }

  it('answers a two-filter question across regions in parallel, exactly, within the rate limit', async () => {
    const request: SearchRequest = { profiles: ['ctl-default'], regions: ['us-east-1', 'eu-west-1', 'us-west-2'], query: { time: { preset: '30d' }, attributes: { EventName: ['GetPasswordData'] }, errorsOnly: true } };
    let firstRowAt = 0;
    const started = Date.now();
    const run = new SearchRun(request, { lookup }, { rows: () => (firstRowAt ||= Date.now()) });
    assert.equal(run.plan.server?.attribute, 'EventName');
    assert.equal(await run.start(), 'complete');
    const got = run.results().map((item) => item.row.eventId).sort();
    const want = expected(run, DEFAULT_ACCOUNT_ID, request.regions);
    assert.ok(want.length >= 30, `the seeded denials (${want.length})`);
    assert.deepEqual(got, want);
    assert.ok(run.results().every((item) => item.risk.some((flag) => flag.id === 'builtin.access-denied-burst')), 'a burst of denials is flagged high');
    const progress = run.progress(1);
    assert.equal(progress.total.throttled, 0, 'paced: AWS never had to throttle');
    for (const region of request.regions) {
      const entries = endpoint.state.log.where({ operation: 'LookupEvents', region });
      assert.ok(maxPerSecond(entries) <= 2, `${region}: at most 2 requests in any second`);
    }
    assert.ok(firstRowAt - started < 3000, `first rows after ${firstRowAt - started} ms`);
  });

  it('goes on when a profile is denied or its credentials expired: the failures are reported, the rest is complete', async () => {
    const request: SearchRequest = { profiles: ['ctl-default', 'ctl-denied', 'ctl-expired'], regions: ['eu-west-1'], query: { time: { preset: '30d' }, attributes: { EventName: ['GetPasswordData'] } } };
    const failures: Array<{ profile: string; kind: string; message: string; next: string; missingAction?: string }> = [];
    const run = new SearchRun(request, { lookup }, { failure: (stream, error) => failures.push({ profile: stream.profile, kind: error.kind, message: error.message, next: error.next, missingAction: error.missingAction }) });
    assert.equal(await run.start(), 'complete');
    assert.deepEqual(failures.map((failure) => `${failure.profile}:${failure.kind}`).sort(), ['ctl-denied:access-denied', 'ctl-expired:credentials-expired']);
    const denied = failures.find((failure) => failure.profile === 'ctl-denied');
    assert.equal(denied?.missingAction, 'cloudtrail:LookupEvents');
    assert.ok(failures.every((failure) => failure.message !== '' && failure.next !== ''), 'each says what failed and what to do');
    assert.deepEqual(run.results().map((item) => item.row.eventId).sort(), expected(run, DEFAULT_ACCOUNT_ID, ['eu-west-1']));
    assert.equal(run.failedStreams, 2);
  });

  it('absorbs a short 5xx burst; a long one fails the streams, keeps their partial results, and a retry completes them', async () => {
    endpoint.faults.failNext(2, { status: 503, operation: 'LookupEvents' });
    const small: SearchRequest = { profiles: ['ctl-default'], regions: ['us-west-2'], query: { time: { preset: '90d' } } };
    const absorbedFailures: string[] = [];
    const absorbed = new SearchRun(small, { lookup }, { failure: (_, error) => absorbedFailures.push(error.kind) });
    assert.equal(await absorbed.start(), 'complete');
    assert.equal(absorbedFailures.length, 0, 'retried, not failed');
    const failures: string[] = [];
    assert.equal(absorbed.matched, endpoint.state.eventCount(DEFAULT_ACCOUNT_ID, 'us-west-2'));

    const request: SearchRequest = { profiles: ['ctl-default'], regions: ['us-west-2', 'eu-west-1'], query: { time: { preset: '90d' } } };
    let pages = 0;
    const run = new SearchRun(request, { lookup }, {
      rows: () => {
        // After the first pages, the service falls over for longer than the retries last.
        if (++pages === 2) endpoint.faults.failNext(1000, { status: 503, operation: 'LookupEvents' });
      },
      failure: (_, error) => failures.push(error.kind),
    });
    assert.equal(await run.start(), 'failed');
    assert.deepEqual(failures, ['service', 'service']);
    const partial = run.matched;
    assert.ok(partial >= 100 && partial < 400, `the first pages stay (${partial})`);
    endpoint.faults.reset();
    assert.equal(await run.retryFailed(), 'complete');
    const want = expected(run, DEFAULT_ACCOUNT_ID, request.regions);
    assert.deepEqual(run.results().map((item) => item.row.eventId).sort(), want, 'resumed from the tokens: complete, nothing twice');
  });

  it('cancels at once and keeps the partial results; keep going continues from there', async () => {
    endpoint.faults.setLatency(250, 'LookupEvents');
    const request: SearchRequest = { profiles: ['ctl-default'], regions: ['us-east-1', 'us-west-2'], query: { time: { preset: '90d' }, limit: 100_000 } };
    const run = new SearchRun(request, { lookup });
    const finished = run.start();
    while (run.matched < 150) await new Promise((resolve) => setTimeout(resolve, 20));
    const cancelledAt = Date.now();
    run.cancel();
    assert.equal(await finished, 'cancelled');
    assert.ok(Date.now() - cancelledAt < 200, `stopped in ${Date.now() - cancelledAt} ms, not after the in-flight request`);
    const kept = run.matched;
    assert.ok(kept >= 150, `partial results kept (${kept})`);
    assert.equal(run.more, true);
    endpoint.faults.setLatency(0, 'LookupEvents');
    // Keep going, a little: every kept result is still there, and new ones follow without duplicates.
    await run.keepGoing(kept + 200);
    assert.ok(run.matched >= kept + 200);
    assert.equal(new Set(run.results().map((item) => item.row.eventId)).size, run.matched);
    run.cancel();
  });
});
