/**
 * Many files at once (the workspace scan, the CLI): CloudFormation and CDK files one by one,
 * Terraform one module (folder) at a time with the `module.<name>.` prefix of the local module
 * calls that reach it. Paths are `/`-separated; nothing here touches the file system.
 */
import { checkTrail } from './analyze';
import { documentKind, type DocumentKind } from './detect';
import type { FileAnalysis, IacEngine } from './index';
import type { IacFile } from './types';

export interface WorkspaceFile {
  readonly path: string;
  readonly kind: DocumentKind;
  readonly analysis: FileAnalysis;
}

export interface WorkspaceOptions {
  /** Called after each file or module with the number done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Polled between files; true stops the scan (the files done so far are returned). */
  readonly isCancelled?: () => boolean;
}

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

/** `a/b` + `../c` → `a/c`. */
export function joinPath(base: string, relative: string): string {
  const parts = base === '.' ? [] : base.split('/');
  for (const seg of relative.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..' && parts[parts.length - 1] !== '') parts.pop();
      else parts.push('..');
    } else parts.push(seg);
  }
  const joined = parts.join('/');
  return joined === '' ? (base.startsWith('/') ? '/' : '.') : joined;
}

/** Module address prefix of every folder reached by a local module call (`module.a.module.b.`). */
export async function modulePrefixes(engine: IacEngine, tfFiles: readonly IacFile[]): Promise<Map<string, string>> {
  const calls = await engine.terraformModuleCalls(tfFiles);
  const callers = new Map<string, { from: string; name: string }>();
  for (const c of [...calls].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const from = dirnameOf(c.file);
    const target = joinPath(from, c.source);
    if (target !== from && !callers.has(target)) callers.set(target, { from, name: c.name });
  }
  const prefixes = new Map<string, string>();
  const resolve = (folder: string, seen: Set<string>): string => {
    const known = prefixes.get(folder);
    if (known !== undefined) return known;
    const caller = callers.get(folder);
    if (!caller || seen.has(folder)) return '';
    seen.add(folder);
    const prefix = `${resolve(caller.from, seen)}module.${caller.name}.`;
    prefixes.set(folder, prefix);
    return prefix;
  };
  for (const folder of callers.keys()) resolve(folder, new Set());
  return prefixes;
}

/** Reads and checks every file; Terraform grouped by folder. Problems of unreadable files come back in their analysis. */
export async function analyzeWorkspace(engine: IacEngine, files: readonly IacFile[], options: WorkspaceOptions = {}): Promise<WorkspaceFile[]> {
  const out: WorkspaceFile[] = [];
  const tf = new Map<string, IacFile[]>();
  const single: { file: IacFile; kind: DocumentKind }[] = [];
  for (const file of files) {
    const kind = documentKind(file.path, undefined, file.text);
    if (!kind) continue;
    if (kind === 'terraform') {
      const folder = dirnameOf(file.path);
      const list = tf.get(folder) ?? [];
      list.push(file);
      tf.set(folder, list);
    } else single.push({ file, kind });
  }
  const total = single.length + tf.size;
  let done = 0;
  for (const { file, kind } of single) {
    if (options.isCancelled?.()) return out;
    const analysis = await engine.analyze(file, kind);
    out.push({ path: file.path, kind, analysis });
    options.onProgress?.(++done, total);
  }
  const allTf = [...tf.values()].flat();
  const prefixes = allTf.length > 0 ? await modulePrefixes(engine, allTf) : new Map<string, string>();
  for (const [folder, moduleFiles] of tf) {
    if (options.isCancelled?.()) return out;
    const result = await engine.readTerraformModule(moduleFiles, { modulePrefix: prefixes.get(folder) ?? '' });
    for (const f of moduleFiles) {
      const trails = result.trails.filter((t) => t.file === f.path);
      const problems = result.problems.filter((p) => p.file === f.path);
      if (trails.length === 0 && problems.length === 0) continue;
      out.push({ path: f.path, kind: 'terraform', analysis: { reports: trails.map(checkTrail), problems } });
    }
    options.onProgress?.(++done, total);
  }
  return out;
}
