/**
 * The query planner. LookupEvents accepts ONE lookup attribute per call (plus a time range and an
 * optional EventCategory), so a query with several constraints is split:
 *
 *  - the most selective attribute goes to AWS (fewest events to page through at 2 requests/second);
 *  - everything else is applied to each returned event by the client (filter.ts).
 *
 * Selectivity is estimated from the attribute and the value's shape (an EventId names one event, a
 * temporary ASIA… key one session, an ARN one resource, a `Describe*` name is high-volume, …) and
 * from the number of values: several values for the server attribute fan out into one LookupEvents
 * stream per value (results deduplicated by event id), which costs at least one request each. The
 * planner compares estimated request counts, so three user names may lose to one event name over a
 * day but win over 90 days. Ties keep the documented order
 * EventId > AccessKeyId > ResourceName > Username > EventName > ResourceType > EventSource > ReadOnly.
 *
 * The plan is plain data: the panel shows which filter went to the server and why.
 */
import {
  LOOKUP_ATTRIBUTE_KEYS,
  normalizeQuery,
  resolveTimeRange,
  type EventQuery,
  type LookupAttributeKey,
  type ResolvedRange,
  type RiskLevel,
} from './query';

/** One filter the client applies to each event. Plain data; filter.ts compiles it. */
export type LocalFilter =
  | { kind: 'attribute'; attribute: LookupAttributeKey; values: string[] }
  | { kind: 'errors'; codes: string[] }
  | { kind: 'sourceIp'; values: string[] }
  | { kind: 'userAgent'; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'category'; category: 'insight' }
  | { kind: 'time'; start: number; end: number }
  | { kind: 'risk'; minLevel: RiskLevel };

export interface PlannedFilter {
  filter: LocalFilter;
  /** What the panel shows, e.g. `User agent contains “aws-cli”`. */
  label: string;
  /** Why it is applied on this side. */
  reason: string;
}

/** One LookupEvents call (before paging). Times are epoch milliseconds; src/aws turns them into Dates. */
export interface LookupCall {
  lookupAttributes: Array<{ AttributeKey: LookupAttributeKey; AttributeValue: string }>;
  startTime: number;
  endTime: number;
  eventCategory?: 'insight';
}

export interface AttributeCandidate {
  attribute: LookupAttributeKey;
  values: string[];
  /** Estimated share of all events one value matches (0–1). */
  share: number;
  /** Estimated LookupEvents requests if this attribute went to the server. */
  estimatedRequests: number;
  why: string;
  /** Set when the attribute cannot go to the server (too many values). */
  excluded?: string;
}

export interface QueryPlan {
  /** The normalised query the plan was made from. */
  query: EventQuery;
  range: ResolvedRange;
  /** The attribute sent to LookupEvents, or null when every call is unfiltered. */
  server: { attribute: LookupAttributeKey; values: string[]; reason: string } | null;
  eventCategory?: 'insight';
  /** One call per server value (fan-out); none when the query cannot match anything. */
  calls: LookupCall[];
  /** Results of several calls overlap: deduplicate by event id. */
  dedupe: boolean;
  /** Filters the client applies, cheapest first. */
  local: PlannedFilter[];
  /** The attributes considered, best first. */
  candidates: AttributeCandidate[];
  explanation: string[];
  warnings: string[];
  /** Set when nothing can match; `calls` is then empty. */
  impossible?: string;
  limit?: number;
}

export interface PlanOptions {
  /** The clock: "now" for presets and the 90-day window. */
  now: number;
  /** Most LookupEvents streams one attribute may fan out into (default 5). */
  maxFanOut?: number;
  /** Assumed management events per day and region, for request estimates (default 20,000). */
  eventsPerDay?: number;
}

const PAGE = 50;
const DAY = 86_400_000;

/** Tie-break order (most selective first), as documented. */
const RANK: readonly LookupAttributeKey[] = ['EventId', 'AccessKeyId', 'ResourceName', 'Username', 'EventName', 'ResourceType', 'EventSource', 'ReadOnly'];

const HIGH_VOLUME_EVENT = /^(Describe|List|Get|Head|Lookup|Search|Query|Scan|BatchGet|Decrypt|Encrypt|GenerateDataKey|Assume|Select)/;

/** Rough share of events one value of the attribute matches, with the reason shown to the user. */
export function estimateShare(attribute: LookupAttributeKey, value: string): { share: number; why: string } {
  switch (attribute) {
    case 'EventId':
      return { share: 1e-7, why: 'an event id names a single event' };
    case 'AccessKeyId':
      return /^ASIA/.test(value)
        ? { share: 1e-5, why: 'a temporary (ASIA…) access key belongs to one session' }
        : { share: 1e-4, why: /^AKIA/.test(value) ? 'a long-term (AKIA…) access key belongs to one IAM user' : 'an access key belongs to one principal' };
    case 'ResourceName':
      return value.startsWith('arn:') ? { share: 2e-4, why: 'an ARN names exactly one resource' } : { share: 5e-4, why: 'a resource name matches the calls on one resource' };
    case 'Username':
      return { share: 1e-3, why: "a user name matches one principal's calls" };
    case 'EventName':
      return HIGH_VOLUME_EVENT.test(value)
        ? { share: 2e-2, why: `${value} looks like a high-volume read API` }
        : { share: 5e-3, why: 'an event name matches the calls of one API' };
    case 'ResourceType':
      return { share: 3e-2, why: 'a resource type matches every resource of that kind' };
    case 'EventSource':
      return { share: 1e-1, why: "an event source matches a whole service's calls" };
    case 'ReadOnly':
      return value === 'false' ? { share: 0.25, why: 'write calls are about a quarter of management events' } : { share: 0.75, why: 'read-only calls are most management events' };
  }
}

