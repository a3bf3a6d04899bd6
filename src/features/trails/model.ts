/**
 * The Trails tree as data: which nodes a profile has and how each one looks (label, description,
 * Markdown tooltip, codicon and theme colour, contextValue for the menus). Pure — no `vscode`
 * import — so the mapping from findings to nodes is unit-tested in plain Node; ./index.ts turns
 * `NodeSpec`s into TreeItems.
 *
 *   profile                      "ctl-default"  111122223333 · 46/102
 *   ├─ (loading | error + next steps | notes)
 *   ├─ Account checks            2/3
 *   │  ├─ CloudTrail.1 …
 *   │  ├─ CloudTrail.3 …
 *   │  └─ CTL.RegionCoverage     └─ uncovered regions, one node each
 *   └─ trail                     "nosetest"  us-east-1 · 3/11
 *      ├─ (problems: reads that failed)
 *      └─ one node per check, in TRAIL_RULE_IDS order
 */
import { shortProblem } from '../../core/aws/errors';
import { ruleRationale } from '../../core/posture/explain';
import type { Finding, FindingStatus, RuleId } from '../../core/posture/model';
import { fixSnippets, remediationFor, type Remediation } from '../../core/posture/remediation';
import { rollup, rollupStatus, type ProfilePosture, type ScanProblem, type TrailPosture } from '../../core/posture/report';
import { RULES, type PostureSummary } from '../../core/posture/rules';
import { trailKey } from '../../core/posture/api';

// ---------------------------------------------------------------------------------------------
// Nodes (the tree's elements: plain data, identified by `id`)

export type StepKind = 'sign-in' | 'retry' | 'permission' | 'log';

export type TrailsNode =
  | { readonly kind: 'profile'; readonly id: string; readonly profile: string }
  | { readonly kind: 'loading'; readonly id: string; readonly profile: string }
  | { readonly kind: 'error'; readonly id: string; readonly profile: string; readonly problem: ScanProblem }
  | { readonly kind: 'step'; readonly id: string; readonly profile: string; readonly step: StepKind; readonly problem: ScanProblem }
  | { readonly kind: 'note'; readonly id: string; readonly profile: string; readonly text: string; readonly problem?: ScanProblem; readonly trailKey?: string }
  | { readonly kind: 'account'; readonly id: string; readonly profile: string }
  | { readonly kind: 'check'; readonly id: string; readonly profile: string; readonly ruleId: RuleId; readonly trailKey?: string }
  | { readonly kind: 'region'; readonly id: string; readonly profile: string; readonly region: string; readonly undetermined: boolean }
  | { readonly kind: 'trail'; readonly id: string; readonly profile: string; readonly trailKey: string }
  | { readonly kind: 'empty'; readonly id: string; readonly profile: string; readonly text: string }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly detail?: string };

/** A stable, unique id from parts (profile names may hold any character). */
export function nodeId(...parts: readonly string[]): string {
  return JSON.stringify(parts);
}

export function profileNode(profile: string): Extract<TrailsNode, { kind: 'profile' }> {
  return { kind: 'profile', id: nodeId(profile), profile };
}

/** What the tree knows about one profile. */
export type ProfileState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly previous?: ProfilePosture }
  | { readonly kind: 'ready'; readonly posture: ProfilePosture };

export interface ProfileView {
  readonly profile: string;
  /** The account id when known before a scan (STS earlier, or named in the profile). */
  readonly accountHint?: string;
  /** The status bar's profile. */
  readonly active: boolean;
  readonly state: ProfileState;
}

// ---------------------------------------------------------------------------------------------
// Looks

export interface IconSpec {
  /** A codicon id (`pass`, `error`, `loading~spin`). */
  readonly id: string;
  /** A theme colour id (`testing.iconPassed`). */
  readonly color?: string;
}

export interface NodeCommandSpec {
  readonly command: string;
  readonly title: string;
}

export interface NodeSpec {
  readonly label: string;
  readonly description?: string;
  /** Markdown (untrusted: links, no command links; theme icons allowed). */
  readonly tooltip?: string;
  readonly icon?: IconSpec;
  /** Space-separated tokens the menus match (`trail fix-validation console`). */
  readonly contextValue: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** Run on click (the node is passed as the argument). */
  readonly command?: NodeCommandSpec;
}

