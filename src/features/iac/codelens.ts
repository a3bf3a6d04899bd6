import * as vscode from 'vscode';
import { shortName } from '../../core/iac/analyze';
import { fixAllForTrail } from '../../core/iac/fixes';
import type { TrailDefinition } from '../../core/iac/types';
import { liveLensTitle } from '../../core/lookup/trails';
import { Commands } from '../../shared/commands';
import type { IacAnalyzer } from './analyzer';
import { PositionMap } from './convert';
import { levelOf } from './diagnostics';
import type { LiveTrails } from './live';
import { IacCommands, type IacConfig } from './settings';

/**
 * A lens above each trail: "CloudTrail: ✗ log file validation · ✗ multi-region" (or
 * "CloudTrail: ✓ best practices") and, when something can be fixed, "Fix all". With
 * `showLive`, the deployed trail of the same name in the active profile: "live: logging ✓ ·
 * validation ✗ · multi-region ✓" and "Search events for this trail".
 */
export class TrailCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly analyzer: IacAnalyzer,
    private readonly config: () => IacConfig,
    private readonly live?: LiveTrails,
  ) {
    this.subscriptions = [analyzer.onDidAnalyze(() => this.changed.fire()), analyzer.onDidClear(() => this.changed.fire())];
    if (live) this.subscriptions.push(live.onDidChange(() => this.changed.fire()));
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config().enabled) return [];
    const result = this.analyzer.result(doc);
    if (!result) {
      // Not analysed yet (or typing): analyse; the lenses come with onDidChangeCodeLenses.
      this.analyzer.schedule(doc);
      const stale = this.analyzer.latest(doc.uri);
      if (!stale) return [];
    }
    const r = result ?? this.analyzer.latest(doc.uri);
    if (!r) return [];
    const positions = new PositionMap(r.texts);
    const file = r.uri.toString();
    const config = this.config();
    const lenses: vscode.CodeLens[] = [];
    // No fixes into a file with syntax errors: offsets into broken text are guesses.
    const brokenFile = r.analysis.problems.some((p) => p.severity === 'error' && p.file === file);
    for (const report of r.analysis.reports) {
      const def = report.definition;
      const start = positions.position(file, def.headSpan.start);
      if (!start || start.line >= doc.lineCount) continue;
      const range = new vscode.Range(start.line, 0, start.line, 0);
      const shown = report.checks.filter((c) => levelOf(c, config) !== 'off');
      const fails = shown.filter((c) => c.finding.status === 'fail');
      const unknowns = shown.filter((c) => c.finding.status === 'unknown');
      let title: string;
      if (fails.length === 0 && unknowns.length === 0) title = 'CloudTrail: ✓ best practices';
      else title = `CloudTrail: ${[...fails.map((c) => `✗ ${shortName(c.ruleId)}`), ...unknowns.map((c) => `? ${shortName(c.ruleId)}`)].join(' · ')}`;
      if (def.created.known && !def.created.value) title += ` (not created: ${def.created.note ?? 'count = 0'})`;
      const tooltip = shown.map((c) => `${c.ruleId}: ${c.finding.reason}`).join('\n') || 'Every CloudTrail check passes.';
      lenses.push(new vscode.CodeLens(range, { title, tooltip, command: IacCommands.showProblems, arguments: [] }));
      if (fails.length > 0 && result && !brokenFile) {
        const fix = fixAllForTrail({ ...report, checks: report.checks.filter((c) => levelOf(c, config) !== 'off') }, (f) => r.texts.get(f));
        const edit = fix ? positions.workspaceEdit(fix.edits) : undefined;
        if (fix && edit && fix.edits.length > 0) {
          lenses.push(new vscode.CodeLens(range, { title: fix.ruleIds.length > 1 ? 'Fix all' : fix.title, tooltip: fix.title, command: IacCommands.applyFix, arguments: [edit, doc.uri, doc.version] }));
        }
      }
      if (config.showLive && this.live) lenses.push(...this.liveLenses(range, def));
    }
    return lenses;
  }

  /** "live: …" and "Search events for this trail" when the active profile has a deployed trail of this name. */
  private liveLenses(range: vscode.Range, def: TrailDefinition): vscode.CodeLens[] {
    const lens = this.live?.lensFor(def);
    if (!lens) return [];
    const { match, profile } = lens;
    const t = match.trail;
    const tooltip = [
      `Deployed trail ${t.name} in profile ${profile}${t.homeRegion ? ` (home region ${t.homeRegion})` : ''}`,
      ...(t.arn ? [t.arn] : []),
      `Matched by ${match.reason}${match.confidence === 'generated' ? ': probably this trail' : ''}.`,
      ...(match.others > 0 ? [`${match.others} more deployed trail${match.others === 1 ? '' : 's'} match.`] : []),
    ].join('\n');
    const region = t.homeRegion ?? lens.region;
    return [
      new vscode.CodeLens(range, { title: liveLensTitle(match), tooltip, command: '' }),
      new vscode.CodeLens(range, {
        title: 'Search events for this trail',
        tooltip: `Events whose resource is ${t.arn ?? t.name}, in ${region} as profile ${profile}`,
        command: Commands.searchEvents,
        arguments: [{ profile, region, attributes: { ResourceName: [t.arn ?? t.name] } }],
      }),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
