/**
 * Sources other than Event history: a local folder of log files, Athena over a trail's S3 logs.
 * Each is one stream of `SourceItem`s (rows, damaged files, progress) that `SourceRun` turns into
 * the same results as a LookupEvents search — keys, dedupe by event id, risk flags, denial bursts,
 * the panel's progress and done messages — so the session, the table, the detail, the export and
 * the CLI serve every source alike. The session picks the run by the request's source
 * (`createSearchRun`); nothing else needs to know which source it is.
 *
 * No vscode, no AWS SDK, no fs here: the host (panel.ts) or the CLI passes the `SourceOpener` that
 * opens the real thing (src/archive, src/aws/athena) and adapts its stats to `SourceProgress`.
 */
import { toAwsError, type AwsError } from '../../core/aws/errors';
import { OPEN_END, OPEN_START, planOfflineQuery, type OfflinePlan } from '../../core/archive/plan';
import { planQuery, type QueryPlan } from '../../core/events/planner';
import { MAX_QUERY_LIMIT, type EventQuery } from '../../core/events/query';
import type { CloudTrailRecord, EventRow } from '../../core/events/record';
import { cachedRiskFlags, DenialBurstDetector, levelRank, type RiskFlag } from '../../core/events/risk';
import type { DoneReason, PlanInfo, SearchProgress, SearchRequest, SearchSource, SourceProgress, StreamCounts, StreamProgress, StreamState } from '../../shared/protocol';
import { DEFAULT_BUDGET, SearchRun, type SearchItem, type SearchOptions, type SearchSink, type StreamSnapshot } from './runner';

export type ExternalSource = Exclude<SearchSource, { kind: 'history' }>;

/** What a source yields: a matching event, a problem that does not stop it (a damaged file), or progress. */
export type SourceItem = { row: EventRow; record: CloudTrailRecord } | { error: { file?: string; message: string } } | { progress: SourceProgress };

/**
 * Opens a source for a query (whose `limit` is the number of matches wanted). Rejecting / throwing
 * fails the search (as an AwsError); aborting the signal ends the iteration quietly.
 */
export type SourceOpener = (request: SearchRequest & { source: ExternalSource }, query: EventQuery, signal: AbortSignal, now: number) => AsyncIterable<SourceItem>;

export interface SourceOpeners {
  archive?: SourceOpener;
  athena?: SourceOpener;
  lake?: SourceOpener;
}

/** What the session and the CLI use of a run, whatever its source. */
export interface SearchRunLike {
  readonly request: SearchRequest;
  readonly warnings: string[];
  readonly scanLimit: number;
  readonly running: boolean;
  readonly matched: number;
  readonly failedStreams: number;
  readonly more: boolean;
  planInfo(searchId: number): PlanInfo;
  results(): SearchItem[];
  item(key: number): SearchItem | undefined;
  stream(id: number): (StreamSnapshot & { error?: AwsError }) | undefined;
  start(): Promise<DoneReason>;
  cancel(): void;
  loadMore(): Promise<DoneReason>;
  keepGoing(upTo: number): Promise<DoneReason>;
  retryFailed(): Promise<DoneReason>;
  progress(searchId: number): SearchProgress;
}

