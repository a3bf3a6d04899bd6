/**
 * The event query model: what a user can ask of CloudTrail Event history, from the panel, the CLI
 * or a command. It is richer than what LookupEvents accepts (one attribute per call): the planner
 * (planner.ts) decides which part goes to AWS and which part the client applies (filter.ts).
 *
 * Everything here is plain data (JSON-serialisable) so that it can cross the webview boundary, and
 * `parseEventQuery` validates it when it comes from an untrusted side.
 */

/** The eight LookupEvents attributes, in the order AWS documents them. */
export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export const TIME_PRESETS = ['15m', '1h', '24h', '7d', '30d', '90d'] as const;
export type TimePreset = (typeof TIME_PRESETS)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** CloudTrail Event history keeps 90 days; LookupEvents cannot see further back. */
export const EVENT_HISTORY_MS = 90 * DAY;

export const PRESET_MS: Readonly<Record<TimePreset, number>> = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
};

/** A preset relative to `now`, or a custom range in epoch milliseconds (either end may be left open). */
export type TimeRange = { preset: TimePreset } | { start?: number; end?: number };

/**
 * One search. Attribute values within one attribute are alternatives (OR); different attributes
 * and the local filters all have to hold (AND).
 */
export interface EventQuery {
  time?: TimeRange;
  /** LookupEvents attributes; several values for one attribute mean "any of them". */
  attributes?: Partial<Record<LookupAttributeKey, string[]>>;
  /** Only failed calls (records with an errorCode). */
  errorsOnly?: boolean;
  /** Only these error codes (case-insensitive; `*` is a wildcard: `AccessDenied*`, `*UnauthorizedOperation`). Implies errorsOnly. */
  errorCodes?: string[];
  /** sourceIPAddress: exact addresses, CIDR blocks (IPv4 or IPv6), or names such as `AWS Internal` / `ec2.amazonaws.com`. */
  sourceIps?: string[];
  /** userAgent contains this (case-insensitive). */
  userAgent?: string;
  /** Read-only or write calls: the same constraint as the ReadOnly attribute (the planner combines both). */
  access?: 'read' | 'write';
  /** Case-insensitive text anywhere in the record's values. */
  text?: string;
  /** Insights events (EventCategory=insight) instead of management events. */
  insights?: boolean;
  /** Only events with a risk flag at this level or above; `true` means `medium`. */
  riskyOnly?: boolean | RiskLevel;
  /** Stop after this many matching events. */
  limit?: number;
}

