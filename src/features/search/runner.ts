/**
 * The search engine shared by the panel and the CLI: one LookupEvents stream per (profile, region)
 * and per value of a fanned-out server attribute, all in parallel through the caller's `lookup`
 * (the extension passes AwsServices.lookupEvents — the shared pacer —, the CLI AwsLayer.lookupEvents),
 * each page parsed, filtered (core/events' plan), risk-flagged and merged as it arrives.
 *
 * No vscode and no AWS SDK here (types only): unit tests drive it with a fake `lookup`, integration
 * tests with the real AWS layer against the local endpoint.
 *
 * - A failure in one stream (AccessDenied in one region, an expired SSO session for one profile, a
 *   5xx that outlived the retries) ends that stream only; the others go on and every result so far
 *   stays. Throttles are absorbed by the AWS layer; if a page stays throttled the stream pauses
 *   (resumable), it never fails.
 * - The streams stop when the newest `budget` matches of the whole search are known (see
 *   core/events/streams.ts), or after `scanLimit` events per stream in one round; "load more" and
 *   "keep going" resume them from their NextToken.
 * - Cancel aborts every request at once; partial results stay and can be resumed.
 */
import type { AwsTarget, LookupEventsInput, LookupOptions, LookupPage } from '../../aws/types';
import { newLookupStats, type LookupStats } from '../../aws/types';
import { toAwsError, type AwsError } from '../../core/aws/errors';
import { compileFilter, type EventPredicate } from '../../core/events/filter';
import { planQuery, summarizePlan, type LookupCall, type QueryPlan } from '../../core/events/planner';
import { MAX_QUERY_LIMIT } from '../../core/events/query';
import type { CloudTrailRecord, EventRow } from '../../core/events/record';
import { cachedRiskFlags, DenialBurstDetector, levelRank, type BurstOptions, type RiskFlag } from '../../core/events/risk';
import { completeBackTo, fromLookupEvent, NewestFirstMerge } from '../../core/events/streams';
import type { DoneReason, PlanInfo, SearchProgress, SearchRequest, StreamCounts, StreamProgress, StreamState } from '../../shared/protocol';

/** The record of a kept match (its JSON text parsed again; `{}` if that fails). */
export function recordOf(item: Pick<SearchItem, 'json'>): CloudTrailRecord {
  try {
    const value: unknown = JSON.parse(item.json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as CloudTrailRecord) : {};
  } catch {
    return {};
  }
}

/** The AWS layer's paged LookupEvents (AwsServices.lookupEvents or AwsLayer.lookupEvents). */
export type LookupFn = (target: AwsTarget, input: LookupEventsInput, options: LookupOptions) => AsyncIterable<LookupPage>;

/** One match, as the host keeps it: the row, the record's JSON text (parsed again on demand) and its flags. */
export interface SearchItem {
  readonly key: number;
  readonly stream: number;
  readonly profile: string;
  readonly row: EventRow;
  readonly json: string;
  /** Read-only, possibly shared between items: replace, never mutate. */
  risk: readonly RiskFlag[];
}

export interface StreamSnapshot {
  readonly id: number;
  readonly profile: string;
  readonly region: string;
  readonly label: string;
}

/** Where the run reports. Called synchronously from the page loop: keep it cheap (batch, throttle). */
export interface SearchSink {
  /** New matches (one page's worth). */
  rows?(items: readonly SearchItem[]): void;
  /** Matches already reported whose flags changed (a denial burst). */
  risk?(items: readonly SearchItem[]): void;
  /** A stream failed; the others go on. */
  failure?(stream: StreamSnapshot, error: AwsError): void;
  /** Counters or states changed: read `progress()` when convenient. */
  progress?(): void;
  /** Every stream has stopped (paused, ended, failed or cancelled). */
  done?(reason: DoneReason, more: boolean): void;
}

export interface SearchOptions {
  readonly lookup: LookupFn;
  /** The clock for presets and the 90-day window (default Date.now()). */
  readonly now?: number;
  /** Newest matches wanted before the streams pause (default: the query's limit, else 1,000). */
  readonly budget?: number;
  /** Events one stream fetches in one round before it pauses (default 10,000 — about 100 s at AWS's rate). */
  readonly scanLimit?: number;
  /** Matches kept at most (memory); the search stops there (default 100,000). */
  readonly maxResults?: number;
  /** Streams paging at once (default 24); the others wait their turn. */
  readonly concurrency?: number;
  /** Keys for matches; a panel passes one counter for all its searches so keys never repeat. */
  readonly nextKey?: () => number;
  /** Denial-burst detection (default on, DenialBurstDetector defaults); false turns it off. */
  readonly bursts?: BurstOptions | false;
  /** Most LookupEvents streams one attribute may fan out into (the planner's default is 5). */
  readonly maxFanOut?: number;
  /** Pacer fairness group (default: this run: all its streams share one turn). */
  readonly consumer?: unknown;
}

