import * as vscode from 'vscode';
import type { TrailCheck } from '../../core/iac/analyze';
import { ruleAnchor } from '../../core/posture/rules';
import type { DocumentResult } from './analyzer';
import { PositionMap } from './convert';
import { defaultLevel, toDiagnosticSeverity, type IacConfig, type RuleLevel } from './settings';

export const DIAGNOSTIC_SOURCE = 'CloudTrail Lens';

/** The level a check shows at, or 'off'. Passing checks never show; unknown ones inform. */
export function levelOf(check: TrailCheck, config: IacConfig): RuleLevel {
  if (check.suppressed || check.finding.status === 'pass' || check.finding.status === 'info') return 'off';
  const configured = config.rules[check.ruleId];
  if (configured === 'off') return 'off';
  if (check.finding.status === 'unknown') return configured === 'hint' ? 'hint' : 'information';
  return configured ?? defaultLevel(check.finding.severity);
}

/** docs/rules.md#<anchor> inside the extension (anchor = rule id lowercased without dots). */
export function docsUri(extensionUri: vscode.Uri, ruleId: TrailCheck['ruleId']): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules.md').with({ fragment: ruleAnchor(ruleId) });
}

export function toDiagnostics(result: DocumentResult, config: IacConfig, extensionUri: vscode.Uri): vscode.Diagnostic[] {
  const positions = new PositionMap(result.texts);
  const file = result.uri.toString();
  const out: vscode.Diagnostic[] = [];
  for (const report of result.analysis.reports) {
    for (const check of report.checks) {
      const level = levelOf(check, config);
      if (level === 'off') continue;
      const range = positions.range(file, check.span);
      if (!range) continue;
      const f = check.finding;
      const message = f.status === 'fail' ? `${report.definition.name}: ${f.reason} ${f.fix}` : `${report.definition.name}: ${f.title} is decided at deploy time: ${f.reason}`;
      const d = new vscode.Diagnostic(range, message, toDiagnosticSeverity(level));
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: check.ruleId, target: docsUri(extensionUri, check.ruleId) };
      out.push(d);
    }
  }
  return out;
}
