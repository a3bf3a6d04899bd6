/**
 * Walks folders for IaC files (Node only, no vscode: the CLI's `scan`). Skips node_modules, .git,
 * cdk.out and tool caches (.terraform, .aws-sam, .serverless) unless the walk starts inside one,
 * honours .gitignore files (the root's and nested ones, as git does), and never follows symbolic
 * links to folders.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { documentKind } from '../../../core/iac/detect';

export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git', 'cdk.out', '.terraform', '.aws-sam', '.serverless']);

/** Files larger than this are not read (a 10,000-line template is about 400 KB). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface WalkResult {
  /** Absolute paths of candidate IaC files, sorted. */
  readonly files: string[];
  readonly errors: { readonly path: string; readonly message: string }[];
}

interface Rules {
  readonly base: string;
  readonly ig: Ignore;
}

function gitignoreIn(dir: string): Rules | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { base: dir, ig: ignore().add(text) };
}

function ignored(path: string, isDir: boolean, rules: readonly Rules[]): boolean {
  for (const r of rules) {
    const rel = relative(r.base, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    if (r.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** Candidate IaC files under the given files/folders (files named directly are always included). */
export function walkIac(roots: readonly string[]): WalkResult {
  const files = new Set<string>();
  const errors: { path: string; message: string }[] = [];
  const visit = (dir: string, rules: readonly Rules[], depth: number): void => {
    if (depth > 64) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push({ path: dir, message: `cannot read folder: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const own = gitignoreIn(dir);
    const active = own ? [...rules, own] : rules;
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIPPED_FOLDERS.has(e.name) || ignored(path, true, active)) continue;
        visit(path, active, depth + 1);
      } else if (e.isFile()) {
        if (documentKind(e.name) === undefined || ignored(path, false, active)) continue;
        files.add(path);
      }
    }
  };
  for (const root of roots) {
    let isDir: boolean;
    try {
      isDir = statSync(root).isDirectory();
    } catch (error) {
      errors.push({ path: root, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (isDir) visit(root, [], 0);
    else files.add(root);
  }
  return { files: [...files].sort(), errors };
}
