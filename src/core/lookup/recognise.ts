/**
 * Recognises AWS resource identifiers in text: ARNs, EC2 ids, S3 buckets (`s3://`, bucket URLs,
 * bucket ARNs, names after a bucket key), IAM roles and users, DynamoDB tables, Lambda functions,
 * KMS keys (ids, `mrk-` ids, aliases, ARNs), trails, RDS instances, SNS topics, SQS queues (ARNs,
 * queue URLs, names after a key), plus access key ids and — in an event-id context — event ids.
 *
 * `recognise(text)` returns every identifier in the text (a selection); with `offset` only the
 * ones under that offset (the word under the cursor), looking at the line and, for Terraform
 * block context, at what comes before it. Pure and fast: regular expressions over one line.
 *
 * Deliberately NOT recognised (near-misses): EC2-looking ids of the wrong length or with
 * uppercase/non-hex characters, partial ARNs (`arn:aws:`), ARNs with wildcards or template
 * placeholders (`${AWS::AccountId}`), e-mail addresses, git SHAs, bare 12-digit numbers, and
 * UUIDs without a context that says what they are (an event id, a KMS key id).
 */
import {
  EC2_ID_PREFIXES,
  GLOBAL_SERVICES,
  NAME_KEYS,
  TERRAFORM_NAME_ATTRIBUTES,
  globalRegionOf,
  isBucketName,
  resolveArnResource,
} from './resource-types';

export type RecognisedKind = 'arn' | 'resource-id' | 'bucket' | 'name' | 'access-key-id' | 'event-id';

/** The LookupEvents attribute that finds events about the identifier. */
export type LookupAttributeFor = 'ResourceName' | 'Username' | 'AccessKeyId' | 'EventId';

export interface Recognised {
  readonly kind: RecognisedKind;
  /** The identifier itself: the ARN, the id, the bucket name (not the `s3://` URI), the name. */
  readonly value: string;
  /** CloudTrail resource type (`AWS::EC2::SecurityGroup`), when known. */
  readonly resourceType?: string;
  /** From the ARN (or queue URL): the resource's region. */
  readonly region?: string;
  /** From the ARN (or queue URL): the owning account. */
  readonly account?: string;
  /** Service namespace (`ec2`, `iam`, `s3`…), when known. */
  readonly service?: string;
  /** ARN partition (`aws`, `aws-cn`, `aws-us-gov`, …). */
  readonly partition?: string;
  /** The service is global: its events are in the partition's global region (us-east-1). */
  readonly global?: boolean;
  /** "security group", "IAM role", "access key". */
  readonly label: string;
  readonly attribute: LookupAttributeFor;
  /** The values to look up with `attribute`, most likely first (at most two). */
  readonly lookupValues: readonly string[];
  /** Where it is in the text: [start, end) in UTF-16 code units. */
  readonly start: number;
  readonly end: number;
}

export interface RecogniseOptions {
  /** Only identifiers that contain this offset (start <= offset <= end). */
  readonly offset?: number;
  /** Bare UUIDs are event ids (the "lookup by event id" input). Default: only with an event-id key before them. */
  readonly uuidsAreEventIds?: boolean;
  /**
   * Unquoted values after a name key (`RoleName: deploy`, YAML) count. Default true; the editor
   * turns it off for code (TypeScript/JavaScript), where an unquoted value is an expression.
   */
  readonly unquotedValues?: boolean;
}

/** Characters that can continue an id token (an id must not be part of a longer word). */
const ID_BEFORE = '(?<![A-Za-z0-9_-])';
const ID_AFTER = '(?![A-Za-z0-9_-])';

