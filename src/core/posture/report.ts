/**
 * Live posture per profile: what the AWS layer read (`ProfileScan`), evaluated by the rules
 * (`evaluateProfile` → `ProfilePosture`, what the Trails tree shows), and the posture report
 * (`postureReport` → the JSON of `cloudtrail-lens posture --format json`, shared/design/CLI.md)
 * with its Markdown and text renderings. `exportPostureReport` is the one function behind the
 * CLI's output and the tree's "Export Posture Report": every format is rendered from the same
 * JSON object, so they cannot disagree.
 *
 * Pure data in, data out (no I/O); scans are plain objects, safe to structured-clone.
 */
import { evaluateAccount } from './account';
import { ruleRationale } from './explain';
import type { Finding, FindingStatus, RuleId, Severity, TrailSnapshot } from './model';
import { RULES, evaluateTrail, makeFinding, summarize, type PostureSummary } from './rules';

// ---------------------------------------------------------------------------------------------
// What the AWS layer reads

/** A failed read, as the AWS layer classified it (the public facts of an AwsError). */
export interface ScanProblem {
  /** AwsErrorKind: access-denied, sso-expired, credentials-expired, not-found, unreachable… */
  readonly kind: string;
  /** One sentence for the user. */
  readonly message: string;
  /** What to do about it. */
  readonly next: string;
  /** For access-denied: the IAM action that is missing (`cloudtrail:GetTrailStatus`). */
  readonly missingAction?: string;
  /** A terminal command that fixes it (`aws sso login --profile dev`). */
  readonly command?: string;
  /** The call that failed (`cloudtrail:DescribeTrails`). */
  readonly operation?: string;
  readonly region?: string;
}

export interface TrailScan {
  /** Built with `snapshotFromApi`, with the bucket facts when they could be read. */
  readonly snapshot: TrailSnapshot;
  /** Reads of this trail that failed: the checks that needed them are `unknown`. */
  readonly problems: readonly ScanProblem[];
}

/** Where the enabled regions came from: EC2 DescribeRegions, or the static list when that failed. */
export type RegionSource = 'ec2' | 'static';

export interface ProfileScan {
  readonly profile: string;
  /** The account id (STS GetCallerIdentity), when it could be read. */
  readonly account?: string;
  /** Set when the profile could not be read at all (no credentials, expired, access denied). */
  readonly error?: ScanProblem;
  /** The regions scanned (DescribeTrails in each) and checked for coverage. */
  readonly enabledRegions: readonly string[];
  readonly regionSource: RegionSource;
  /** Regions where DescribeTrails failed: their coverage is undetermined. */
  readonly regionProblems: readonly ScanProblem[];
  /** Remarks for the user ("EC2 DescribeRegions was denied: used the 17 default regions"). */
  readonly notes: readonly string[];
  /** One per trail (shadow copies collapsed by ARN). */
  readonly trails: readonly TrailScan[];
  /** When the scan finished (ISO 8601). */
  readonly fetchedAt: string;
}

