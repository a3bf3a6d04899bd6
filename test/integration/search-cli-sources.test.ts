/**
 * `cloudtrail-lens events --logs DIR` and `--athena` (the bundled dist/cli.js) as a user runs
 * them: the demo workspace's real archives, a folder with a malformed and a truncated gzip file,
 * and Athena over a seeded trail on the local endpoint (DuckDB over the seeded events). Same
 * filters and output shapes as Event history; the stats are the source's.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventsArgs } from '../../src/cli/events';
import { compileOfflineFilter, planOfflineQuery } from '../../src/core/archive/plan';
import { MINIMUM_BILLED_BYTES } from '../../src/core/athena/cost';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { DEFAULT_ACCOUNT_ID, startEndpoint, type Endpoint } from '../support/endpoint';
import { makeAwsConfigDir, runEventsCli, type AwsConfigDir } from '../support/endpoint/testing';
import { projectRoot } from '../support/fixtures';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface JsonOutput {
  events: Array<{ eventID: string; eventName: string; eventTime: string; awsRegion: string }>;
  stats: Record<string, number | string | null>;
  errors: Array<Record<string, string>>;
}

const DEMO_LOGS = join(projectRoot, 'test', 'fixtures', 'demo-workspace', 'cloudtrail-logs');
const DAMAGED = join(projectRoot, 'test', 'fixtures', 'archive', 'damaged');
const OUTPUT = 's3://athena-results-111122223333/cloudtrail-lens/';

describe('cloudtrail-lens events --logs / --athena (dist/cli.js)', function () {
  this.timeout(120_000);
  const cli = join(projectRoot, 'dist', 'cli.js');
  let endpoint: Endpoint;
  let config: AwsConfigDir;

  function run(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
    return runEventsCli(cli, args, { ...config.env, AWS_ENDPOINT_URL: endpoint.url, ...env });
  }

  before(async function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first');
    endpoint = await startEndpoint({ otherRate: 1000, otherBurst: 1000 });
    config = makeAwsConfigDir();
  });

  after(async () => {
    await endpoint?.close();
    config?.cleanup();
  });

  describe('--logs', () => {
    it('searches the demo archives with filters, newest first, archive stats in the json document', async () => {
      const result = await run(['--logs', DEMO_LOGS, '--event-source', 'iam.amazonaws.com', '--format', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const output = JSON.parse(result.stdout) as JsonOutput;
      assert.deepEqual(Object.keys(output), ['events', 'stats', 'errors']);
      assert.deepEqual(Object.keys(output.stats), ['files', 'filesRead', 'filesSkipped', 'bytesRead', 'records', 'matched', 'errors', 'elapsedMs']);
      assert.ok(output.events.length > 0);
      assert.ok(output.events.every((event) => (event as unknown as { eventSource: string }).eventSource === 'iam.amazonaws.com'));
      const times = output.events.map((event) => Date.parse(event.eventTime));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.ok(times.some((time) => time < Date.now() - 90 * 86_400_000), 'events older than Event history keeps');
      assert.equal(output.stats.matched, output.events.length);
      assert.ok(Number(output.stats.files) >= 6 && Number(output.stats.filesRead) === Number(output.stats.files) && Number(output.stats.bytesRead) > 0);
      assert.deepEqual(output.errors, []);
    });

    it('prints jsonl, csv and a table with the archive summary; --region keeps those regions only', async () => {
      const jsonl = await run(['--logs', DEMO_LOGS, '--region', 'eu-central-1', '--limit', '4', '--format', 'jsonl']);
      assert.equal(jsonl.code, 0, jsonl.stderr);
      const lines = jsonl.stdout.trim().split('\n');
      assert.equal(lines.length, 4);
      for (const line of lines) assert.equal((JSON.parse(line) as { awsRegion: string }).awsRegion, 'eu-central-1');
      const csv = await run(['--logs', DEMO_LOGS, '--limit', '2', '--format', 'csv']);
      assert.match(csv.stdout.split('\r\n')[0] ?? '', /^eventTime,eventName,.*,risk,riskFlags$/);
      const table = await run(['--logs', DEMO_LOGS, '--limit', '3']);
      assert.equal(table.code, 0);
      assert.match(table.stdout, /^TIME \(UTC\)\s+EVENT/);
      assert.match(table.stderr, /3 events · \d+ of \d+ files read \([\d.]+ [KM]?B\)/);
    });

    it('reports a malformed file and a truncated gzip in errors and still prints the rest (exit 1)', async () => {
      const result = await run(['--logs', DAMAGED, '--format', 'json']);
      assert.equal(result.code, 1, result.stderr);
      const output = JSON.parse(result.stdout) as JsonOutput;
      assert.deepEqual(output.events.map((event) => event.eventName).sort(), ['AttachUserPolicy', 'CreateUser', 'DeleteUser']);
      const files = output.errors.map((error) => error.file).sort();
      assert.deepEqual(files, ['malformed.json', 'truncated.json.gz']);
      assert.match(output.errors.find((error) => error.file === 'truncated.json.gz')?.message ?? '', /damaged gzip/);
      assert.equal(output.stats.errors, 2);
      assert.equal(output.stats.filesRead, 3);
      assert.match(result.stderr, /malformed\.json: .*not JSON/);
    });

    it('rejects bad combinations with exit 2', async () => {
      for (const args of [['--logs'], ['--logs', DEMO_LOGS, '--athena', '--trail', 'x'], ['--trail', 'x'], ['--athena'], ['--athena', '--trail', 'x', '--output-location', 'http://x'], ['--athena', '--database', 'Bad-Name', '--table', 't']]) {
        const bad = await run(args);
        assert.equal(bad.code, 2, `${args.join(' ')} → ${bad.code}: ${bad.stderr}`);
      }
      const parsed = parseEventsArgs(['--athena', '--trail', 'T', '--organization-id', 'o-abcdefghij', '--workgroup', 'wg', '--sql', 'SELECT 1', '--create-table']);
      assert.ok(typeof parsed !== 'string');
      assert.deepEqual(parsed.source, { kind: 'athena', trail: 'T', organizationId: 'o-abcdefghij', workgroup: 'wg', sql: 'SELECT 1', createTable: true });
      const logs = parseEventsArgs(['--logs', 'x']);
      assert.ok(typeof logs !== 'string' && logs.query.time === undefined, 'no default time range for local logs');
    });
  });

  describe('--athena', () => {
    const trailArgs = ['--profile', 'ctl-default', '--region', 'us-east-1', '--athena', '--trail', 'MultiRegion1CloudTrail', '--output-location', OUTPUT];

    it('creates the table for the seeded trail and returns exactly its matching events with scanned bytes and cost', async () => {
      const result = await run([...trailArgs, '--create-table', '--since', '30d', '--event-source', 'iam.amazonaws.com', '--format', 'json']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /creating \(if missing\) table cloudtrail_lens\.cloudtrail_multiregion1cloudtrail/);
      const output = JSON.parse(result.stdout) as JsonOutput;
      assert.deepEqual(Object.keys(output.stats), ['queryExecutionId', 'state', 'scannedBytes', 'billedBytes', 'costUsd', 'rows', 'matched', 'elapsedMs']);
      assert.equal(output.stats.state, 'SUCCEEDED');
      assert.ok(Number(output.stats.scannedBytes) > 0);
      assert.equal(output.stats.billedBytes, MINIMUM_BILLED_BYTES);
      assert.ok(Number(output.stats.costUsd) > 0);
      assert.ok(typeof output.stats.queryExecutionId === 'string');
      const now = Date.now();
      const predicate = compileOfflineFilter(planOfflineQuery({ time: { start: now - 30 * 86_400_000, end: now }, attributes: { EventSource: ['iam.amazonaws.com'] } }, { now }));
      const expected = [...endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1'), ...endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1', { insight: true })]
        .map((wire) => JSON.parse(wire.CloudTrailEvent) as CloudTrailRecord)
        .filter((record) => predicate(toRow(record), record))
        .map((record) => String(record.eventID));
      assert.ok(expected.length > 0);
      // The edges of a moving 30-day window may differ by the seconds between the two clocks.
      const got = new Set(output.events.map((event) => event.eventID));
      const missing = expected.filter((id) => !got.has(id));
      assert.ok(missing.length <= 1, `${missing.length} missing of ${expected.length}`);
      assert.ok(output.events.every((event) => event.awsRegion === 'us-east-1'));
    });

    it('runs raw SQL and an existing table by --database/--table; a missing result location fails with exit 1', async () => {
      const limited = await run([...trailArgs, '--limit', '5', '--format', 'jsonl']);
      assert.equal(limited.code, 0, limited.stderr);
      assert.equal(limited.stdout.trim().split('\n').length, 5);
      const sql = await run([...trailArgs, '--sql', `SELECT * FROM "cloudtrail_lens"."cloudtrail_multiregion1cloudtrail" WHERE "region" = 'us-east-1' AND eventname = 'ConsoleLogin' LIMIT 4`, '--format', 'json']);
      assert.equal(sql.code, 0, sql.stderr);
      const rows = (JSON.parse(sql.stdout) as JsonOutput).events;
      assert.ok(rows.length > 0 && rows.length <= 4 && rows.every((event) => event.eventName === 'ConsoleLogin'), sql.stdout.slice(0, 400));
      const table = await run(['--profile', 'ctl-default', '--region', 'us-east-1', '--athena', '--database', 'cloudtrail_lens', '--table', 'cloudtrail_multiregion1cloudtrail', '--output-location', OUTPUT, '--since', '7d', '--limit', '3']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stderr, /3 events · Athena SUCCEEDED · [\d.]+ [KMG]?B scanned · about \$/);
      const noOutput = await run(['--profile', 'ctl-default', '--region', 'us-east-1', '--athena', '--trail', 'MultiRegion1CloudTrail', '--format', 'json']);
      assert.equal(noOutput.code, 1);
      const output = JSON.parse(noOutput.stdout) as JsonOutput;
      assert.deepEqual(output.events, []);
      assert.match(output.errors[0]?.message ?? '', /output location/i);
    });
  });
});