const PARTITIONS = 'aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc';
/** arn:partition:service:region:account:resource — the resource runs to a delimiter. */
const ARN_RE = new RegExp(`${ID_BEFORE}arn:(${PARTITIONS}):([a-z0-9][a-z0-9.-]*):([a-z0-9-]*):(\\d{12}|aws|):([^\\s"'\`<>,;(){}\\[\\]\\\\|^]+)`, 'g');
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const EC2_ID_RE = new RegExp(`${ID_BEFORE}(${EC2_ID_PREFIXES.map(([prefix]) => prefix).join('|')})-([0-9a-f]{17}|[0-9a-f]{8})${ID_AFTER}`, 'g');
const EC2_TYPES = new Map(EC2_ID_PREFIXES.map(([prefix, type, label]) => [prefix, { type, label }]));
/** Access key ids: AKIA (long-term) or ASIA (temporary) + 16 upper-case letters/digits (IAM unique id prefixes). */
const ACCESS_KEY_RE = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const UUID_RE = new RegExp(`${ID_BEFORE}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${ID_AFTER}`, 'g');
const MRK_RE = new RegExp(`${ID_BEFORE}mrk-[0-9a-f]{32}${ID_AFTER}`, 'g');
const ALIAS_RE = /(?<![A-Za-z0-9_:/-])alias\/[A-Za-z0-9/_-]+(?![A-Za-z0-9/_-])/g;
const S3_URI_RE = /(?<![A-Za-z0-9])s3:\/\/([^/\s"'`<>]+)(\/[^\s"'`<>]*)?/g;
/** https://bucket.s3.amazonaws.com, https://bucket.s3.region.amazonaws.com, https://bucket.s3-region.amazonaws.com */
const S3_VHOST_RE = /(?<![A-Za-z0-9.-])https?:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?(?:\/[^\s"'`<>]*)?/g;
/** https://s3.region.amazonaws.com/bucket (path style) */
const S3_PATH_RE = /(?<![A-Za-z0-9.-])https?:\/\/s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/[^\s"'`<>]*)?/g;
/** https://sqs.region.amazonaws.com/123456789012/QueueName */
const SQS_URL_RE = /(?<![A-Za-z0-9.-])https?:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)(?![A-Za-z0-9_.-])/g;
/** A key followed by a value: `Key: value`, `"Key": "value"`, `key = "value"`, `key: 'value'`. */
const KEY_VALUE_RE = /(?<![A-Za-z0-9_-])["']?([A-Za-z][A-Za-z0-9_-]*)["']?[ \t]*([:=])[ \t]*(["'`]?)([^\s"'`,;{}()[\]]+)(["'`]?)/g;
const EVENT_ID_KEY_RE = /event[_\s-]?id["']?\s*[:=]?\s*["']?$/i;
const KMS_KEY_CONTEXT_RE = /(kms|key[_-]?id|keyid|targetkeyid)["']?\s*[:=]?\s*["']?(arn:[^\s"']*:key\/)?$/i;
/** How far back (characters) Terraform block context is searched. */
const CONTEXT_LOOKBACK = 50_000;

interface Candidate extends Recognised {
  /** Higher wins when candidates overlap. */
  readonly priority: number;
}

function lineBounds(text: string, offset: number): { start: number; end: number } {
  const before = text.lastIndexOf('\n', Math.max(0, offset - 1));
  const start = offset === 0 ? 0 : before + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** Trailing characters that end a sentence rather than an ARN. */
function trimArnEnd(value: string): string {
  return value.replace(/[.:]+$/, '');
}

function arnCandidate(match: RegExpExecArray, base: number): Candidate | undefined {
  const [, partition, service, region, account] = match;
  const arn = trimArnEnd(match[0]);
  const resource = arn.slice(`arn:${partition}:${service}:${region}:${account}:`.length);
  if (resource === '') return undefined;
  if (region !== '' && !REGION_RE.test(region)) return undefined;
  const resolved = resolveArnResource(arn, service, resource);
  if (!resolved) return undefined;
  const global = GLOBAL_SERVICES.has(service);
  return {
    kind: 'arn',
    value: arn,
    resourceType: resolved.resourceType,
    region: region || undefined,
    account: account && account !== 'aws' ? account : undefined,
    service,
    partition,
    global: global || undefined,
    label: resolved.label,
    attribute: resolved.attribute,
    lookupValues: resolved.lookupNames,
    start: base + match.index,
    end: base + match.index + arn.length,
    priority: 100,
  };
}

function bucketCandidate(bucket: string, start: number, end: number, priority: number, region?: string): Candidate | undefined {
  if (!isBucketName(bucket)) return undefined;
  return { kind: 'bucket', value: bucket, resourceType: 'AWS::S3::Bucket', service: 's3', region, label: 'S3 bucket', attribute: 'ResourceName', lookupValues: [bucket], start, end, priority };
}

/** Is the value a reference or expression rather than a literal name? */
function isExpression(value: string): boolean {
  return /^[!&*$%@]|\$\{|\{\{|^(var|local|module|data|each|self|count|aws_[a-z0-9_]+)\./.test(value) || /^(true|false|null|yes|no|on|off|~)$/i.test(value);
}

/** A value after a name key, recognised by what the key says (KMS values are recognised by their own shape). */
function namedCandidate(
  key: string,
  value: string,
  start: number,
  known: readonly [resourceType: string, label: string, service: string],
): Candidate | undefined {
  const [resourceType, label, service] = known;
  if (isExpression(value) || value.length > 512) return undefined;
  if (value.startsWith('arn:')) return undefined; // the ARN pattern handles it
  if (service === 's3') return bucketCandidate(value, start, start + value.length, 40);
  if (service === 'kms') {
    // Key ids are UUIDs / mrk- ids (own patterns); aliases are `alias/…`.
    if (!/^alias\/[A-Za-z0-9/_-]+$/.test(value) && !(normaliseKey(key) === 'aliasname' && /^[A-Za-z0-9/_-]+$/.test(value))) return undefined;
    const alias = value.startsWith('alias/') ? value : `alias/${value}`;
    return { kind: 'name', value: alias, resourceType, service, label: 'KMS alias', attribute: 'ResourceName', lookupValues: [alias], start, end: start + value.length, priority: 40 };
  }
  // IAM names: letters, digits and +=,.@_- (IAM identifiers); others similar or narrower.
  if (!/^[A-Za-z0-9+=,.@_/:-]+$/.test(value)) return undefined;
  const global = GLOBAL_SERVICES.has(service);
  return { kind: 'name', value, resourceType, service, global: global || undefined, label, attribute: 'ResourceName', lookupValues: [value], start, end: start + value.length, priority: 40 };
}

/**
 * The Terraform resource type whose block encloses `position`, when the nearest
 * `resource "TYPE" "NAME" {` before it is still open there.
 */
function enclosingTerraformType(text: string, position: number): string | undefined {
  const from = Math.max(0, position - CONTEXT_LOOKBACK);
  const window = text.slice(from, position);
  const header = /resource\s+"([a-z0-9_]+)"\s+"[^"\n]*"\s*\{/g;
  let last: RegExpExecArray | undefined;
  for (let match = header.exec(window); match; match = header.exec(window)) last = match;
  if (!last) return undefined;
  // Brace depth from the header's `{` to the position, ignoring braces inside strings and comments (roughly).
  const body = window.slice(last.index + last[0].length).replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/#[^\n]*|\/\/[^\n]*/g, '');
  let depth = 1;
  for (const char of body) {
    if (char === '{') depth++;
    else if (char === '}') depth--;
    if (depth === 0) return undefined;
  }
  return last[1];
}

function scanLine(text: string, lineStart: number, lineEnd: number, options: RecogniseOptions): Candidate[] {
  const line = text.slice(lineStart, lineEnd);
  const out: Candidate[] = [];
  const add = (candidate: Candidate | undefined): void => {
    if (candidate) out.push(candidate);
  };

  for (const match of line.matchAll(ARN_RE)) add(arnCandidate(match, lineStart));

  for (const match of line.matchAll(EC2_ID_RE)) {
    const known = EC2_TYPES.get(match[1]);
    if (!known || match.index === undefined) continue;
    add({ kind: 'resource-id', value: match[0], resourceType: known.type, service: 'ec2', label: known.label, attribute: 'ResourceName', lookupValues: [match[0]], start: lineStart + match.index, end: lineStart + match.index + match[0].length, priority: 60 });
  }

  for (const match of line.matchAll(ACCESS_KEY_RE)) {
    if (match.index === undefined) continue;
    add({ kind: 'access-key-id', value: match[0], label: match[0].startsWith('ASIA') ? 'temporary access key' : 'access key', attribute: 'AccessKeyId', lookupValues: [match[0]], start: lineStart + match.index, end: lineStart + match.index + match[0].length, priority: 70 });
  }

  for (const match of line.matchAll(MRK_RE)) {
    if (match.index === undefined) continue;
    add({ kind: 'resource-id', value: match[0], resourceType: 'AWS::KMS::Key', service: 'kms', label: 'KMS multi-Region key', attribute: 'ResourceName', lookupValues: [match[0]], start: lineStart + match.index, end: lineStart + match.index + match[0].length, priority: 60 });
  }

  for (const match of line.matchAll(UUID_RE)) {
    if (match.index === undefined) continue;
    const before = line.slice(Math.max(0, match.index - 48), match.index);
    const start = lineStart + match.index;
    const end = start + match[0].length;
    if (EVENT_ID_KEY_RE.test(before) || (options.uuidsAreEventIds && !KMS_KEY_CONTEXT_RE.test(before))) {
      const id = match[0].toLowerCase();
      add({ kind: 'event-id', value: id, label: 'event', attribute: 'EventId', lookupValues: [id], start, end, priority: 50 });
    } else if (KMS_KEY_CONTEXT_RE.test(before)) {
      add({ kind: 'resource-id', value: match[0], resourceType: 'AWS::KMS::Key', service: 'kms', label: 'KMS key', attribute: 'ResourceName', lookupValues: [match[0]], start, end, priority: 50 });
    }
  }

  for (const match of line.matchAll(ALIAS_RE)) {
    if (match.index === undefined || match[0] === 'alias/') continue;
    add({ kind: 'name', value: match[0], resourceType: 'AWS::KMS::Key', service: 'kms', label: 'KMS alias', attribute: 'ResourceName', lookupValues: [match[0]], start: lineStart + match.index, end: lineStart + match.index + match[0].length, priority: 45 });
  }

  for (const match of line.matchAll(S3_URI_RE)) {
    if (match.index === undefined) continue;
    const start = lineStart + match.index;
    add(bucketCandidate(match[1], start, start + match[0].length, 90));
  }
  for (const match of line.matchAll(S3_VHOST_RE)) {
    if (match.index === undefined) continue;
    const start = lineStart + match.index;
    const region = match[2] && REGION_RE.test(match[2]) ? match[2] : undefined;
    add(bucketCandidate(match[1], start, start + match[0].length, 85, region));
  }
  for (const match of line.matchAll(S3_PATH_RE)) {
    if (match.index === undefined) continue;
    const start = lineStart + match.index;
    const region = match[1] && REGION_RE.test(match[1]) ? match[1] : undefined;
    add(bucketCandidate(match[2], start, start + match[0].length, 85, region));
  }
  for (const match of line.matchAll(SQS_URL_RE)) {
    if (match.index === undefined || !REGION_RE.test(match[1])) continue;
    const [url, region, account, queue] = match;
    const arn = `arn:aws:sqs:${region}:${account}:${queue}`;
    const start = lineStart + match.index;
    add({ kind: 'resource-id', value: url, resourceType: 'AWS::SQS::Queue', service: 'sqs', region, account, partition: 'aws', label: 'SQS queue', attribute: 'ResourceName', lookupValues: [arn, queue], start, end: start + url.length, priority: 95 });
  }

  // Names after a key that says what they are (`RoleName: deploy`), and Terraform `name = "…"` inside a typed block.
  let terraformType: string | null | undefined = null; // null: not computed yet
  for (const match of line.matchAll(KEY_VALUE_RE)) {
    if (match.index === undefined) continue;
    const [, key, separator, open, value, close] = match;
    const quoted = open !== '' && open === close;
    if (open !== close) continue;
    if (!quoted && (separator === '=' || options.unquotedValues === false)) continue;
    const valueStart = lineStart + match.index + match[0].length - close.length - value.length;
    const normalised = normaliseKey(key);
    let known = NAME_KEYS[normalised];
    if (separator === '=' && !known) {
      if (terraformType === null) terraformType = enclosingTerraformType(text, lineStart);
      const block = terraformType ? TERRAFORM_NAME_ATTRIBUTES[terraformType] : undefined;
      if (block && block[0] === key) known = [block[1], block[2], block[3]];
    }
    if (known) add(namedCandidate(key, value, valueStart, known));
  }
  return out;
}

/** Drops candidates that overlap a better one (higher priority, then longer, then earlier). */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const ranked = [...candidates].sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const candidate of ranked) {
    if (kept.some((other) => candidate.start < other.end && other.start < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function strip(candidate: Candidate): Recognised {
  const { priority: _priority, ...recognised } = candidate;
  return recognised;
}

/**
 * Every AWS identifier in `text`, in order; with `options.offset`, only those under the offset
 * (at most one per position after overlaps are resolved, the most specific first).
 */
export function recognise(text: string, options: RecogniseOptions = {}): Recognised[] {
  if (text.length === 0) return [];
  if (options.offset !== undefined) {
    const offset = Math.max(0, Math.min(text.length, options.offset));
    const { start, end } = lineBounds(text, offset);
    const candidates = scanLine(text, start, end, options).filter((candidate) => candidate.start <= offset && offset <= candidate.end);
    return resolveOverlaps(candidates).map(strip);
  }
  const out: Candidate[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    out.push(...scanLine(text, lineStart, contentEnd, options));
    lineStart = lineEnd + 1;
  }
  return resolveOverlaps(out).map(strip);
}

/** The region where events about `resource` are: its own (ARN), else the global region for global services. */
export function homeRegionOf(resource: Pick<Recognised, 'region' | 'global' | 'partition'>): string | undefined {
  if (resource.region) return resource.region;
  return resource.global ? globalRegionOf(resource.partition) : undefined;
}