/** A scan for a profile that could not be read. */
export function failedScan(profile: string, error: ScanProblem, fetchedAt: string, account?: string): ProfileScan {
  return { profile, ...(account ? { account } : {}), error, enabledRegions: [], regionSource: 'static', regionProblems: [], notes: [], trails: [], fetchedAt };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface TrailPosture {
  readonly snapshot: TrailSnapshot;
  /** Every trail rule, in display order (`TRAIL_RULE_IDS`). */
  readonly findings: readonly Finding[];
  readonly summary: PostureSummary;
  /**
   * Owned by another account than the profile's (an organization trail seen from a member
   * account): shown and counted, but it can only be changed from its own account.
   */
  readonly foreign: boolean;
  readonly problems: readonly ScanProblem[];
}

export interface ProfilePosture {
  readonly profile: string;
  readonly account?: string;
  readonly error?: ScanProblem;
  readonly trails: readonly TrailPosture[];
  /** CloudTrail.1, CloudTrail.3 and CTL.RegionCoverage (when regions are known). */
  readonly accountFindings: readonly Finding[];
  readonly accountSummary: PostureSummary;
  /** Account and trail findings together: the profile's roll-up. */
  readonly summary: PostureSummary;
  readonly uncoveredRegions: readonly string[];
  readonly undeterminedRegions: readonly string[];
  readonly enabledRegions: readonly string[];
  readonly regionSource: RegionSource;
  readonly regionProblems: readonly ScanProblem[];
  readonly notes: readonly string[];
  readonly fetchedAt: string;
}

export interface ProfileEvaluationOptions {
  /** "Now" for the 24-hour CloudWatch Logs delivery check (default: the current time). */
  readonly now?: Date;
  /** CloudTrail.9's required tag keys. */
  readonly requiredTagKeys?: readonly string[];
}

const EMPTY_SUMMARY: PostureSummary = { passed: 0, failed: 0, unknown: 0, info: 0, total: 0 };

function byName(a: TrailPosture, b: TrailPosture): number {
  if (a.foreign !== b.foreign) return a.foreign ? 1 : -1;
  return a.snapshot.name.localeCompare(b.snapshot.name, 'en', { sensitivity: 'base' }) || (a.snapshot.arn ?? '').localeCompare(b.snapshot.arn ?? '');
}

/** Runs the rules over a scan: trail findings, account findings, roll-ups, coverage. */
export function evaluateProfile(scan: ProfileScan, options: ProfileEvaluationOptions = {}): ProfilePosture {
  const base = {
    profile: scan.profile,
    ...(scan.account ? { account: scan.account } : {}),
    enabledRegions: scan.enabledRegions,
    regionSource: scan.regionSource,
    regionProblems: scan.regionProblems,
    notes: scan.notes,
    fetchedAt: scan.fetchedAt,
  };
  if (scan.error) {
    return { ...base, error: scan.error, trails: [], accountFindings: [], accountSummary: EMPTY_SUMMARY, summary: EMPTY_SUMMARY, uncoveredRegions: [], undeterminedRegions: [] };
  }
  const trailOptions = { context: 'live' as const, now: options.now, requiredTagKeys: options.requiredTagKeys };
  const trails = scan.trails
    .map((t): TrailPosture => {
      const findings = evaluateTrail(t.snapshot, trailOptions);
      const foreign = scan.account !== undefined && t.snapshot.accountId !== undefined && t.snapshot.accountId !== scan.account;
      return { snapshot: t.snapshot, findings, summary: summarize(findings), foreign, problems: t.problems };
    })
    .sort(byName);

  const evaluation = evaluateAccount(
    trails.map((t) => t.snapshot),
    scan.enabledRegions.length > 0 ? { enabledRegions: scan.enabledRegions } : {},
  );
  let accountFindings = evaluation.findings;
  let uncovered = evaluation.uncoveredRegions;
  let undetermined = evaluation.undeterminedRegions;
  // A region whose DescribeTrails failed may hold a single-Region trail we could not see.
  const unread = new Set(scan.regionProblems.map((p) => p.region).filter((r): r is string => !!r));
  const moved = uncovered.filter((r) => unread.has(r));
  if (moved.length > 0) {
    uncovered = uncovered.filter((r) => !unread.has(r));
    undetermined = [...undetermined, ...moved];
    const fix = accountFindings.find((f) => f.ruleId === 'CTL.RegionCoverage')?.fix ?? '';
    const reason =
      uncovered.length > 0
        ? `${uncovered.length} of ${scan.enabledRegions.length} enabled regions have no logging trail: ${uncovered.join(', ')}; the trails of ${moved.join(', ')} could not be read.`
        : `The trails of ${moved.join(', ')} could not be read, so whether a logging trail covers ${moved.length === 1 ? 'it' : 'them'} is not known.`;
    const replacement = makeFinding('CTL.RegionCoverage', uncovered.length > 0 ? 'fail' : 'unknown', reason, fix);
    accountFindings = accountFindings.map((f) => (f.ruleId === 'CTL.RegionCoverage' ? replacement : f));
  }
  const accountSummary = summarize(accountFindings);
  const summary = summarize([...accountFindings, ...trails.flatMap((t) => t.findings)]);
  return { ...base, trails, accountFindings, accountSummary, summary, uncoveredRegions: uncovered, undeterminedRegions: undetermined };
}

/** "5/8": checks passed of those that count (informational ones never do). */
export function rollup(summary: PostureSummary): string {
  return `${summary.passed}/${summary.total}`;
}

/** The status a roll-up stands for: fail if anything failed, unknown if anything is unknown, else pass. */
export function rollupStatus(summary: PostureSummary): Exclude<FindingStatus, 'info'> {
  if (summary.failed > 0) return 'fail';
  if (summary.unknown > 0) return 'unknown';
  return 'pass';
}

// ---------------------------------------------------------------------------------------------
// The report (JSON: shared/design/CLI.md, `posture --format json`)

export interface CheckJson {
  readonly status: FindingStatus;
  readonly reason: string;
  readonly title: string;
  readonly severity: Severity;
  readonly docsUrl: string;
  /** How to fix, for every check that did not pass. */
  readonly fix?: string;
}

export interface SummaryJson {
  readonly passed: number;
  readonly failed: number;
  readonly unknown: number;
  readonly total: number;
}

export interface ProblemJson {
  readonly kind: string;
  readonly message: string;
  readonly next: string;
  readonly missingAction?: string;
  readonly command?: string;
  readonly operation?: string;
  readonly region?: string;
}

export interface TrailJson {
  readonly arn: string | null;
  readonly name: string;
  readonly homeRegion: string | null;
  readonly multiRegion: boolean | null;
  readonly organization: boolean | null;
  readonly logging: boolean | null;
  /** Owned by another account (an organization trail seen from a member account). */
  readonly foreign: boolean;
  readonly summary: SummaryJson;
  readonly checks: Readonly<Record<string, CheckJson>>;
  /** Reads that failed (the checks that needed them are unknown). */
  readonly problems: readonly ProblemJson[];
}

export interface ProfileJson {
  readonly profile: string;
  /** The 12-digit account id, or null when it could not be read. */
  readonly account: string | null;
  /** Why the profile could not be read (message and next step), or null. */
  readonly error: string | null;
  readonly errorDetail: ProblemJson | null;
  readonly trails: readonly TrailJson[];
  /** Account-level checks: CloudTrail.1, CloudTrail.3, CTL.RegionCoverage. */
  readonly accountChecks: Readonly<Record<string, CheckJson>>;
  readonly uncoveredRegions: readonly string[];
  readonly undeterminedRegions: readonly string[];
  readonly enabledRegions: readonly string[];
  readonly regionSource: RegionSource | null;
  readonly summary: SummaryJson;
  readonly notes: readonly string[];
  readonly regionProblems: readonly ProblemJson[];
  readonly fetchedAt: string;
}

export interface PostureReport {
  readonly generatedAt: string;
  readonly profiles: readonly ProfileJson[];
}

function known<T>(k: { known: true; value: T } | { known: false }): T | null {
  return k.known ? k.value : null;
}

function problemJson(p: ScanProblem): ProblemJson {
  return {
    kind: p.kind,
    message: p.message,
    next: p.next,
    ...(p.missingAction ? { missingAction: p.missingAction } : {}),
    ...(p.command ? { command: p.command } : {}),
    ...(p.operation ? { operation: p.operation } : {}),
    ...(p.region ? { region: p.region } : {}),
  };
}

function checksJson(findings: readonly Finding[]): Record<string, CheckJson> {
  const out: Record<string, CheckJson> = {};
  for (const f of findings) {
    out[f.ruleId] = { status: f.status, reason: f.reason, title: RULES[f.ruleId].title, severity: f.severity, docsUrl: f.docsUrl, ...(f.status === 'pass' ? {} : { fix: f.fix }) };
  }
  return out;
}

function summaryJson(s: PostureSummary): SummaryJson {
  return { passed: s.passed, failed: s.failed, unknown: s.unknown, total: s.total };
}

/** The report object (the CLI's JSON). */
export function postureReport(postures: readonly ProfilePosture[], options: { generatedAt?: string } = {}): PostureReport {
  return {
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    profiles: postures.map(
      (p): ProfileJson => ({
        profile: p.profile,
        account: p.account ?? null,
        error: p.error ? `${p.error.message}${p.error.next ? ` ${p.error.next}` : ''}` : null,
        errorDetail: p.error ? problemJson(p.error) : null,
        trails: p.trails.map(
          (t): TrailJson => ({
            arn: t.snapshot.arn ?? null,
            name: t.snapshot.name,
            homeRegion: t.snapshot.homeRegion ?? null,
            multiRegion: known(t.snapshot.isMultiRegion),
            organization: known(t.snapshot.isOrganization),
            logging: known(t.snapshot.isLogging),
            foreign: t.foreign,
            summary: summaryJson(t.summary),
            checks: checksJson(t.findings),
            problems: t.problems.map(problemJson),
          }),
        ),
        accountChecks: checksJson(p.accountFindings),
        uncoveredRegions: [...p.uncoveredRegions],
        undeterminedRegions: [...p.undeterminedRegions],
        enabledRegions: [...p.enabledRegions],
        regionSource: p.error ? null : p.regionSource,
        summary: summaryJson(p.summary),
        notes: [...p.notes],
        regionProblems: p.regionProblems.map(problemJson),
        fetchedAt: p.fetchedAt,
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Renderings

export type ReportFormat = 'json' | 'markdown' | 'text';

const MD_STATUS: Record<FindingStatus, string> = { pass: '✅ pass', fail: '❌ fail', unknown: '❔ unknown', info: 'ℹ️ info' };
const TEXT_STATUS: Record<FindingStatus, string> = { pass: 'PASS', fail: 'FAIL', unknown: '????', info: 'info' };

/** Text safe in a Markdown table cell: no line breaks, pipes escaped, no raw HTML. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline text outside tables: no raw HTML. */
function inline(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

function summaryLine(s: SummaryJson): string {
  return `${s.passed}/${s.total} passed (${s.failed} failed, ${s.unknown} unknown)`;
}

function markdownChecks(lines: string[], checks: Readonly<Record<string, CheckJson>>): void {
  lines.push('| Check | Status | Severity | Reason |', '|---|---|---|---|');
  for (const [id, c] of Object.entries(checks)) {
    lines.push(`| [${id}](${c.docsUrl}) ${cell(c.title)} | ${MD_STATUS[c.status]} | ${c.severity} | ${cell(c.reason)} |`);
  }
  const toFix = Object.entries(checks).filter(([, c]) => c.status === 'fail' || c.status === 'unknown');
  if (toFix.length > 0) {
    lines.push('', 'To fix:', '');
    for (const [id, c] of toFix) lines.push(`- **${id}** (${c.status}): ${inline(c.fix ?? '')} — ${inline(ruleRationale(id as RuleId))}`);
  }
}

/** The report as Markdown (the tree's export). */
export function renderMarkdown(report: PostureReport): string {
  const lines: string[] = ['# CloudTrail posture report', ''];
  lines.push(`Generated ${report.generatedAt} by CloudTrail Lens for ${report.profiles.length} profile${report.profiles.length === 1 ? '' : 's'}. Rules: [AWS Security Hub CloudTrail controls](https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html) (CloudTrail.N) and CloudTrail Lens checks (CTL.*). Informational checks never count in the roll-ups.`, '');
  lines.push('| Profile | Account | Trails | Checks |', '|---|---|---|---|');
  for (const p of report.profiles) {
    lines.push(`| ${cell(p.profile)} | ${p.account ?? '—'} | ${p.error ? '—' : p.trails.length} | ${p.error ? `could not be read: ${cell(p.error)}` : summaryLine(p.summary)} |`);
  }
  for (const p of report.profiles) {
    lines.push('', `## Profile ${code(p.profile)}${p.account ? ` — account ${p.account}` : ''}`, '');
    if (p.error) {
      lines.push(`**Could not be read.** ${inline(p.error)}`);
      if (p.errorDetail?.missingAction) lines.push('', `Missing permission: ${code(p.errorDetail.missingAction)}`);
      if (p.errorDetail?.command) lines.push('', `Fix: ${code(p.errorDetail.command)}`);
      continue;
    }
    lines.push(`**${summaryLine(p.summary)}** across the account and ${p.trails.length} trail${p.trails.length === 1 ? '' : 's'}. Read ${p.fetchedAt}.`, '');
    lines.push(`Regions: ${p.enabledRegions.length} (${p.regionSource === 'ec2' ? 'enabled regions from EC2 DescribeRegions' : 'the default regions: EC2 DescribeRegions could not be read'}).`);
    for (const note of p.notes) lines.push('', `> ${inline(note)}`);
    for (const problem of p.regionProblems) lines.push('', `> ${problem.region ?? ''}: ${inline(problem.message)} ${inline(problem.next)}`);
    lines.push('', '### Account', '');
    markdownChecks(lines, p.accountChecks);
    lines.push('', `Regions no logging trail covers: ${p.uncoveredRegions.length > 0 ? p.uncoveredRegions.join(', ') : 'none'}.`);
    if (p.undeterminedRegions.length > 0) lines.push('', `Coverage not determined: ${p.undeterminedRegions.join(', ')}.`);
    lines.push('', '### Trails', '');
    if (p.trails.length === 0) {
      lines.push('No trails.');
      continue;
    }
    lines.push('| Trail | Home region | Multi-Region | Organization | Logging | Checks |', '|---|---|---|---|---|---|');
    for (const t of p.trails) {
      lines.push(`| ${cell(t.name)}${t.foreign ? ' (another account)' : ''} | ${t.homeRegion ?? '—'} | ${yesNo(t.multiRegion)} | ${yesNo(t.organization)} | ${yesNo(t.logging)} | ${t.summary.passed}/${t.summary.total} |`);
    }
    for (const t of p.trails) {
      lines.push('', `#### ${inline(t.name)}`, '');
      if (t.arn) lines.push(code(t.arn), '');
      for (const problem of t.problems) lines.push(`> ${inline(problem.message)} ${inline(problem.next)}`, '');
      markdownChecks(lines, t.checks);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The report as plain text (the CLI's default). */
export function renderText(report: PostureReport): string {
  const lines: string[] = [];
  const checkLines = (checks: Readonly<Record<string, CheckJson>>, indent: string): void => {
    for (const [id, c] of Object.entries(checks)) lines.push(`${indent}${TEXT_STATUS[c.status]}  ${id.padEnd(23)} ${c.reason}`);
  };
  for (const p of report.profiles) {
    if (lines.length > 0) lines.push('');
    if (p.error) {
      lines.push(`${p.profile}${p.account ? `  ${p.account}` : ''}  ERROR  ${p.error}`);
      continue;
    }
    lines.push(`${p.profile}  ${p.account ?? ''}  ${summaryLine(p.summary)}`);
    for (const note of p.notes) lines.push(`  note: ${note}`);
    for (const problem of p.regionProblems) lines.push(`  ${problem.region ?? ''}: ${problem.message}`);
    lines.push('  Account');
    checkLines(p.accountChecks, '    ');
    lines.push(`    uncovered regions: ${p.uncoveredRegions.length > 0 ? p.uncoveredRegions.join(', ') : 'none'}`);
    for (const t of p.trails) {
      const badges = [t.homeRegion ?? '', t.multiRegion ? 'multi-region' : '', t.organization ? 'organization' : '', t.foreign ? 'another account' : ''].filter(Boolean).join(', ');
      lines.push(`  Trail ${t.name} (${badges})  ${t.summary.passed}/${t.summary.total}`);
      for (const problem of t.problems) lines.push(`    ! ${problem.message}`);
      checkLines(t.checks, '    ');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Renders a report object in one format. */
export function renderPostureReport(report: PostureReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? renderMarkdown(report) : renderText(report);
}

/**
 * The posture report of some profiles in one format: the JSON object of `postureReport`,
 * rendered. The CLI and the tree's export both call this.
 */
export function exportPostureReport(postures: readonly ProfilePosture[], format: ReportFormat, options: { generatedAt?: string } = {}): string {
  return renderPostureReport(postureReport(postures, options), format);
}
