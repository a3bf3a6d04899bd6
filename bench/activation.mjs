// Activation benchmark: what CloudTrail Lens costs VS Code when it starts.
//
//   node bench/activation.mjs            (BENCH_RUNS=7 by default; BENCH_SKIP_PACKAGE=1 reuses dist/ and the .vsix)
//
// 1. builds the test runners (node esbuild.mjs --tests) and the shipped package (npm run package:
//    production bundle + cloudtrail-lens.vsix), and measures dist/extension.js and the .vsix;
// 2. BENCH_RUNS times: a fresh code-server 4.100.3 (VS Code 1.100.3) + headless Chromium + profile,
//    the .vsix installed as a user would, and test/e2e/activation inside the extension host, which
//    activates a warm-up no-op extension, then a no-op baseline extension and CloudTrail Lens (the
//    order alternates between runs) and times each `ext.activate()`;
// 3. prints a Markdown table of medians (min–max) and writes .bench/activation.json.
//
// Baseline: a no-op extension (main = `exports.activate = () => ({})`), installed from a .vsix like
// ours and activated in the same host right before or after ours. Its `ext.activate()` time is
// VS Code's fixed cost for activating any extension (resolving it, loading a module, calling
// activate); what CloudTrail Lens adds on top is the difference: loading its bundle and running
// its activate().
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runInCodeServer } from '../test/e2e/run.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, '.bench');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7) || 7);
const VSIX = join(ROOT, 'cloudtrail-lens.vsix');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const RUNNER = join(ROOT, 'out', 'test', 'e2e', 'activation');
const say = (line) => console.log(`[bench] ${line}`);

function step(label, command, args) {
  say(`${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal})`);
  return Date.now() - started;
}

/**
 * A do-nothing extension the activation runner can time as the baseline, packaged like ours so it
 * is installed the same way. (code-server loads only one extensionDevelopmentPath from the URL.)
 */
