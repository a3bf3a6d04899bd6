/**
 * From a dataset description (accounts, keys, trails, event sets) to what the endpoint serves: events placed
 * in the last 90 days and indexed per (account, region), newest first. Pure apart from the caller's "now".
 */
import type { EndpointAccessKey } from './accounts';
import { type CloudTrailRecord, type StoredEvent, compareNewestFirst, toStoredEvent } from './events';
import { type PlacementWindow, hashFraction, isoSeconds, parseEventTime, placeSet, stableUuid } from './timeshift';
import type { TrailState } from './trails';

export interface EventSetSpec {
  /** Stable id: decides the set's placement and, with copies, its new event ids. */
  id: string;
  accountId: string;
  records: readonly CloudTrailRecord[];
  /** Where the set lands; 'none' keeps the recorded times (older than 90 days = invisible). */
  window: PlacementWindow | 'none';
  /** 0 = as recent as the window allows, 1 = as old; default: a stable hash of the id. */
  fraction?: number;
}

export interface DatasetSpec {
  seed: string;
  defaultAccountId: string;
  accountIds: readonly string[];
  accessKeys: readonly EndpointAccessKey[];
  trails: readonly TrailState[];
  eventSets: readonly EventSetSpec[];
}

export interface Dataset {
  seed: string;
  /** Epoch second the data was placed against. */
  nowSec: number;
  defaultAccountId: string;
  accountIds: readonly string[];
  keys: ReadonlyMap<string, EndpointAccessKey>;
  trails: readonly TrailState[];
  /** account -> region -> events, newest first. */
  events: ReadonlyMap<string, ReadonlyMap<string, readonly StoredEvent[]>>;
}

export interface BuildOptions {
  nowSec: number;
  /** Copies of every event set (new event ids, own placement) for volume; default 1. */
  scale?: number;
}

const EMPTY: readonly StoredEvent[] = [];

export function eventsOf(dataset: Dataset, accountId: string, region: string): readonly StoredEvent[] {
  return dataset.events.get(accountId)?.get(region) ?? EMPTY;
}

export function buildDataset(spec: DatasetSpec, options: BuildOptions): Dataset {
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const byAccount = new Map<string, Map<string, StoredEvent[]>>();
  const seen = new Map<string, Set<string>>();
  let seq = 0;
  for (let copy = 0; copy < scale; copy++) {
    for (const set of spec.eventSets) {
      const id = copy === 0 ? set.id : `${set.id}#${copy}`;
      const placed = placeRecords(set, id, copy, spec.seed, options.nowSec);
      let regions = byAccount.get(set.accountId);
      if (!regions) byAccount.set(set.accountId, (regions = new Map<string, StoredEvent[]>()));
      let ids = seen.get(set.accountId);
      if (!ids) seen.set(set.accountId, (ids = new Set()));
      for (const record of placed) {
        const event = toStoredEvent(record, seq++);
        if (!event || ids.has(event.eventId)) continue;
        ids.add(event.eventId);
        const region = typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1';
        let list = regions.get(region);
        if (!list) regions.set(region, (list = []));
        list.push(event);
      }
    }
  }
  for (const regions of byAccount.values()) for (const list of regions.values()) list.sort(compareNewestFirst);
  return {
    seed: spec.seed,
    nowSec: options.nowSec,
    defaultAccountId: spec.defaultAccountId,
    accountIds: spec.accountIds,
    keys: new Map(spec.accessKeys.map((key) => [key.accessKeyId, key])),
    trails: spec.trails,
    events: byAccount,
  };
}

/** The set's records with placed times (and, for copies, new ids). */
function placeRecords(set: EventSetSpec, id: string, copy: number, seed: string, nowSec: number): CloudTrailRecord[] {
  if (set.window === 'none') return copy === 0 ? [...set.records] : set.records.map((record) => renumber(record, seed, id));
  const times = set.records.map((record) => parseEventTime(record.eventTime)).filter((time) => !Number.isNaN(time));
  if (times.length === 0) return [];
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  const fraction = copy === 0 && set.fraction !== undefined ? set.fraction : hashFraction(seed, id);
  const placement = placeSet(first, last, set.window, nowSec, fraction);
  return set.records.map((original) => {
    const record = copy === 0 ? { ...original } : renumber(original, seed, id);
    const time = parseEventTime(original.eventTime);
    if (Number.isNaN(time)) return record;
    const placed = placement.map(time);
    record.eventTime = isoSeconds(placed);
    shiftSessionCreation(record, placed - time);
    return record;
  });
}

/** A copy of a record with new, stable ids (eventID, requestID, sharedEventID). */
function renumber(record: CloudTrailRecord, seed: string, setId: string): CloudTrailRecord {
  const copy: CloudTrailRecord = { ...record };
  for (const field of ['eventID', 'requestID', 'sharedEventID']) {
    if (typeof copy[field] === 'string') copy[field] = stableUuid(seed, setId, field, copy[field]);
  }
  return copy;
}

/** userIdentity.sessionContext.attributes.creationDate moves with the event. */
function shiftSessionCreation(record: CloudTrailRecord, deltaSec: number): void {
  const identity = record.userIdentity as CloudTrailRecord | undefined;
  const context = identity && typeof identity === 'object' ? (identity.sessionContext as CloudTrailRecord | undefined) : undefined;
  const attributes = context && typeof context === 'object' ? (context.attributes as CloudTrailRecord | undefined) : undefined;
  if (!identity || !context || !attributes || typeof attributes.creationDate !== 'string') return;
  const created = parseEventTime(attributes.creationDate);
  if (Number.isNaN(created)) return;
  record.userIdentity = { ...identity, sessionContext: { ...context, attributes: { ...attributes, creationDate: isoSeconds(created + deltaSec) } } };
}
