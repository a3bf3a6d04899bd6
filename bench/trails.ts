/**
 * Time to a fully expanded Trails tree: every profile read (STS, EC2 DescribeRegions, S3
 * ListBuckets, DescribeTrails in every enabled region, then per trail GetTrailStatus /
 * GetEventSelectors / GetInsightSelectors / ListTags in its home region and the S3 bucket reads),
 * evaluated by the rules, and every node of the tree built (childrenOf / specOf, what the view
 * renders) — for 5 profiles side by side, against the local endpoint with 50 ms added to every call.
 *
 *   node esbuild.mjs --tests && node out/bench/trails.js
 *     BENCH_RUNS=5          timed runs per scenario (after one warm-up)
 *     BENCH_LATENCY_MS=50   latency the endpoint adds to every call
 *     BENCH_CONCURRENCY=8   requests in flight per profile
 *     BENCH_OTHER_RATE=50   the endpoint's limit for non-LookupEvents calls per (account, region) per second
 *                           (its default: 50/s, burst 100; throttled calls are retried by the SDK and counted)
 *
 * Goal: under 3 s. Baselines in the same run, same endpoint, same data:
 *   - sequential: the same reads one request at a time, profile after profile (what a naive loop does);
 *   - critical path: the longest chain of dependent calls (STS → DescribeRegions → DescribeTrails →
 *     GetTrailStatus ‖ bucket reads) × one call's latency measured here: no scan can be faster.
 * Profiles: ctl-default, default and two more keys of account 111122223333 (17 regions, 9 trails
 * each) and ctl-second (444455556666: 18 regions with ap-south-2, 3 trails); four of them share
 * account 111122223333, so its (account, region) rate limits are shared as they would be on AWS.
 * Prints a Markdown table and writes .bench/trails.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AwsServices } from '../src/aws';
import { evaluateProfile, type ProfilePosture } from '../src/core/posture/report';
import { childrenOf, profileNode, specOf, type ProfileView, type TrailsNode } from '../src/features/trails/model';
import { ACCESS_KEYS, awsConfigFiles, startEndpoint, type EndpointAccessKey } from '../test/support/endpoint';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const LATENCY_MS = Math.max(0, Number(process.env.BENCH_LATENCY_MS ?? 50) || 0);
const CONCURRENCY = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 8) || 8);
const OTHER_RATE = Math.max(1, Number(process.env.BENCH_OTHER_RATE ?? 50) || 50);
const GOAL_MS = 3000;
const ROOT = resolve(__dirname, __dirname.includes(join('out', 'bench')) ? '../..' : '..');

/** Two more keys the endpoint does not know: they land in the default account (111122223333). */
const EXTRA_KEYS: EndpointAccessKey[] = ['bench-a', 'bench-b'].map((profile, i) => ({
  profile,
  accountId: '111122223333',
  accessKeyId: `AKIABENCHEXAMPLE000${i + 1}`,
  secretAccessKey: `BenchBenchBenchBenchBenchBenchEXAMPLEKEY${i}`,
  arn: `arn:aws:iam::111122223333:user/${profile}`,
  userId: `AIDABENCH${i}`,
  behaviour: 'normal',
}));
const PROFILES = ['ctl-default', 'default', 'ctl-second', 'bench-a', 'bench-b'];

interface Sample {
  ms: number;
  requests: number;
  throttled: number;
  peakInFlight: number;
  nodes: number;
  regions: number;
  trails: number;
}

