// The e2e harness: runs out/test/e2e/suite (mocha, inside the extension host) with CloudTrail Lens
// loaded in a real VS Code, and exits non-zero when a test fails.
//
//   node test/e2e/run.mjs                 code-server 4.100.3 (VS Code 1.100.3) in headless Chromium: what CI runs
//   node test/e2e/run.mjs --electron      desktop VS Code through @vscode/test-electron (downloads VS Code;
//   E2E_HOST=electron node test/e2e/run.mjs  needs a display or xvfb-run on Linux)
//
// Options (flags or environment):
//   --build              run `node esbuild.mjs --tests` first (done anyway when out/ or dist/ is missing)
//   --grep <text>        only tests whose title contains it            (CTL_E2E_GREP)
//   --timeout <s>        give up on the whole run after this long; default 300 (E2E_TIMEOUT_S)
//   --verbose            also print the browser console and code-server's log (E2E_VERBOSE=1)
//   CTL_STATS_FILE       where mocha's counts go ({"passes","failures","pending"}); scripts/test.mjs sets it
//   CHROME_PATH          the Chromium to drive (default: `chromium` on PATH, Debian's package)
// Every other variable of this process reaches the extension host too.
//
// The suite talks to the local CloudTrail endpoint (test/support/endpoint), started here on a free
// port with its example accounts: the extension host gets AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE (written with awsConfigFiles(): default, ctl-default, ctl-second,
// ctl-denied, ctl-expired) and AWS_ENDPOINT_URL pointing at it.
//
// Results: test-results/screenshots/<name>.png (shots the suite asks for, failure.png on failure),
// test-results/e2e-timings.json (activation numbers for bench/activation.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { CACHE_DIR, ensureCodeServer, startCodeServer, workbenchUrl } from '../../scripts/code-server.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_WORKSPACE = join(ROOT, 'test', 'fixtures', 'demo-workspace');
export const SUITE = join(ROOT, 'out', 'test', 'e2e', 'suite');
const RESULTS = join(ROOT, 'test-results');
const SCREENSHOTS = join(RESULTS, 'screenshots');
const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => console.log(`[e2e] ${line}`);
/** The workbench's own start-up messages that arrive with the extension host's output (shown with --verbose). */
const WORKBENCH_CHATTER = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:|Ignoring fetching additional builtin extensions)/;

/** `node esbuild.mjs --tests` when asked, or when what the run needs is not built. */
export function ensureBuilt({ force = false, testsPath = SUITE } = {}) {
  if (!force && existsSync(join(ROOT, 'dist', 'extension.js')) && existsSync(join(testsPath, 'index.js')) && existsSync(join(ROOT, 'out', 'test', 'support', 'tools.js'))) return;
  say('building: node esbuild.mjs --tests');
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed');
}

/** The outside-tool helpers the other tiers use (test/support/tools.ts, built into out/). */
function tools() {
  return require(join(ROOT, 'out', 'test', 'support', 'tools.js'));
}

function readStats(file) {
  try {
    const stats = JSON.parse(readFileSync(file, 'utf8'));
    return { passes: stats.passes ?? 0, failures: stats.failures ?? 0, pending: stats.pending ?? 0 };
  } catch {
    return undefined;
  }
}

function writeStats(file, stats) {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(stats));
}

/** A copy of the demo workspace, so nothing a test does touches the repository. */
function scratchWorkspace(runDir, source) {
  const target = join(runDir, source ? basename(source) : 'workspace');
  if (source && existsSync(source)) cpSync(source, target, { recursive: true });
  else mkdirSync(target, { recursive: true });
  return target;
}

/**
 * Watches `dir` for `<name>.request` files written by the suite (test/e2e/suite/harness.ts),
 * takes the screenshot and answers with `<name>.done`. Returns a function that stops watching.
 */
