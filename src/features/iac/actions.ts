import * as vscode from 'vscode';
import type { TrailCheck, TrailReport } from '../../core/iac/analyze';
import { fixAll, fixAllForTrail, fixForCheck } from '../../core/iac/fixes';
import type { RuleId } from '../../core/posture/model';
import type { DocumentResult, IacAnalyzer } from './analyzer';
import { PositionMap } from './convert';
import { DIAGNOSTIC_SOURCE, levelOf } from './diagnostics';
import type { IacConfig } from './settings';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('cloudtrailLens');

/** Quick fixes on CloudTrail diagnostics, fix-all per trail and per file, and suppression comments. */
export class IacCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND] };

  constructor(
    private readonly analyzer: IacAnalyzer,
    private readonly config: () => IacConfig,
  ) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const result = this.analyzer.result(doc);
    if (!result || !this.config().enabled) return [];
    // No fixes into a file with syntax errors: offsets into broken text are guesses.
    if (result.analysis.problems.some((p) => p.severity === 'error' && p.file === result.uri.toString())) return [];
    const positions = new PositionMap(result.texts);
    const texts = (f: string): string | undefined => result.texts.get(f);
    const visible = (r: TrailReport): TrailReport => ({ ...r, checks: r.checks.filter((c) => levelOf(c, this.config()) !== 'off') });
    const actions: vscode.CodeAction[] = [];
    if (context.only && !context.only.contains(FIX_ALL_KIND) && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    if (context.only?.contains(FIX_ALL_KIND)) {
      // Source fix-all (editor.codeActionsOnSave "source.fixAll"): every fixable check of the file.
      const fix = fixAll(result.analysis.reports.map(visible), texts);
      const edit = fix ? positions.workspaceEdit(fix.edits) : undefined;
      if (fix && edit) {
        const a = new vscode.CodeAction(fix.title, FIX_ALL_KIND);
        a.edit = edit;
        actions.push(a);
      }
      return actions;
    }
    const seenTrails = new Set<TrailReport>();
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const ruleId = (typeof d.code === 'object' ? d.code.value : d.code) as RuleId | undefined;
      const hit = this.find(result, positions, ruleId, d.range);
      if (!hit) continue;
      const { report, check } = hit;
      const single = fixForCheck(report, check.ruleId, texts);
      const singleEdit = single ? positions.workspaceEdit(single.edits) : undefined;
      if (single && singleEdit) {
        const a = new vscode.CodeAction(single.title, vscode.CodeActionKind.QuickFix);
        a.edit = singleEdit;
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      }
      if (!seenTrails.has(report)) {
        seenTrails.add(report);
        const all = fixAllForTrail(visible(report), texts);
        if (all && all.ruleIds.length > 1) {
          const edit = positions.workspaceEdit(all.edits);
          if (edit) {
            const a = new vscode.CodeAction(`Fix all CloudTrail issues of ${report.definition.name}`, vscode.CodeActionKind.QuickFix);
            a.edit = edit;
            actions.push(a);
          }
        }
      }
      const suppress = this.suppression(doc, result, positions, report, check);
      if (suppress) actions.push(suppress);
    }
    if (result.analysis.reports.length > 1 && actions.length > 0) {
      const fix = fixAll(result.analysis.reports.map(visible), texts);
      const edit = fix ? positions.workspaceEdit(fix.edits) : undefined;
      if (fix && edit) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = edit;
        actions.push(a);
      }
    }
    return actions;
  }

  private find(result: DocumentResult, positions: PositionMap, ruleId: RuleId | undefined, range: vscode.Range): { report: TrailReport; check: TrailCheck } | undefined {
    const file = result.uri.toString();
    for (const report of result.analysis.reports) {
      for (const check of report.checks) {
        if (check.ruleId !== ruleId) continue;
        const r = positions.range(file, check.span);
        if (r && r.isEqual(range)) return { report, check };
      }
    }
    return undefined;
  }

  /** "Ignore CloudTrail.4 for MyTrail": a comment line above the definition (not for JSON, which has no comments). */
  private suppression(doc: vscode.TextDocument, result: DocumentResult, positions: PositionMap, report: TrailReport, check: TrailCheck): vscode.CodeAction | undefined {
    if (result.kind === 'cloudformation-json') return undefined;
    const start = positions.position(result.uri.toString(), report.definition.headSpan.start);
    if (!start) return undefined;
    const line = doc.lineAt(start.line);
    const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
    const marker = result.kind === 'cdk' ? '//' : '#';
    const a = new vscode.CodeAction(`Ignore ${check.ruleId} for ${report.definition.name}`, vscode.CodeActionKind.QuickFix);
    a.edit = new vscode.WorkspaceEdit();
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    a.edit.insert(doc.uri, new vscode.Position(start.line, 0), `${indent}${marker} cloudtrail-lens-ignore ${check.ruleId}${eol}`);
    return a;
  }
}
