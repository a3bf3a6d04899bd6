/**
 * LookupEvents throughput: CloudTrail Lens's AWS layer against the ceiling AWS allows
 * (2 requests/second × 50 events = 100 events/second per account and region), and against the
 * AWS CLI v2 paging the same query on the same local endpoint in the same run.
 *
 *   node esbuild.mjs --tests && node out/bench/lookup.js
 *     BENCH_EVENTS=2000   events per (account, region) for the single-lane runs
 *     BENCH_PARALLEL=1000 events per region for the four-region run
 *     BENCH_SKIP_CLI=1    skip the AWS CLI runs
 *
 * The endpoint (test/support/endpoint) enforces AWS's limit with a token bucket (rate 2, burst 2)
 * and answers ThrottlingException (HTTP 400) beyond it, as AWS does. Prints a Markdown table and
 * writes .bench/lookup.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AwsLayer } from '../src/aws/layer';
import { newLookupStats, type AwsTarget, type LookupStats } from '../src/aws/types';
import { isAwsError } from '../src/core/aws/errors';
import { DEFAULT_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint, type RequestLogEntry } from '../test/support/endpoint';
import { findAwsCliV2 } from '../test/support/tools';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000) || 2000;
const PARALLEL_EVENTS = Number(process.env.BENCH_PARALLEL ?? 1000) || 1000;
const SKIP_CLI = /^(1|true|yes)$/i.test(process.env.BENCH_SKIP_CLI ?? '');
const CEILING = 100; // events/s per (account, region): 2 req/s × 50 events
const ROOT = resolve(__dirname, __dirname.includes(join('out', 'bench')) ? '../..' : '..');

interface Row {
  scenario: string;
  client: string;
  scope: string;
  events: number;
  requests: number;
  /** Throttles the endpoint answered (absorbed or not). */
  throttled: number;
  /** Errors the caller saw (a failed run). */
  surfaced: string;
  /** Steady request rate the server saw: (requests − 1) / (last arrival − first arrival). AWS allows 2. */
  serverRate: number;
  seconds: number;
  eventsPerSecond: number;
  percentOfCeiling: number;
}

function lookups(endpoint: Endpoint, accountId: string, region: string): RequestLogEntry[] {
  return endpoint.state.log.recent(1_000_000).filter((entry) => entry.operation === 'LookupEvents' && entry.accountId === accountId && entry.region === region);
}

function row(scenario: string, client: string, endpoint: Endpoint, accountId: string, region: string, events: number, seconds: number, surfaced: string): Row {
  const entries = lookups(endpoint, accountId, region);
  const eventsPerSecond = events / seconds;
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
  return {
    scenario,
    client,
    scope: `${accountId} ${region}`,
    events,
    requests: entries.length,
    throttled: entries.filter((entry) => entry.throttled).length,
    surfaced,
    serverRate: span > 0 ? (times.length - 1) / span : 0,
    seconds,
    eventsPerSecond,
    percentOfCeiling: (eventsPerSecond / CEILING) * 100,
  };
}

/** Pages through our layer until `limit` events; returns events, seconds and the error if one surfaced. */
async function viaLayer(layer: AwsLayer, target: AwsTarget, limit: number, stats: LookupStats = newLookupStats()): Promise<{ events: number; seconds: number; surfaced: string }> {
  const started = performance.now();
  let events = 0;
  try {
    for await (const page of layer.lookupEvents(target, {}, { stats })) {
      events += page.events.length;
      if (events >= limit) break;
    }
    return { events, seconds: (performance.now() - started) / 1000, surfaced: 'none' };
  } catch (error) {
    return { events, seconds: (performance.now() - started) / 1000, surfaced: isAwsError(error) ? `${error.kind} (${error.code ?? ''})` : String(error) };
  }
}