function serveScreenshots(page, dir, log) {
  let stopped = false;
  let busy = Promise.resolve();
  const inFlight = new Set();
  const handle = async (file) => {
    const name = file.slice(0, -'.request'.length);
    const requestFile = join(dir, file);
    let request = {};
    try {
      request = JSON.parse(readFileSync(requestFile, 'utf8') || '{}');
    } catch {
      request = {};
    }
    rmSync(requestFile, { force: true });
    const target = join(SCREENSHOTS, `${name}.png`);
    let answer;
    try {
      for (const selector of request.waitFor ?? []) {
        await waitForSelectorInAnyFrame(page, selector, 15_000);
      }
      if (request.settleMs) await sleep(request.settleMs);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: target });
      answer = { path: relative(ROOT, target) };
      log(`screenshot ${relative(ROOT, target)}`);
    } catch (error) {
      answer = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
      log(`screenshot ${name} failed: ${answer.error}`);
    }
    const partial = join(dir, `${name}.done.partial`);
    writeFileSync(partial, JSON.stringify(answer));
    renameSync(partial, join(dir, `${name}.done`));
  };
  const timer = setInterval(() => {
    if (stopped) return;
    let files = [];
    try {
      files = readdirSync(dir).filter((name) => name.endsWith('.request'));
    } catch {
      return;
    }
    for (const file of files) {
      if (inFlight.has(file)) continue; // queued already; the timer fires faster than shots are taken
      inFlight.add(file);
      busy = busy
        .then(() => handle(file))
        .catch(() => undefined)
        .finally(() => inFlight.delete(file));
    }
  }, 100);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}

/** Waits until `selector` is visible in the page or in one of its frames (webviews are nested iframes). */
async function waitForSelectorInAnyFrame(page, selector, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.locator(selector).first().isVisible()) return;
      } catch {
        // the frame went away while we looked
      }
    }
    await sleep(100);
  }
  throw new Error(`"${selector}" did not appear within ${timeoutMs} ms`);
}

/**
 * Starts the local CloudTrail endpoint (built into out/) on a free port and writes AWS config files
 * with its example profiles. Returns the environment for the extension host and a stop function.
 */
