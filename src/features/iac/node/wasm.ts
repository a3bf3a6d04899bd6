/**
 * Finds the tree-sitter .wasm files on disk for the IaC engine (Node only, no vscode: the CLI
 * uses it too). In the shipped extension and CLI they sit in dist/wasm/ next to the bundle
 * (esbuild.mjs copies them there); when running from out/ (tests, benchmarks) they are read
 * from the npm packages that ship them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- selects web-tree-sitter's CommonJS build (see nodeTreeSitterHost)
import webTreeSitter = require('web-tree-sitter');
import type { TreeSitterHost, TreeSitterRuntime, WasmFile } from '../../../core/iac/treesitter';

/** Where each file lives inside node_modules. */
export const WASM_PACKAGES: Readonly<Record<WasmFile, string>> = {
  'web-tree-sitter.wasm': 'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-terraform.wasm': '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
  'tree-sitter-typescript.wasm': 'tree-sitter-typescript/tree-sitter-typescript.wasm',
};

/** The path of a .wasm file: `<dir>/wasm/<name>` or `<dir>/dist/wasm/<name>` or node_modules, searching up from `start`. */
export function locateWasm(name: WasmFile, start: string = __dirname): string | undefined {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, 'wasm', name), join(dir, 'dist', 'wasm', name), join(dir, 'node_modules', WASM_PACKAGES[name])]) {
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The IaC engine's tree-sitter host on Node: web-tree-sitter's CommonJS build, .wasm files from disk. */
export function nodeTreeSitterHost(start: string = __dirname): TreeSitterHost {
  return {
    loadRuntime(): TreeSitterRuntime {
      // `import … = require` so that esbuild bundles the CommonJS build (the ES build reads import.meta.url).
      return webTreeSitter;
    },
    async loadWasm(name) {
      const path = locateWasm(name, start);
      if (!path) throw new Error(`${name} not found (expected in dist/wasm/ next to the bundle)`);
      return new Uint8Array(await readFile(path));
    },
  };
}
