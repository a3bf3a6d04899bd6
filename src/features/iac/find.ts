/**
 * "Find in Workspace IaC" (from a trail in the Trails tree): reads the workspace's IaC files (the
 * scan's file finder: files.exclude, .gitignore and build folders skipped), finds the trail
 * definitions that are this live trail (src/core/lookup/trails: the name in the code, a
 * CloudFormation-generated name, loosely similar names last) and opens the one, offers a quick
 * pick of several, or says none was found.
 */
import * as vscode from 'vscode';
import type { TrailDefinition } from '../../core/iac/types';
import { definitionRef, liveTrailName, matchTrailDefinitions, type TrailMatch } from '../../core/lookup/trails';
import type { Logger } from '../../shared/log';
import type { IacAnalyzer } from './analyzer';
import { readWorkspaceIacFiles } from './scan';

export interface FindTrailRequest {
  readonly name: string;
  readonly arn?: string;
}

export function isFindTrailRequest(value: unknown): value is FindTrailRequest {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && v.name !== '' && (v.arn === undefined || typeof v.arn === 'string');
}

/** What the command did (returned for tests): the file opened, or why nothing was. */
export type FindTrailOutcome = { readonly opened: vscode.Uri } | { readonly none: true } | { readonly cancelled: true };

interface Candidate {
  readonly definition: TrailDefinition;
  readonly uri: vscode.Uri;
  readonly match: TrailMatch;
}

const CONFIDENCE_WORD: Readonly<Record<TrailMatch['confidence'], string>> = { exact: 'same name', generated: 'probably (generated name)', similar: 'similar name' };

async function open(candidate: Candidate): Promise<vscode.Uri> {
  const doc = await vscode.workspace.openTextDocument(candidate.uri);
  const start = doc.positionAt(candidate.definition.headSpan.start);
  const end = doc.positionAt(candidate.definition.headSpan.end);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end), preview: false });
  return candidate.uri;
}

export async function findTrailInWorkspace(analyzer: IacAnalyzer, log: Logger, request: FindTrailRequest): Promise<FindTrailOutcome> {
  const name = liveTrailName(request.arn ?? request.name);
  const started = Date.now();
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `CloudTrail: looking for trail "${name}" in the workspace's IaC files`, cancellable: true },
    async (progress, token): Promise<{ candidates: Candidate[]; files: number } | undefined> => {
      const { files, byPath, cancelled } = await readWorkspaceIacFiles(log, token, progress);
      if (cancelled || token.isCancellationRequested) return undefined;
      const { engine } = await analyzer.engine();
      const workspace = await import('../../core/iac/workspace.js');
      const prefixes = await workspace.modulePrefixes(engine, files.filter((f) => f.path.endsWith('.tf')));
      for (const [folder, prefix] of prefixes) analyzer.modulePrefixes.set(folder, prefix);
      const results = await workspace.analyzeWorkspace(engine, files, { isCancelled: () => token.isCancellationRequested });
      if (token.isCancellationRequested) return undefined;
      const definitions: { definition: TrailDefinition; uri: vscode.Uri }[] = [];
      for (const r of results) {
        const uri = byPath.get(r.path);
        if (uri) for (const report of r.analysis.reports) definitions.push({ definition: report.definition, uri });
      }
      const matches = matchTrailDefinitions(request.arn ?? request.name, definitions.map((d) => definitionRef(d.definition)));
      const candidates = matches.map((match) => ({ ...definitions[match.index], match }));
      return { candidates, files: files.length };
    },
  );
  if (!found) return { cancelled: true };
  const { candidates } = found;
  log.info(`iac: find trail "${name}": ${candidates.length} match${candidates.length === 1 ? '' : 'es'} in ${found.files} files (${Date.now() - started} ms)`);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No trail named "${name}" in the workspace's IaC files (${found.files} read).`);
    return { none: true };
  }
  const strong = candidates.filter((c) => c.match.confidence !== 'similar');
  if (strong.length === 1) return { opened: await open(strong[0]) };
  const items = candidates.map((c) => ({
    label: c.definition.name,
    description: `${vscode.workspace.asRelativePath(c.uri)} · ${CONFIDENCE_WORD[c.match.confidence]}`,
    detail: c.match.reason,
    candidate: c,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: `Trail "${name}" in the workspace's IaC`, placeHolder: strong.length === 0 ? 'No definition has this name; similar ones:' : 'Several definitions match: pick one', matchOnDescription: true });
  if (!picked) return { cancelled: true };
  return { opened: await open(picked.candidate) };
}