export interface ResolvedRange {
  /** Epoch milliseconds, inclusive. */
  start: number;
  end: number;
  preset?: TimePreset;
  /** Something was moved into the 90-day window (see `warnings`). */
  clamped: boolean;
  /** The range lies entirely outside Event history: nothing can match. */
  empty: boolean;
  warnings: string[];
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/**
 * Turns a time range into absolute epoch-millisecond bounds inside Event history: [now - 90 days, now].
 * No range means the whole 90 days. Open ends take the window's edges. A reversed range is swapped.
 */
export function resolveTimeRange(time: TimeRange | undefined, now: number): ResolvedRange {
  const floor = now - EVENT_HISTORY_MS;
  const warnings: string[] = [];
  if (time && 'preset' in time) {
    return { start: now - PRESET_MS[time.preset], end: now, preset: time.preset, clamped: false, empty: false, warnings };
  }
  let start = time?.start ?? floor;
  let end = time?.end ?? now;
  if (!Number.isFinite(start)) start = floor;
  if (!Number.isFinite(end)) end = now;
  if (start > end) {
    [start, end] = [end, start];
    warnings.push('The start was after the end: the range was swapped.');
  }
  let clamped = false;
  if (end < floor || start > now) {
    const side = end < floor ? 'older than the 90 days of Event history' : 'in the future';
    warnings.push(`The whole range (${iso(start)} – ${iso(end)}) is ${side}: LookupEvents cannot return anything. Query a trail's S3 logs or CloudTrail Lake instead.`);
    return { start: Math.max(start, floor), end: Math.min(end, now), clamped: true, empty: true, warnings };
  }
  if (start < floor) {
    warnings.push(`Event history keeps 90 days: the start moved from ${iso(start)} to ${iso(floor)}.`);
    start = floor;
    clamped = true;
  }
  if (end > now) {
    warnings.push(`The end was in the future: it moved to now (${iso(now)}).`);
    end = now;
    clamped = true;
  }
  return { start, end, clamped, empty: false, warnings };
}

// ---------------------------------------------------------------------------------------------
// Normalisation and validation

export const MAX_VALUES_PER_ATTRIBUTE = 64;
export const MAX_VALUE_LENGTH = 2048;
export const MAX_QUERY_LIMIT = 100_000;

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

/** Event sources are host names; `s3` is accepted for `s3.amazonaws.com`. */
export function normalizeEventSource(value: string): string {
  const v = value.trim().toLowerCase();
  return /^[a-z0-9-]+$/.test(v) ? `${v}.amazonaws.com` : v;
}

function normalizeAttributeValue(key: LookupAttributeKey, value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  switch (key) {
    case 'EventSource':
      return normalizeEventSource(v);
    case 'ReadOnly': {
      const lower = v.toLowerCase();
      return lower === 'true' || lower === 'read' ? 'true' : lower === 'false' || lower === 'write' ? 'false' : undefined;
    }
    case 'EventId':
      return v.toLowerCase();
    case 'AccessKeyId':
      return v.toUpperCase();
    default:
      return v;
  }
}

/**
 * A query in its canonical form: trimmed, empty values dropped, duplicates removed, EventSource
 * names completed, ReadOnly values spelled `true`/`false`, `errorCodes` implying errorsOnly,
 * `riskyOnly: true` spelled `medium`. Idempotent.
 */
export function normalizeQuery(query: EventQuery): EventQuery {
  const attributes: Partial<Record<LookupAttributeKey, string[]>> = {};
  for (const key of LOOKUP_ATTRIBUTE_KEYS) {
    const values = query.attributes?.[key];
    if (!values) continue;
    const clean = uniq(values.map((value) => normalizeAttributeValue(key, value)).filter((value): value is string => value !== undefined));
    if (clean.length > 0) attributes[key] = clean;
  }
  const out: EventQuery = {};
  if (query.time) out.time = query.time;
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  if (query.access === 'read' || query.access === 'write') out.access = query.access;
  const errorCodes = uniq((query.errorCodes ?? []).map((code) => code.trim()).filter((code) => code !== ''));
  if (errorCodes.length > 0) out.errorCodes = errorCodes;
  if (query.errorsOnly || errorCodes.length > 0) out.errorsOnly = true;
  const ips = uniq((query.sourceIps ?? []).map((ip) => ip.trim()).filter((ip) => ip !== ''));
  if (ips.length > 0) out.sourceIps = ips;
  const userAgent = query.userAgent?.trim();
  if (userAgent) out.userAgent = userAgent;
  const text = query.text?.trim();
  if (text) out.text = text;
  if (query.insights) out.insights = true;
  if (query.riskyOnly) out.riskyOnly = query.riskyOnly === true ? 'medium' : query.riskyOnly;
  if (query.limit !== undefined) out.limit = query.limit;
  return out;
}

// Validation of untrusted input (the webview, a CLI argument file): throws an Error saying what was wrong.

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shortString(value: unknown, what: string, max = MAX_VALUE_LENGTH): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string`);
  if (value.length > max) throw new Error(`${what}: longer than ${max} characters`);
  return value;
}

function stringOrList(value: unknown, what: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw new Error(`${what}: expected a string or a list of strings`);
  if (list.length > MAX_VALUES_PER_ATTRIBUTE) throw new Error(`${what}: at most ${MAX_VALUES_PER_ATTRIBUTE} values`);
  return list.map((item, index) => shortString(item, `${what}[${index}]`));
}

/** An epoch-millisecond number or an ISO 8601 text. */
function instant(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length <= 64) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new Error(`${what}: expected epoch milliseconds or an ISO 8601 time`);
}

function parseTimeRange(value: unknown): TimeRange | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Error('time: expected an object');
  if ('preset' in value) {
    const preset = value.preset;
    if (typeof preset !== 'string' || !(TIME_PRESETS as readonly string[]).includes(preset)) throw new Error(`time.preset: one of ${TIME_PRESETS.join(', ')}`);
    return { preset: preset as TimePreset };
  }
  const start = instant(value.start, 'time.start');
  const end = instant(value.end, 'time.end');
  const range: { start?: number; end?: number } = {};
  if (start !== undefined) range.start = start;
  if (end !== undefined) range.end = end;
  return range;
}

function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${what}: expected true or false`);
  return value;
}

