/**
 * The activation benchmark's runner inside the extension host (bench/activation.mjs loads it as
 * `extensionTestsPath`). No mocha: after the workbench settles, it activates a warm-up extension, then a no-op baseline
 * extension and CloudTrail Lens (order from CTL_BENCH_ORDER), timing each `ext.activate()`, and
 * writes the numbers to CTL_E2E_TIMINGS_FILE.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const LENS_ID = 'cloudtrail-lens.cloudtrail-lens';
const WARMUP_ID = process.env.CTL_BENCH_WARMUP_ID ?? 'ctl-bench.warmup';
const BASELINE_ID = process.env.CTL_BENCH_BASELINE_ID ?? 'ctl-bench.baseline';

interface Measurement {
  readonly id: string;
  readonly alreadyActive: boolean;
  readonly activateWallMs: number;
  readonly activateMs?: number;
}

function hasTimings(value: unknown): value is { timings: { activateMs: number } } {
  if (!value || typeof value !== 'object' || !('timings' in value)) return false;
  const { timings } = value;
  return !!timings && typeof timings === 'object' && 'activateMs' in timings && typeof timings.activateMs === 'number';
}

async function measure(id: string): Promise<Measurement> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} is not loaded`);
  const alreadyActive = extension.isActive;
  const started = performance.now();
  const api: unknown = await extension.activate();
  const activateWallMs = performance.now() - started;
  return { id, alreadyActive, activateWallMs, ...(hasTimings(api) ? { activateMs: api.timings.activateMs } : {}) };
}

export async function run(): Promise<void> {
  const file = process.env.CTL_E2E_TIMINGS_FILE;
  if (!file) throw new Error('CTL_E2E_TIMINGS_FILE is not set');
  // The runner starts while the workbench is still busy starting up (on 2 cores that shows up as
  // noise): let it settle first.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.CTL_BENCH_SETTLE_MS ?? 2000)));
  const results: Measurement[] = [await measure(WARMUP_ID)];
  const order = process.env.CTL_BENCH_ORDER === 'lens-first' ? [LENS_ID, BASELINE_ID] : [BASELINE_ID, LENS_ID];
  for (const id of order) results.push(await measure(id));
  const lens = results.find((entry) => entry.id === LENS_ID);
  const lensExtension = vscode.extensions.getExtension(LENS_ID);
  const manifest = lensExtension?.packageJSON as { version?: unknown } | undefined;
  const summary = {
    vscodeVersion: vscode.version,
    lensVersion: typeof manifest?.version === 'string' ? manifest.version : '',
    lensExtensionPath: lensExtension?.extensionPath ?? '',
    results,
    lens,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(summary, null, 2));
  console.log(results.map((entry) => `${entry.id}: ${entry.activateWallMs.toFixed(1)} ms${entry.alreadyActive ? ' (already active)' : ''}`).join(', '));
}
