/**
 * The AWS layer (src/aws) with the real AWS SDK over real HTTP, against the local CloudTrail
 * endpoint enforcing AWS's LookupEvents limit (2 requests/second per account per region).
 * Profiles live in a temporary AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE pointing to the
 * endpoint's example keys (test/support/endpoint/accounts.ts).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsError } from '../../src/core/aws/errors';
import { AwsLayer, type AwsLayerOptions } from '../../src/aws/layer';
import { newLookupStats, type AwsLog, type LookupPage } from '../../src/aws/types';
import {
  ACCESS_KEYS,
  DEFAULT_ACCOUNT_ID,
  DENIED_ACCOUNT_ID,
  EXPIRED_KEY,
  SECOND_ACCOUNT_ID,
  awsConfigFiles,
  startEndpoint,
  type Endpoint,
  type RequestLogEntry,
} from '../support/endpoint';

interface Files {
  dir: string;
  env: Record<string, string>;
}

function writeProfiles(options: Parameters<typeof awsConfigFiles>[0] = {}): Files {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-aws-it-'));
  const { config, credentials } = awsConfigFiles(options);
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { dir, env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') } };
}

/** Collects every log line, to prove no credential is ever written. */
function recordingLog(): AwsLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (line) => lines.push(line), info: (line) => lines.push(line), warn: (line) => lines.push(line) };
}

async function collect(pages: AsyncIterable<LookupPage>, limit = Infinity): Promise<LookupPage[]> {
  const out: LookupPage[] = [];
  let events = 0;
  for await (const page of pages) {
    out.push(page);
    events += page.events.length;
    if (events >= limit) break;
  }
  return out;
}

function lookupArrivals(endpoint: Endpoint, accountId: string, region: string): RequestLogEntry[] {
  return endpoint.state.log.recent(100_000).filter((entry) => entry.operation === 'LookupEvents' && entry.accountId === accountId && entry.region === region);
}

