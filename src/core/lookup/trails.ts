/**
 * Code ↔ live: which trail definitions in infrastructure code a live trail (name or ARN) is. For
 * the CodeLens "live: logging, last changed 3 h ago" above a definition, and for "go to code"
 * from the Trails tree ("Find in Workspace IaC"). Pure.
 *
 * A definition is known by its IaC name (CloudFormation logical id, Terraform resource address,
 * CDK construct id) and, when the reader saw it, the trail's physical name (`TrailName`, `name`,
 * `trailName`; `TrailDefinition.trailName`, see `definitionRef`). Live trails are named:
 *  - as written, when the code sets the name (exact);
 *  - by CloudFormation, when it does not: `<stack>-<LogicalId>-<RANDOM>` (stack name and logical
 *    id possibly truncated, a 12–13 character upper-case suffix);
 *  - for CDK, the logical id is the construct path plus an 8-hex-digit hash (`AuditTrailA1B2C3D4`),
 *    so the live name is `<stack>-AuditTrailA1B2C3D4-<RANDOM>`;
 *  - Terraform requires `name`: a definition without a known physical name matches by its
 *    resource name only loosely.
 */

import type { TrailDefinition } from '../iac/types';

export type TrailMatchConfidence = 'exact' | 'generated' | 'similar';

export interface TrailDefinitionRef {
  /** Logical id, Terraform address (`module.m.aws_cloudtrail.main[0]`), or CDK construct id. */
  readonly name: string;
  /** The trail's physical name when the code sets it. */
  readonly trailName?: string;
  /** The IaC format (core/iac's IacFormat). */
  readonly format?: 'cloudformation' | 'terraform' | 'cdk';
  /**
   * The code sets the physical name, but to a value decided at deploy time (a parameter without a
   * default, a reference): the service does not generate a name from the logical id, so only
   * loosely similar names match.
   */
  readonly trailNameUnknown?: boolean;
}

/** What the matcher needs of a trail read from code. */
export function definitionRef(definition: Pick<TrailDefinition, 'name' | 'format' | 'trailName'>): TrailDefinitionRef {
  const t = definition.trailName;
  if (!t) return { name: definition.name, format: definition.format };
  return t.known ? { name: definition.name, format: definition.format, trailName: t.value } : { name: definition.name, format: definition.format, trailNameUnknown: true };
}

export interface TrailMatch {
  /** Index into the definitions given. */
  readonly index: number;
  readonly definition: TrailDefinitionRef;
  readonly confidence: TrailMatchConfidence;
  /** Why, for a tooltip: "the trail name in the code", "CloudFormation-generated name of AuditTrail". */
  readonly reason: string;
}

const RANK: Readonly<Record<TrailMatchConfidence, number>> = { exact: 0, generated: 1, similar: 2 };

/** The trail name of a live trail given by name or ARN (`arn:aws:cloudtrail:region:acct:trail/NAME`). */
export function liveTrailName(nameOrArn: string): string {
  const value = nameOrArn.trim();
  const arn = /^arn:[a-z-]+:cloudtrail:[a-z0-9-]*:\d{12}:trail\/(.+)$/.exec(value);
  return arn ? arn[1] : value;
}

/** The resource name in a Terraform address: `module.m.aws_cloudtrail.main[0]` → `main`. */
function terraformLocalName(address: string): string | undefined {
  const match = /(?:^|\.)aws_cloudtrail\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?$/.exec(address);
  return match?.[1];
}

