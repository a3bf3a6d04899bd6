/**
 * What `scan` prints: the JSON contract of CLI.md, SARIF 2.1.0 for code scanning, and text for
 * people. All three are built from the same analysis.
 */
import type { FindingStatus, RuleId } from '../core/posture/model';
import { RULES, compareSeverity } from '../core/posture/rules';
import type { TrailCheck } from '../core/iac/analyze';
import type { WorkspaceFile } from '../core/iac/workspace';
import type { LineIndex } from '../core/iac/text';
import type { FailOn } from './scan';

export interface ScanOutput {
  readonly results: readonly WorkspaceFile[];
  readonly readErrors: readonly { readonly file: string; readonly message: string }[];
  readonly lineIndex: (path: string) => LineIndex;
  readonly scanned: number;
}

// ---------------------------------------------------------------------------------------------
// JSON (CLI.md contract: trails[].file/line/name/format/checks, errors[].file/message)

export interface JsonTrail {
  readonly file: string;
  /** 1-based line where the definition starts. */
  readonly line: number;
  readonly name: string;
  readonly format: string;
  readonly checks: Readonly<Record<string, Exclude<FindingStatus, 'info'>>>;
  /** Extensions: 1-based column, the reason of each check, suppressed rule ids, whether it is created. */
  readonly column: number;
  readonly reasons: Readonly<Record<string, string>>;
  readonly suppressed?: readonly string[];
  readonly created: boolean | 'unknown';
  readonly cdkPath?: string;
}

export interface JsonScan {
  readonly trails: readonly JsonTrail[];
  readonly errors: readonly { readonly file: string; readonly message: string; readonly line?: number }[];
  /** Extension: problems that did not stop reading (duplicate keys). */
  readonly warnings: readonly { readonly file: string; readonly message: string; readonly line: number }[];
}

