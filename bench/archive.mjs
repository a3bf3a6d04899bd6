// Local archive search benchmark: throughput (MB/s of gzipped logs, events/s) of searchArchive
// against `zcat | jq` doing the same filter in the same run, and peak memory as the archive grows
// ten-fold (and as one file grows ten-fold: the streaming Records parser).
//
//   node esbuild.mjs --tests && node bench/archive.mjs        (BENCH_RUNS=3, BENCH_SCALES=1,10)
//
// Data: every real record of test/fixtures (events, labelled, endpoint: ≈ 9,900 records — S3
// delivery files, attack detonations, console sessions, documentation samples), written into a
// temporary S3-like layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<delivery name>.json.gz,
// 500 records per file, as CloudTrail delivers them), K copies for scale K (each copy its own event
// ids). A "single file" variant puts all K copies into ONE {"Records": [...]} file.
//
// Filter (the same for both tools): failed S3 calls — { errorsOnly: true, attributes: { EventSource:
// ['s3'] } } — in jq: .Records[] | select((.errorCode // "") != "" and ((.eventSource // "") |
// ascii_downcase) == "s3.amazonaws.com"). The match counts are compared; both must agree.
// Each measurement runs in a fresh process (`/usr/bin/time -v` gives its peak RSS); the median of
// BENCH_RUNS runs is shown. Prints Markdown tables and writes .bench/archive.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const QUERY = { errorsOnly: true, attributes: { EventSource: ['s3'] } };
const JQ = '.Records[] | select((.errorCode // "") != "" and ((.eventSource // "") | ascii_downcase) == "s3.amazonaws.com")';

if (process.argv[2] === '--worker') await worker(process.argv[3]);
else await main();

/** One search in this process: prints its stats as JSON. */
async function worker(dir) {
  const { searchArchive, newArchiveStats } = require(join(ROOT, 'out', 'src', 'archive', 'index.js'));
  const stats = newArchiveStats();
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const started = process.hrtime.bigint();
  let errors = 0;
  for await (const item of searchArchive(dir, QUERY, { stats })) if ('error' in item) errors++;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  process.stdout.write(JSON.stringify({ ms, matched: stats.matched, records: stats.records, bytes: stats.bytesRead, chars: stats.charsParsed, files: stats.filesRead, errors, peakHeap, maxRss: process.resourceUsage().maxRSS * 1024 }));
}

