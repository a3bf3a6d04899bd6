// Starts the local CloudTrail-compatible endpoint (test support and demo; never shipped in the .vsix).
//   npm run -s endpoint -- --port 4566 [--data DIR] [--rate 2] [--burst B] [--seed S] [--scale K] [--verbose]
// Bundles test/support/endpoint/main.ts with esbuild (quietly, into node_modules/.cache), then runs it.
// Prints exactly `listening on http://127.0.0.1:N` when ready; nothing else goes to stdout before that.
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// One bundle per process, removed once loaded: several endpoints may start at once.
const outfile = join(root, 'node_modules', '.cache', 'cloudtrail-lens-endpoint', `endpoint-${process.pid}.cjs`);

try {
  await esbuild.build({
    entryPoints: [join(root, 'test', 'support', 'endpoint', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
} catch (error) {
  const messages = error?.errors?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`) ?? [String(error)];
  console.error(`endpoint: build failed\n  ${messages.join('\n  ')}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (!args.some((arg) => arg === '--fixtures' || arg.startsWith('--fixtures='))) args.push('--fixtures', join(root, 'test', 'fixtures', 'endpoint'));
const { runCli } = createRequire(import.meta.url)(outfile);
rmSync(outfile, { force: true });
await runCli(args);