function loose(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Does `live` look like a CloudFormation-generated name for `logicalId`? `<stack>-<id>-<SUFFIX>`,
 * where CloudFormation may shorten the stack name and the logical id; CDK ids carry a hash.
 */
function generatedFrom(live: string, logicalId: string): boolean {
  const match = /^(.+)-([A-Za-z0-9]+)-([A-Z0-9]{8,13})$/.exec(live);
  if (!match) return false;
  const middle = match[2];
  if (middle === logicalId) return true;
  // CDK: construct id + 8 upper-case hex digits.
  if (/^[A-Za-z0-9]+[0-9A-F]{8}$/.test(middle) && middle.slice(0, -8) === logicalId.replace(/[^A-Za-z0-9]/g, '')) return true;
  // Truncated logical id (long stack + id): a prefix of at least 8 characters.
  return middle.length >= 8 && logicalId.startsWith(middle);
}

/**
 * The definitions a live trail corresponds to, best first. An empty list when none matches.
 * `definitions` may be plain names (what `TrailDefinition.name` holds).
 */
export function matchTrailDefinitions(live: string, definitions: readonly (string | TrailDefinitionRef)[]): TrailMatch[] {
  const name = liveTrailName(live);
  if (name === '') return [];
  const out: TrailMatch[] = [];
  definitions.forEach((entry, index) => {
    const definition: TrailDefinitionRef = typeof entry === 'string' ? { name: entry } : entry;
    const tfName = terraformLocalName(definition.name);
    const ownName = tfName ?? definition.name;
    let match: Omit<TrailMatch, 'index' | 'definition'> | undefined;
    if (definition.trailName !== undefined && definition.trailName === name) match = { confidence: 'exact', reason: 'the trail name in the code' };
    // A Terraform resource's local name is not its trail name (`name` is required): equal only by coincidence or convention.
    else if (definition.trailNameUnknown) {
      if (loose(ownName) === loose(name) && loose(name) !== '') match = { confidence: 'similar', reason: `a similar name (${ownName}; the name in the code is decided at deploy time)` };
    } else if (definition.trailName === undefined && ownName === name) match = tfName ? { confidence: 'similar', reason: `the Terraform resource name ${tfName}` } : { confidence: 'exact', reason: `the ${definition.format === 'cdk' ? 'construct id' : 'logical id'} ${ownName}` };
    else if (definition.trailName === undefined && !tfName && generatedFrom(name, definition.name)) match = { confidence: 'generated', reason: `the name CloudFormation generates for ${definition.name}` };
    else if (loose(definition.trailName ?? ownName) === loose(name) && loose(name) !== '') match = { confidence: 'similar', reason: `a similar name (${definition.trailName ?? ownName})` };
    if (match) out.push({ index, definition, ...match });
  });
  return out.sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || a.index - b.index);
}

// ---------------------------------------------------------------------------------------------
// Definition → live trail (the CodeLens above a trail in code)

/** What the live CodeLens shows of a deployed trail. Absent values were not read. */
export interface LiveTrailFacts {
  readonly name: string;
  readonly arn?: string;
  readonly homeRegion?: string;
  readonly isLogging?: boolean;
  readonly logFileValidation?: boolean;
  readonly isMultiRegion?: boolean;
}

export interface LiveTrailMatch<T extends LiveTrailFacts = LiveTrailFacts> {
  readonly trail: T;
  /** 'exact' (the name in the code, or the logical id used as the name) or 'generated' (a CloudFormation-generated name: probably). */
  readonly confidence: Exclude<TrailMatchConfidence, 'similar'>;
  readonly reason: string;
  /** Other live trails that match as well (same name in other regions, several generated names). */
  readonly others: number;
}

/**
 * The deployed trail a definition in code is, among the live trails of an account. Exact and
 * CloudFormation-generated names only: a loosely similar name (`audit_trail` for `AuditTrail`,
 * a Terraform resource's local name) is a near miss, not shown as the deployed trail. Among equal
 * matches, a trail whose home region is `preferRegion` first.
 */
export function matchLiveTrail<T extends LiveTrailFacts>(definition: TrailDefinitionRef, live: readonly T[], preferRegion?: string): LiveTrailMatch<T> | undefined {
  const found: { trail: T; confidence: 'exact' | 'generated'; reason: string }[] = [];
  const seen = new Set<string>();
  for (const trail of live) {
    const key = trail.arn ?? `${trail.homeRegion ?? '?'}/${trail.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [best] = matchTrailDefinitions(trail.name, [definition]);
    if (!best || best.confidence === 'similar') continue;
    found.push({ trail, confidence: best.confidence, reason: best.reason });
  }
  if (found.length === 0) return undefined;
  const rank = (m: (typeof found)[number]): number => RANK[m.confidence] * 2 + (preferRegion !== undefined && m.trail.homeRegion === preferRegion ? 0 : 1);
  found.sort((a, b) => rank(a) - rank(b));
  const [first] = found;
  return { ...first, others: found.length - 1 };
}

function mark(value: boolean | undefined): string {
  return value === undefined ? '?' : value ? '✓' : '✗';
}

/** "logging ✓ · validation ✗ · multi-region ✓" ("?" for what was not read). */
export function liveStatusText(trail: LiveTrailFacts): string {
  return `logging ${mark(trail.isLogging)} · validation ${mark(trail.logFileValidation)} · multi-region ${mark(trail.isMultiRegion)}`;
}

/** The CodeLens title: "live: logging ✓ · …", "live (probably stack-AuditTrail-1A2B…): …". */
export function liveLensTitle(match: LiveTrailMatch): string {
  const probably = match.confidence === 'generated' ? ` (probably ${match.trail.name})` : '';
  const more = match.others > 0 ? ` (+${match.others} more)` : '';
  return `live${probably}: ${liveStatusText(match.trail)}${more}`;
}
