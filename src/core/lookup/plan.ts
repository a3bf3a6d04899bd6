/**
 * What a lookup asks of LookupEvents, and what it does with the answers — pure:
 *
 *  - `planLookup`: one attribute (LookupEvents takes one per call), the values to try (an ARN and
 *    the name it carries are separate streams), the regions (the resource's own; the active
 *    region plus us-east-1 for global services such as IAM), and notes for the user (another
 *    account's ARN, another region).
 *  - `toLookupItem`: an event of a LookupEvents page → row + record (the record is parsed once).
 *  - `isWriteEvent`: ReadOnly=false, decided locally (the server-side attribute is ResourceName).
 *  - `mergeNewestFirst`: one list from several streams, deduplicated, newest first.
 */
import { parseRecord, toRow, type CloudTrailRecord, type EventRow } from '../events/record';
import type { LookupAttributeKey } from '../events/query';
import { homeRegionOf, type Recognised } from './recognise';
import { arnOfNamed, globalRegionOf } from './resource-types';

export interface LookupTargetRef {
  readonly profile: string;
  readonly region: string;
}

/** The palette lookups; `resource` is also what "Who Changed This?" records. */
export type LookupKind = 'resource' | 'user' | 'accessKey' | 'eventId' | 'eventName';

export const LOOKUP_KIND_ATTRIBUTE: Readonly<Record<LookupKind, LookupAttributeKey>> = {
  resource: 'ResourceName',
  user: 'Username',
  accessKey: 'AccessKeyId',
  eventId: 'EventId',
  eventName: 'EventName',
};

export interface LookupPlan {
  readonly attribute: LookupAttributeKey;
  /** The value shown and recorded (the ARN, the id, the name as the user gave it). */
  readonly value: string;
  /** One LookupEvents stream per value and region: alternatives (OR). At most two. */
  readonly values: readonly string[];
  readonly regions: readonly string[];
  /** Keep only write events (ReadOnly=false), applied locally. */
  readonly writesOnly: boolean;
  readonly resourceType?: string;
  /** "security group sg-0123…", "user alice". */
  readonly subject: string;
  /** Facts the user should know about the scope (another account, another region, global service). */
  readonly notes: readonly string[];
}

export interface PlanOptions {
  /** The active profile's account, when known (for the "another account" note and for ARNs of names). */
  readonly account?: string;
  readonly writesOnly?: boolean;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}

function short(value: string, max = 60): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** The plan for a recognised identifier (a resource, or an access key / event id / principal). */
export function planForRecognised(resource: Recognised, active: LookupTargetRef, options: PlanOptions = {}): LookupPlan {
  const notes: string[] = [];
  const home = homeRegionOf(resource);
  let regions: string[];
  if (resource.region) {
    regions = [resource.region];
    if (resource.region !== active.region) notes.push(`The ARN names region ${resource.region}: looking there, not in ${active.region}.`);
  } else if (resource.global) {
    const globalRegion = home ?? globalRegionOf(resource.partition);
    regions = unique([active.region, globalRegion]);
    notes.push(`${resource.service === 'iam' ? 'IAM' : (resource.service ?? 'This service')} is a global service: its events are recorded in ${globalRegion}.`);
  } else {
    regions = [active.region];
  }
  if (resource.account && options.account && resource.account !== options.account) {
    notes.push(`The ARN belongs to account ${resource.account}, but profile ${active.profile} is account ${options.account}: event history only holds the profile's own account.`);
  }
  let values = [...resource.lookupValues];
  // A name whose events may list its ARN: add the ARN when the account is known.
  if (resource.kind === 'name' && resource.resourceType && values.length === 1) {
    const arn = arnOfNamed(resource.resourceType, resource.value, { partition: resource.partition, region: regions[0], account: resource.account ?? options.account });
    if (arn) values.push(arn);
  }
  values = unique(values).slice(0, 2);
  const attribute: LookupAttributeKey = resource.attribute;
  return {
    attribute,
    value: resource.value,
    values,
    regions,
    writesOnly: options.writesOnly ?? attribute === 'ResourceName',
    resourceType: resource.resourceType,
    subject: `${resource.label} ${short(resource.value)}`,
    notes,
  };
}