/** The label of a source: `Local logs · cloudtrail-logs`, `Athena · MyTrail`. */
export function sourceLabel(source: SearchSource | undefined): string {
  if (!source || source.kind === 'history') return 'Event history';
  if (source.kind === 'archive') return `Local logs · ${source.name}`;
  if (source.kind === 'lake') return `CloudTrail Lake · ${source.name ?? source.store.replace(/^arn:[^/]*\//, '')}`;
  const trail = source.trail.replace(/^arn:[^/]*\//, '');
  return `Athena · ${trail}`;
}

/** A run for the request's source: LookupEvents streams for Event history, a SourceRun for the others. */
export function createSearchRun(request: SearchRequest, options: SearchOptions & { sources?: SourceOpeners }, sink: SearchSink = {}): SearchRunLike {
  const source = request.source;
  if (!source || source.kind === 'history') return new SearchRun(request, options, sink);
  const opener = options.sources?.[source.kind];
  if (!opener) throw new Error(`${sourceLabel(source)}: this source is not available here.`);
  return new SourceRun({ ...request, source }, opener, options, sink);
}

const MAX_FILE_ERRORS = 100;

/** Flags sorted by level (highest first), the burst flag added once. */
function withFlag(flags: readonly RiskFlag[], flag: RiskFlag): RiskFlag[] {
  return [...flags.filter((existing) => existing.id !== flag.id), flag].sort((a, b) => levelRank(b.level) - levelRank(a.level));
}

/**
 * One source read as one stream. The source filters (same offline plan as everywhere); the run
 * keeps the matches, flags them and reports. "Load more" opens the source again for a larger
 * budget (already-kept events are skipped by id) — for Athena that is another query, billed again.
 */
export class SourceRun implements SearchRunLike {
  readonly request: SearchRequest & { source: ExternalSource };
  readonly warnings: string[];
  readonly scanLimit = Infinity;
  private readonly plan: QueryPlan;
  private readonly offline: OfflinePlan;
  private readonly now: number;
  private readonly items = new Map<number, SearchItem>();
  private readonly byEventId = new Map<string, SearchItem>();
  private readonly nextKey: () => number;
  private readonly bursts: DenialBurstDetector | undefined;
  private readonly initialBudget: number;
  private readonly maxResults: number;
  private budget: number;
  private keyCounter = 0;
  private state: StreamState = 'queued';
  private error: AwsError | undefined;
  private counts: StreamCounts = { fetched: 0, matched: 0, requests: 0, pages: 0, throttled: 0 };
  private sourceProgress: SourceProgress | undefined;
  private fileErrors: Array<{ file: string; message: string }> = [];
  private errorCount = 0;
  private oldest = Infinity;
  /** The last round stopped at its budget: more may be there. */
  private hitBudget = false;
  private controller: AbortController | undefined;
  private current: Promise<DoneReason> | undefined;
  private cancelled = false;

  constructor(
    request: SearchRequest & { source: ExternalSource },
    private readonly opener: SourceOpener,
    options: SearchOptions,
    private readonly sink: SearchSink = {},
  ) {
    this.request = request;
    this.now = options.now ?? Date.now();
    // The filters' labels without Event history's 90-day window; the range and impossibility from the offline plan.
    this.plan = planQuery({ ...request.query, time: undefined, limit: undefined }, { now: this.now, maxFanOut: 1_000 });
    this.offline = planOfflineQuery(request.query, { now: this.now });
    this.warnings = [...this.offline.warnings];
    this.initialBudget = Math.min(MAX_QUERY_LIMIT, Math.max(1, options.budget ?? request.query.limit ?? DEFAULT_BUDGET));
    this.budget = this.initialBudget;
    this.maxResults = Math.max(1, options.maxResults ?? MAX_QUERY_LIMIT);
    this.nextKey = options.nextKey ?? (() => this.keyCounter++);
    this.bursts = options.bursts === false ? undefined : new DenialBurstDetector(options.bursts || {});
  }

  private get label(): string {
    return sourceLabel(this.request.source);
  }

  private get region(): string {
    return this.request.source.kind === 'archive' && !this.request.source.byRegion ? 'all regions' : this.request.regions.join(', ');
  }

  planInfo(searchId: number): PlanInfo {
    const plan = this.plan;
    const kind = this.request.source.kind;
    const where = kind === 'archive' ? 'read from the log files and checked locally' : kind === 'lake' ? 'in the SQL (bounded by eventTime), re-checked locally' : 'in the SQL (partitions pruned by time, region and account), re-checked locally';
    const local = [
      ...(plan.server ? [{ label: `${plan.server.attribute} = ${plan.server.values.map((value) => `“${value}”`).join(' | ')}`, reason: where }] : []),
      ...plan.local.filter((item) => item.label !== '').map((item) => ({ label: item.label, reason: where })),
    ];
    const sql = this.request.source.kind === 'athena' && this.request.source.sql !== undefined;
    const info: PlanInfo = {
      searchId,
      request: this.request,
      summary: sql ? `${this.label}: your SQL` : `${this.label}: ${local.length > 0 ? local.map((item) => item.label).join(' · ') : 'all events in range'}`,
      server: null,
      local: sql ? [] : local,
      explanation: [
        kind === 'archive'
          ? 'Searches every CloudTrail log file below the folder (.json, .json.gz, JSON Lines); files delivered outside the time range are skipped unopened; damaged files are reported and the rest is searched.'
          : kind === 'lake'
            ? 'Runs one CloudTrail Lake query against the event data store; billed by the data scanned. Cancel stops the query.'
            : 'Runs one Athena query over the trail’s S3 logs; billed by the data scanned ($5 per TB, 10 MB minimum). Cancel stops the query.',
      ],
      warnings: [...this.warnings],
      range: { start: Math.max(0, this.offline.range?.start ?? OPEN_START), end: Math.min(OPEN_END, this.offline.range?.end ?? this.now) },
      streams: [{ id: 0, profile: this.request.profiles[0] ?? '', region: this.region, label: this.label }],
      budget: this.budget,
    };
    if (this.offline.impossible) info.impossible = this.offline.impossible;
    return info;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get matched(): number {
    return this.items.size;
  }

  get failedStreams(): number {
    return this.state === 'failed' ? 1 : 0;
  }

  get more(): boolean {
    return this.state !== 'running' && (this.hitBudget || this.state === 'cancelled' || this.state === 'queued') && this.items.size < this.maxResults;
  }

  results(): SearchItem[] {
    return [...this.items.values()];
  }

  item(key: number): SearchItem | undefined {
    return this.items.get(key);
  }

  stream(id: number): (StreamSnapshot & { error?: AwsError }) | undefined {
    if (id !== 0) return undefined;
    return { id: 0, profile: this.request.profiles[0] ?? '', region: this.request.regions[0] ?? '', label: this.label, ...(this.error && { error: this.error }) };
  }

  start(): Promise<DoneReason> {
    return this.round();
  }

  cancel(): void {
    if (this.state !== 'running') return;
    this.cancelled = true;
    this.controller?.abort();
  }

  loadMore(): Promise<DoneReason> {
    this.budget = Math.min(MAX_QUERY_LIMIT, Math.max(this.budget, this.items.size) + this.initialBudget);
    return this.round();
  }

  keepGoing(upTo: number): Promise<DoneReason> {
    this.budget = Math.min(MAX_QUERY_LIMIT, Math.max(1, upTo));
    return this.round();
  }

  retryFailed(): Promise<DoneReason> {
    this.error = undefined;
    return this.round();
  }

  progress(searchId: number): SearchProgress {
    const stream: StreamProgress = { id: 0, profile: this.request.profiles[0] ?? '', region: this.region, label: this.label, state: this.state, more: this.more, ...this.counts };
    if (Number.isFinite(this.oldest)) stream.oldest = this.oldest;
    const out: SearchProgress = { searchId, running: this.running, total: { ...this.counts }, streams: [stream] };
    const source = this.sourceProgress;
    if (source) out.source = source.kind === 'archive' ? { ...source, errors: Math.max(source.errors, this.errorCount), fileErrors: [...this.fileErrors] } : { ...source };
    else if (this.fileErrors.length > 0) out.source = { kind: 'archive', files: 0, filesRead: 0, filesSkipped: 0, bytesRead: 0, records: 0, errors: this.errorCount, fileErrors: [...this.fileErrors] };
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private round(): Promise<DoneReason> {
    if (this.state === 'running' && this.current) return this.current;
    this.current = this.pump();
    return this.current;
  }

  private async pump(): Promise<DoneReason> {
    const controller = new AbortController();
    this.controller = controller;
    this.cancelled = false;
    this.hitBudget = false;
    if (this.offline.impossible) {
      this.state = 'complete';
      return this.finish();
    }
    this.state = 'running';
    this.sink.progress?.();
    const wanted = Math.min(this.maxResults, this.budget);
    // Ask for what is kept already plus the budget: a second round meets the first round's events again.
    const query: EventQuery = { ...this.request.query, limit: Math.min(MAX_QUERY_LIMIT, wanted) };
    let seen = 0;
    try {
      for await (const item of this.opener(this.request, query, controller.signal, this.now)) {
        if ('progress' in item) {
          this.sourceProgress = item.progress;
          if (item.progress.kind === 'athena' || item.progress.kind === 'lake') this.counts.requests = Math.max(this.counts.requests, 1);
          this.sink.progress?.();
          continue;
        }
        if ('error' in item) {
          this.errorCount++;
          if (this.fileErrors.length < MAX_FILE_ERRORS) this.fileErrors.push({ file: item.error.file ?? '', message: item.error.message });
          this.sink.progress?.();
          continue;
        }
        seen++;
        this.take(item.row, item.record);
        if (this.items.size >= wanted || seen >= wanted) {
          this.hitBudget = true;
          break;
        }
        if (controller.signal.aborted) break;
      }
      this.state = controller.signal.aborted || this.cancelled ? 'cancelled' : this.hitBudget ? 'paused' : 'complete';
    } catch (error) {
      const failure = toAwsError(error);
      if (controller.signal.aborted || failure.kind === 'cancelled') this.state = 'cancelled';
      else {
        this.state = 'failed';
        this.error = failure;
        this.sink.failure?.({ id: 0, profile: this.request.profiles[0] ?? '', region: this.request.regions[0] ?? '', label: this.label }, failure);
      }
    }
    return this.finish();
  }

  private take(row: EventRow, record: CloudTrailRecord): void {
    this.counts.fetched++;
    if (row.time > 0 && row.time < this.oldest) this.oldest = row.time;
    const burst = this.bursts?.observe(row, record);
    if (row.eventId !== '' && this.byEventId.has(row.eventId)) return;
    if (this.items.size >= this.maxResults) return;
    const item: SearchItem = { key: this.nextKey(), stream: 0, profile: this.request.profiles[0] ?? '', row, json: JSON.stringify(record), risk: cachedRiskFlags(row, record) };
    this.items.set(item.key, item);
    if (row.eventId !== '') this.byEventId.set(row.eventId, item);
    this.counts.matched++;
    const updated: SearchItem[] = [];
    if (burst && this.bursts) {
      const flag = this.bursts.flag(burst);
      for (const id of burst.eventIds) {
        const flagged = this.byEventId.get(id);
        if (!flagged || flagged.risk.some((existing) => existing.id === flag.id)) continue;
        flagged.risk = withFlag(flagged.risk, flag);
        if (flagged !== item) updated.push(flagged);
      }
    }
    this.sink.rows?.([item]);
    if (updated.length > 0) this.sink.risk?.(updated);
  }

  private finish(): DoneReason {
    const reason: DoneReason = this.state === 'cancelled' ? 'cancelled' : this.state === 'failed' ? 'failed' : this.items.size >= this.maxResults ? 'capacity' : this.hitBudget ? 'limit' : 'complete';
    this.sink.progress?.();
    this.sink.done?.(reason, this.more);
    return reason;
  }
}