function noopExtension(name) {
  const dir = join(OUT_DIR, 'noop', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, displayName: `bench ${name}`, publisher: 'ctl-bench', version: '0.0.0', engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: [] }, null, 2),
  );
  writeFileSync(join(dir, 'extension.js'), "'use strict';\nexports.activate = () => ({});\nexports.deactivate = () => undefined;\n");
  const vsix = join(OUT_DIR, 'noop', `${name}.vsix`);
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const packed = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`packaging the ${name} extension failed:\n${packed.stdout}${packed.stderr}`);
  return { dir, vsix };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const spread = (values) => `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;

async function main() {
  const started = Date.now();
  mkdirSync(OUT_DIR, { recursive: true });
  const build = {};
  if (process.env.BENCH_SKIP_PACKAGE && existsSync(VSIX) && existsSync(BUNDLE) && existsSync(join(RUNNER, 'index.js'))) {
    say('BENCH_SKIP_PACKAGE: using the existing cloudtrail-lens.vsix; sizes are of the current dist/, which may differ from it');
  } else {
    build.testsMs = step('build runners', process.execPath, ['esbuild.mjs', '--tests']);
    rmSync(VSIX, { force: true });
    build.packageMs = step('package', 'npm', ['run', '--silent', 'package']);
  }
  if (!existsSync(VSIX)) throw new Error(`npm run package did not produce ${VSIX}`);
  const bundle = readFileSync(BUNDLE);
  const sizes = { bundle: bundle.length, bundleGzip: gzipSync(bundle, { level: 9 }).length, vsix: statSync(VSIX).size };

  const emptyWorkspace = join(OUT_DIR, 'empty-workspace');
  mkdirSync(emptyWorkspace, { recursive: true });
  const warmup = noopExtension('warmup');
  const baseline = noopExtension('baseline');
  const timingsFile = join(OUT_DIR, 'activation-run.json');
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? 'baseline-first' : 'lens-first';
    const result = await runInCodeServer({
      testsPath: RUNNER,
      // The warm-up extension is the one under development (the URL needs one); the baseline and
      // CloudTrail Lens are installed from their .vsix files, as users get them.
      extensionDevelopmentPaths: [warmup.dir],
      installVsix: [baseline.vsix, VSIX],
      // An empty folder: the demo workspace holds Terraform files, which activate CloudTrail Lens
      // at start-up (workspaceContains:**/*.tf) before the benchmark can time activate().
      workspace: emptyWorkspace,
      timingsFile,
      env: { CTL_BENCH_ORDER: order },
      timeoutMs: 120_000,
      quiet: !process.env.BENCH_VERBOSE,
    });
    if (result.skipped) throw new Error('no Chromium: the activation benchmark needs it (apt-get install chromium, or set CHROME_PATH)');
    if (!result.ok || !existsSync(timingsFile)) throw new Error(`run ${i + 1} failed (exit ${result.exitCode})`);
    const data = JSON.parse(readFileSync(timingsFile, 'utf8'));
    const find = (id) => data.results.find((entry) => entry.id === id);
    const lens = find('cloudtrail-lens.cloudtrail-lens');
    const base = find('ctl-bench.baseline');
    const first = find('ctl-bench.warmup');
    if (!lens || !base) throw new Error(`run ${i + 1}: missing measurements in ${timingsFile}`);
    // Something in the start-up can activate CloudTrail Lens first (an onLanguage event): its
    // activate() body time is still reported by the extension, but that run has no wall time.
    if (lens.alreadyActive) say(`run ${i + 1}: CloudTrail Lens was already active; only its activate() body time counts`);
    if (!data.lensExtensionPath.includes(`${join('.vscode-test', 'runs')}`)) say(`note: CloudTrail Lens loaded from ${data.lensExtensionPath}, not the installed .vsix`);
    runs.push({ order, alreadyActive: lens.alreadyActive, lensWallMs: lens.alreadyActive ? NaN : lens.activateWallMs, lensActivateMs: lens.activateMs, baselineWallMs: base.activateWallMs, firstWallMs: first?.activateWallMs ?? NaN, runMs: result.durationMs, vscodeVersion: data.vscodeVersion });
    say(`run ${i + 1}/${RUNS} (${order}): CloudTrail Lens ${ms(lens.activateWallMs)} (activate() ${ms(lens.activateMs ?? NaN)}), no-op ${ms(base.activateWallMs)}, run ${(result.durationMs / 1000).toFixed(1)} s`);
  }
  rmSync(timingsFile, { force: true });

  const timed = runs.filter((run) => Number.isFinite(run.lensWallMs));
  const lensWall = timed.map((run) => run.lensWallMs);
  const lensActivate = runs.map((run) => run.lensActivateMs ?? NaN).filter(Number.isFinite);
  const baseWall = runs.map((run) => run.baselineWallMs);
  const added = timed.map((run) => run.lensWallMs - run.baselineWallMs);
  const wall = (values) => (values.length ? `${spread(values)} over ${values.length} runs` : 'n/a (activated during start-up in every run)');
  const firstWall = runs.map((run) => run.firstWallMs).filter(Number.isFinite);
  const rows = [
    ['dist/extension.js (production)', `${kb(sizes.bundle)} (gzip ${kb(sizes.bundleGzip)})`],
    ['cloudtrail-lens.vsix', kb(sizes.vsix)],
    [`activate() body, reported by the extension (median of ${RUNS})`, lensActivate.length ? spread(lensActivate) : 'n/a'],
    ['`ext.activate()` CloudTrail Lens: load bundle + activate()', wall(lensWall)],
    ['`ext.activate()` no-op extension (baseline)', spread(baseWall)],
    ['CloudTrail Lens minus baseline (per run)', wall(added)],
    ['for scale: the first activation in a fresh host (no-op warm-up extension)', firstWall.length ? spread(firstWall) : 'n/a'],
  ];
  const host = `code-server 4.100.3 (VS Code ${runs[0].vscodeVersion}), Node ${process.versions.node}, headless Chromium, ${RUNS} fresh runs, .vsix installed`;
  console.log(`\n### Activation (${new Date().toISOString().slice(0, 10)})\n\n${host}\n`);
  console.log('| metric | value: median (min–max) |\n| --- | --- |');
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  console.log(`\nTotal benchmark time ${((Date.now() - started) / 1000).toFixed(0)} s. Raw numbers: .bench/activation.json`);
  writeFileSync(join(OUT_DIR, 'activation.json'), JSON.stringify({ date: new Date().toISOString(), host, sizes, build, runs }, null, 2));
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