/** The most requests that arrived in any 1-second window. */
function maxPerSecond(entries: readonly RequestLogEntry[]): number {
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AwsError, `expected an AwsError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('aws layer against the local endpoint (real SDK, real HTTP, limit enforced)', function () {
  this.timeout(120_000);
  let endpoint: Endpoint;
  let files: Files;
  let log: ReturnType<typeof recordingLog>;
  const layers: AwsLayer[] = [];

  function layer(options: AwsLayerOptions = {}): AwsLayer {
    const created = new AwsLayer({ env: files.env, log, ...options });
    layers.push(created);
    return created;
  }

  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
    assert.deepEqual(endpoint.state.lookupRate, { rate: 2, burst: 2 });
  });
  after(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.state.reset();
    endpoint.faults.reset();
    files = writeProfiles({ endpointUrl: endpoint.url });
    log = recordingLog();
  });
  afterEach(() => {
    for (const item of layers.splice(0)) item.dispose();
    rmSync(files.dir, { recursive: true, force: true });
    // Never a credential in the log.
    const text = log.lines.join('\n');
    for (const key of ACCESS_KEYS) {
      assert.ok(!text.includes(key.secretAccessKey), 'secret access key logged');
      assert.ok(!text.includes(key.accessKeyId), 'access key id logged unredacted');
      if (key.sessionToken) assert.ok(!text.includes(key.sessionToken), 'session token logged');
    }
  });

  it('fetches 2,000 events at the limit with no error and no throttle surfaced', async () => {
    const aws = layer();
    const stats = newLookupStats();
    const started = performance.now();
    const pages = await collect(aws.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' }, {}, { stats }), 2000);
    const seconds = (performance.now() - started) / 1000;
    const events = pages.flatMap((page) => page.events);
    assert.equal(events.length, 2000);
    assert.equal(new Set(events.map((event) => event.EventId)).size, 2000, 'no event twice');
    for (let i = 1; i < events.length; i++) assert.ok(events[i - 1].EventTime!.getTime() >= events[i].EventTime!.getTime(), 'newest first');
    assert.equal(pages[0].account, DEFAULT_ACCOUNT_ID);
    assert.equal(stats.pages, 40);
    const arrivals = lookupArrivals(endpoint, DEFAULT_ACCOUNT_ID, 'us-east-1');
    assert.equal(arrivals.length, stats.requests);
    assert.equal(arrivals.filter((entry) => entry.throttled).length, stats.throttled);
    assert.equal(stats.throttled, 0, 'the pacer kept under the limit');
    assert.ok(maxPerSecond(arrivals) <= 2, `at most 2 requests in any second (saw ${maxPerSecond(arrivals)})`);
    // The ceiling is 100 events/s (2 req/s × 50); the first request goes at once.
    const rate = 2000 / seconds;
    console.log(`      2,000 events in ${seconds.toFixed(1)} s: ${rate.toFixed(1)} events/s (${((rate / 100) * 100).toFixed(0)}% of the 100 events/s ceiling)`);
    // The ≥ 90% goal is the benchmark's (out/bench/lookup.js, docs/PERFORMANCE.md); on a shared
    // machine this test only guards against pacing that serialises on latency or waits too long.
    assert.ok(rate >= 75, `≥ 75% of the ceiling, got ${rate.toFixed(1)} events/s`);
  });

  it('absorbs throttles the pacer could not prevent (another client on the same account)', async () => {
    const aws = layer();
    endpoint.faults.throttleNext(3, 'LookupEvents');
    const stats = newLookupStats();
    const pages = await collect(aws.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' }, {}, { stats, maxPages: 4 }));
    assert.equal(pages.length, 4);
    assert.equal(stats.throttled, 3);
    assert.equal(pages[0].throttled, 3);
    assert.equal(endpoint.state.counters.throttled, 3);
  });

  it('retries 5xx answers a bounded number of times', async () => {
    const aws = layer();
    endpoint.faults.failNext(2, { operation: 'LookupEvents', status: 503 });
    const stats = newLookupStats();
    const pages = await collect(aws.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' }, {}, { stats, maxPages: 1 }));
    assert.equal(pages.length, 1);
    assert.equal(stats.retries, 2);
    endpoint.faults.failNext(5, { operation: 'LookupEvents', status: 500 });
    const failure = await rejection(collect(aws.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' }, {}, { maxPages: 1 })));
    assert.equal(failure.kind, 'service');
    // Normal calls use the SDK's standard retry: 3 attempts.
    endpoint.faults.failNext(2, { operation: 'DescribeTrails' });
    assert.ok((await aws.describeTrails({ profile: 'ctl-default', region: 'us-east-1' })).length > 0);
  });

  it('runs several accounts and regions at once, each at its own limit, fairly', async () => {
    const aws = layer();
    assert.equal(await aws.accountId('ctl-second'), SECOND_ACCOUNT_ID);
    assert.equal(await aws.accountId('ctl-default'), DEFAULT_ACCOUNT_ID);
    assert.equal(await aws.accountId('ctl-denied'), DENIED_ACCOUNT_ID, 'STS works for the denied key');
    assert.equal(await aws.accountId('default'), DEFAULT_ACCOUNT_ID, 'default is the same account as ctl-default');
    const targets = [
      { profile: 'ctl-default', region: 'us-east-1' },
      { profile: 'default', region: 'us-east-1' }, // the same account as ctl-default: shares its lane
      { profile: 'ctl-default', region: 'eu-west-1' },
      { profile: 'ctl-second', region: 'us-east-1' },
      { profile: 'ctl-second', region: 'eu-west-1' },
    ];
    const stats = newLookupStats();
    const started = performance.now();
    const finished: Record<string, number> = {};
    const results = await Promise.all(
      targets.map(async (target) => {
        const pages = await collect(aws.lookupEvents(target, {}, { stats, maxPages: 4 }));
        finished[`${target.profile}/${target.region}`] = performance.now() - started;
        return pages;
      }),
    );
    for (const [index, pages] of results.entries()) {
      assert.equal(pages.length, 4, `${targets[index].profile} ${targets[index].region}`);
      assert.equal(pages[0].account, targets[index].profile === 'ctl-second' ? SECOND_ACCOUNT_ID : DEFAULT_ACCOUNT_ID);
    }
    assert.equal(stats.throttled, 0);
    assert.equal(endpoint.state.counters.throttled, 0);
    for (const [account, region] of [
      [DEFAULT_ACCOUNT_ID, 'us-east-1'],
      [DEFAULT_ACCOUNT_ID, 'eu-west-1'],
      [SECOND_ACCOUNT_ID, 'us-east-1'],
      [SECOND_ACCOUNT_ID, 'eu-west-1'],
    ]) {
      assert.ok(maxPerSecond(lookupArrivals(endpoint, account, region)) <= 2, `${account} ${region}`);
    }
    // Two consumers on one lane share it round-robin: they finish together (8 slots ≈ 4 s).
    const a = finished['ctl-default/us-east-1'];
    const b = finished['default/us-east-1'];
    assert.ok(Math.abs(a - b) < 1000, `fair: ${a.toFixed(0)} vs ${b.toFixed(0)} ms`);
    // Independent lanes ran in parallel: 4 pages in ≈ 1.6 s, not 5 × that.
    assert.ok(finished['ctl-second/eu-west-1'] < 3500, `parallel lanes (${finished['ctl-second/eu-west-1'].toFixed(0)} ms)`);
    // The shared lane carried both consumers' pages: 8 requests, still ≤ 2 per second.
    assert.equal(lookupArrivals(endpoint, DEFAULT_ACCOUNT_ID, 'us-east-1').length, 8);
  });

  it('names the missing action when access is denied', async () => {
    const aws = layer();
    const target = { profile: 'ctl-denied', region: 'us-east-1' };
    const lookup = await rejection(collect(aws.lookupEvents(target)));
    assert.equal(lookup.kind, 'access-denied');
    assert.equal(lookup.missingAction, 'cloudtrail:LookupEvents');
    assert.equal(lookup.profile, 'ctl-denied');
    assert.match(lookup.next, /cloudtrail:LookupEvents/);
    const describe = await rejection(aws.describeTrails(target));
    assert.equal(describe.kind, 'access-denied');
    assert.equal(describe.missingAction, 'cloudtrail:DescribeTrails');
    endpoint.faults.denyOperation('GetTrailStatus');
    const status = await rejection(aws.getTrailStatus({ profile: 'ctl-default', region: 'us-east-1' }, 'anything'));
    assert.equal(status.missingAction, 'cloudtrail:GetTrailStatus');
  });

  it('tells expired credentials, for STS and CloudTrail alike', async () => {
    const aws = layer();
    const target = { profile: EXPIRED_KEY.profile, region: 'us-east-1' };
    const sts = await rejection(aws.accountId(target.profile));
    assert.equal(sts.kind, 'credentials-expired');
    const lookup = await rejection(collect(aws.lookupEvents(target)));
    assert.equal(lookup.kind, 'credentials-expired');
    assert.match(lookup.next, /aws_session_token|temporary credentials/);
    // A key that expires while in use.
    endpoint.faults.expireAccessKey(ACCESS_KEYS[1].accessKeyId);
    const later = await rejection(aws.describeTrails({ profile: ACCESS_KEYS[1].profile, region: 'us-east-1' }));
    assert.equal(later.kind, 'credentials-expired');
  });

  it('tells invalid input (LookupEvents rules)', async () => {
    const aws = layer();
    const target = { profile: 'ctl-default', region: 'us-east-1' };
    const range = await rejection(collect(aws.lookupEvents(target, { StartTime: new Date(), EndTime: new Date(Date.now() - 3600_000) })));
    assert.equal(range.kind, 'invalid-input');
    assert.equal(range.code, 'InvalidTimeRangeException');
    const attributes = await rejection(
      collect(
        aws.lookupEvents(target, {
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'a' },
            { AttributeKey: 'Username', AttributeValue: 'b' },
          ],
        }),
      ),
    );
    assert.equal(attributes.kind, 'invalid-input');
    assert.match(attributes.next, /one lookup attribute/);
  });

  it('tells an unreachable endpoint, with the URL', async () => {
    const port = await freePort();
    const aws = layer({ endpointUrl: `http://127.0.0.1:${port}`, connectionTimeoutMs: 1000 });
    const failure = await rejection(aws.describeTrails({ profile: 'ctl-default', region: 'us-east-1' }));
    assert.equal(failure.kind, 'unreachable');
    assert.match(failure.next, new RegExp(`127\\.0\\.0\\.1:${port}`));
    const lookup = await rejection(collect(aws.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' })));
    assert.equal(lookup.kind, 'unreachable');
  });

  it('stops promptly when cancelled, even while waiting for the pacer', async () => {
    const aws = layer();
    const target = { profile: 'ctl-default', region: 'us-east-1' };
    // Another consumer keeps the lane busy, so ours waits in the queue.
    const busy = new AbortController();
    const other = collect(aws.lookupEvents(target, {}, { signal: busy.signal, maxPages: 20 })).catch((error: unknown) => error);
    const controller = new AbortController();
    const pages = aws.lookupEvents(target, {}, { signal: controller.signal });
    assert.ok(!(await pages.next()).done);
    const waiting = pages.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abortedAt = performance.now();
    controller.abort();
    const failure = await rejection(waiting);
    assert.equal(failure.kind, 'cancelled');
    assert.ok(performance.now() - abortedAt < 100, 'promptly');
    busy.abort();
    assert.equal(((await other) as AwsError).kind, 'cancelled');
    // Breaking out of a loop stops paging too.
    const before = endpoint.state.counters.byOperation.LookupEvents ?? 0;
    for await (const page of aws.lookupEvents(target)) {
      assert.ok(page.events.length > 0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal((endpoint.state.counters.byOperation.LookupEvents ?? 0) - before, 1);
  });

  it('follows endpoint precedence: the setting over AWS_ENDPOINT_URL_CLOUDTRAIL over the profile', async () => {
    const other = await startEndpoint({ port: 0 });
    try {
      const target = { profile: 'ctl-default', region: 'us-east-1' };
      // The profile points at `endpoint`; the service variable at `other`.
      const viaEnv = layer({ env: { ...files.env, AWS_ENDPOINT_URL_CLOUDTRAIL: other.url } });
      await viaEnv.describeTrails(target);
      assert.equal(other.state.counters.byOperation.DescribeTrails, 1);
      assert.equal(endpoint.state.counters.byOperation.DescribeTrails, undefined);
      // STS still follows the profile.
      await viaEnv.accountId('ctl-default');
      assert.equal(endpoint.state.counters.byOperation.GetCallerIdentity, 1);
      // The setting beats both.
      viaEnv.setEndpointOverride(endpoint.url);
      await viaEnv.describeTrails(target);
      assert.equal(endpoint.state.counters.byOperation.DescribeTrails, 1);
    } finally {
      await other.close();
    }
  });

  it('picks up changed profiles: new clients, new endpoint, new keys', async () => {
    const other = await startEndpoint({ port: 0 });
    try {
      const aws = layer();
      let changes = 0;
      aws.onDidChange(() => changes++);
      assert.equal(await aws.accountId('ctl-default'), DEFAULT_ACCOUNT_ID);
      // The profile now points at the other endpoint, with the second account's keys.
      const { config, credentials } = awsConfigFiles({ endpointUrl: other.url });
      writeFileSync(files.env.AWS_CONFIG_FILE, config);
      writeFileSync(files.env.AWS_SHARED_CREDENTIALS_FILE, credentials.replaceAll(ACCESS_KEYS[0].accessKeyId, ACCESS_KEYS[1].accessKeyId).replaceAll(ACCESS_KEYS[0].secretAccessKey, ACCESS_KEYS[1].secretAccessKey));
      assert.equal(await aws.profiles.reload(), true);
      assert.equal(changes, 1);
      assert.equal(await aws.accountId('ctl-default'), SECOND_ACCOUNT_ID);
      assert.equal(other.state.counters.byOperation.GetCallerIdentity, 1);
    } finally {
      await other.close();
    }
  });
});
