/**
 * The IaC engine: which reader a file needs, reading, and checking. Adapters (the editor
 * features, the workspace scan, the CLI) import this module lazily — it pulls in the YAML, JSON
 * and tree-sitter parsers — and hand it a loader for the tree-sitter .wasm files.
 */
import { checkTrail, type TrailReport } from './analyze';
import { readCdk } from './cdk';
import { readCloudFormation } from './cloudformation/template';
import { cdkMayDefineTrail as cdkMayDefine, tfMayDefineTrail as tfMayDefine, type DocumentKind } from './detect';
import { localModuleCalls, readTerraformModule, type LocalModuleCall, type TerraformOptions } from './terraform';
import { loadGrammar, type TreeSitterHost } from './treesitter';
import type { IacFile, IacProblem, ReadResult } from './types';

export interface FileAnalysis {
  readonly reports: readonly TrailReport[];
  readonly problems: readonly IacProblem[];
}

export interface TerraformContext extends TerraformOptions {
  /** The other files of the module (same folder): *.tf and auto-loaded *.tfvars, current text. */
  readonly moduleFiles?: readonly IacFile[];
}

export class IacEngine {
  constructor(private readonly loader: TreeSitterHost) {}

  /** Reads one file (a Terraform file together with its module's other files). */
  async read(file: IacFile, kind: DocumentKind, terraform: TerraformContext = {}): Promise<ReadResult> {
    switch (kind) {
      case 'cloudformation-yaml':
        return readCloudFormation(file, 'yaml');
      case 'cloudformation-json':
        return readCloudFormation(file, 'json');
      case 'cdk': {
        if (!cdkMayDefine(file.text)) return { trails: [], problems: [] };
        return readCdk(file, await loadGrammar('typescript', this.loader));
      }
      case 'terraform': {
        const files = [file, ...(terraform.moduleFiles ?? []).filter((f) => f.path !== file.path)];
        if (!files.some((f) => tfMayDefine(f.text))) return { trails: [], problems: [] };
        const result = readTerraformModule(files, await loadGrammar('terraform', this.loader), terraform);
        return { trails: result.trails.filter((t) => t.file === file.path), problems: result.problems.filter((p) => p.file === file.path) };
      }
    }
  }

  /** Reads a whole Terraform module (one folder) at once: trails and problems of every file. */
  async readTerraformModule(files: readonly IacFile[], options: TerraformOptions = {}): Promise<ReadResult> {
    if (!files.some((f) => tfMayDefine(f.text) && !f.path.endsWith('.tfvars'))) return { trails: [], problems: [] };
    return readTerraformModule(files, await loadGrammar('terraform', this.loader), options);
  }

  /** Local `module` calls in Terraform files (for module address prefixes). */
  async terraformModuleCalls(files: readonly IacFile[]): Promise<LocalModuleCall[]> {
    const candidates = files.filter((f) => f.path.endsWith('.tf') && /\bmodule\b/.test(f.text));
    if (candidates.length === 0) return [];
    return localModuleCalls(candidates, await loadGrammar('terraform', this.loader));
  }

  /** Reads and checks one file. */
  async analyze(file: IacFile, kind: DocumentKind, terraform: TerraformContext = {}): Promise<FileAnalysis> {
    const result = await this.read(file, kind, terraform);
    return { reports: result.trails.map(checkTrail), problems: result.problems };
  }
}

export { documentKind, mayDefineTrail, type DocumentKind } from './detect';
export { checkTrail, RULE_FIELDS, shortName, type TrailCheck, type TrailReport } from './analyze';
export { applyEdits, fixAll, fixAllForTrail, fixForCheck, type IacFix, type TextEdit } from './fixes';
export { WASM_FILES, type TreeSitterHost, type WasmFile } from './treesitter';
export type { IacFile, IacFormat, IacProblem, ReadResult, Span, TrailDefinition } from './types';
