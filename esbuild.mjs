// Builds CloudTrail Lens.
//   node esbuild.mjs              extension + CLI (node, cjs) and webview (browser) bundles into dist/
//   node esbuild.mjs --production minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch      rebuild on change
//   node esbuild.mjs --tests      also transpile src/, test/ and bench/ one file at a time into out/ for mocha
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');

/** @type {import('esbuild').Plugin} */
const reporter = {
  name: 'reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ ${text}` + (location ? `\n    ${location.file}:${location.line}:${location.column}` : ''));
      }
      if (watch) console.log(`[watch] build finished (${result.errors.length} errors)`);
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  plugins: [reporter],
};

/** The shipped bundles (scripts/notices.mjs reads this list to credit what they contain). */
/** @type {import('esbuild').BuildOptions[]} */
export const bundles = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // The AWS SDK is loaded lazily (dynamic import) so activation never pays for it.
    splitting: false,
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { search: 'webview/search/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.css': 'css' },
  },
].filter((options) => Object.values(options.entryPoints).every((entry) => existsSync(entry)));

export const WASM = [
  'node_modules/web-tree-sitter/web-tree-sitter.wasm',
  'node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
  'node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm',
];

function copyAssets() {
  mkdirSync('dist/webview', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    cpSync(join('node_modules/@vscode/codicons/dist', file), join('dist/webview', file));
  }
  // Tree-sitter runtime and grammars for the IaC readers (HCL and TypeScript), loaded on first use.
  mkdirSync('dist/wasm', { recursive: true });
  for (const file of WASM) cpSync(file, join('dist/wasm', file.split('/').pop()));
}

/** TypeScript sources below dir (declaration files excluded). */
function walk(dir) {
  return walkFiles(dir).filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
}

/** Tests run from out/: every .ts file transpiled on its own, keeping the folder layout. */
const testBuild = {
  entryPoints: [...walk('src'), ...walk('test'), ...walk('bench')],
  outdir: 'out',
  outbase: '.',
  bundle: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [reporter],
};

/** Removes outputs in out/ whose source is gone (no wholesale delete: other runs may be reading out/). */
function pruneOut() {
  const sources = new Set(testBuild.entryPoints.map((path) => path.replace(/\.ts$/, '.js')));
  for (const path of walkFiles('out')) {
    if (path.endsWith('.js') && !sources.has(path.slice('out/'.length))) rmSync(path, { force: true });
  }
}

function walkFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walkFiles(path, out);
    else out.push(path);
  }
  return out;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) await main();

async function main() {
  if (production) rmSync('dist', { recursive: true, force: true });
  if (tests) pruneOut();
  copyAssets();
  const all = tests ? [...bundles, testBuild] : bundles;
  if (watch) {
    const contexts = await Promise.all(all.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    console.log('[watch] watching for changes');
    return;
  }
  const results = await Promise.allSettled(all.map((options) => esbuild.build(options)));
  if (results.some((result) => result.status === 'rejected')) process.exit(1);
}