/** The plan for a palette lookup of a validated value. */
export function planForValue(kind: LookupKind, value: string, active: LookupTargetRef, options: PlanOptions = {}): LookupPlan {
  const attribute = LOOKUP_KIND_ATTRIBUTE[kind];
  const subjects: Record<LookupKind, string> = { resource: 'resource', user: 'user', accessKey: 'access key', eventId: 'event', eventName: 'event name' };
  return {
    attribute,
    value,
    values: [value],
    regions: [active.region],
    writesOnly: options.writesOnly ?? false,
    subject: `${subjects[kind]} ${short(value)}`,
    notes: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Events

/** The fields of a LookupEvents `Event` this module reads (the SDK's shape, without the SDK). */
export interface LookupEventLike {
  readonly EventId?: string;
  readonly EventName?: string;
  readonly ReadOnly?: string;
  readonly AccessKeyId?: string;
  readonly EventTime?: Date | number | string;
  readonly EventSource?: string;
  readonly Username?: string;
  readonly Resources?: readonly { readonly ResourceType?: string; readonly ResourceName?: string }[];
  readonly CloudTrailEvent?: string;
}

export interface LookupItem {
  readonly row: EventRow;
  readonly record: CloudTrailRecord;
  /** The region of the stream it came from (event ids are unique per region). */
  readonly region: string;
  /** LookupEvents' own ReadOnly ("true"/"false"), when given. */
  readonly readOnly?: string;
}

function eventTimeIso(time: LookupEventLike['EventTime']): string | undefined {
  if (time instanceof Date) return Number.isFinite(time.getTime()) ? time.toISOString() : undefined;
  if (typeof time === 'number' && Number.isFinite(time)) return new Date(time < 1e11 ? time * 1000 : time).toISOString();
  if (typeof time === 'string') return time;
  return undefined;
}

/**
 * An event of a LookupEvents page as a row and a record. A missing or malformed CloudTrailEvent
 * still gives an item, built from the event's own fields: one odd event never loses a page.
 */
export function toLookupItem(event: LookupEventLike, region: string): LookupItem {
  const parsed = event.CloudTrailEvent ? parseRecord(event.CloudTrailEvent) : undefined;
  const record: CloudTrailRecord =
    parsed && 'record' in parsed
      ? parsed.record
      : {
          eventID: event.EventId,
          eventName: event.EventName,
          eventSource: event.EventSource,
          eventTime: eventTimeIso(event.EventTime),
          awsRegion: region,
          readOnly: event.ReadOnly,
        };
  const resources = (event.Resources ?? [])
    .filter((resource) => typeof resource.ResourceName === 'string' && resource.ResourceName !== '')
    .map((resource) => ({ type: resource.ResourceType || undefined, name: resource.ResourceName as string }));
  const row = toRow(record, { eventId: event.EventId, username: event.Username, resources, accessKeyId: event.AccessKeyId });
  if (!row.region) row.region = region;
  if (!row.time) {
    const iso = eventTimeIso(event.EventTime);
    row.time = iso ? Date.parse(iso) || 0 : 0;
  }
  if (!row.eventName && event.EventName) row.eventName = event.EventName;
  return { row, record, region, readOnly: event.ReadOnly };
}

const READ_PREFIXES = /^(Get|Describe|List|Head|Lookup|BatchGet|Search|Scan|Query|Select|Preview|Estimate|Validate|Check|View|Test|Detect|Decrypt|Verify|Generate(Data|Random|Mac)|AssumeRole|Is[A-Z])/;

/**
 * A write (ReadOnly=false): LookupEvents' ReadOnly when given, else the record's `readOnly`, else
 * the event name (Get/Describe/List… read). Unknown counts as a write: better one event too many
 * in "who changed this?" than a missing change.
 */
export function isWriteEvent(item: Pick<LookupItem, 'row' | 'readOnly'>): boolean {
  if (item.readOnly === 'false') return true;
  if (item.readOnly === 'true') return false;
  if (item.row.readOnly !== undefined) return !item.row.readOnly;
  if (item.row.category === 'insight') return false;
  return !READ_PREFIXES.test(item.row.eventName);
}

function itemKey(item: LookupItem): string {
  return `${item.region}\u0000${item.row.eventId || `${item.row.time}:${item.row.eventName}`}`;
}

/** Items of several streams as one list: deduplicated (region + event id), newest first, then by event id. */
export function mergeNewestFirst<T extends LookupItem>(items: Iterable<T>, limit = Infinity): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = itemKey(item);
    if (!seen.has(key)) seen.set(key, item);
  }
  const sorted = [...seen.values()].sort((a, b) => b.row.time - a.row.time || (a.row.eventId < b.row.eventId ? -1 : a.row.eventId > b.row.eventId ? 1 : 0));
  return Number.isFinite(limit) ? sorted.slice(0, Math.max(0, limit)) : sorted;
}
