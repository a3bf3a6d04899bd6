// Runs the test tiers and closes with one line "N passed, N failed, N skipped".
//   node scripts/test.mjs                 build, static checks, then unit, integration, webview, e2e
//   node scripts/test.mjs unit webview    only those tiers (after a build)
// Each mocha tier writes its counts through test/support/mocha-reporter.cjs; a tier that crashes
// before reporting counts as one failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['static', 'unit', 'integration', 'webview', 'e2e'];
const requested = process.argv.slice(2);
for (const tier of requested) {
  if (!ALL.includes(tier)) {
    console.error(`unknown tier "${tier}"; tiers: ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const tiers = requested.length > 0 ? requested : ALL;
const mochaBin = join('node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = join('test', 'support', 'mocha-reporter.cjs');
mkdirSync('test-results', { recursive: true });

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`◀ ${label}: exit ${result.status ?? result.signal} in ${seconds} s`);
  return result.status === 0;
}

const totals = { passes: 0, failures: 0, pending: 0 };
const lines = [];

function mochaTier(tier, timeoutMs) {
  const statsFile = join('test-results', `${tier}.stats.json`);
  rmSync(statsFile, { force: true });
  const ok = run(tier, process.execPath, [mochaBin, '--reporter', reporter, '--timeout', String(timeoutMs), '--recursive', `out/test/${tier}/**/*.test.js`], {
    CTL_STATS_FILE: statsFile,
  });
  record(tier, ok, statsFile);
}

function record(tier, ok, statsFile) {
  let stats = { passes: 0, failures: 0, pending: 0 };
  if (existsSync(statsFile)) stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  if (!ok && stats.failures === 0) stats.failures = 1; // crashed or failed outside a test
  totals.passes += stats.passes;
  totals.failures += stats.failures;
  totals.pending += stats.pending;
  lines.push(`${tier.padEnd(12)} ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
}

if (!run('build', process.execPath, ['esbuild.mjs', '--tests'])) {
  console.log('\n0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

for (const tier of tiers) {
  switch (tier) {
    case 'static': {
      const typecheck = run('typecheck', 'npm', ['run', '-s', 'typecheck']);
      const lint = run('lint', 'npx', ['--no-install', 'eslint', '.']);
      const notices = run('notices', process.execPath, ['scripts/notices.mjs', '--check']);
      const checks = [typecheck, lint, notices];
      totals.passes += checks.filter(Boolean).length;
      totals.failures += checks.filter((ok) => !ok).length;
      lines.push(`${'static'.padEnd(12)} typecheck ${typecheck ? 'ok' : 'FAILED'}, lint ${lint ? 'ok' : 'FAILED'}, notices ${notices ? 'ok' : 'FAILED'}`);
      break;
    }
    case 'unit':
      mochaTier('unit', 10_000);
      break;
    case 'integration':
      mochaTier('integration', 120_000);
      break;
    case 'webview':
      mochaTier('webview', 60_000);
      break;
    case 'e2e': {
      const statsFile = join('test-results', 'e2e.stats.json');
      rmSync(statsFile, { force: true });
      const ok = run('e2e', process.execPath, ['test/e2e/run.mjs'], { CTL_STATS_FILE: statsFile });
      record('e2e', ok, statsFile);
      break;
    }
  }
}

console.log('\nSummary');
for (const line of lines) console.log(`  ${line}`);
console.log(`\n${totals.passes} passed, ${totals.failures} failed, ${totals.pending} skipped`);
process.exit(totals.failures > 0 ? 1 : 0);
