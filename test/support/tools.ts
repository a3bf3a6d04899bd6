/**
 * Finding the outside tools the test tiers need, and the rule for when one is missing:
 * under CI=true the tier fails with a message naming what to install; locally it skips, saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Context } from 'mocha';

export const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

function which(command: string): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

/** Chromium for the webview and e2e tiers: CHROME_PATH, else Debian's `chromium`, else other names. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    const path = which(name);
    if (path) return path;
  }
  return undefined;
}

/** The AWS CLI v2 (Debian package `awscli`). An older v1 `aws` may come first on PATH, so check versions. */
export function findAwsCliV2(): string | undefined {
  const candidates = [process.env.AWS_CLI_PATH, '/usr/bin/aws', '/usr/local/bin/aws', which('aws')].filter((path): path is string => !!path);
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (/^aws-cli\/2\./.test(version.trim())) return path;
    } catch {
      // not runnable: try the next one
    }
  }
  return undefined;
}

/** Chromium launch arguments that work as root on a closed network (see shared design REAL-VSCODE.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Call in a `before` hook: returns the tool's path, or — when it is missing — fails under CI with
 * `install`, or skips the suite locally with the same words.
 */
export function requireTool(context: Context, what: string, path: string | undefined, install: string): string {
  if (path) return path;
  const message = `${what} not found: ${install}`;
  if (isCI) throw new Error(`${message} (CI=true: a missing tool fails the tier)`);
  console.warn(`  skipping: ${message}`);
  context.skip();
}
