/**
 * Code ↔ live: which trail definitions in infrastructure code a live trail (name or ARN) is. For
 * the CodeLens "live: logging, last changed 3 h ago" above a definition, and for "go to code"
 * from the Trails tree. Pure; not wired yet.
 *
 * A definition is known by its IaC name (CloudFormation logical id, Terraform resource address,
 * CDK construct id) and, when the reader saw it, the trail's physical name (`TrailName`, `name`,
 * `trailName`). Live trails are named:
 *  - as written, when the code sets the name (exact);
 *  - by CloudFormation, when it does not: `<stack>-<LogicalId>-<RANDOM>` (stack name and logical
 *    id possibly truncated, a 12–13 character upper-case suffix);
 *  - for CDK, the logical id is the construct path plus an 8-hex-digit hash (`AuditTrailA1B2C3D4`),
 *    so the live name is `<stack>-AuditTrailA1B2C3D4-<RANDOM>`;
 *  - Terraform requires `name`: a definition without a known physical name matches by its
 *    resource name only loosely.
 */

export type TrailMatchConfidence = 'exact' | 'generated' | 'similar';

export interface TrailDefinitionRef {
  /** Logical id, Terraform address (`module.m.aws_cloudtrail.main[0]`), or CDK construct id. */
  readonly name: string;
  /** The trail's physical name when the code sets it. */
  readonly trailName?: string;
  /** The IaC format (core/iac's IacFormat). */
  readonly format?: 'cloudformation' | 'terraform' | 'cdk';
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
    else if (definition.trailName === undefined && ownName === name) match = tfName ? { confidence: 'similar', reason: `the Terraform resource name ${tfName}` } : { confidence: 'exact', reason: `the ${definition.format === 'cdk' ? 'construct id' : 'logical id'} ${ownName}` };
    else if (definition.trailName === undefined && !tfName && generatedFrom(name, definition.name)) match = { confidence: 'generated', reason: `the name CloudFormation generates for ${definition.name}` };
    else if (loose(definition.trailName ?? ownName) === loose(name) && loose(name) !== '') match = { confidence: 'similar', reason: `a similar name (${definition.trailName ?? ownName})` };
    if (match) out.push({ index, definition, ...match });
  });
  return out.sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || a.index - b.index);
}