export const DEFAULT_BUDGET = 1000;
export const DEFAULT_SCAN_LIMIT = 10_000;
export const MAX_STREAMS = 400;
const DEFAULT_CONCURRENCY = 24;
const GLOBAL_SOURCES = /^(iam|sts|cloudfront|organizations|route53|globalaccelerator|signin)\.amazonaws\.com$/;

interface Stream extends StreamSnapshot {
  readonly input: LookupEventsInput;
  state: StreamState;
  /** Held between rounds: the next page's token. */
  nextToken: string | undefined;
  /** The stream has fetched at least one page. */
  started: boolean;
  watermark: number;
  counts: StreamCounts;
  readonly stats: LookupStats;
  roundFetched: number;
  pausedBy?: StreamProgress['pausedBy'];
  error?: AwsError;
}

function lookupInput(call: LookupCall): LookupEventsInput {
  const input: LookupEventsInput = {
    StartTime: new Date(call.startTime),
    EndTime: new Date(call.endTime),
    MaxResults: 50,
  };
  if (call.lookupAttributes.length > 0) input.LookupAttributes = call.lookupAttributes.map((attribute) => ({ AttributeKey: attribute.AttributeKey, AttributeValue: attribute.AttributeValue }));
  if (call.eventCategory) input.EventCategory = call.eventCategory;
  return input;
}

function hasMore(stream: Stream): boolean {
  return stream.state !== 'complete' && (!stream.started || stream.nextToken !== undefined) && stream.state !== 'failed';
}

/** Warnings about the scope the planner cannot know: global services recorded in us-east-1 only. */
export function scopeWarnings(request: SearchRequest): string[] {
  if (request.regions.includes('us-east-1')) return [];
  const sources = request.query.attributes?.EventSource ?? [];
  const types = request.query.attributes?.ResourceType ?? [];
  const global = sources.some((source) => GLOBAL_SOURCES.test(source)) || types.some((type) => /^AWS::(IAM|CloudFront)::/i.test(type));
  return global ? ['IAM, STS and CloudFront events are recorded in us-east-1, which is not among the selected regions.'] : [];
}

/** Flags sorted by level (highest first), the burst flag added once. */
function withFlag(flags: readonly RiskFlag[], flag: RiskFlag): RiskFlag[] {
  return [...flags.filter((existing) => existing.id !== flag.id), flag].sort((a, b) => levelRank(b.level) - levelRank(a.level));
}

export class SearchRun {
  readonly request: SearchRequest;
  readonly plan: QueryPlan;
  readonly warnings: string[];
  private readonly streams: Stream[];
  private readonly merge: NewestFirstMerge;
  private readonly predicate: EventPredicate;
  private readonly items = new Map<number, SearchItem>();
  private readonly byEventId = new Map<string, SearchItem>();
  private readonly bursts: DenialBurstDetector | undefined;
  /** The size of the burst each flagged item's burst flag describes. */
  private readonly burstCounts = new WeakMap<SearchItem, number>();
  private readonly lookup: LookupFn;
  readonly scanLimit: number;
  private readonly maxResults: number;
  private readonly concurrency: number;
  private readonly nextKey: () => number;
  private readonly consumer: unknown;
  private readonly initialBudget: number;
  private controller = new AbortController();
  private active = 0;
  private cancelled = false;
  private waiters: Array<(reason: DoneReason) => void> = [];
  private lastReason: DoneReason | undefined;
  private keyCounter = 0;

