import * as vscode from 'vscode';
import type { RuleId, Severity } from '../../core/posture/model';

/** Setting ids; they must match package.json `contributes.configuration`. */
export const IacSettings = {
  section: 'cloudtrailLens.iac',
  enabled: 'cloudtrailLens.iac.enabled',
  rules: 'cloudtrailLens.iac.rules',
  showLive: 'cloudtrailLens.iac.showLive',
} as const;

/** Command ids; they must match package.json `contributes.commands` (scanWorkspace) or are internal. */
export const IacCommands = {
  scanWorkspace: 'cloudtrailLens.scanWorkspace',
  /** Internal (CodeLens "Fix all"): applies an IacFix. */
  applyFix: 'cloudtrailLens.iac.applyFix',
  /** Internal (CodeLens status): reveals the Problems panel. */
  showProblems: 'cloudtrailLens.iac.showProblems',
  /** Internal ("Find in Workspace IaC" on a Trails tree node): `{ name, arn? }` → opens the definition. */
  findTrail: 'cloudtrailLens.iac.findTrail',
} as const;

export type RuleLevel = 'off' | 'error' | 'warning' | 'information' | 'hint';

const LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'information', 'hint'];

export interface IacConfig {
  readonly enabled: boolean;
  /** Per-rule level set by the user (`cloudtrailLens.iac.rules`); absent rules use the default. */
  readonly rules: Readonly<Partial<Record<RuleId, RuleLevel>>>;
  /** The "live:" CodeLens with the deployed trail of the same name in the active profile (`cloudtrailLens.iac.showLive`). */
  readonly showLive: boolean;
}

export function readConfig(scope?: vscode.ConfigurationScope): IacConfig {
  const c = vscode.workspace.getConfiguration(IacSettings.section, scope);
  const raw = c.get<unknown>('rules');
  const rules: Partial<Record<RuleId, RuleLevel>> = {};
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v === 'string' && LEVELS.includes(v.toLowerCase() as RuleLevel)) rules[k as RuleId] = v.toLowerCase() as RuleLevel;
    }
  }
  return { enabled: c.get<boolean>('enabled', true) !== false, rules, showLive: c.get<boolean>('showLive', true) !== false };
}

/** The default level of a failing check: high and critical warn, the rest inform. */
export function defaultLevel(severity: Severity): RuleLevel {
  switch (severity) {
    case 'critical':
    case 'high':
    case 'medium':
      return 'warning';
    case 'low':
      return 'information';
    case 'informational':
      return 'hint';
  }
}

export function toDiagnosticSeverity(level: Exclude<RuleLevel, 'off'>): vscode.DiagnosticSeverity {
  switch (level) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}
