/**
 * Talking to the harness outside VS Code (test/e2e/run.mjs) from inside the extension host.
 * Screenshots must be taken while the tests run: the test writes `<name>.request` into
 * CTL_SCREENSHOT_DIR, the harness takes the shot with Playwright and answers with `<name>.done`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ScreenshotRequest {
  /** CSS selectors the harness waits for (in the workbench page) before the shot. */
  readonly waitFor?: readonly string[];
  /** Extra quiet time after the selectors appear, for animations to finish. */
  readonly settleMs?: number;
}

export interface ScreenshotResult {
  /** Where the PNG was written (relative to the repository root). */
  readonly path: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when a harness that can take screenshots runs us (code-server); false under desktop VS Code. */
export function canTakeScreenshots(): boolean {
  return !!process.env.CTL_SCREENSHOT_DIR;
}

/**
 * Asks the harness for a screenshot of the whole workbench, saved as test-results/screenshots/<name>.png.
 * Resolves undefined when no harness can take one; rejects when the harness fails or does not answer.
 */
export async function requestScreenshot(name: string, request: ScreenshotRequest = {}, timeoutMs = 30_000): Promise<ScreenshotResult | undefined> {
  const dir = process.env.CTL_SCREENSHOT_DIR;
  if (!dir) return undefined;
  const base = name.replace(/\.png$/i, '');
  if (!/^[A-Za-z0-9._-]+$/.test(base)) throw new Error(`screenshot name "${name}": use letters, digits, ".", "_" or "-"`);
  const done = path.join(dir, `${base}.done`);
  fs.rmSync(done, { force: true });
  // Write then rename, so the harness never reads half a request.
  const partial = path.join(dir, `${base}.request.partial`);
  fs.writeFileSync(partial, JSON.stringify(request));
  fs.renameSync(partial, path.join(dir, `${base}.request`));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(done)) {
      const answer = JSON.parse(fs.readFileSync(done, 'utf8')) as { path?: string; error?: string };
      if (answer.error || !answer.path) throw new Error(`screenshot ${base}: ${answer.error ?? 'no path in the answer'}`);
      return { path: answer.path };
    }
    await sleep(100);
  }
  throw new Error(`screenshot ${base}: the harness did not answer within ${timeoutMs} ms`);
}

/** Writes (merges) the activation numbers into CTL_E2E_TIMINGS_FILE for bench/activation.mjs. */
export function recordTimings(values: Record<string, number | string | boolean>): void {
  const file = process.env.CTL_E2E_TIMINGS_FILE;
  if (!file) return;
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    existing = {};
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...values }, null, 2));
}

/**
 * Skips a test whose precondition is missing (run outside the harness, say) — except under CI,
 * where a missing precondition is a failure: CI must never pass by skipping.
 */
export function skipOrFail(context: Mocha.Context, reason: string): never {
  if (/^(1|true|yes)$/i.test(process.env.CI ?? '')) throw new Error(`${reason} (CI=true: not skipped)`);
  console.log(`      skipped: ${reason}`);
  return context.skip();
}