  constructor(
    request: SearchRequest,
    options: SearchOptions,
    private readonly sink: SearchSink = {},
  ) {
    this.request = request;
    this.lookup = options.lookup;
    this.plan = planQuery(request.query, { now: options.now ?? Date.now(), maxFanOut: options.maxFanOut });
    this.warnings = [...this.plan.warnings, ...scopeWarnings({ ...request, query: this.plan.query })];
    this.initialBudget = Math.min(MAX_QUERY_LIMIT, Math.max(1, options.budget ?? this.plan.limit ?? DEFAULT_BUDGET));
    this.merge = new NewestFirstMerge(this.initialBudget);
    this.scanLimit = Math.max(1, options.scanLimit ?? DEFAULT_SCAN_LIMIT);
    this.maxResults = Math.max(1, options.maxResults ?? MAX_QUERY_LIMIT);
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.nextKey = options.nextKey ?? (() => this.keyCounter++);
    this.consumer = options.consumer ?? this;
    this.bursts = options.bursts === false ? undefined : new DenialBurstDetector(options.bursts || {});
    this.predicate = compileFilter(this.plan, { riskOf: cachedRiskFlags });

    const streams: Stream[] = [];
    const fanOut = this.plan.calls.length > 1;
    for (const profile of request.profiles) {
      for (const region of request.regions) {
        for (const call of this.plan.calls) {
          const value = fanOut ? call.lookupAttributes[0]?.AttributeValue : undefined;
          streams.push({
            id: streams.length,
            profile,
            region,
            label: `${profile} · ${region}${value !== undefined ? ` · ${value.length > 40 ? `${value.slice(0, 39)}…` : value}` : ''}`,
            input: lookupInput(call),
            state: 'queued',
            nextToken: undefined,
            started: false,
            watermark: Infinity,
            counts: { fetched: 0, matched: 0, requests: 0, pages: 0, throttled: 0 },
            stats: newLookupStats(),
            roundFetched: 0,
          });
        }
      }
    }
    if (streams.length > MAX_STREAMS) {
      throw new Error(`${streams.length} LookupEvents streams (profiles × regions × values) is too many: at most ${MAX_STREAMS}. Choose fewer profiles, regions or values.`);
    }
    this.streams = streams;
  }

  /** The plan as the panel shows it. */
  planInfo(searchId: number): PlanInfo {
    const plan = this.plan;
    const info: PlanInfo = {
      searchId,
      request: this.request,
      summary: summarizePlan(plan),
      server: plan.server ? { attribute: plan.server.attribute, values: [...plan.server.values], reason: plan.server.reason } : null,
      local: plan.local.map((item) => ({ label: item.label, reason: item.reason })),
      explanation: [...plan.explanation],
      warnings: [...this.warnings],
      range: { start: plan.range.start, end: plan.range.end },
      streams: this.streams.map((stream) => ({ id: stream.id, profile: stream.profile, region: stream.region, label: stream.label })),
      budget: this.merge.budget,
    };
    if (plan.impossible) info.impossible = plan.impossible;
    return info;
  }

  get running(): boolean {
    return this.active > 0 || this.streams.some((stream) => stream.state === 'running');
  }

  /** The matches kept so far, in arrival order. */
  results(): SearchItem[] {
    return [...this.items.values()];
  }

  get matched(): number {
    return this.items.size;
  }

  item(key: number): SearchItem | undefined {
    return this.items.get(key);
  }

  stream(id: number): (StreamSnapshot & { error?: AwsError }) | undefined {
    return this.streams[id];
  }

  /** Starts (or resumes) every stream that has pages left. Resolves when all have stopped. */
  start(): Promise<DoneReason> {
    return this.restart();
  }

