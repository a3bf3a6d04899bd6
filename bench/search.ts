/**
 * The event search, end to end, with same-run baselines:
 *
 *   A. time to the first row in the panel's host (SearchSession + the AWS layer) — baseline: the
 *      first LookupEvents page through the bare layer;
 *   B. retrieving events at AWS's ceiling (2 requests/s × 50 events per account and region): the
 *      newest N of one region, and every event of three regions in parallel — baseline: the bare
 *      layer paging the same events;
 *   C. a two-filter question ("which calls by maria.garcia failed, in us-east-1 and eu-west-1, last
 *      90 days?") answered by the engine, by `cloudtrail-lens events`, and by the AWS CLI v2 + jq
 *      (a per-region loop, as a user writes it) — all must give the same events;
 *   D. the panel in Chromium: rendering 50,000 rows and scrolling them — per-frame work (our
 *      requestAnimationFrame callbacks + style/layout they cause) and frame intervals; baselines:
 *      the same scroll over an empty page, and a naive table with 50,000 DOM rows.
 *
 *   node esbuild.mjs --tests && node out/bench/search.js
 *     BENCH_EVENTS=2000 (B, one region)  BENCH_SKIP_CLI=1  BENCH_SKIP_BROWSER=1
 *
 * The local endpoint enforces AWS's limit (rate 2, burst 2) and answers ThrottlingException beyond
 * it. Client-side filtering of 100,000 events is bench/filter.mjs. Prints Markdown, writes
 * .bench/search.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AwsLayer } from '../src/aws/layer';
import { newLookupStats } from '../src/aws/types';
import { SearchRun } from '../src/features/search/runner';
import { SearchSession } from '../src/features/search/session';
import type { HostMessage, SearchRequest } from '../src/shared/protocol';
import { DEFAULT_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint } from '../test/support/endpoint';
import { findAwsCliV2, findChromium } from '../test/support/tools';
import type { Browser, Page } from 'playwright-core';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000) || 2000;
const SKIP_CLI = /^(1|true|yes)$/i.test(process.env.BENCH_SKIP_CLI ?? '');
const SKIP_BROWSER = /^(1|true|yes)$/i.test(process.env.BENCH_SKIP_BROWSER ?? '');
/** Parts to run (default all): BENCH_PARTS=A,C */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'A,B,C,D').toUpperCase().split(',').map((part) => part.trim()));
const CEILING = 100; // events/s per (account, region)
const ROOT = resolve(__dirname, __dirname.includes(join('out', 'bench')) ? '../..' : '..');
const say = (line: string): void => console.error(`[bench] ${line}`);

/** The webview tier's harness (test/webview/harness.ts, built into out/): loaded at run time, it is DOM-typed code. */
interface WebviewHarness {
  startServer: () => Promise<{ server: Server; origin: string }>;
  launch: (executablePath: string) => Promise<Browser>;
  openPanel: (browser: Browser, origin: string) => Promise<{ page: Page; post(message: HostMessage): Promise<void>; close(): Promise<void> }>;
}
const harness = (): WebviewHarness => createRequire(__filename)(join(ROOT, 'out', 'test', 'webview', 'harness.js')) as WebviewHarness;

interface Line {
  part: string;
  scenario: string;
  value: string;
  baseline?: string;
  note?: string;
}

const lines: Line[] = [];
const raw: Record<string, unknown> = {};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function profileEnv(endpoint: Endpoint): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bench-search-'));
  const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { dir, env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') } };
}

// ---------------------------------------------------------------------------------------------
// A. Time to first row

