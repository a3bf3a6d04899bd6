/**
 * Tree-sitter grammars for the HCL (Terraform) and TypeScript (CDK) readers, through
 * web-tree-sitter. The runtime and the grammars are WebAssembly files shipped inside npm packages
 * (web-tree-sitter, @tree-sitter-grammars/tree-sitter-hcl, tree-sitter-typescript); nothing is
 * downloaded. This module stays pure: the host hands in the web-tree-sitter module and a loader
 * for the bytes of a named .wasm file (from dist/wasm in the extension and the CLI, from
 * node_modules in tests), and everything is loaded once, on first use, never at activation.
 * (The host loads the module itself so that bundlers pick web-tree-sitter's CommonJS build, whose
 * ES build needs `import.meta.url`.)
 */
import type { Language as TsLanguage, Parser as TsParser, Tree } from 'web-tree-sitter';

declare global {
  /** The part of Emscripten's module options web-tree-sitter's `Parser.init` takes that we use. */
  interface EmscriptenModule {
    wasmBinary: ArrayBuffer | Uint8Array;
  }
}

/** The classes of the web-tree-sitter module. */
export interface TreeSitterRuntime {
  readonly Parser: typeof TsParser;
  readonly Language: typeof TsLanguage;
}

/** What the readers need from the host: the runtime module and the .wasm bytes. */
export interface TreeSitterHost {
  loadRuntime(): TreeSitterRuntime | Promise<TreeSitterRuntime>;
  loadWasm(file: WasmFile): Promise<Uint8Array>;
}

export type GrammarName = 'terraform' | 'typescript';

/** The .wasm files, by the names a loader is asked for (esbuild.mjs copies them to dist/wasm/). */
export const WASM_FILES = {
  runtime: 'web-tree-sitter.wasm',
  terraform: 'tree-sitter-terraform.wasm',
  typescript: 'tree-sitter-typescript.wasm',
} as const;

export type WasmFile = (typeof WASM_FILES)[keyof typeof WASM_FILES];

/** A loaded grammar: parse text into a tree the caller must `delete()` (trees live in wasm memory). */
export interface Grammar {
  readonly name: GrammarName;
  parse(text: string): Tree;
}

/** Parses taking longer than this are abandoned (the reader reports the file as unreadable). */
const PARSE_BUDGET_MS = 2_000;

let runtime: Promise<TreeSitterRuntime> | undefined;
const grammars = new Map<GrammarName, Promise<Grammar>>();

async function initRuntime(host: TreeSitterHost): Promise<TreeSitterRuntime> {
  const ts = await host.loadRuntime();
  const wasmBinary = await host.loadWasm(WASM_FILES.runtime);
  await ts.Parser.init({ wasmBinary });
  return ts;
}

async function createGrammar(name: GrammarName, host: TreeSitterHost): Promise<Grammar> {
  runtime ??= initRuntime(host).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  const ts = await runtime;
  const language = await ts.Language.load(await host.loadWasm(WASM_FILES[name]));
  const parser = new ts.Parser();
  parser.setLanguage(language);
  return {
    name,
    parse(text: string): Tree {
      const started = Date.now();
      const tree = parser.parse(text, null, { progressCallback: () => Date.now() - started > PARSE_BUDGET_MS });
      if (!tree) {
        parser.reset();
        throw new Error(`parsing took longer than ${PARSE_BUDGET_MS / 1000} s`);
      }
      return tree;
    },
  };
}

/** The grammar, loaded on first call (concurrent callers share the load; a failed load is retried next time). */
export function loadGrammar(name: GrammarName, host: TreeSitterHost): Promise<Grammar> {
  let g = grammars.get(name);
  if (!g) {
    g = createGrammar(name, host);
    grammars.set(name, g);
    void g.catch(() => grammars.delete(name));
  }
  return g;
}