export const STATUS_ICONS: Readonly<Record<FindingStatus, IconSpec>> = {
  pass: { id: 'pass', color: 'testing.iconPassed' },
  fail: { id: 'error', color: 'testing.iconFailed' },
  unknown: { id: 'question', color: 'list.warningForeground' },
  info: { id: 'info', color: 'descriptionForeground' },
};

const STATUS_WORD: Readonly<Record<FindingStatus, string>> = { pass: 'Pass', fail: 'Fail', unknown: 'Unknown', info: 'Info' };

/** Command ids of the tree (package.json contributes them). */
export const TreeCommands = {
  refreshProfile: 'cloudtrailLens.refreshProfile',
  exportReport: 'cloudtrailLens.exportPostureReport',
  copyArn: 'cloudtrailLens.copyTrailArn',
  openConsole: 'cloudtrailLens.openTrailInConsole',
  showEvents: 'cloudtrailLens.showTrailEvents',
  findInIac: 'cloudtrailLens.findTrailInIac',
  enableValidation: 'cloudtrailLens.enableLogFileValidation',
  makeMultiRegion: 'cloudtrailLens.makeTrailMultiRegion',
  startLogging: 'cloudtrailLens.startTrailLogging',
  includeGlobal: 'cloudtrailLens.includeGlobalServiceEvents',
  copyCloudFormation: 'cloudtrailLens.copyFixCloudFormation',
  copyTerraform: 'cloudtrailLens.copyFixTerraform',
  openRuleDocs: 'cloudtrailLens.openRuleDocs',
  signIn: 'cloudtrailLens.signInProfile',
  copyPermission: 'cloudtrailLens.copyMissingPermission',
} as const;

/** Which remediation command fixes which rule, and the contextValue token that shows it. */
export const REMEDIATION_COMMANDS: ReadonlyArray<{ readonly ruleId: RuleId; readonly command: string; readonly token: string }> = [
  { ruleId: 'CTL.Logging', command: TreeCommands.startLogging, token: 'fix-logging' },
  { ruleId: 'CloudTrail.4', command: TreeCommands.enableValidation, token: 'fix-validation' },
  { ruleId: 'CloudTrail.1', command: TreeCommands.makeMultiRegion, token: 'fix-multiregion' },
  { ruleId: 'CTL.GlobalServiceEvents', command: TreeCommands.includeGlobal, token: 'fix-global' },
];

// ---------------------------------------------------------------------------------------------
// Markdown helpers

/** Escapes text for Markdown (user data: names, AWS messages). Backticks are left for code spans. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function codeSpan(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

// ---------------------------------------------------------------------------------------------
// Queries over a posture

export function findTrail(posture: ProfilePosture, key: string): TrailPosture | undefined {
  return posture.trails.find((t) => trailKey(t.snapshot) === key);
}

export function findFinding(posture: ProfilePosture, ruleId: RuleId, key?: string): Finding | undefined {
  const findings = key === undefined ? posture.accountFindings : findTrail(posture, key)?.findings;
  return findings?.find((f) => f.ruleId === ruleId);
}

/**
 * The one-call remediation for a failing check of a trail this profile owns, or undefined
 * (passing, another account's trail, or no safe single call).
 */
export function remediationOf(trail: TrailPosture, ruleId: RuleId): Remediation | undefined {
  if (trail.foreign) return undefined;
  const finding = trail.findings.find((f) => f.ruleId === ruleId);
  if (!finding || finding.status !== 'fail') return undefined;
  return remediationFor(ruleId, trail.snapshot);
}