export function buildJson(out: ScanOutput): JsonScan {
  const trails: JsonTrail[] = [];
  const errors: { file: string; message: string; line?: number }[] = out.readErrors.map((e) => ({ file: e.file, message: e.message }));
  const warnings: { file: string; message: string; line: number }[] = [];
  for (const r of out.results) {
    const lines = out.lineIndex(r.path);
    for (const p of r.analysis.problems) {
      const line = lines.line(p.span.start) + 1;
      if (p.severity === 'error') errors.push({ file: p.file, message: p.message, line });
      else warnings.push({ file: p.file, message: p.message, line });
    }
    for (const report of r.analysis.reports) {
      const def = report.definition;
      const pos = lines.position(def.headSpan.start);
      const checks: Record<string, Exclude<FindingStatus, 'info'>> = {};
      const reasons: Record<string, string> = {};
      for (const c of report.checks) {
        if (c.finding.status === 'info') continue;
        checks[c.ruleId] = c.finding.status;
        reasons[c.ruleId] = c.finding.reason;
      }
      // CLI.md names the per-trail "logging on" check CloudTrail.3 (Security Hub's control is
      // account-wide; for one trail definition it is this trail's IsLogging). Keep both keys.
      if (checks['CTL.Logging'] !== undefined) {
        checks['CloudTrail.3'] = checks['CTL.Logging'];
        reasons['CloudTrail.3'] = reasons['CTL.Logging'];
      }
      const suppressed = def.suppressed.includes('*') ? report.checks.map((c) => c.ruleId) : [...def.suppressed];
      trails.push({
        file: def.file,
        line: pos.line + 1,
        name: def.name,
        format: def.format,
        checks,
        column: pos.character + 1,
        reasons,
        ...(suppressed.length > 0 ? { suppressed } : {}),
        created: def.created.known ? def.created.value : 'unknown',
        ...(def.details?.cdkPath ? { cdkPath: def.details.cdkPath } : {}),
      });
    }
  }
  return { trails, errors, warnings };
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const SECURITY_SEVERITY: Readonly<Record<string, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', informational: '0.0' };

function level(c: TrailCheck): SarifLevel {
  if (c.finding.status !== 'fail') return 'note';
  const s = c.finding.severity;
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

function version(): string {
  return typeof process.env.npm_package_version === 'string' ? process.env.npm_package_version : '0.1.0';
}

export function buildSarif(out: ScanOutput): object {
  const ruleIds = new Set<RuleId>();
  const results: object[] = [];
  const notifications: object[] = [];
  for (const r of out.results) {
    const lines = out.lineIndex(r.path);
    for (const p of r.analysis.problems) {
      if (p.severity !== 'error') continue;
      const pos = lines.position(p.span.start);
      notifications.push({
        level: 'error',
        message: { text: p.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(p.file), uriBaseId: '%SRCROOT%' }, region: { startLine: pos.line + 1, startColumn: pos.character + 1 } } }],
      });
    }
    for (const report of r.analysis.reports) {
      const def = report.definition;
      for (const c of report.checks) {
        if (c.finding.status !== 'fail' && c.finding.status !== 'unknown') continue;
        ruleIds.add(c.ruleId);
        const start = lines.position(c.span.start);
        const end = lines.position(Math.max(c.span.start, c.span.end));
        results.push({
          ruleId: c.ruleId,
          kind: c.finding.status === 'fail' ? 'fail' : 'review',
          level: level(c),
          message: { text: `${def.name}: ${c.finding.reason}${c.finding.status === 'fail' ? ` ${c.finding.fix}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeUri(c.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
              },
              logicalLocations: [{ name: def.name, kind: 'resource' }],
            },
          ],
          partialFingerprints: { 'cloudtrailLens/v1': `${c.file}|${def.name}|${c.ruleId}` },
          ...(c.suppressed ? { suppressions: [{ kind: 'inSource', justification: 'cloudtrail-lens-ignore comment' }] } : {}),
          properties: { trail: def.name, format: def.format, status: c.finding.status },
        });
      }
    }
  }
  for (const e of out.readErrors) notifications.push({ level: 'error', message: { text: `${e.file}: ${e.message}` } });
  const rules = [...ruleIds].sort().map((id) => {
    const info = RULES[id];
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: info.title },
      fullDescription: { text: `${info.title}${info.securityHubControl ? ` (AWS Security Hub control ${info.securityHubControl})` : ''}.` },
      helpUri: info.docsUrl,
      help: { text: `${info.title}. See ${info.docsUrl}` },
      defaultConfiguration: { level: info.severity === 'critical' || info.severity === 'high' ? 'error' : info.severity === 'medium' ? 'warning' : 'note' },
      properties: { tags: ['security', 'cloudtrail'], 'security-severity': SECURITY_SEVERITY[info.severity] ?? '0.0', precision: 'high' },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'CloudTrail Lens', semanticVersion: version(), informationUri: 'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html', rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The folder scan ran in' } } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

// ---------------------------------------------------------------------------------------------
// Text

const MARK: Readonly<Record<string, string>> = { pass: '✓', fail: '✗', unknown: '?' };

export function buildText(out: ScanOutput, failOn: FailOn): string {
  const lines: string[] = [];
  let trails = 0;
  let failing = 0;
  let gating = 0;
  let unknowns = 0;
  for (const r of out.results) {
    const idx = out.lineIndex(r.path);
    for (const report of r.analysis.reports) {
      trails++;
      const def = report.definition;
      const created = def.created.known ? (def.created.value ? '' : ` — not created (${def.created.note ?? 'count = 0'})`) : ` — ${def.created.reason}`;
      lines.push(`${def.file}:${idx.line(def.headSpan.start) + 1}  ${def.name} (${def.format})${created}`);
      for (const c of report.checks) {
        const status = c.finding.status;
        if (status === 'info') continue;
        const mark = c.suppressed ? '-' : (MARK[status] ?? ' ');
        if (status === 'fail' && !c.suppressed) {
          failing++;
          if (failOn !== 'never' && compareSeverity(c.finding.severity, failOn) >= 0) gating++;
        }
        if (status === 'unknown') unknowns++;
        const line = idx.line(c.span.start) + 1;
        lines.push(`  ${mark} ${c.ruleId.padEnd(24)} ${status === 'fail' ? `[${c.finding.severity}] ` : ''}${c.finding.reason}${c.suppressed ? ' (suppressed)' : ''}${status !== 'pass' && line !== idx.line(def.headSpan.start) + 1 ? `  (line ${line})` : ''}`);
      }
      lines.push('');
    }
    for (const p of r.analysis.problems) lines.push(`${p.file}:${idx.line(p.span.start) + 1}  ${p.severity}: ${p.message}`);
  }
  for (const e of out.readErrors) lines.push(`${e.file}  error: ${e.message}`);
  const errorCount = out.results.reduce((n, r) => n + r.analysis.problems.filter((p) => p.severity === 'error').length, 0) + out.readErrors.length;
  lines.push(
    `${trails} trail${trails === 1 ? '' : 's'} in ${out.scanned} file${out.scanned === 1 ? '' : 's'} scanned: ${failing} failing check${failing === 1 ? '' : 's'}` +
      `${failOn === 'never' ? '' : ` (${gating} at or above ${failOn})`}, ${unknowns} unknown${errorCount > 0 ? `, ${errorCount} error${errorCount === 1 ? '' : 's'}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