function timeV(command, args, options = {}) {
  const result = spawnSync('/usr/bin/time', ['-v', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.slice(-500)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? 0) * 1024;
  return { stdout: result.stdout, rss };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function build(dir, records, copies, singleFile) {
  const perFile = 500;
  const base = Date.UTC(2024, 0, 1);
  let files = 0;
  let bytes = 0;
  const all = [];
  for (let copy = 0; copy < copies; copy++) {
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      all.push(copy === 0 ? record : { ...record, eventID: `${record.eventID ?? i}-copy${copy}` });
    }
  }
  const write = (path, list) => {
    const data = gzipSync(JSON.stringify({ Records: list }));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    files++;
    bytes += data.length;
  };
  if (singleFile) write(join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2024', '01', '01', '111122223333_CloudTrail_us-east-1_20240101T0005Z_single.json.gz'), all);
  else {
    for (let start = 0, n = 0; start < all.length; start += perFile, n++) {
      const at = new Date(base + n * 5 * 60_000);
      const y = at.getUTCFullYear();
      const mo = String(at.getUTCMonth() + 1).padStart(2, '0');
      const d = String(at.getUTCDate()).padStart(2, '0');
      const hm = `${String(at.getUTCHours()).padStart(2, '0')}${String(at.getUTCMinutes()).padStart(2, '0')}`;
      write(join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', String(y), mo, d, `111122223333_CloudTrail_us-east-1_${y}${mo}${d}T${hm}Z_f${n}.json.gz`), all.slice(start, start + perFile));
    }
  }
  return { files, bytes, events: all.length };
}

function listGz(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listGz(path, out);
    else if (name.endsWith('.json.gz')) out.push(path);
  }
  return out.sort();
}

async function main() {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const scales = (process.env.BENCH_SCALES ?? '1,10').split(',').map(Number);
  const { fixtureRecords } = require(join(ROOT, 'out', 'test', 'support', 'endpoint', 'athena-records.js'));
  const records = fixtureRecords().map((item) => item.record).filter((record) => record && typeof record === 'object');
  const root = mkdtempSync(join(tmpdir(), 'ctl-bench-archive-'));
  const results = [];
  try {
    for (const singleFile of [false, true]) {
      for (const scale of scales) {
        const dir = join(root, `${singleFile ? 'single' : 'split'}-${scale}`);
        const built = build(dir, records, scale, singleFile);
        const ours = [];
        const jq = [];
        let oursMatched;
        let jqMatched;
        for (let run = 0; run < runs; run++) {
          const mine = timeV(process.execPath, [fileURLToPath(import.meta.url), '--worker', dir]);
          const stats = JSON.parse(mine.stdout);
          ours.push({ ...stats, rss: mine.rss });
          oursMatched = stats.matched;
          const started = process.hrtime.bigint();
          // xargs keeps the command line short whatever the number of files.
          const theirs = timeV('bash', ['-c', `find '${dir}' -name '*.json.gz' -print0 | sort -z | xargs -0 zcat | jq -c '${JQ}' | wc -l`]);
          jq.push({ ms: Number(process.hrtime.bigint() - started) / 1e6, rss: theirs.rss });
          jqMatched = Number(theirs.stdout.trim());
        }
        if (oursMatched !== jqMatched) throw new Error(`match counts differ at ${dir}: searchArchive ${oursMatched}, jq ${jqMatched}`);
        const ms = median(ours.map((r) => r.ms));
        const jqMs = median(jq.map((r) => r.ms));
        results.push({
          layout: singleFile ? 'one file' : `${built.files} files`,
          scale,
          events: built.events,
          gzMB: built.bytes / 1e6,
          jsonMB: ours[0].chars / 1e6,
          matched: oursMatched,
          ms,
          mbps: built.bytes / 1e6 / (ms / 1000),
          eventsPerSec: built.events / (ms / 1000),
          rssMB: median(ours.map((r) => r.rss)) / 1e6,
          heapMB: median(ours.map((r) => r.peakHeap)) / 1e6,
          jqMs,
          jqMbps: built.bytes / 1e6 / (jqMs / 1000),
          jqRssMB: median(jq.map((r) => r.rss)) / 1e6,
        });
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const f = (n, d = 1) => n.toFixed(d);
  console.log(`\nArchive search — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}, jq ${spawnSync('jq', ['--version'], { encoding: 'utf8' }).stdout.trim()}, median of ${runs} runs\n`);
  console.log('| archive | events | gzip MB | JSON MB | matches | searchArchive | MB/s (gz) | events/s | jq (zcat \\| jq) | jq MB/s (gz) | speed vs jq |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.layout} ×${r.scale} | ${r.events.toLocaleString('en-US')} | ${f(r.gzMB)} | ${f(r.jsonMB)} | ${r.matched} | ${f(r.ms / 1000, 2)} s | ${f(r.mbps)} | ${Math.round(r.eventsPerSec).toLocaleString('en-US')} | ${f(r.jqMs / 1000, 2)} s | ${f(r.jqMbps)} | ${f(r.jqMs / r.ms, 2)}× |`);
  console.log('\nMemory (peak, fresh process per run):\n');
  console.log('| archive | events | searchArchive peak RSS | peak JS heap | jq peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.layout} ×${r.scale} | ${r.events.toLocaleString('en-US')} | ${f(r.rssMB)} MB | ${f(r.heapMB)} MB | ${f(r.jqRssMB)} MB |`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'archive.json'), JSON.stringify({ when: new Date().toISOString(), node: process.version, runs, results }, null, 2));
}