/** The AWS CLI v2 paging the same query (`--max-items`), as a user would run it. */
function viaCli(cli: string, env: Record<string, string>, endpoint: Endpoint, target: AwsTarget, limit: number, retryMode: 'standard' | 'adaptive'): Promise<{ events: number; seconds: number; surfaced: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(
      cli,
      ['cloudtrail', 'lookup-events', '--profile', target.profile, '--region', target.region, '--endpoint-url', endpoint.url, '--max-items', String(limit), '--output', 'json', '--no-cli-pager'],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, AWS_RETRY_MODE: retryMode, AWS_PAGER: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let events = 0;
      try {
        events = (JSON.parse(stdout) as { Events?: unknown[] }).Events?.length ?? 0;
      } catch {
        // no JSON: the run failed
      }
      const error = /\(([A-Za-z]+)\)/.exec(stderr)?.[1] ?? stderr.trim().split('\n').pop() ?? '';
      resolvePromise({ events, seconds, surfaced: code === 0 ? 'none' : `exit ${code}: ${error.slice(0, 60)}` });
    });
  });
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| scenario | client | account, region | events | requests | throttled (server) | error surfaced | seconds | events/s | % of ceiling | server req/s |',
    '|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${r.client} | ${r.scope} | ${r.events} | ${r.requests} | ${r.throttled} | ${r.surfaced} | ${r.seconds.toFixed(1)} | ${r.eventsPerSecond.toFixed(1)} | ${r.percentOfCeiling.toFixed(0)}% | ${r.serverRate.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  // Scale 5 gives every region used below more than 1,000 events (us-east-1: ~30,000).
  const endpoint = await startEndpoint({ port: 0, rate: 2, scale: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bench-lookup-'));
  const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  const rows: Row[] = [];
  const target: AwsTarget = { profile: 'ctl-default', region: 'us-east-1' };
  const say = (line: string): void => console.error(`[bench] ${line}`);

  try {
    // 1. One (account, region), our layer: a fresh layer, so STS and credentials are in the time.
    endpoint.state.reset();
    let layer = new AwsLayer({ env });
    say(`layer: ${EVENTS} events from ${target.profile} ${target.region}`);
    const result = await viaLayer(layer, target, EVENTS);
    rows.push(row('one lane', 'CloudTrail Lens', endpoint, DEFAULT_ACCOUNT_ID, target.region, result.events, result.seconds, result.surfaced));
    layer.dispose();

    // 2. The same query with the AWS CLI v2, default (standard) and adaptive retry modes.
    const cli = SKIP_CLI ? undefined : findAwsCliV2();
    if (!cli && !SKIP_CLI) say('AWS CLI v2 not found (Debian package awscli, or AWS_CLI_PATH): skipping the CLI runs');
    if (cli) {
      for (const mode of ['standard', 'adaptive'] as const) {
        endpoint.state.reset();
        say(`aws cli (${mode} retry): ${EVENTS} events`);
        const cliResult = await viaCli(cli, env, endpoint, target, EVENTS, mode);
        rows.push(row('one lane', `AWS CLI v2 (${mode} retry)`, endpoint, DEFAULT_ACCOUNT_ID, target.region, cliResult.events, cliResult.seconds, cliResult.surfaced));
      }
    }

    // 3. Three consumers on the same lane at once (a search, a lookup and posture, say): shared fairly.
    endpoint.state.reset();
    layer = new AwsLayer({ env });
    await layer.accountId(target.profile);
    say(`layer: 3 consumers × ${Math.round(EVENTS / 3)} events on one lane`);
    const started = performance.now();
    const shares = await Promise.all([0, 1, 2].map(() => viaLayer(layer, target, Math.round(EVENTS / 3))));
    const seconds = (performance.now() - started) / 1000;
    const total = shares.reduce((sum, share) => sum + share.events, 0);
    const spread = Math.max(...shares.map((share) => share.seconds)) - Math.min(...shares.map((share) => share.seconds));
    rows.push(row(`3 consumers, one lane (finish spread ${spread.toFixed(1)} s)`, 'CloudTrail Lens', endpoint, DEFAULT_ACCOUNT_ID, target.region, total, seconds, shares.find((share) => share.surfaced !== 'none')?.surfaced ?? 'none'));
    layer.dispose();

    // 4. Four regions of one account in parallel: each lane at its own ceiling.
    endpoint.state.reset();
    layer = new AwsLayer({ env });
    const regions = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1'];
    say(`layer: 4 regions × ${PARALLEL_EVENTS} events in parallel`);
    const parallel = await Promise.all(regions.map((region) => viaLayer(layer, { profile: target.profile, region }, PARALLEL_EVENTS)));
    regions.forEach((region, index) => rows.push(row('4 regions in parallel', 'CloudTrail Lens', endpoint, DEFAULT_ACCOUNT_ID, region, parallel[index].events, parallel[index].seconds, parallel[index].surfaced)));
    const slowest = Math.max(...parallel.map((item) => item.seconds));
    const all = parallel.reduce((sum, item) => sum + item.events, 0);
    say(`4 regions: ${all} events in ${slowest.toFixed(1)} s = ${(all / slowest).toFixed(1)} events/s in total`);
    layer.dispose();
  } finally {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const markdown = table(rows);
  console.log(`\nLookupEvents throughput (ceiling ${CEILING} events/s per account and region; local endpoint, rate 2/s, burst 2)\n`);
  console.log(markdown);
  console.log(
    '\nevents/s is wall-clock, from the call to the last page (our runs include STS and credential resolution; the CLI runs include its start-up). ' +
      'The first request needs no wait, so short runs can exceed 100%; "server req/s" is the steady rate the endpoint saw (limit 2.00).',
  );
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'lookup.json'), JSON.stringify({ date: new Date().toISOString(), ceiling: CEILING, rows }, null, 2));
  const ours = rows.filter((item) => item.client === 'CloudTrail Lens' && !item.scenario.startsWith('3 consumers'));
  const failed = ours.filter((item) => item.surfaced !== 'none' || item.percentOfCeiling < 90);
  if (failed.length > 0) {
    console.error(`\n[bench] below goal (≥ 90% of ceiling, no error surfaced): ${failed.map((item) => `${item.scenario} ${item.scope}`).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