/** The AWS console page of a trail. */
export function consoleUrl(arn: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/trails/${arn}`;
}

/** The status a whole profile stands for (its roll-up, or a failure to read it). */
function summaryIcon(summary: PostureSummary, base: string): IconSpec {
  const status = rollupStatus(summary);
  return { id: base, color: STATUS_ICONS[status].color };
}


// ---------------------------------------------------------------------------------------------
// Children

function problemSteps(profile: string, problem: ScanProblem, parentId: string): TrailsNode[] {
  const steps: StepKind[] = [];
  if (problem.command) steps.push('sign-in');
  if (problem.missingAction) steps.push('permission');
  steps.push('retry');
  if (!problem.command && !problem.missingAction) steps.push('log');
  return steps.map((step) => ({ kind: 'step', id: nodeId(parentId, 'step', step), profile, step, problem }));
}

/** The children of a node, given the profile's view (undefined for the root: see ./index.ts). */
export function childrenOf(node: TrailsNode, view: ProfileView | undefined): TrailsNode[] {
  if (!view) return [];
  const profile = view.profile;
  const state = view.state;
  switch (node.kind) {
    case 'profile': {
      if (state.kind === 'idle' || (state.kind === 'loading' && !state.previous)) return [{ kind: 'loading', id: nodeId(profile, 'loading'), profile }];
      const posture = state.kind === 'ready' ? state.posture : state.previous;
      if (!posture) return [];
      if (posture.error) {
        const errorId = nodeId(profile, 'error');
        return [{ kind: 'error', id: errorId, profile, problem: posture.error }, ...problemSteps(profile, posture.error, errorId)];
      }
      const out: TrailsNode[] = [];
      if (state.kind === 'loading') out.push({ kind: 'loading', id: nodeId(profile, 'loading'), profile });
      out.push(...posture.notes.map((text, i): TrailsNode => ({ kind: 'note', id: nodeId(profile, 'note', String(i)), profile, text })));
      out.push(...posture.regionProblems.map((problem): TrailsNode => ({ kind: 'note', id: nodeId(profile, 'region-problem', problem.region ?? ''), profile, text: `${problem.region ?? ''}: ${problem.message}`, problem })));
      out.push({ kind: 'account', id: nodeId(profile, 'account'), profile });
      if (posture.trails.length === 0) out.push({ kind: 'empty', id: nodeId(profile, 'no-trails'), profile, text: 'No trails in this account' });
      for (const t of posture.trails) out.push({ kind: 'trail', id: nodeId(profile, 'trail', trailKey(t.snapshot)), profile, trailKey: trailKey(t.snapshot) });
      return out;
    }
    case 'account': {
      const posture = postureOf(view);
      return (posture?.accountFindings ?? []).map((f): TrailsNode => ({ kind: 'check', id: nodeId(profile, 'account', f.ruleId), profile, ruleId: f.ruleId }));
    }
    case 'trail': {
      const trail = postureOf(view) && findTrail(postureOf(view) as ProfilePosture, node.trailKey);
      if (!trail) return [];
      const problems = trail.problems.map((problem, i): TrailsNode => ({ kind: 'note', id: nodeId(node.id, 'problem', String(i)), profile, text: problem.message, problem, trailKey: node.trailKey }));
      const checks = trail.findings.map((f): TrailsNode => ({ kind: 'check', id: nodeId(node.id, f.ruleId), profile, ruleId: f.ruleId, trailKey: node.trailKey }));
      return [...problems, ...checks];
    }
    case 'check': {
      if (node.ruleId !== 'CTL.RegionCoverage' || node.trailKey !== undefined) return [];
      const posture = postureOf(view);
      if (!posture) return [];
      return [
        ...posture.uncoveredRegions.map((region): TrailsNode => ({ kind: 'region', id: nodeId(node.id, region), profile, region, undetermined: false })),
        ...posture.undeterminedRegions.map((region): TrailsNode => ({ kind: 'region', id: nodeId(node.id, region), profile, region, undetermined: true })),
      ];
    }
    default:
      return [];
  }
}

/** The posture shown for a profile (the last one while a refresh runs). */
export function postureOf(view: ProfileView): ProfilePosture | undefined {
  return view.state.kind === 'ready' ? view.state.posture : view.state.kind === 'loading' ? view.state.previous : undefined;
}

/** The parent of a node (undefined for profiles and root messages). */
export function parentOf(node: TrailsNode): TrailsNode | undefined {
  if (node.kind === 'profile' || node.kind === 'message') return undefined;
  const profile = node.profile;
  const parent = profileNode(profile);
  switch (node.kind) {
    case 'check':
      return node.trailKey !== undefined ? { kind: 'trail', id: nodeId(profile, 'trail', node.trailKey), profile, trailKey: node.trailKey } : { kind: 'account', id: nodeId(profile, 'account'), profile };
    case 'region':
      return { kind: 'check', id: nodeId(profile, 'account', 'CTL.RegionCoverage'), profile, ruleId: 'CTL.RegionCoverage' };
    case 'note':
      return node.trailKey !== undefined ? { kind: 'trail', id: nodeId(profile, 'trail', node.trailKey), profile, trailKey: node.trailKey } : parent;
    case 'step':
      return { kind: 'error', id: nodeId(profile, 'error'), profile, problem: node.problem };
    default:
      return parent;
  }
}

// ---------------------------------------------------------------------------------------------
// Looks of each node

function profileSpec(view: ProfileView): NodeSpec {
  const posture = postureOf(view);
  const account = posture?.account ?? view.accountHint;
  const parts: string[] = [];
  if (account) parts.push(account);
  if (view.active) parts.push('active');
  let icon: IconSpec = { id: 'account' };
  if (view.state.kind === 'loading') {
    parts.push('Loading…');
    icon = { id: 'loading~spin' };
  } else if (posture?.error) {
    parts.push(shortProblem(posture.error.kind) ?? 'could not be read');
    icon = { id: 'account', color: 'testing.iconFailed' };
  } else if (posture) {
    parts.push(rollup(posture.summary));
    icon = summaryIcon(posture.summary, 'account');
  }
  const lines = [`**AWS profile ${escapeMarkdown(view.profile)}**${view.active ? ' (active)' : ''}`, ''];
  if (account) lines.push(`Account: ${account}  `);
  if (posture && !posture.error) {
    lines.push(`Checks passed: ${rollup(posture.summary)} (${posture.summary.failed} failed, ${posture.summary.unknown} unknown; informational checks do not count)  `);
    lines.push(`Trails: ${posture.trails.length}; regions: ${posture.enabledRegions.length} (${posture.regionSource === 'ec2' ? 'EC2 DescribeRegions' : 'default list'})  `);
    lines.push(`Read ${posture.fetchedAt}`);
  } else if (posture?.error) {
    lines.push(`${escapeMarkdown(posture.error.message)}`, '', `**Next step:** ${escapeMarkdown(posture.error.next)}`);
  } else {
    lines.push('Expand to read its trails and check them against AWS best practice.');
  }
  return { label: view.profile, description: parts.join(' · '), tooltip: lines.join('\n'), icon, contextValue: `profile${posture ? ' loaded' : ''}`, collapsible: 'collapsed' };
}

/** The Markdown tooltip of a check: status, why, what it is and why it matters, how to fix, the docs. */
export function checkTooltip(finding: Finding, subject?: string): string {
  const rule = RULES[finding.ruleId];
  const control = rule.securityHubControl ? `[Security Hub control ${rule.securityHubControl}](${finding.docsUrl})` : `[AWS documentation](${finding.docsUrl})`;
  const lines = [
    `$(${STATUS_ICONS[finding.status].id}) **${STATUS_WORD[finding.status]}** · ${finding.ruleId} · ${finding.severity} severity${subject ? ` · ${escapeMarkdown(subject)}` : ''}`,
    '',
    `**${escapeMarkdown(rule.title)}**`,
    '',
    `**Result:** ${escapeMarkdown(finding.reason)}`,
    '',
    `**Why it matters:** ${escapeMarkdown(ruleRationale(finding.ruleId))}`,
  ];
  if (finding.status !== 'pass') lines.push('', `**How to fix:** ${finding.fix}`);
  lines.push('', control);
  return lines.join('\n');
}

function checkSpec(node: Extract<TrailsNode, { kind: 'check' }>, view: ProfileView): NodeSpec {
  const posture = postureOf(view);
  const trail = node.trailKey !== undefined && posture ? findTrail(posture, node.trailKey) : undefined;
  const finding = posture ? findFinding(posture, node.ruleId, node.trailKey) : undefined;
  if (!finding || !posture) return { label: RULES[node.ruleId].title, description: node.ruleId, contextValue: 'check', collapsible: 'none' };
  const tokens = ['check', `status-${finding.status}`];
  const fix = trail ? remediationOf(trail, node.ruleId) : undefined;
  if (fix) {
    const entry = REMEDIATION_COMMANDS.find((r) => r.ruleId === node.ruleId);
    if (entry) tokens.push(entry.token);
  }
  if (finding.status !== 'pass' && finding.status !== 'info' && fixSnippets(node.ruleId)) tokens.push('snippet');
  let description = node.ruleId;
  let collapsible: NodeSpec['collapsible'] = 'none';
  if (node.ruleId === 'CTL.RegionCoverage' && node.trailKey === undefined) {
    const count = posture.uncoveredRegions.length + posture.undeterminedRegions.length;
    if (posture.uncoveredRegions.length > 0) description += ` · ${posture.uncoveredRegions.length} uncovered`;
    if (posture.undeterminedRegions.length > 0) description += ` · ${posture.undeterminedRegions.length} undetermined`;
    if (count > 0) collapsible = 'expanded';
  }
  return {
    label: RULES[node.ruleId].title,
    description,
    tooltip: checkTooltip(finding, trail ? `trail ${trail.snapshot.name}` : `account ${posture.account ?? ''}`),
    icon: STATUS_ICONS[finding.status],
    contextValue: tokens.join(' '),
    collapsible,
  };
}

/** "us-east-1 · multi-region · organization · 5/11" */
export function trailDescription(trail: TrailPosture): string {
  const s = trail.snapshot;
  const parts = [s.homeRegion ?? 'region unknown'];
  if (s.isMultiRegion.known && s.isMultiRegion.value) parts.push('multi-region');
  if (s.isOrganization.known && s.isOrganization.value) parts.push('organization');
  if (trail.foreign) parts.push(`account ${s.accountId ?? '?'}`);
  parts.push(rollup(trail.summary));
  return parts.join(' · ');
}

function trailSpec(node: Extract<TrailsNode, { kind: 'trail' }>, view: ProfileView): NodeSpec {
  const posture = postureOf(view);
  const trail = posture ? findTrail(posture, node.trailKey) : undefined;
  if (!trail) return { label: node.trailKey, contextValue: 'trail', collapsible: 'none' };
  const s = trail.snapshot;
  const tokens = ['trail'];
  if (s.arn) tokens.push('arn');
  if (s.arn && s.homeRegion) tokens.push('console');
  if (s.homeRegion) tokens.push('events');
  for (const entry of REMEDIATION_COMMANDS) if (remediationOf(trail, entry.ruleId)) tokens.push(entry.token);
  const yes = (k: { known: boolean; value?: unknown }): string => (k.known ? (k.value ? 'yes' : 'no') : 'unknown');
  const bucket = s.s3BucketName.known ? (s.s3BucketName.value ?? 'none') : 'unknown';
  const lines = [
    `**Trail ${escapeMarkdown(s.name)}**${trail.foreign ? ` (owned by account ${s.accountId ?? '?'}: read-only here)` : ''}`,
    '',
    ...(s.arn ? [`${codeSpan(s.arn)}`, ''] : []),
    `Home region: ${s.homeRegion ?? 'unknown'}  `,
    `Multi-Region: ${yes(s.isMultiRegion)} · Organization: ${yes(s.isOrganization)} · Logging: ${yes(s.isLogging)}  `,
    `S3 bucket: ${escapeMarkdown(bucket)}  `,
    `Checks passed: ${rollup(trail.summary)} (${trail.summary.failed} failed, ${trail.summary.unknown} unknown)`,
  ];
  if (trail.problems.length > 0) lines.push('', ...trail.problems.map((p) => `$(warning) ${escapeMarkdown(p.message)}`));
  return { label: s.name, description: trailDescription(trail), tooltip: lines.join('\n'), icon: summaryIcon(trail.summary, 'history'), contextValue: tokens.join(' '), collapsible: 'collapsed' };
}

function problemTooltip(problem: ScanProblem): string {
  const lines = [escapeMarkdown(problem.message), '', `**Next step:** ${escapeMarkdown(problem.next)}`];
  if (problem.missingAction) lines.push('', `Missing permission: ${codeSpan(problem.missingAction)}`);
  if (problem.command) lines.push('', `Fix: ${codeSpan(problem.command)}`);
  return lines.join('\n');
}

function stepSpec(node: Extract<TrailsNode, { kind: 'step' }>): NodeSpec {
  const p = node.problem;
  switch (node.step) {
    case 'sign-in':
      return { label: `Sign in: run ${p.command ?? ''}`, icon: { id: 'sign-in' }, tooltip: `Runs ${codeSpan(p.command ?? '')} in a terminal, then reads the profile again.`, contextValue: 'step sign-in', collapsible: 'none', command: { command: TreeCommands.signIn, title: 'Sign In' } };
    case 'permission':
      return {
        label: `Missing permission: ${p.missingAction ?? ''}`,
        description: 'copy',
        icon: { id: 'key' },
        tooltip: `${escapeMarkdown(p.next)}\n\nClick to copy ${codeSpan(p.missingAction ?? '')}.`,
        contextValue: 'step permission',
        collapsible: 'none',
        command: { command: TreeCommands.copyPermission, title: 'Copy Missing Permission' },
      };
    case 'log':
      return { label: 'Show the log', icon: { id: 'output' }, contextValue: 'step log', collapsible: 'none', command: { command: 'cloudtrailLens.showLog', title: 'Show Log' } };
    default:
      return { label: 'Retry', icon: { id: 'refresh' }, tooltip: 'Read the profile again.', contextValue: 'step retry', collapsible: 'none', command: { command: TreeCommands.refreshProfile, title: 'Retry' } };
  }
}

/** How a node looks, given its profile's view. */
export function specOf(node: TrailsNode, view: ProfileView | undefined): NodeSpec {
  switch (node.kind) {
    case 'message':
      return { label: node.text, description: node.detail, icon: { id: 'error', color: 'testing.iconFailed' }, tooltip: escapeMarkdown(node.detail ?? node.text), contextValue: 'message', collapsible: 'none' };
    case 'profile':
      return view ? profileSpec(view) : { label: node.profile, contextValue: 'profile', collapsible: 'collapsed', icon: { id: 'account' } };
    case 'loading':
      return { label: 'Loading…', description: 'reading trails in every enabled region', icon: { id: 'loading~spin' }, contextValue: 'loading', collapsible: 'none' };
    case 'error':
      return {
        label: node.problem.message,
        description: shortProblem(node.problem.kind),
        icon: { id: 'error', color: 'testing.iconFailed' },
        tooltip: problemTooltip(node.problem),
        contextValue: `error${node.problem.command ? ' sign-in' : ''}${node.problem.missingAction ? ' permission' : ''}`,
        collapsible: 'none',
      };
    case 'step':
      return stepSpec(node);
    case 'note':
      return {
        label: node.text,
        ...(node.problem ? { description: node.problem.missingAction ? `missing ${node.problem.missingAction}` : shortProblem(node.problem.kind) } : {}),
        icon: node.problem ? { id: 'warning', color: 'list.warningForeground' } : { id: 'info' },
        tooltip: node.problem ? problemTooltip(node.problem) : escapeMarkdown(node.text),
        contextValue: `note${node.problem?.missingAction ? ' permission' : ''}`,
        collapsible: 'none',
      };
    case 'account': {
      const posture = view && postureOf(view);
      const summary = posture?.accountSummary;
      return {
        label: 'Account checks',
        ...(summary ? { description: rollup(summary) } : {}),
        icon: summary ? summaryIcon(summary, 'shield') : { id: 'shield' },
        tooltip: 'CloudTrail.1: a logging multi-Region trail recording read and write management events. CloudTrail.3: at least one logging trail. Region coverage: enabled regions no logging trail covers.',
        contextValue: 'account',
        collapsible: 'expanded',
      };
    }
    case 'check':
      return view ? checkSpec(node, view) : { label: node.ruleId, contextValue: 'check', collapsible: 'none' };
    case 'region':
      return {
        label: node.region,
        description: node.undetermined ? 'coverage not determined' : 'no logging trail',
        icon: node.undetermined ? STATUS_ICONS.unknown : { id: 'circle-slash', color: 'testing.iconFailed' },
        tooltip: node.undetermined ? `Whether a logging trail covers ${node.region} could not be determined.` : `No logging trail covers ${node.region}: activity there is recorded only in the 90-day event history.`,
        contextValue: 'region',
        collapsible: 'none',
      };
    case 'trail':
      return view ? trailSpec(node, view) : { label: node.trailKey, contextValue: 'trail', collapsible: 'collapsed' };
    case 'empty':
      return { label: node.text, icon: { id: 'circle-slash' }, contextValue: 'empty', collapsible: 'none' };
    default:
      return { label: '', contextValue: '', collapsible: 'none' };
  }
}