/** Validates a query from an untrusted side and returns it normalised. Unknown keys are an error. */
export function parseEventQuery(value: unknown): EventQuery {
  if (!isObject(value)) throw new Error('query: expected an object');
  const known = new Set(['time', 'attributes', 'errorsOnly', 'errorCodes', 'sourceIps', 'userAgent', 'access', 'text', 'insights', 'riskyOnly', 'limit']);
  for (const key of Object.keys(value)) if (!known.has(key)) throw new Error(`query: unknown key ${JSON.stringify(key.slice(0, 40))}`);
  const query: EventQuery = {};
  const time = parseTimeRange(value.time);
  if (time) query.time = time;
  if (value.attributes !== undefined && value.attributes !== null) {
    if (!isObject(value.attributes)) throw new Error('attributes: expected an object');
    const attributes: Partial<Record<LookupAttributeKey, string[]>> = {};
    for (const [key, item] of Object.entries(value.attributes)) {
      if (!(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) throw new Error(`attributes: unknown key ${JSON.stringify(key.slice(0, 40))}`);
      const values = stringOrList(item, `attributes.${key}`);
      if (key === 'ReadOnly' && values.some((v) => !/^\s*(true|false|read|write)?\s*$/i.test(v))) throw new Error('attributes.ReadOnly: expected true or false');
      attributes[key as LookupAttributeKey] = values;
    }
    query.attributes = attributes;
  }
  const errorsOnly = optionalBoolean(value.errorsOnly, 'errorsOnly');
  if (errorsOnly !== undefined) query.errorsOnly = errorsOnly;
  if (value.errorCodes !== undefined) query.errorCodes = stringOrList(value.errorCodes, 'errorCodes');
  if (value.sourceIps !== undefined) query.sourceIps = stringOrList(value.sourceIps, 'sourceIps');
  if (value.userAgent !== undefined) query.userAgent = shortString(value.userAgent, 'userAgent');
  if (value.text !== undefined) query.text = shortString(value.text, 'text');
  if (value.access !== undefined) {
    if (value.access !== 'read' && value.access !== 'write') throw new Error('access: expected "read" or "write"');
    query.access = value.access;
  }
  const insights = optionalBoolean(value.insights, 'insights');
  if (insights !== undefined) query.insights = insights;
  if (value.riskyOnly !== undefined) {
    const risky = value.riskyOnly;
    if (typeof risky !== 'boolean' && !(typeof risky === 'string' && (RISK_LEVELS as readonly string[]).includes(risky))) {
      throw new Error(`riskyOnly: expected true, false or one of ${RISK_LEVELS.join(', ')}`);
    }
    query.riskyOnly = risky as boolean | RiskLevel;
  }
  if (value.limit !== undefined) {
    const limit = value.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) throw new Error(`limit: an integer from 1 to ${MAX_QUERY_LIMIT}`);
    query.limit = limit;
  }
  return normalizeQuery(query);
}