async function firstRow(endpoint: Endpoint, env: Record<string, string>): Promise<void> {
  const request: SearchRequest = { profiles: ['ctl-default'], regions: ['us-east-1'], query: { time: { preset: '24h' } } };
  const samples: number[] = [];
  const floor: number[] = [];
  const bare = async (): Promise<void> => {
    endpoint.state.reset();
    const layer = new AwsLayer({ env });
    const started = performance.now();
    for await (const page of layer.lookupEvents({ profile: 'ctl-default', region: 'us-east-1' }, { StartTime: new Date(Date.now() - 86_400_000), EndTime: new Date() }, {})) {
      void page;
      break;
    }
    floor.push(performance.now() - started);
    layer.dispose();
  };
  const panel = async (): Promise<void> => {
    endpoint.state.reset();
    const layer = new AwsLayer({ env });
    let first = 0;
    const host = {
      post: (message: HostMessage) => {
        if (message.type === 'rows' && !first) first = performance.now();
      },
      init: () => Promise.resolve({ profiles: [], regions: [] }),
      openJson: () => Promise.resolve(),
      diff: () => Promise.resolve(),
      copy: () => Promise.resolve(),
      save: () => Promise.resolve(undefined),
      runFix: () => undefined,
    };
    const session = new SearchSession(host, { lookup: (target, input, options) => layer.lookupEvents(target, input, options), log: { info: () => undefined, debug: () => undefined, warn: () => undefined } }, undefined);
    await session.receive({ type: 'ready' });
    const started = performance.now();
    await session.receive({ type: 'search', request });
    while (!first) await new Promise((r) => setTimeout(r, 1));
    samples.push(first - started);
    session.dispose();
    layer.dispose();
  };
  // Both start from a fresh layer (profiles read, STS asked, credentials resolved); the order alternates.
  await panel(); // warm-up: loads the SDK and compiles the risk catalogue once, as the first search of a session does
  const cold = samples.pop() ?? 0;
  for (let i = 0; i < 7; i++) {
    if (i % 2) {
      await bare();
      await panel();
    } else {
      await panel();
      await bare();
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  raw.firstRow = { cold, samples, floor };
  lines.push({
    part: 'A',
    scenario: 'time to first row (panel host: plan, stream, parse, filter, risk, post to the webview), fresh AWS layer, median of 7',
    value: `${median(samples).toFixed(0)} ms`,
    baseline: `${median(floor).toFixed(0)} ms (first LookupEvents page, bare layer)`,
    note: `min–max ${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} ms; the first search of a session (AWS SDK loaded, risk catalogue compiled) ${cold.toFixed(0)} ms`,
  });
}

// ---------------------------------------------------------------------------------------------
// B. N events at the ceiling

/** Pages through the bare layer until `limit` events (Infinity: the end); returns milliseconds. */
async function viaLayer(layer: AwsLayer, region: string, limit: number): Promise<number> {
  const started = performance.now();
  let events = 0;
  for await (const page of layer.lookupEvents({ profile: 'ctl-default', region }, { StartTime: new Date(Date.now() - 90 * 86_400_000), EndTime: new Date() }, { stats: newLookupStats() })) {
    events += page.events.length;
    if (events >= limit) break;
  }
  return performance.now() - started;
}

async function throughput(endpoint: Endpoint, env: Record<string, string>): Promise<void> {
  // One region: the newest EVENTS. Three regions (about 1,100–1,350 events each at scale 5): all of them.
  for (const [label, scope, limit] of [
    [`the newest ${EVENTS}, one region`, ['us-east-1'], EVENTS],
    ['every event of three regions in parallel', ['us-east-2', 'us-west-2', 'eu-west-1'], Infinity],
  ] as const) {
    endpoint.state.reset();
    let layer = new AwsLayer({ env });
    await layer.accountId('ctl-default');
    const baseline = Math.max(...(await Promise.all(scope.map((region) => viaLayer(layer, region, limit)))));
    layer.dispose();

    endpoint.state.reset();
    layer = new AwsLayer({ env });
    await layer.accountId('ctl-default');
    const current = layer;
    const run = new SearchRun(
      { profiles: ['ctl-default'], regions: [...scope], query: { time: { preset: '90d' }, limit: Number.isFinite(limit) ? limit : 100_000 } },
      { lookup: (target, input, options) => current.lookupEvents(target, input, options) },
    );
    const started = performance.now();
    const reason = await run.start();
    const elapsed = performance.now() - started;
    const progress = run.progress(0);
    layer.dispose();
    const slowest = Math.max(...progress.streams.map((stream) => stream.fetched));
    const rate = slowest / (elapsed / 1000);
    const throttled = endpoint.state.counters.throttled;
    raw[`throughput: ${label}`] = { elapsed, baseline, matched: run.matched, reason, requests: progress.total.requests, throttled, streams: progress.streams };
    lines.push({
      part: 'B',
      scenario: `${label}: ${run.matched} events, the search engine`,
      value: `${seconds(elapsed)}; busiest region ${rate.toFixed(1)} events/s (${((rate / CEILING) * 100).toFixed(0)}% of the ceiling)`,
      baseline: `${seconds(baseline)} (bare layer paging the same events)`,
      note: `${progress.total.requests} requests, ${throttled} throttled by the server, ${reason}`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// C. The two-filter question

function run(command: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(command, [...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }));
  });
}

async function question(endpoint: Endpoint, env: Record<string, string>): Promise<void> {
  const end = Date.now();
  const start = end - 89 * 86_400_000;
  const regions = ['us-east-1', 'eu-west-1'];
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const results: Array<{ client: string; ms: number; ids: string[]; note: string }> = [];

  endpoint.state.reset();
  const layer = new AwsLayer({ env });
  const engine = new SearchRun(
    { profiles: ['ctl-default'], regions, query: { time: { start, end }, attributes: { Username: ['maria.garcia'] }, errorsOnly: true, limit: 100_000 } },
    { lookup: (target, input, options) => layer.lookupEvents(target, input, options) },
  );
  const started = performance.now();
  await engine.start();
  results.push({ client: 'search engine (in process, fresh layer)', ms: performance.now() - started, ids: engine.results().map((item) => item.row.eventId), note: `${engine.progress(0).total.requests} requests` });
  layer.dispose();

  if (!SKIP_CLI) {
    endpoint.state.reset();
    const ours = await run(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'events', '--profile', 'ctl-default', '--region', 'us-east-1', '--region', 'eu-west-1', '--start', iso(start), '--end', iso(end), '--user', 'maria.garcia', '--errors-only', '--format', 'json'], { ...env, AWS_ENDPOINT_URL: endpoint.url });
    const parsed = JSON.parse(ours.stdout || '{"events":[]}') as { events: Array<{ eventID: string }>; stats: { requests: number } };
    results.push({ client: '`cloudtrail-lens events` (node dist/cli.js)', ms: ours.ms, ids: parsed.events.map((event) => event.eventID), note: `exit ${ours.code}, ${parsed.stats?.requests ?? '?'} requests` });

    const aws = findAwsCliV2();
    if (aws) {
      for (const mode of ['standard', 'adaptive'] as const) {
        endpoint.state.reset();
        const script = [
          `for r in ${regions.join(' ')}; do`,
          `  "$AWS" cloudtrail lookup-events --profile ctl-default --region "$r" --endpoint-url "$URL" --start-time ${iso(start)} --end-time ${iso(end)} --lookup-attributes AttributeKey=Username,AttributeValue=maria.garcia --output json || exit $?`,
          `done | jq -s '[.[].Events[] | .CloudTrailEvent | fromjson | select(.errorCode)] | sort_by(.eventTime) | reverse | map(.eventID)'`,
        ].join('\n');
        const result = await run('sh', ['-c', script], { ...env, AWS: aws, URL: endpoint.url, AWS_RETRY_MODE: mode, AWS_PAGER: '' });
        let ids: string[] = [];
        try {
          ids = JSON.parse(result.stdout) as string[];
        } catch {
          ids = [];
        }
        const error = /\(([A-Za-z]+Exception)\)/.exec(result.stderr)?.[1];
        results.push({ client: `AWS CLI v2 + jq, regions in a loop (${mode} retry)`, ms: result.ms, ids, note: `exit ${result.code}${error ? `: ${error}` : ''}, ${endpoint.state.counters.byOperation.LookupEvents ?? 0} requests, ${endpoint.state.counters.throttled} throttled` });
      }
    } else say('AWS CLI v2 not found: skipping it');
  }
  const reference = [...(results[0]?.ids ?? [])].sort().join(',');
  raw.question = results;
  for (const result of results) {
    const same = [...result.ids].sort().join(',') === reference;
    lines.push({ part: 'C', scenario: `failed calls by maria.garcia, us-east-1 + eu-west-1, 89 days: ${result.client}`, value: seconds(result.ms), note: `${result.ids.length} events${same ? '' : ' (DIFFERENT ANSWER)'}; ${result.note}` });
  }
}

// ---------------------------------------------------------------------------------------------
// D. Rendering and scrolling 50,000 rows in Chromium

interface ScrollStats {
  intervals: number[];
  work: number[];
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function describe(stats: ScrollStats): string {
  const { intervals, work } = stats;
  const slow = intervals.filter((interval) => interval > 16.7 * 1.5).length;
  return `frame interval p50 ${percentile(intervals, 50).toFixed(1)} / p95 ${percentile(intervals, 95).toFixed(1)} / max ${Math.max(...intervals).toFixed(1)} ms, ${slow} of ${intervals.length} frames late${work.length ? `; our work per frame p50 ${percentile(work, 50).toFixed(2)} / p95 ${percentile(work, 95).toFixed(2)} / max ${Math.max(...work).toFixed(2)} ms` : ''}`;
}

/** Scrolls `selector` by `step` px per frame for `frames` frames (or to random places with `jump`), timing frames. */
const SCROLL_SCRIPT = `async ({ selector, frames, step, jump }) => {
  const element = document.querySelector(selector);
  const raf = window.__nativeRaf || window.requestAnimationFrame.bind(window);
  window.__work = [];
  const intervals = [];
  let last = 0;
  let n = 0;
  let seed = 1;
  await new Promise((done) => {
    const tick = (time) => {
      if (last) intervals.push(time - last);
      last = time;
      if (jump) { seed = (seed * 16807) % 2147483647; element.scrollTop = (seed / 2147483647) * (element.scrollHeight - element.clientHeight); }
      else element.scrollTop += step;
      if (++n <= frames) raf(tick); else done();
    };
    raf(tick);
  });
  return { intervals, work: window.__work.slice() };
}`;

/** Times every requestAnimationFrame callback of the page, plus the style and layout it caused (forced right after). */
const TIMING_SCRIPT = `(() => {
  const native = window.requestAnimationFrame.bind(window);
  window.__nativeRaf = native;
  window.__work = [];
  window.requestAnimationFrame = (callback) => native((time) => {
    const started = performance.now();
    callback(time);
    void (document.body && document.body.offsetHeight);
    window.__work.push(performance.now() - started);
  });
})();`;

/** 50,000 varied rows made in the page (Playwright's serialiser would dominate otherwise), posted in 10 batches as the host does. */
const RENDER_SCRIPT = `async (base) => {
  const names = ['DescribeInstances', 'GetObject', 'AssumeRole', 'ConsoleLogin', 'DeleteTrail', 'PutBucketPolicy', 'ListUsers', 'CreateAccessKey'];
  const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 5000 }, (_, j) => {
    const i = b * 5000 + j;
    return {
      key: i, profile: 'dev', eventId: 'id-' + i, time: base - ((i * 7919) % 50000) * 12000, eventName: names[i % names.length], eventSource: 'ec2.amazonaws.com', user: 'user-' + (i % 311),
      accessKeyId: 'ASIAEXAMPLE', identityType: 'AssumedRole', resources: i % 3 ? [{ type: 'AWS::S3::Bucket', name: 'bucket-' + (i % 97) }] : [], sourceIp: '203.0.113.' + (i % 250),
      userAgent: 'aws-cli/2.15', region: 'us-east-1', account: '111122223333', errorCode: i % 17 ? '' : 'AccessDenied', readOnly: i % 2 === 0, category: 'management',
      ...(i % 23 ? {} : { risk: [{ id: 'builtin.x', level: i % 2 ? 'high' : 'medium', title: 'Flag', reason: 'r', source: 'builtin' }] }),
    };
  }));
  const started = performance.now();
  for (const rows of batches) window.postMessage({ type: 'rows', searchId: 1, rows }, '*');
  await new Promise((done) => {
    const check = () => {
      if (document.querySelector('.table')?.getAttribute('aria-rowcount') === '50000' && document.querySelector('.table-row:not([hidden])')) done();
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - started;
}`;

/** The naive alternative: every one of 50,000 rows in the DOM, ten cells each. */
const NAIVE_SCRIPT = `() => {
  const started = performance.now();
  const host = document.getElementById('s');
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < 50000; i++) {
    const row = document.createElement('div');
    row.style.cssText = 'display:grid;grid-template-columns:64px 158px 1fr 1fr 1fr 1fr 120px 105px 1fr 76px;height:22px;white-space:nowrap;overflow:hidden';
    for (let c = 0; c < 10; c++) {
      const cell = document.createElement('div');
      cell.textContent = 'cell ' + i + '.' + c;
      row.appendChild(cell);
    }
    fragment.appendChild(row);
  }
  host.appendChild(fragment);
  void host.scrollHeight;
  return performance.now() - started;
}`;

async function browser(): Promise<void> {
  const chromium = findChromium();
  if (!chromium) {
    say('Chromium not found: skipping the rendering part');
    return;
  }
  const { startServer, launch, openPanel } = harness();
  const { server, origin } = await startServer();
  const instance = await launch(chromium);
  try {
    const panel = await openPanel(instance, origin);
    // Time every requestAnimationFrame callback of the page, plus the style and layout it caused.
    await panel.page.addInitScript(TIMING_SCRIPT);
    await panel.page.reload();
    await panel.page.waitForFunction('window.__sent.length > 0');
    await panel.post({ type: 'init', init: { profiles: [{ name: 'dev' }], regions: [{ id: 'us-east-1', name: 'N. Virginia' }], defaultProfile: 'dev', defaultRegion: 'us-east-1' } });
    const now = Date.now();
    const plan = new SearchRun({ profiles: ['dev'], regions: ['us-east-1'], query: { time: { preset: '7d' } } }, { lookup: () => (async function* () {})(), now }).planInfo(1);
    await panel.post({ type: 'plan', plan });
    // 50,000 varied rows, made in the page (Playwright's serialiser would dominate otherwise), posted in 10 batches as the host does.
    const renderMs = await panel.page.evaluate<number>(`(${RENDER_SCRIPT})(${now})`);
    lines.push({ part: 'D', scenario: 'render 50,000 rows posted in 10 batches (sort-merge, timeline, first paint)', value: `${renderMs.toFixed(0)} ms` });

    const scroll = await panel.page.evaluate<ScrollStats>(`(${SCROLL_SCRIPT})({ selector: '.table-viewport', frames: 300, step: 220, jump: false })`);
    const jumps = await panel.page.evaluate<ScrollStats>(`(${SCROLL_SCRIPT})({ selector: '.table-viewport', frames: 120, step: 0, jump: true })`);
    await panel.page.locator('.table-header-cell[data-column="user"]').click();
    const sorted = await panel.page.evaluate<ScrollStats>(`(${SCROLL_SCRIPT})({ selector: '.table-viewport', frames: 120, step: 660, jump: false })`);
    const visible = await panel.page.evaluate<number>("document.querySelectorAll('.table-row:not([hidden])').length");
    raw.scroll = { scroll, jumps, sorted, visible };
    lines.push({ part: 'D', scenario: 'scroll 50,000 rows, 10 rows per frame, 300 frames', value: describe(scroll) });
    lines.push({ part: 'D', scenario: 'jump to random places in 50,000 rows, 120 frames', value: describe(jumps) });
    lines.push({ part: 'D', scenario: 'scroll 30 rows per frame after sorting by user', value: describe(sorted), note: `${visible} row elements in the DOM` });
    await panel.close();

    // Baselines in the same browser: an empty scroller of the same height, and a naive 50,000-row DOM table.
    const baseServer = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(
        request.url === '/naive'
          ? '<!DOCTYPE html><html><body style="margin:0"><div id="s" style="height:700px;overflow:auto"></div></body></html>'
          : '<!DOCTYPE html><html><body style="margin:0"><div id="s" style="height:700px;overflow:auto"><div style="height:1100000px"></div></div></body></html>',
      );
    });
    await new Promise<void>((done) => baseServer.listen(0, '127.0.0.1', done));
    const baseOrigin = `http://127.0.0.1:${(baseServer.address() as AddressInfo).port}`;
    const context = await instance.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    await page.goto(`${baseOrigin}/empty`);
    const empty = await page.evaluate<ScrollStats>(`(${SCROLL_SCRIPT})({ selector: '#s', frames: 300, step: 220, jump: false })`);
    await page.goto(`${baseOrigin}/naive`);
    const naiveBuild = await page.evaluate<number>(`(${NAIVE_SCRIPT})()`);
    const naive = await page.evaluate<ScrollStats>(`(${SCROLL_SCRIPT})({ selector: '#s', frames: 300, step: 220, jump: false })`);
    await context.close();
    baseServer.close();
    raw.baselines = { empty, naiveBuild, naive };
    lines.push({ part: 'D', scenario: 'baseline: the same scroll over an empty page', value: describe({ ...empty, work: [] }) });
    lines.push({ part: 'D', scenario: 'baseline: naive table, 50,000 DOM rows', value: `build ${naiveBuild.toFixed(0)} ms; ${describe({ ...naive, work: [] })}` });
  } finally {
    await instance.close();
    server.close();
  }
}

async function main(): Promise<void> {
  const small = await startEndpoint({ port: 0, rate: 2 });
  const large = await startEndpoint({ port: 0, rate: 2, scale: 5 });
  const smallEnv = profileEnv(small);
  const largeEnv = profileEnv(large);
  try {
    if (PARTS.has('A')) {
      say('A: time to first row');
      await firstRow(small, smallEnv.env);
    }
    if (PARTS.has('B')) {
      say(`B: the newest ${EVENTS} events of one region, every event of three`);
      await throughput(large, largeEnv.env);
    }
    if (PARTS.has('C')) {
      say('C: the two-filter question');
      await question(small, smallEnv.env);
    }
  } finally {
    await small.close();
    await large.close();
    rmSync(smallEnv.dir, { recursive: true, force: true });
    rmSync(largeEnv.dir, { recursive: true, force: true });
  }
  if (!SKIP_BROWSER && PARTS.has('D')) {
    say('D: rendering and scrolling in Chromium');
    await browser();
  }
  console.log(`\nEvent search (local endpoint at AWS's limit: 2 LookupEvents/s per account and region; ${DEFAULT_ACCOUNT_ID})\n`);
  console.log('| part | scenario | result | same-run baseline | note |');
  console.log('|---|---|---|---|---|');
  for (const line of lines) console.log(`| ${line.part} | ${line.scenario} | ${line.value} | ${line.baseline ?? ''} | ${line.note ?? ''} |`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'search.json'), JSON.stringify({ date: new Date().toISOString(), lines, raw }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