/** Every node of a fully expanded tree, built as the view would (what the user sees). */
function expandAll(postures: readonly ProfilePosture[]): number {
  let nodes = 0;
  for (const posture of postures) {
    const view: ProfileView = { profile: posture.profile, active: false, state: { kind: 'ready', posture } };
    const stack: TrailsNode[] = [profileNode(posture.profile)];
    while (stack.length > 0) {
      const node = stack.pop() as TrailsNode;
      specOf(node, view);
      nodes++;
      stack.push(...childrenOf(node, view));
    }
  }
  return nodes;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const endpoint = await startEndpoint({ otherRate: OTHER_RATE, otherBurst: Math.max(100, OTHER_RATE) });
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bench-trails-'));
  const files = awsConfigFiles({ keys: [...ACCESS_KEYS, ...EXTRA_KEYS] });
  writeFileSync(join(dir, 'config'), files.config);
  writeFileSync(join(dir, 'credentials'), files.credentials);
  const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL: endpoint.url };

  /** One timed read of every profile with a fresh AwsServices (no cached clients, account ids or credentials). */
  const run = async (mode: 'parallel' | 'sequential'): Promise<Sample> => {
    endpoint.state.reset();
    const aws = new AwsServices({ env, homedir: dir });
    await aws.layer(); // SDK loaded: the scans are timed, not the first import
    const since = endpoint.state.log.lastSeq;
    const started = performance.now();
    let postures: ProfilePosture[];
    if (mode === 'parallel') {
      postures = await Promise.all(PROFILES.map(async (profile) => evaluateProfile(await aws.scanPosture(profile, { concurrency: CONCURRENCY }))));
    } else {
      postures = [];
      for (const profile of PROFILES) postures.push(evaluateProfile(await aws.scanPosture(profile, { concurrency: 1 })));
    }
    const nodes = expandAll(postures);
    const ms = performance.now() - started;
    aws.dispose();
    for (const p of postures) if (p.error) throw new Error(`profile ${p.profile}: ${p.error.message}`);
    const entries = endpoint.state.log.where({ since });
    const edges = entries.flatMap((e) => [
      { t: e.at, d: 1 },
      { t: e.at + e.durationMs, d: -1 },
    ]);
    edges.sort((a, b) => a.t - b.t || a.d - b.d);
    let inFlight = 0;
    let peakInFlight = 0;
    for (const edge of edges) peakInFlight = Math.max(peakInFlight, (inFlight += edge.d));
    return {
      ms,
      requests: entries.length,
      throttled: entries.filter((e) => e.throttled).length,
      peakInFlight,
      nodes,
      regions: postures.reduce((n, p) => n + p.enabledRegions.length, 0),
      trails: postures.reduce((n, p) => n + p.trails.length, 0),
    };
  };

  /** One DescribeTrails call's latency through the same client stack (the critical path's unit). */
  const oneCall = async (): Promise<number> => {
    const aws = new AwsServices({ env, homedir: dir });
    const layer = await aws.layer();
    await layer.describeTrails({ profile: 'ctl-default', region: 'us-east-1' }); // credentials, client, connection
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await layer.describeTrails({ profile: 'ctl-default', region: 'us-east-1' }, { includeShadowTrails: true });
      times.push(performance.now() - t);
    }
    aws.dispose();
    return median(times);
  };

  try {
    endpoint.faults.setLatency(LATENCY_MS);
    console.error(`bench/trails: ${PROFILES.length} profiles, ${LATENCY_MS} ms per call, concurrency ${CONCURRENCY}, endpoint limit ${OTHER_RATE}/s, ${RUNS} runs (+1 warm-up) on ${cpus().length} cores`);
    await run('parallel'); // warm-up: module loading, JIT
    const parallel: Sample[] = [];
    const sequential: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      parallel.push(await run('parallel'));
      if (i < Math.min(RUNS, 3)) sequential.push(await run('sequential'));
    }
    const callMs = await oneCall();
    // STS → DescribeRegions → DescribeTrails → GetTrailStatus ‖ S3 bucket reads (ListBuckets runs beside DescribeRegions).
    const criticalPath = 4;
    const summary = (samples: Sample[]): { median: number; min: number; max: number; sample: Sample } => ({
      median: median(samples.map((s) => s.ms)),
      min: Math.min(...samples.map((s) => s.ms)),
      max: Math.max(...samples.map((s) => s.ms)),
      sample: samples[0],
    });
    const p = summary(parallel);
    const s = summary(sequential);
    const bound = callMs * criticalPath;
    const rows = [
      ['CloudTrail Lens (parallel, ≤ 8 in flight per profile)', p],
      ['baseline: same reads strictly sequential', s],
    ] as const;
    const lines = [
      `| scenario | median (min–max) | requests | peak in flight | throttled | regions | trails | tree nodes |`,
      `|---|---|---|---|---|---|---|---|`,
      ...rows.map(([name, r]) => `| ${name} | ${(r.median / 1000).toFixed(2)} s (${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)}) | ${r.sample.requests} | ${r.sample.peakInFlight} | ${r.sample.throttled} | ${r.sample.regions} | ${r.sample.trails} | ${r.sample.nodes} |`),
      `| lower bound: critical path ${criticalPath} calls × ${callMs.toFixed(0)} ms (one DescribeTrails, measured) | ${(bound / 1000).toFixed(2)} s | | | | | | |`,
      '',
      `Goal < ${GOAL_MS / 1000} s: ${p.median < GOAL_MS ? 'met' : 'NOT met'} (median ${(p.median / 1000).toFixed(2)} s; ${(s.median / p.median).toFixed(1)}× faster than sequential; ${(p.median / bound).toFixed(1)}× the critical-path bound).`,
    ];
    console.log(lines.join('\n'));
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(
      join(ROOT, '.bench', 'trails.json'),
      JSON.stringify({ profiles: PROFILES, latencyMs: LATENCY_MS, concurrency: CONCURRENCY, otherRate: OTHER_RATE, runs: RUNS, cores: cpus().length, oneCallMs: callMs, criticalPath, parallel, sequential }, null, 2),
    );
    if (p.median >= GOAL_MS) process.exitCode = 1;
  } finally {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
