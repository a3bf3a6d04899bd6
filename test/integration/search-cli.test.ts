/**
 * `cloudtrail-lens events` (the bundled dist/cli.js) as a user runs it: a child process with the
 * standard AWS environment pointing at the local endpoint. The output shapes are the contract of
 * shared/design/CLI.md.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventsArgs } from '../../src/cli/events';
import { DEFAULT_ACCOUNT_ID, startEndpoint, type Endpoint } from '../support/endpoint';
import { makeAwsConfigDir, runEventsCli, type AwsConfigDir } from '../support/endpoint/testing';
import { projectRoot } from '../support/fixtures';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('cloudtrail-lens events (dist/cli.js) against the local endpoint', function () {
  this.timeout(60_000);
  const cli = join(projectRoot, 'dist', 'cli.js');
  let endpoint: Endpoint;
  let config: AwsConfigDir;

  function run(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
    return runEventsCli(cli, args, { ...config.env, AWS_ENDPOINT_URL: endpoint.url, ...env });
  }

  before(async function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first');
    endpoint = await startEndpoint({ rate: 2, burst: 2 });
    config = makeAwsConfigDir();
  });

  after(async () => {
    await endpoint?.close();
    config?.cleanup();
  });

  it('prints {events, stats} for --format json, the newest first, with two filters over two regions', async () => {
    const result = await run(['--profile', 'ctl-default', '--region', 'us-east-1', '--region', 'eu-west-1', '--since', '30d', '--event-name', 'GetPasswordData', '--errors-only', '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'nothing on stderr (no SDK notices either)');
    const output = JSON.parse(result.stdout) as { events: Array<{ eventName: string; errorCode: string; eventTime: string; eventID: string }>; stats: Record<string, number>; errors: unknown[] };
    assert.deepEqual(Object.keys(output), ['events', 'stats', 'errors']);
    assert.deepEqual(Object.keys(output.stats), ['requests', 'pages', 'throttled', 'elapsedMs']);
    const expected = endpoint.state
      .events(DEFAULT_ACCOUNT_ID, 'eu-west-1')
      .filter((event) => event.EventName === 'GetPasswordData')
      .map((event) => JSON.parse(event.CloudTrailEvent) as { errorCode?: string; eventID: string })
      .filter((record) => record.errorCode);
    assert.equal(output.events.length, expected.length);
    assert.ok(output.events.every((event) => event.eventName === 'GetPasswordData' && event.errorCode));
    const times = output.events.map((event) => Date.parse(event.eventTime));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.equal(output.stats.requests, 2, 'one request per region: EventName went to the server');
    assert.deepEqual(output.errors, []);
  });

  it('prints one record per line for jsonl, formula-safe CSV with risk columns, and a table', async () => {
    const jsonl = await run(['--profile', 'ctl-default', '--region', 'eu-west-1', '--event-name', 'GetPasswordData', '--limit', '3', '--format', 'jsonl']);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const lines = jsonl.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.equal((JSON.parse(line) as { eventName: string }).eventName, 'GetPasswordData');

    const csv = await run(['--profile', 'ctl-default', '--region', 'eu-west-1', '--event-name', 'GetPasswordData', '--limit', '2', '--format', 'csv']);
    const [header, first] = csv.stdout.split('\r\n');
    assert.match(header ?? '', /^eventTime,eventName,.*,risk,riskFlags$/);
    assert.match(first ?? '', /,high,high: Burst of access denied/);

    const table = await run(['--profile', 'ctl-default', '--region', 'eu-west-1', '--event-name', 'GetPasswordData', '--limit', '2']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^TIME \(UTC\)\s+EVENT\s+USER/);
    assert.equal(table.stdout.trim().split('\n').length, 3);
    assert.match(table.stderr, /2 events · .* requests/);
  });

  it('takes credentials from the standard environment (AWS_PROFILE) and applies local-only filters', async () => {
    const result = await run(['--region', 'us-east-1', '--since', '90d', '--user', 'root', '--text', 'ConsoleLogin', '--limit', '5', '--format', 'jsonl'], { AWS_PROFILE: 'ctl-default' });
    assert.equal(result.code, 0, result.stderr);
    const records = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { userIdentity: { type: string } });
    assert.ok(records.length > 0 && records.every((record) => record.userIdentity.type === 'Root'));
  });

  it('exits 1 with the failure on stderr when a profile is denied, and 2 on bad arguments', async () => {
    const denied = await run(['--profile', 'ctl-denied', '--region', 'us-east-1', '--format', 'json']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Access denied: cloudtrail:LookupEvents/);
    const output = JSON.parse(denied.stdout) as { events: unknown[]; errors: Array<{ kind: string }> };
    assert.deepEqual(output.events, []);
    assert.equal(output.errors[0]?.kind, 'access-denied');
    for (const args of [['--format', 'xml'], ['--limit', '0'], ['--region', 'mars-1'], ['--since', 'yesterday'], ['--bogus'], ['--since', '7d', '--start', '2026-01-01']]) {
      const bad = await run(args);
      assert.equal(bad.code, 2, `${args.join(' ')} → ${bad.code}`);
      assert.match(bad.stderr, /Usage: cloudtrail-lens events/);
    }
  });

  it('parses repeated and comma-separated values into one query', () => {
    const parsed = parseEventsArgs(['--event-name', 'A,B', '--event-name', 'C', '--since', '36h', '--risky', '--source-ip', '10.0.0.0/8', '--read-only', 'false'], 1_000_000_000_000);
    assert.ok(typeof parsed !== 'string');
    assert.deepEqual(parsed.query.attributes, { EventName: ['A', 'B', 'C'], ReadOnly: ['false'] });
    assert.deepEqual(parsed.query.time, { start: 1_000_000_000_000 - 36 * 3_600_000, end: 1_000_000_000_000 });
    assert.equal(parsed.query.riskyOnly, 'medium');
    assert.equal(parsed.query.limit, 1000);
  });
});