async function startLocalEndpoint() {
  const { startEndpoint, awsConfigFiles } = require(join(ROOT, 'out', 'test', 'support', 'endpoint', 'index.js'));
  const endpoint = await startEndpoint({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'ctl-e2e-aws-'));
  const files = awsConfigFiles();
  writeFileSync(join(dir, 'config'), files.config);
  writeFileSync(join(dir, 'credentials'), files.credentials);
  return {
    url: endpoint.url,
    env: {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stop: async () => {
      await endpoint.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Missing Chromium: fail under CI with what to install, skip locally saying why. */
function chromiumMissing(statsFile) {
  const { isCI } = tools();
  const message = 'Chromium not found: apt-get install chromium (Debian), or set CHROME_PATH to a Chromium/Chrome binary';
  if (isCI) {
    console.error(`[e2e] ${message} (CI=true: a missing tool fails the tier)`);
    return { ok: false, exitCode: 1, stats: undefined, skipped: false };
  }
  say(`skipping the e2e tier: ${message}`);
  writeStats(statsFile, { passes: 0, failures: 0, pending: 1 });
  return { ok: true, exitCode: 0, stats: { passes: 0, failures: 0, pending: 1 }, skipped: true };
}

/**
 * Runs a suite (a compiled `extensionTestsPath` folder whose index.js exports run()) inside
 * code-server, in headless Chromium. Resolves with the outcome; never leaves a process behind.
 *
 * @param {object} [options]
 * @param {string} [options.testsPath]    compiled runner folder (default out/test/e2e/suite)
 * @param {string[]} [options.extensionDevelopmentPaths] extensions under development (default: the repository)
 * @param {string[]} [options.installVsix] packaged extensions to install into the profile first
 * @param {string} [options.workspace]    folder copied into the run and opened (default: the demo workspace)
 * @param {Record<string,string>} [options.env] extra environment for the extension host
 * @param {string} [options.statsFile]    CTL_STATS_FILE for the in-host reporter
 * @param {string} [options.timingsFile]  CTL_E2E_TIMINGS_FILE (default test-results/e2e-timings.json)
 * @param {number} [options.timeoutMs]    the whole run (default 5 minutes)
 * @param {boolean} [options.quiet]       do not print the extension host's output
 * @param {boolean} [options.verbose]     also print the browser console and code-server's log
 */
export async function runInCodeServer(options = {}) {
  const started = Date.now();
  const log = options.quiet ? () => undefined : say;
  const statsFile = options.statsFile ? resolve(options.statsFile) : undefined;
  const timingsFile = resolve(options.timingsFile ?? join(RESULTS, 'e2e-timings.json'));
  const testsPath = resolve(options.testsPath ?? SUITE);
  if (statsFile) rmSync(statsFile, { force: true });
  rmSync(timingsFile, { force: true });
  rmSync(join(SCREENSHOTS, 'failure.png'), { force: true });

  const executablePath = tools().findChromium();
  if (!executablePath) return chromiumMissing(statsFile);
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS } = tools();

  await ensureCodeServer({ log });
  mkdirSync(join(CACHE_DIR, 'runs'), { recursive: true });
  const runDir = mkdtempSync(join(CACHE_DIR, 'runs', 'e2e-'));
  const shotRequests = join(runDir, 'screenshot-requests');
  mkdirSync(shotRequests, { recursive: true });
  const workspace = scratchWorkspace(runDir, options.workspace ?? DEMO_WORKSPACE);
  const browserHome = join(runDir, 'browser-home');
  for (const dir of ['config', 'data', 'cache', 'tmp']) mkdirSync(join(browserHome, dir), { recursive: true });

  let server;
  let context;
  let stopShots = async () => undefined;
  const consoleTail = [];
  const serverTail = [];
  let exitCode = 1;
  let failure;
  let finish = () => undefined;
  const finished = new Promise((r) => {
    finish = r;
  });
  const cleanup = async () => {
    await stopShots().catch(() => undefined);
    await context?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = (signal) => {
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startCodeServer({
      workspace,
      installVsix: options.installVsix,
      env: {
        ...(options.env ?? {}),
        ...(statsFile ? { CTL_STATS_FILE: statsFile } : {}),
        CTL_SCREENSHOT_DIR: shotRequests,
        CTL_E2E_TIMINGS_FILE: timingsFile,
      },
      onOutput: (line) => {
        serverTail.push(line);
        if (serverTail.length > 40) serverTail.shift();
        if (options.verbose) console.log(`[code-server] ${line}`);
        // A crashed extension host never reports back: do not wait for the overall timeout.
        const exited = /Extension Host Process exited with code: (\S+?),/.exec(line);
        if (exited) setTimeout(() => finish({ error: `the extension host exited (code ${exited[1]}) without reporting an outcome` }), 3000).unref();
      },
    });
    log(`code-server ${server.url} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    context = await chromium.launchPersistentContext(join(runDir, 'chromium-profile'), {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      // Our own handlers close the browser, then stop the server and remove the scratch folders.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      env: {
        ...process.env,
        HOME: browserHome,
        XDG_CONFIG_HOME: join(browserHome, 'config'),
        XDG_DATA_HOME: join(browserHome, 'data'),
        XDG_CACHE_HOME: join(browserHome, 'cache'),
        TMPDIR: join(browserHome, 'tmp'),
      },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      const line = `${message.type()}: ${message.text()}`;
      consoleTail.push(line);
      if (consoleTail.length > 40) consoleTail.shift();
      if (options.verbose) console.log(`[browser] ${line}`);
    });
    page.on('pageerror', (error) => {
      consoleTail.push(`pageerror: ${error.message}`);
      if (options.verbose) console.log(`[browser] pageerror: ${error.message}`);
    });

    // The workbench forwards the extension host's console (mocha's output) here...
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (options.quiet) return;
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (type !== 'error' && !options.verbose && WORKBENCH_CHATTER.test(text)) return;
      (type === 'error' ? console.error : console.log)(text);
    });
    // ...and calls this when the runner's run() settles: 0 resolved, 1 rejected.
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code: Number(code) }));
    stopShots = serveScreenshots(page, shotRequests, log);

    const url = workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath: options.extensionDevelopmentPaths ?? [ROOT],
      extensionTestsPath: testsPath,
    });
    const timeoutMs = options.timeoutMs ?? 300_000;
    const timer = setTimeout(() => finish({ timeout: true }), Math.max(0, timeoutMs - (Date.now() - started)));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const workbench = page
      .waitForSelector('.monaco-workbench', { timeout: 60_000 })
      .then(() => log(`workbench up after ${((Date.now() - started) / 1000).toFixed(1)} s`))
      .catch(() => finish({ error: 'the workbench (.monaco-workbench) did not appear within 60 s' }));
    const outcome = await finished;
    clearTimeout(timer);
    void workbench;
    if (outcome.timeout) failure = `the run did not finish within ${Math.round(timeoutMs / 1000)} s`;
    else if (outcome.error) failure = outcome.error;
    else exitCode = outcome.code;
    if (failure || exitCode !== 0) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page
        .screenshot({ path: join(SCREENSHOTS, 'failure.png') })
        .then(() => log(`screenshot ${relative(ROOT, join(SCREENSHOTS, 'failure.png'))} (state at failure)`))
        .catch(() => undefined);
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const stats = statsFile ? readStats(statsFile) : undefined;
  if (!failure && exitCode === 0 && statsFile && !stats) failure = 'the suite reported no results (no stats file): did the extension host crash or exit?';
  if (failure) {
    console.error(`[e2e] FAILED: ${failure}`);
    if (consoleTail.length > 0) console.error(`[e2e] last browser console lines:\n  ${consoleTail.join('\n  ')}`);
    if (serverTail.length > 0) console.error(`[e2e] last code-server lines:\n  ${serverTail.join('\n  ')}`);
  }
  const ok = !failure && exitCode === 0 && (!stats || stats.failures === 0);
  return { ok, exitCode: ok ? 0 : 1, stats, skipped: false, durationMs: Date.now() - started, timingsFile };
}

/** Desktop VS Code via @vscode/test-electron (downloads VS Code, so not on a closed network). */
export async function runInElectron(options = {}) {
  const started = Date.now();
  const statsFile = options.statsFile ? resolve(options.statsFile) : undefined;
  const timingsFile = resolve(options.timingsFile ?? join(RESULTS, 'e2e-timings.json'));
  if (statsFile) rmSync(statsFile, { force: true });
  mkdirSync(join(CACHE_DIR, 'runs'), { recursive: true });
  const runDir = mkdtempSync(join(CACHE_DIR, 'runs', 'electron-'));
  const { runTests } = (await import('@vscode/test-electron')).default;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('no DISPLAY: desktop VS Code needs one; run under `xvfb-run -a node test/e2e/run.mjs --electron`');
  }
  let ok = false;
  try {
    const code = await runTests({
      version: process.env.E2E_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: resolve(options.testsPath ?? SUITE),
      launchArgs: [
        scratchWorkspace(runDir, options.workspace ?? DEMO_WORKSPACE),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(runDir, 'user-data'),
      ],
      extensionTestsEnv: {
        ...(options.env ?? {}),
        ...(statsFile ? { CTL_STATS_FILE: statsFile } : {}),
        CTL_E2E_TIMINGS_FILE: timingsFile,
      },
    });
    ok = code === 0;
  } catch (error) {
    console.error(`[e2e] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  }
  const stats = statsFile ? readStats(statsFile) : undefined;
  ok = ok && (!stats || stats.failures === 0);
  return { ok, exitCode: ok ? 0 : 1, stats, skipped: false, durationMs: Date.now() - started, timingsFile };
}

function parseArgs(argv) {
  const options = {
    electron: /^electron$/i.test(process.env.E2E_HOST ?? ''),
    build: false,
    verbose: /^(1|true|yes)$/i.test(process.env.E2E_VERBOSE ?? ''),
    timeoutS: Number(process.env.E2E_TIMEOUT_S ?? 300),
    grep: process.env.CTL_E2E_GREP,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--electron') options.electron = true;
    else if (arg === '--code-server') options.electron = false;
    else if (arg === '--build') options.build = true;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--timeout') options.timeoutS = Number(argv[++i]);
    else if (arg === '--grep') options.grep = argv[++i];
    else {
      console.error(`unknown argument ${arg}\nusage: node test/e2e/run.mjs [--electron | --code-server] [--build] [--grep text] [--timeout seconds] [--verbose]`);
      process.exit(2);
    }
  }
  if (!Number.isFinite(options.timeoutS) || options.timeoutS <= 0) options.timeoutS = 300;
  return options;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  ensureBuilt({ force: args.build });
  const endpoint = await startLocalEndpoint();
  say(`local CloudTrail endpoint ${endpoint.url}`);
  const common = {
    statsFile: process.env.CTL_STATS_FILE ?? join(RESULTS, 'e2e.stats.json'),
    timeoutMs: args.timeoutS * 1000,
    verbose: args.verbose,
    env: { ...endpoint.env, ...(args.grep ? { CTL_E2E_GREP: args.grep } : {}) },
  };
  say(`host: ${args.electron ? 'desktop VS Code (@vscode/test-electron)' : 'code-server in headless Chromium'}`);
  let result;
  try {
    result = args.electron ? await runInElectron(common) : await runInCodeServer(common);
  } finally {
    await endpoint.stop();
  }
  const seconds = ((result.durationMs ?? 0) / 1000).toFixed(1);
  if (result.skipped) say('skipped (see above)');
  else if (result.stats) say(`${result.ok ? 'passed' : 'FAILED'} in ${seconds} s: ${result.stats.passes} passed, ${result.stats.failures} failed, ${result.stats.pending} skipped`);
  else say(`${result.ok ? 'passed' : 'FAILED'} in ${seconds} s`);
  process.exit(result.exitCode);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`[e2e] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  });
}