  /** Resolves the next time every stream has stopped. */
  whenIdle(): Promise<DoneReason> {
    if (!this.running && this.lastReason !== undefined && !this.streams.some((stream) => stream.state === 'queued')) return Promise.resolve(this.lastReason);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  cancel(): void {
    if (!this.running && !this.streams.some((stream) => stream.state === 'queued')) return;
    this.cancelled = true;
    for (const stream of this.streams) if (stream.state === 'queued') stream.state = 'cancelled';
    this.controller.abort();
    if (this.active === 0) this.finish();
  }

  /** Another budget of matches (the first search's size) from every stream with pages left. */
  loadMore(): Promise<DoneReason> {
    this.merge.setBudget(Math.min(MAX_QUERY_LIMIT, Math.max(this.merge.budget, this.items.size) + this.initialBudget));
    return this.restart();
  }

  /** Keep going until `upTo` matches in all (or every stream ends). */
  keepGoing(upTo: number): Promise<DoneReason> {
    this.merge.setBudget(Math.min(MAX_QUERY_LIMIT, Math.max(1, upTo)));
    return this.restart();
  }

  /** Retries the failed streams from where they stopped. */
  retryFailed(): Promise<DoneReason> {
    for (const stream of this.streams) {
      if (stream.state === 'failed') {
        stream.state = 'queued';
        stream.error = undefined;
      }
    }
    return this.restart();
  }

  progress(searchId: number): SearchProgress {
    const total: StreamCounts = { fetched: 0, matched: 0, requests: 0, pages: 0, throttled: 0 };
    const streams: StreamProgress[] = this.streams.map((stream) => {
      const counts = this.countsOf(stream);
      total.fetched += counts.fetched;
      total.matched += counts.matched;
      total.requests += counts.requests;
      total.pages += counts.pages;
      total.throttled += counts.throttled;
      const progress: StreamProgress = { id: stream.id, profile: stream.profile, region: stream.region, label: stream.label, state: stream.state, more: hasMore(stream), ...counts };
      if (Number.isFinite(stream.watermark)) progress.oldest = stream.watermark;
      if (stream.pausedBy && stream.state === 'paused') progress.pausedBy = stream.pausedBy;
      return progress;
    });
    const back = completeBackTo(this.streams.filter((stream) => stream.state !== 'failed').map((stream) => ({ watermark: stream.watermark, more: hasMore(stream) })));
    const out: SearchProgress = { searchId, running: this.running, total, streams };
    if (back !== -Infinity) out.completeBackTo = back;
    return out;
  }

  get failedStreams(): number {
    return this.streams.filter((stream) => stream.state === 'failed').length;
  }

  /** Whether any stream could fetch more (paused, cancelled midway, or queued). */
  get more(): boolean {
    return this.streams.some((stream) => hasMore(stream) && stream.state !== 'running');
  }

  // -------------------------------------------------------------------------------------------

  private countsOf(stream: Stream): StreamCounts {
    return { fetched: stream.counts.fetched, matched: stream.counts.matched, requests: stream.stats.requests, pages: stream.stats.pages, throttled: stream.stats.throttled };
  }

  private restart(): Promise<DoneReason> {
    if (this.controller.signal.aborted && this.active === 0) this.controller = new AbortController();
    this.cancelled = false;
    this.lastReason = undefined;
    const done = this.whenIdle();
    this.resume();
    return done;
  }

  private resume(): void {
    if (this.plan.impossible || this.streams.length === 0) {
      this.finish();
      return;
    }
    for (const stream of this.streams) {
      if (stream.state === 'paused' || (stream.state === 'cancelled' && hasMore(stream))) stream.state = 'queued';
      if (stream.state === 'queued') stream.roundFetched = 0;
    }
    this.fill();
    if (this.active === 0) this.finish();
  }

  /** Starts queued streams up to the concurrency limit. */
  private fill(): void {
    if (this.controller.signal.aborted) return;
    for (const stream of this.streams) {
      if (this.active >= this.concurrency) break;
      if (stream.state !== 'queued') continue;
      if (this.items.size >= this.maxResults || (stream.started && this.merge.canStop(stream.watermark))) {
        stream.state = 'paused';
        stream.pausedBy = this.items.size >= this.maxResults ? 'capacity' : 'limit';
        continue;
      }
      this.active++;
      void this.pump(stream);
    }
  }

  private async pump(stream: Stream): Promise<void> {
    stream.state = 'running';
    stream.pausedBy = undefined;
    this.sink.progress?.();
    const signal = this.controller.signal;
    try {
      let stopped: StreamProgress['pausedBy'];
      const pages = this.lookup({ profile: stream.profile, region: stream.region }, stream.input, { signal, stats: stream.stats, consumer: this.consumer, nextToken: stream.nextToken });
      for await (const page of pages) {
        stream.started = true;
        stream.nextToken = page.nextToken;
        this.take(stream, page);
        if (page.nextToken === undefined) break;
        stopped = this.pauseReason(stream);
        if (stopped || signal.aborted) break;
      }
      if (signal.aborted) stream.state = 'cancelled';
      else if (stopped) {
        stream.state = 'paused';
        stream.pausedBy = stopped;
      } else {
        stream.state = 'complete';
        stream.nextToken = undefined;
      }
    } catch (error) {
      const failure = toAwsError(error);
      if (failure.kind === 'cancelled' || signal.aborted) stream.state = 'cancelled';
      else if (failure.kind === 'throttled') {
        // Paused by AWS's rate limit after many retries: not a failure; "load more" tries again.
        stream.state = 'paused';
        stream.pausedBy = 'throttled';
      } else {
        stream.state = 'failed';
        stream.error = failure;
        this.sink.failure?.(stream, failure);
      }
    } finally {
      this.active--;
      // Resumed while a cancel was winding down: the queued streams start with a fresh signal.
      if (this.active === 0 && !this.cancelled && this.controller.signal.aborted) this.controller = new AbortController();
      this.fill();
      this.sink.progress?.();
      if (this.active === 0) this.finish();
    }
  }

  private pauseReason(stream: Stream): StreamProgress['pausedBy'] {
    if (this.items.size >= this.maxResults) return 'capacity';
    if (this.merge.canStop(stream.watermark)) return 'limit';
    if (stream.roundFetched >= this.scanLimit) return 'scan';
    return undefined;
  }

  /** One page: parse, detect bursts, filter, dedupe, flag, keep, report. */
  private take(stream: Stream, page: LookupPage): void {
    const batch: SearchItem[] = [];
    const burstIds: Array<{ ids: string[]; count: number; flag: RiskFlag }> = [];
    for (const event of page.events) {
      const { row, record, json } = fromLookupEvent(event);
      stream.counts.fetched++;
      stream.roundFetched++;
      if (row.time > 0 && row.time < stream.watermark) stream.watermark = row.time;
      const burst = this.bursts?.observe(row, record);
      if (burst && this.bursts) burstIds.push({ ids: burst.eventIds, count: burst.count, flag: this.bursts.flag(burst) });
      if (!this.predicate(row, record)) continue;
      // Fan-out streams (and two profiles of one account) can return the same event.
      if (row.eventId !== '' && this.byEventId.has(row.eventId)) continue;
      if (this.items.size >= this.maxResults) break;
      const item: SearchItem = { key: this.nextKey(), stream: stream.id, profile: stream.profile, row, json, risk: cachedRiskFlags(row, record) };
      this.items.set(item.key, item);
      if (row.eventId !== '') this.byEventId.set(row.eventId, item);
      this.merge.addMatch(row.time);
      stream.counts.matched++;
      batch.push(item);
    }
    const fresh = new Set(batch);
    const updated = new Set<SearchItem>();
    for (const { ids, count, flag } of burstIds) {
      for (const id of ids) {
        const item = this.byEventId.get(id);
        if (!item) continue;
        // A growing burst re-flags an event when its count has doubled: the reason stays close to the truth, updates stay few.
        const known = this.burstCounts.get(item);
        if (known !== undefined && count < known * 2) continue;
        this.burstCounts.set(item, count);
        item.risk = withFlag(item.risk, flag);
        if (!fresh.has(item)) updated.add(item);
      }
    }
    if (batch.length > 0) this.sink.rows?.(batch);
    if (updated.size > 0) this.sink.risk?.([...updated]);
    this.sink.progress?.();
  }

  private finish(): void {
    const reason = this.doneReason();
    this.lastReason = reason;
    const waiters = this.waiters;
    this.waiters = [];
    this.sink.done?.(reason, this.more);
    for (const resolve of waiters) resolve(reason);
  }

  private doneReason(): DoneReason {
    if (this.cancelled) return 'cancelled';
    const streams = this.streams;
    if (streams.length > 0 && streams.every((stream) => stream.state === 'failed')) return 'failed';
    const paused = streams.filter((stream) => stream.state === 'paused');
    if (paused.some((stream) => stream.pausedBy === 'capacity')) return 'capacity';
    if (paused.some((stream) => stream.pausedBy === 'scan' || stream.pausedBy === 'throttled')) return 'paused';
    if (paused.length > 0) return 'limit';
    return 'complete';
  }
}

/** A one-line description of how a search ended, for the panel and the CLI. */
export function doneMessage(reason: DoneReason, run: Pick<SearchRun, 'matched' | 'failedStreams' | 'scanLimit'>): string {
  const count = run.matched.toLocaleString('en-US');
  const plural = run.matched === 1 ? '' : 'es';
  const failed = run.failedStreams;
  const partial = failed > 0 ? ` ${failed} stream${failed === 1 ? '' : 's'} failed: the results are partial.` : '';
  switch (reason) {
    case 'complete':
      return `${count} match${plural}: every stream reached the start of the range.${partial}`;
    case 'limit':
      return `The newest ${count} match${plural} across all streams. Load more to go further back.${partial}`;
    case 'paused':
      return `${count} match${plural} so far; some streams paused after scanning ${run.scanLimit.toLocaleString('en-US')} events without enough matches. Load more to keep scanning.${partial}`;
    case 'capacity':
      return `${count} matches: the most one search keeps. Narrow the search (time, filters) to see the rest.${partial}`;
    case 'cancelled':
      return `Cancelled: ${count} match${plural} kept. Load more to continue.${partial}`;
    case 'failed':
      return 'Every stream failed: see the errors above.';
  }
}