function quote(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `“${short}”`;
}

function list(values: string[]): string {
  return values.length === 1 ? quote(values[0] ?? '') : `any of ${values.map(quote).join(', ')}`;
}

export function describeFilter(filter: LocalFilter): string {
  switch (filter.kind) {
    case 'attribute':
      if (filter.attribute === 'ReadOnly') return filter.values.length === 1 ? (filter.values[0] === 'true' ? 'Read-only calls' : 'Write calls') : 'Read-only or write calls';
      return `${filter.attribute} is ${list(filter.values)}`;
    case 'errors':
      return filter.codes.length === 0 ? 'Failed calls only' : `Error code is ${list(filter.codes)}`;
    case 'sourceIp':
      return `Source IP is ${list(filter.values)}`;
    case 'userAgent':
      return `User agent contains ${quote(filter.value)}`;
    case 'text':
      return `Text ${quote(filter.value)} anywhere in the event`;
    case 'category':
      return 'Insights events';
    case 'time':
      return `Between ${new Date(filter.start).toISOString()} and ${new Date(filter.end).toISOString()}`;
    case 'risk':
      return filter.minLevel === 'low' ? 'Flagged events only' : `Risk ${filter.minLevel} or higher`;
  }
}

/** Relative cost of checking a filter on one event: cheap equality first, the whole-record text search last. */
const COST: Record<LocalFilter['kind'], number> = { time: 0, category: 1, attribute: 2, errors: 3, sourceIp: 4, userAgent: 5, risk: 6, text: 7 };

function localReason(filter: LocalFilter, server: LookupAttributeKey | null): string {
  switch (filter.kind) {
    case 'attribute':
      return server
        ? `LookupEvents takes one attribute per call and ${server} was estimated more selective; checked on each returned event.`
        : 'Checked on each returned event (no attribute went to LookupEvents).';
    case 'errors':
      return 'LookupEvents cannot filter by error; checked on each returned event.';
    case 'sourceIp':
      return 'LookupEvents cannot filter by source IP; checked on each returned event (exact addresses and CIDR blocks).';
    case 'userAgent':
      return 'LookupEvents cannot filter by user agent; substring match on each returned event.';
    case 'text':
      return 'Free text is searched in every value of each returned record (case-insensitive).';
    case 'category':
      return 'Insights only.';
    case 'time':
      return 'Time range.';
    case 'risk':
      return 'Risk flags are computed by CloudTrail Lens on each returned event.';
  }
}

function attributeFilters(query: EventQuery): { attributes: Array<[LookupAttributeKey, string[]]>; contradiction?: string } {
  const out: Array<[LookupAttributeKey, string[]]> = [];
  let contradiction: string | undefined;
  for (const key of LOOKUP_ATTRIBUTE_KEYS) {
    let values = query.attributes?.[key];
    if (key === 'ReadOnly' && query.access) {
      const wanted = query.access === 'read' ? 'true' : 'false';
      values = values ? values.filter((value) => value === wanted) : [wanted];
      if (values.length === 0) contradiction = `ReadOnly ${query.attributes?.ReadOnly?.join('/') ?? ''} contradicts "${query.access}" calls.`;
    }
    if (values && values.length > 0) out.push([key, values]);
  }
  // Asking for both read-only and write calls is no constraint at all.
  return { attributes: out.filter(([key, values]) => !(key === 'ReadOnly' && values.includes('true') && values.includes('false'))), contradiction };
}

