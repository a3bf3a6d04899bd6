/**
 * Several LookupEvents streams answering one search — one per (profile, region) and per value of a
 * fanned-out server attribute — merged into one result, newest first. Pure bookkeeping: the search
 * runner (src/features/search/runner.ts) and the CLI drive the streams; this module decides what an
 * event is, when a stream may stop, and how far back the merged result is complete.
 *
 * Every stream pages newest first, so each has a watermark: the time of the oldest event it has
 * returned; whatever it returns later is no newer. With a budget of N matches:
 *
 *  - once N matches are in, the N-th newest match time is the cutoff; a stream whose watermark is
 *    at or below the cutoff cannot contribute to the newest N any more, and stops (pauses: it keeps
 *    its NextToken for "load more");
 *  - when every stream has stopped or ended, the newest N matches are exactly the newest N of the
 *    whole search — not "whatever the fastest region returned first";
 *  - the merged result is complete back to the highest watermark among the streams that still
 *    have pages: nothing newer is missing from any stream.
 */
import { parseEventTime, parseRecord, toRow, type CloudTrailRecord, type EventResource, type EventRow } from './record';

/** One event as LookupEvents returns it (structurally the SDK's `Event`; no SDK import here). */
export interface LookupEventLike {
  EventId?: string;
  EventName?: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime?: Date | string | number;
  EventSource?: string;
  Username?: string;
  Resources?: Array<{ ResourceType?: string; ResourceName?: string }>;
  CloudTrailEvent?: string;
}

export interface ParsedLookupEvent {
  row: EventRow;
  record: CloudTrailRecord;
  /** The record's JSON text, kept instead of the parsed object (a fraction of the memory). */
  json: string;
  /** Set when CloudTrailEvent was missing or not a JSON object: the record was rebuilt from LookupEvents' own fields. */
  parseError?: string;
}

function eventTime(value: LookupEventLike['EventTime']): string | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : parseEventTime(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * Turns one LookupEvents event into a row and a record. LookupEvents' own fields (Username,
 * Resources, AccessKeyId) complete the row; an event whose CloudTrailEvent cannot be read still
 * gives a row, from those fields alone.
 */
export function fromLookupEvent(event: LookupEventLike): ParsedLookupEvent {
  const resources: EventResource[] = [];
  for (const resource of event.Resources ?? []) {
    if (resource && typeof resource.ResourceName === 'string' && resource.ResourceName !== '') {
      resources.push(resource.ResourceType ? { type: resource.ResourceType, name: resource.ResourceName } : { name: resource.ResourceName });
    }
  }
  const extra = { eventId: event.EventId, username: event.Username, resources, accessKeyId: event.AccessKeyId };
  const parsed = typeof event.CloudTrailEvent === 'string' ? parseRecord(event.CloudTrailEvent) : { error: 'no CloudTrailEvent' };
  if ('record' in parsed && typeof event.CloudTrailEvent === 'string') {
    return { row: toRow(parsed.record, extra), record: parsed.record, json: event.CloudTrailEvent };
  }
  const record: CloudTrailRecord = {};
  if (event.EventId) record.eventID = event.EventId;
  if (event.EventName) record.eventName = event.EventName;
  if (event.EventSource) record.eventSource = event.EventSource;
  const time = eventTime(event.EventTime);
  if (time) record.eventTime = time;
  if (event.ReadOnly === 'true' || event.ReadOnly === 'false') record.readOnly = event.ReadOnly === 'true';
  return { row: toRow(record, extra), record, json: JSON.stringify(record), parseError: 'error' in parsed ? parsed.error : 'unreadable' };
}

/** Newest first; ties by event id, so that the order is stable across runs. */
export function compareNewestFirst(a: { time: number; eventId: string }, b: { time: number; eventId: string }): number {
  return b.time - a.time || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** A min-heap of the largest `capacity` numbers seen: its top is the capacity-th largest. */
class TopTimes {
  private heap: number[] = [];
  constructor(private capacity: number) {}

  get size(): number {
    return this.heap.length;
  }

  get min(): number | undefined {
    return this.heap[0];
  }

  add(value: number): void {
    const heap = this.heap;
    if (heap.length < this.capacity) {
      heap.push(value);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((heap[parent] ?? 0) <= value) break;
        heap[i] = heap[parent] ?? 0;
        i = parent;
      }
      heap[i] = value;
    } else if (heap.length > 0 && value > (heap[0] ?? 0)) {
      heap[0] = value;
      this.siftDown(0);
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const value = heap[start] ?? 0;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] ?? 0) < (heap[left] ?? 0) ? right : left;
      if ((heap[child] ?? 0) >= value) break;
      heap[i] = heap[child] ?? 0;
      i = child;
    }
    heap[i] = value;
  }

  reset(capacity: number, values: Iterable<number>): void {
    this.capacity = capacity;
    this.heap = [];
    for (const value of values) this.add(value);
  }
}

/** What a stream tells the merge about itself. */
export interface StreamPosition {
  /** Time of the oldest event returned so far (+Infinity before the first event). */
  watermark: number;
  /** More pages exist (a NextToken is held). */
  more: boolean;
}

/**
 * The budget and cutoff of a merged, newest-first search. Feed it every match's time; ask it
 * whether a stream may stop.
 */
export class NewestFirstMerge {
  private readonly times: number[] = [];
  private readonly top: TopTimes;
  private budgetValue: number;

  constructor(budget: number) {
    this.budgetValue = Math.max(1, Math.floor(budget));
    this.top = new TopTimes(this.budgetValue);
  }

  get budget(): number {
    return this.budgetValue;
  }

  get matched(): number {
    return this.times.length;
  }

  /** Raises (or lowers) the number of newest matches wanted. */
  setBudget(budget: number): void {
    this.budgetValue = Math.max(1, Math.floor(budget));
    this.top.reset(this.budgetValue, this.times);
  }

  addMatch(time: number): void {
    this.times.push(time);
    this.top.add(time);
  }

  /** The budget-th newest match time, once there are that many matches. */
  cutoff(): number | undefined {
    return this.top.size >= this.budgetValue ? this.top.min : undefined;
  }

  /** Whether a stream at this watermark can still add to the newest `budget` matches. */
  canStop(watermark: number): boolean {
    const cutoff = this.cutoff();
    return cutoff !== undefined && watermark <= cutoff;
  }
}

/**
 * How far back the merged result is complete: the highest watermark among streams that still have
 * pages (nothing newer is missing anywhere). -Infinity when every stream has ended: complete.
 */
export function completeBackTo(streams: Iterable<StreamPosition>): number {
  let back = -Infinity;
  for (const stream of streams) if (stream.more && stream.watermark > back) back = stream.watermark;
  return back;
}
