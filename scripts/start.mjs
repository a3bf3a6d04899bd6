// `npm start`: CloudTrail Lens in a real VS Code with the demo workspace (test/fixtures/demo-workspace).
//
//   node scripts/start.mjs                  build, then desktop VS Code if `code` is on PATH, else code-server
//   node scripts/start.mjs --code-server    always code-server (or CTL_START_HOST=code-server)
//   options: --port N (CTL_PORT; default 8080, or a free port when taken)   --workspace DIR   --no-build
//            --watch (rebuild on change; reload the window to pick it up)   --gallery (let code-server's
//            workbench reach the extension marketplace)   --env KEY=VALUE (repeatable; reaches the extension host)
//            --real-aws (no local endpoint: use your own ~/.aws profiles and real AWS)
//
// By default it also starts the local CloudTrail-compatible endpoint (test/support/endpoint) and gives
// VS Code demo profiles that point at it through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE files of
// its own under .vscode-test/demo-aws — your real ~/.aws is not read or touched — so trails, events and
// statuses show without an AWS account. code-server listens on 127.0.0.1 only and keeps its profile in
// .vscode-test/start-profile. Ctrl-C stops everything this script started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, freePort, startCodeServer, workbenchUrl } from './code-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_WORKSPACE = join(ROOT, 'test', 'fixtures', 'demo-workspace');
const say = (line) => console.log(`[start] ${line}`);

function parseArgs(argv) {
  const options = {
    host: process.env.CTL_START_HOST ?? 'auto',
    port: process.env.CTL_PORT ? Number(process.env.CTL_PORT) : undefined,
    workspace: DEMO_WORKSPACE,
    build: true,
    watch: false,
    gallery: false,
    endpoint: true,
    env: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--code-server') options.host = 'code-server';
    else if (arg === '--desktop') options.host = 'desktop';
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--workspace') options.workspace = resolve(argv[++i] ?? '.');
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--watch') options.watch = true;
    else if (arg === '--gallery') options.gallery = true;
    else if (arg === '--real-aws') options.endpoint = false;
    else if (arg === '--env') {
      const pair = argv[++i] ?? '';
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--env expects KEY=VALUE, got "${pair}"`);
      options.env[pair.slice(0, at)] = pair.slice(at + 1);
    } else throw new Error(`unknown argument ${arg} (see the top of scripts/start.mjs)`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) throw new Error('--port expects a TCP port number');
  return options;
}

/**
 * HOOK: services to start before VS Code, e.g. a local CloudTrail-compatible endpoint for a demo
 * without an AWS account. Each returns the environment it wants the extension host to see (for
 * example AWS_ENDPOINT_URL_CLOUDTRAIL) and a stop function; everything is stopped on Ctrl-C.
 * Nothing is started yet: add entries here (driven by an option or an env var such as CTL_START_ENDPOINT).
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }[]>}
 */
async function startServices(options) {
  return options.endpoint ? [await startEndpoint()] : [];
}

/** The local endpoint, with demo AWS config files of its own that point every profile at it. */
async function startEndpoint() {
  const configDir = join(CACHE_DIR, 'demo-aws');
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'endpoint.mjs'), '--port', '0', '--aws-config', configDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolveUrl, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(buffer);
      if (match) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the local endpoint exited (${code}) before it was ready`)));
  });
  say(`local CloudTrail endpoint ${url} (demo profiles in ${configDir}; --real-aws to use your own)`);
  return {
    env: {
      AWS_CONFIG_FILE: join(configDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(configDir, 'credentials'),
      AWS_ENDPOINT_URL: url,
      AWS_PROFILE: 'default',
    },
    stop: () =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.workspace)) throw new Error(`workspace ${options.workspace} does not exist`);
  const cleanups = [];
  let stopping = false;
  const stopAll = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  if (options.build) {
    say('building: node esbuild.mjs');
    if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('the build failed');
  }
  if (options.watch) {
    const watcher = spawn(process.execPath, ['esbuild.mjs', '--watch'], { cwd: ROOT, stdio: 'inherit' });
    cleanups.push(async () => {
      watcher.kill('SIGTERM');
    });
  }

  const services = await startServices(options);
  for (const service of services) cleanups.push(service.stop);
  const env = Object.assign({}, ...services.map((service) => service.env), options.env);

  const desktop = options.host === 'desktop' || (options.host === 'auto' && onPath('code'));
  if (desktop) {
    // Keep waiting for the window when something of ours runs beside it; otherwise `code` returns at once.
    const wait = services.length > 0 || options.watch;
    const args = ['--new-window', `--extensionDevelopmentPath=${ROOT}`, ...(wait ? ['--wait'] : []), options.workspace];
    say(`code ${args.join(' ')}`);
    const child = spawn('code', args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => void stopAll(code ?? 0));
    return;
  }

  let port = options.port ?? 8080;
  if (options.port === undefined && !(await portFree(port))) port = await freePort();
  mkdirSync(CACHE_DIR, { recursive: true });
  const server = await startCodeServer({
    port,
    workspace: options.workspace,
    env,
    dataDir: join(CACHE_DIR, 'start-profile'),
    isolateHome: false,
    gallery: options.gallery,
    onOutput: (line) => {
      if (/error/i.test(line) && !/vsda/.test(line)) console.log(`[code-server] ${line}`);
    },
  });
  cleanups.push(server.stop);
  const url = workbenchUrl(server, { folder: options.workspace, extensionDevelopmentPath: ROOT });
  console.log(`\nCloudTrail Lens in code-server (VS Code ${'1.100.3'}), workspace ${options.workspace}:\n\n  ${url}\n`);
  console.log(`The CloudTrail Lens icon is in the activity bar. Ctrl-C stops the server.${options.watch ? ' After a rebuild, run "Developer: Reload Window".' : ''}\n`);
}

async function portFree(port) {
  const { createServer } = await import('node:net');
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once('error', () => resolvePromise(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePromise(true)));
  });
}

main().catch((error) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
