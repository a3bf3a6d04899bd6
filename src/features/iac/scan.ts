import * as vscode from 'vscode';
import ignore, { type Ignore } from 'ignore';
import { documentKind, mayDefineTrail } from '../../core/iac/detect';
import type { IacFile } from '../../core/iac/types';
import type { Logger } from '../../shared/log';
import type { DocumentResult, IacAnalyzer } from './analyzer';

/** Folders never scanned (build output, caches, dependencies); files.exclude and .gitignore add to these. */
const SKIPPED = ['**/node_modules/**', '**/.git/**', '**/cdk.out/**', '**/.terraform/**', '**/.aws-sam/**', '**/.serverless/**'];
const INCLUDE = '**/*.{yaml,yml,json,template,tf,tfvars,ts}';
const MAX_BYTES = 8 * 1024 * 1024;

export interface ScanSummary {
  readonly files: number;
  readonly trails: number;
  readonly failing: number;
  readonly cancelled: boolean;
}

/** files.exclude globs that are on (a `when` clause counts as on; siblings are not checked here). */
function filesExclude(folder: vscode.WorkspaceFolder): string[] {
  const value = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(value)
    .filter(([, on]) => on === true || (typeof on === 'object' && on !== null))
    .map(([glob]) => glob);
}

async function gitignores(folder: vscode.WorkspaceFolder, exclude: string, token: vscode.CancellationToken): Promise<{ base: string; ig: Ignore }[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), exclude, 500, token);
  const out: { base: string; ig: Ignore }[] = [];
  for (const uri of uris) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      out.push({ base: vscode.Uri.joinPath(uri, '..').path, ig: ignore().add(text) });
    } catch {
      // unreadable .gitignore: ignored
    }
  }
  return out;
}

function ignoredByGit(path: string, rules: readonly { base: string; ig: Ignore }[]): boolean {
  for (const r of rules) {
    if (!path.startsWith(`${r.base}/`)) continue;
    if (r.ig.ignores(path.slice(r.base.length + 1))) return true;
  }
  return false;
}

/** The workspace's IaC files, read: what the scan and "Find in Workspace IaC" analyse. */
export interface WorkspaceIacFiles {
  readonly files: IacFile[];
  /** File id (uri string) → uri. */
  readonly byPath: Map<string, vscode.Uri>;
  readonly cancelled: boolean;
}

/**
 * Finds and reads the IaC files of every workspace folder (files.exclude, .gitignore and build
 * folders skipped; open editors' text first; files over 8 MB skipped). Terraform files are all
 * kept (variables.tf decides values); the others only when they may define a trail.
 */
export async function readWorkspaceIacFiles(log: Logger, token: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<WorkspaceIacFiles> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const uris: vscode.Uri[] = [];
  for (const folder of folders) {
    const exclude = `{${[...SKIPPED, ...filesExclude(folder)].join(',')}}`;
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, INCLUDE), exclude, undefined, token);
    const rules = await gitignores(folder, exclude, token);
    for (const uri of found) if (!ignoredByGit(uri.path, rules) && documentKind(uri.path) !== undefined) uris.push(uri);
  }
  progress?.report({ message: `reading ${uris.length} files` });
  const files: IacFile[] = [];
  const byPath = new Map<string, vscode.Uri>();
  for (const uri of uris) {
    if (token.isCancellationRequested) return { files: [], byPath: new Map(), cancelled: true };
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      let text: string;
      if (open) text = open.getText();
      else {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_BYTES) continue;
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      }
      const kind = documentKind(uri.path, undefined, text);
      // Terraform files are all read (variables.tf decides values); the others only when they may define a trail.
      if (!kind || (kind !== 'terraform' && !mayDefineTrail(kind, text))) continue;
      // File ids are URI strings, as in the editor's own analyses (folders are their prefixes up to the last '/').
      files.push({ path: uri.toString(), text });
      byPath.set(uri.toString(), uri);
    } catch (error) {
      log.warn(`iac scan: cannot read ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { files, byPath, cancelled: false };
}

/**
 * "CloudTrail: Scan Workspace for Trail Issues": every IaC file of the workspace (files.exclude
 * and .gitignore honoured) is read and checked; results go to the Problems panel through
 * `publish`. Cancellable; files already checked keep their diagnostics.
 */
export async function scanWorkspace(analyzer: IacAnalyzer, log: Logger, publish: (result: DocumentResult) => void, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<ScanSummary> {
  const started = Date.now();
  const { files, byPath, cancelled } = await readWorkspaceIacFiles(log, token, progress);
  if (cancelled) return { files: 0, trails: 0, failing: 0, cancelled: true };
  const { engine } = await analyzer.engine();
  const workspace = await import('../../core/iac/workspace.js');
  // Module address prefixes, kept for the editor's later analyses of these folders too.
  const prefixes = await workspace.modulePrefixes(engine, files.filter((f) => f.path.endsWith('.tf')));
  for (const [folder, prefix] of prefixes) analyzer.modulePrefixes.set(folder, prefix);
  let last = 0;
  const results = await workspace.analyzeWorkspace(engine, files, {
    isCancelled: () => token.isCancellationRequested,
    onProgress: (done, total) => {
      const pct = Math.floor((done / Math.max(1, total)) * 100);
      progress.report({ increment: pct - last, message: `${done} of ${total}` });
      last = pct;
    },
  });
  const byFolder = new Map<string, [string, string][]>();
  for (const f of files) {
    const folder = workspace.dirnameOf(f.path);
    const list = byFolder.get(folder) ?? [];
    list.push([f.path, f.text]);
    byFolder.set(folder, list);
  }
  let trails = 0;
  let failing = 0;
  for (const r of results) {
    const uri = byPath.get(r.path);
    if (!uri) continue;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.path);
    trails += r.analysis.reports.length;
    failing += r.analysis.reports.reduce((n, rep) => n + rep.checks.filter((c) => c.finding.status === 'fail' && !c.suppressed).length, 0);
    // The texts a fix may touch: this file and its folder's (a Terraform variable's default).
    const folder = workspace.dirnameOf(r.path);
    const fileTexts = new Map(byFolder.get(folder) ?? []);
    publish({ uri, version: open?.version ?? -1, kind: r.kind, texts: fileTexts, analysis: r.analysis });
  }
  log.info(`iac scan: ${files.length} files, ${trails} trails, ${failing} failing checks in ${Date.now() - started} ms${token.isCancellationRequested ? ' (cancelled)' : ''}`);
  return { files: files.length, trails, failing, cancelled: token.isCancellationRequested };
}