/** Makes the plan for a query. Pure: the clock comes in through `options.now`. */
export function planQuery(input: EventQuery, options: PlanOptions): QueryPlan {
  const query = normalizeQuery(input);
  const maxFanOut = Math.max(1, options.maxFanOut ?? 5);
  const range = resolveTimeRange(query.time, options.now);
  const days = Math.max((range.end - range.start) / DAY, 1 / 96);
  const total = (options.eventsPerDay ?? 20_000) * days;
  const explanation: string[] = [];
  const warnings = [...range.warnings];
  const eventCategory = query.insights ? ('insight' as const) : undefined;

  const { attributes, contradiction } = attributeFilters(query);
  const unfilteredRequests = 1 + total / PAGE;
  const candidates: AttributeCandidate[] = attributes.map(([attribute, values]) => {
    const estimates = values.map((value) => estimateShare(attribute, value));
    const share = Math.max(...estimates.map((estimate) => estimate.share));
    const estimatedRequests = estimates.reduce((sum, estimate) => sum + 1 + Math.ceil((estimate.share * total) / PAGE), 0);
    const candidate: AttributeCandidate = { attribute, values, share, estimatedRequests, why: estimates[0]?.why ?? '' };
    if (values.length > maxFanOut) candidate.excluded = `${values.length} values would need ${values.length} LookupEvents streams (at most ${maxFanOut})`;
    return candidate;
  });
  candidates.sort((a, b) => (a.excluded ? 1 : 0) - (b.excluded ? 1 : 0) || a.estimatedRequests - b.estimatedRequests || RANK.indexOf(a.attribute) - RANK.indexOf(b.attribute));
  const chosen = candidates.find((candidate) => !candidate.excluded && candidate.estimatedRequests < unfilteredRequests);

  let server: QueryPlan['server'] = null;
  if (chosen) {
    const fan = chosen.values.length > 1 ? ` ${chosen.values.length} values: one LookupEvents stream each, results merged and deduplicated by event id.` : '';
    const others = candidates.filter((candidate) => candidate !== chosen).map((candidate) => candidate.attribute);
    const beats = others.length > 0 ? ` More selective than ${others.join(', ')}.` : '';
    server = { attribute: chosen.attribute, values: chosen.values, reason: `${chosen.attribute} goes to LookupEvents: ${chosen.why}.${beats}${fan}` };
    explanation.push(server.reason);
  } else if (candidates.length > 0) {
    explanation.push('No attribute goes to LookupEvents (none narrows the search enough, or too many values): every event in the range is fetched and filtered locally.');
  } else {
    explanation.push('No lookup attribute: every event in the range is fetched' + (query.insights ? ' (Insights).' : '.'));
  }
  for (const candidate of candidates) {
    if (candidate.excluded && candidate !== chosen) explanation.push(`${candidate.attribute} is applied locally: ${candidate.excluded}.`);
  }
  if (eventCategory) explanation.push('Insights: LookupEvents is asked for EventCategory=insight (Insights events are never returned otherwise).');

  const local: LocalFilter[] = [];
  for (const [attribute, values] of attributes) {
    if (attribute !== server?.attribute) local.push({ kind: 'attribute', attribute, values });
  }
  if (query.errorsOnly) local.push({ kind: 'errors', codes: query.errorCodes ?? [] });
  if (query.sourceIps) local.push({ kind: 'sourceIp', values: query.sourceIps });
  if (query.userAgent) local.push({ kind: 'userAgent', value: query.userAgent });
  if (query.riskyOnly) local.push({ kind: 'risk', minLevel: query.riskyOnly === true ? 'medium' : query.riskyOnly });
  if (query.text) local.push({ kind: 'text', value: query.text });
  local.sort((a, b) => COST[a.kind] - COST[b.kind]);
  const planned = local.map((filter) => ({ filter, label: describeFilter(filter), reason: localReason(filter, server?.attribute ?? null) }));
  if (planned.length > 0) explanation.push(`Applied locally: ${planned.map((item) => item.label).join('; ')}.`);

  const impossible = range.empty ? range.warnings[range.warnings.length - 1] : contradiction;
  const call = (lookupAttributes: LookupCall['lookupAttributes']): LookupCall => {
    const item: LookupCall = { lookupAttributes, startTime: range.start, endTime: range.end };
    if (eventCategory) item.eventCategory = eventCategory;
    return item;
  };
  const calls = impossible ? [] : server ? server.values.map((value) => call([{ AttributeKey: server.attribute, AttributeValue: value }])) : [call([])];
  if (impossible) explanation.unshift(`Nothing can match: ${impossible}`);

  const plan: QueryPlan = { query, range, server, calls, dedupe: calls.length > 1, local: planned, candidates, explanation, warnings };
  if (eventCategory) plan.eventCategory = eventCategory;
  if (impossible) plan.impossible = impossible;
  if (query.limit !== undefined) plan.limit = query.limit;
  return plan;
}

/**
 * The filters that LookupEvents applied (server attribute, time range, Insights category), as local
 * filters: for running a plan over events that did not come from LookupEvents (an S3 log file, an
 * export, a test), where nothing was filtered yet.
 */
export function serverSideFilters(plan: QueryPlan): LocalFilter[] {
  const out: LocalFilter[] = [{ kind: 'time', start: plan.range.start, end: plan.range.end }];
  if (plan.eventCategory) out.push({ kind: 'category', category: plan.eventCategory });
  if (plan.server) out.push({ kind: 'attribute', attribute: plan.server.attribute, values: plan.server.values });
  return out;
}

/** One line for the panel: `AWS: EventName = “DeleteTrail” · Local: Failed calls only; …`. */
export function summarizePlan(plan: QueryPlan): string {
  if (plan.impossible) return `Nothing can match: ${plan.impossible}`;
  const server = plan.server ? `AWS: ${plan.server.attribute} = ${plan.server.values.map(quote).join(' | ')}` : 'AWS: all events in range';
  const category = plan.eventCategory ? ' (Insights)' : '';
  const local = plan.local.length > 0 ? ` · Local: ${plan.local.map((item) => item.label).join('; ')}` : '';
  return `${server}${category}${local}`;
}
