/**
 * One search panel's host logic, without VS Code: it validates what the webview sends, runs
 * searches (runner.ts), streams their results back in throttled batches, replays them when the
 * webview is re-created (hidden and shown again), and asks its host (panel.ts) for what needs the
 * editor — open a document, a diff, the clipboard, a save dialog, a terminal.
 *
 * The webview names results only by key; everything done with a result (the record, the CLI
 * command, a pivot, an export) is built here from the host's own copy.
 */
import type { AwsError } from '../../core/aws/errors';
import { csvHeader, csvRow, jsonDocumentEnd, jsonDocumentItem, jsonDocumentStart, type ExportItem } from '../../core/events/export';
import { awsCliEventCommand } from '../../core/events/format';
import type { EventQuery } from '../../core/events/query';
import type { Logger } from '../../shared/log';
import {
  parseWebviewMessage,
  type ExportFormat,
  type HostMessage,
  type PanelInit,
  type PivotField,
  type SearchRequest,
  type SearchRow,
  type SearchSource,
  type SourceProgress,
  type StreamFailure,
  type StoreOption,
  type TrailOption,
  type WebviewMessage,
} from '../../shared/protocol';
import { doneMessage, recordOf, type LookupFn, type SearchItem, type StreamSnapshot } from './runner';
import { createSearchRun, type SearchRunLike, type SourceOpeners } from './sources';
import { Throttle } from './throttle';

/** What the session needs from the editor. */
export interface SessionHost {
  post(message: HostMessage): void;
  /** Profiles, regions and defaults for the form. */
  init(): Promise<Omit<PanelInit, 'state'>>;
  openJson(title: string, json: string): Promise<void>;
  diff(left: { title: string; json: string }, right: { title: string; json: string }): Promise<void>;
  copy(text: string): Promise<void>;
  /** Asks where to save and writes; resolves with the place, or undefined when the user cancelled. */
  save(defaultName: string, format: ExportFormat, content: string): Promise<string | undefined>;
  /** Runs an error's fix command (`aws sso login …`) in a terminal. */
  runFix(error: AwsError): void;
  /** Local logs: the folder dialog; resolves with the id and name the webview may know (not the path). */
  pickFolder?(): Promise<{ folderId: number; name: string } | undefined>;
  /** Athena: the trails of a profile (DescribeTrails). */
  listTrails?(profile: string, region: string): Promise<TrailOption[]>;
  /** CloudTrail Lake: the ENABLED event data stores of a profile (ListEventDataStores). */
  listStores?(profile: string, region: string): Promise<StoreOption[]>;
  /** Athena: shows the setup statements in one confirmation, then runs them; resolves with a message, undefined when declined. */
  createTable?(profile: string, region: string, source: Extract<SearchSource, { kind: 'athena' }>): Promise<string | undefined>;
}

export interface SessionOptions {
  lookup: LookupFn;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** UI update interval (default 100 ms). */
  intervalMs?: number;
  now?: () => number;
  /** Events one stream scans per round (default: the runner's). */
  scanLimit?: number;
  /** Local logs and Athena (absent: Event history only). */
  sources?: SourceOpeners;
}

/** How a search ended, for whoever started it (the command's return value). */
export interface SearchSummary {
  searchId: number;
  reason: string;
  message: string;
  matched: number;
  fetched: number;
  requests: number;
  failures: StreamFailure[];
  /** The newest matches (at most 1,000). */
  rows: SearchRow[];
  /** Local logs and Athena: files and bytes read, or the query's state, data scanned and cost. */
  source?: SourceProgress;
}

/** Rows per `rows` message when replaying a whole search. */
const REPLAY_CHUNK = 5000;

export function toSearchRow(item: SearchItem): SearchRow {
  const row: SearchRow = { ...item.row, key: item.key, profile: item.profile };
  if (item.risk.length > 0) row.risk = [...item.risk];
  return row;
}

function failureOf(stream: StreamSnapshot, error: AwsError): StreamFailure {
  const failure: StreamFailure = { streamId: stream.id, profile: stream.profile, region: stream.region, label: stream.label, kind: error.kind, message: error.message, next: error.next };
  if (error.command) failure.command = error.command;
  if (error.missingAction) failure.missingAction = error.missingAction;
  return failure;
}

function pretty(json: string): string {
  try {
    return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
  } catch {
    return json;
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
}

/** File content of an export: the CLI's JSON document (`{events, stats}`) or CSV with risk columns. */
export function exportContent(items: readonly SearchItem[], format: ExportFormat, stats = { requests: 0, pages: 0, throttled: 0, elapsedMs: 0 }): string {
  const sorted = [...items].sort((a, b) => b.row.time - a.row.time);
  if (format === 'csv') {
    const parts = [csvHeader()];
    for (const item of sorted) {
      const exported: ExportItem = { row: item.row, record: recordOf(item), flags: item.risk };
      parts.push(csvRow(exported));
    }
    return parts.join('');
  }
  const parts = [jsonDocumentStart()];
  sorted.forEach((item, index) => parts.push(jsonDocumentItem(recordOf(item), index)));
  parts.push(jsonDocumentEnd(stats));
  return parts.join('');
}

/** The search a pivot starts: same profiles, regions and time; only the pivot's filter. */
export function pivotRequest(base: SearchRequest, item: SearchItem, field: PivotField, index = 0): SearchRequest | undefined {
  const row = item.row;
  const query: EventQuery = {};
  if (base.query.time) query.time = base.query.time;
  if (base.query.limit !== undefined) query.limit = base.query.limit;
  switch (field) {
    case 'user':
      if (!row.user) return undefined;
      query.attributes = { Username: [row.user] };
      break;
    case 'accessKeyId':
      if (!row.accessKeyId) return undefined;
      query.attributes = { AccessKeyId: [row.accessKeyId] };
      break;
    case 'resource': {
      const resource = row.resources[index];
      if (!resource) return undefined;
      query.attributes = { ResourceName: [resource.name] };
      break;
    }
    case 'sourceIp':
      if (!row.sourceIp) return undefined;
      query.sourceIps = [row.sourceIp];
      break;
    case 'eventName':
      if (!row.eventName) return undefined;
      query.attributes = { EventName: [row.eventName] };
      break;
  }
  return { profiles: [...base.profiles], regions: [...base.regions], query, ...(base.source && { source: base.source }) };
}

export class SearchSession {
  private run: SearchRunLike | undefined;
  private searchId = 0;
  private keyCounter = 0;
  private started = 0;
  private failures: StreamFailure[] = [];
  private done: Extract<HostMessage, { type: 'done' }> | undefined;
  private pendingRows: SearchItem[] = [];
  private pendingRisk = new Set<SearchItem>();
  private readonly throttle: Throttle;
  private readonly finishers: Array<(summary: SearchSummary) => void> = [];
  private ready = false;
  /** A result to show in detail once the webview is ready. */
  private pendingReveal: number | undefined;
  private disposed = false;

  constructor(
    private readonly host: SessionHost,
    private readonly options: SessionOptions,
    private state: PanelInit['state'],
  ) {
    this.throttle = new Throttle(() => this.flush(), options.intervalMs ?? 100);
  }

  /** The request of the current (or last) search. */
  get request(): SearchRequest | undefined {
    return this.run?.request;
  }

  get results(): readonly SearchItem[] {
    return this.run?.results() ?? [];
  }

  /** A message from the webview: validated, then handled. Malformed messages are logged and dropped. */
  async receive(raw: unknown): Promise<void> {
    let message: WebviewMessage;
    try {
      message = parseWebviewMessage(raw);
    } catch (error) {
      this.options.log.warn(`search panel: ignored a malformed message (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.options.log.warn(`search panel: ${message.type} failed: ${error instanceof Error ? error.message : String(error)}`);
      this.notice('error', error instanceof Error ? error.message : String(error));
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.onReady();
        return;
      case 'search':
        this.search(message.request);
        return;
      case 'cancel':
        this.run?.cancel();
        return;
      case 'loadMore':
        if (this.run) void this.run.loadMore();
        this.throttle.request();
        return;
      case 'keepGoing':
        if (this.run) void this.run.keepGoing(message.upTo);
        this.throttle.request();
        return;
      case 'retry':
        if (this.run && this.failures.length > 0) {
          this.failures = [];
          void this.run.retryFailed();
        }
        return;
      case 'getRecord': {
        const item = this.item(message.key);
        if (item) this.host.post({ type: 'record', searchId: this.searchId, key: item.key, json: item.json, cli: this.cli(item) });
        return;
      }
      case 'openRecord': {
        const item = this.item(message.key);
        if (item) await this.host.openJson(this.title(item), pretty(item.json));
        return;
      }
      case 'copyCli': {
        const item = this.item(message.key);
        if (!item) return;
        await this.host.copy(this.cli(item));
        this.notice('info', 'Copied the AWS CLI command that fetches this event.');
        return;
      }
      case 'compare': {
        const [left, right] = message.keys.map((key) => this.item(key));
        if (!left || !right) return;
        // Older on the left, as a diff reads: what changed from one to the next.
        const [a, b] = left.row.time <= right.row.time ? [left, right] : [right, left];
        await this.host.diff({ title: this.title(a), json: pretty(a.json) }, { title: this.title(b), json: pretty(b.json) });
        return;
      }
      case 'export':
        await this.export(message.format, message.range);
        return;
      case 'pivot': {
        const item = this.item(message.key);
        const base = this.run?.request;
        if (!item || !base) return;
        const request = pivotRequest(base, item, message.field, message.index);
        if (!request) return;
        this.host.post({ type: 'query', request, run: true });
        this.search(request);
        return;
      }
      case 'fix': {
        const error = this.run?.stream(message.streamId)?.error;
        if (error?.command) this.host.runFix(error);
        return;
      }
      case 'pickFolder': {
        const folder = await this.host.pickFolder?.();
        if (folder) this.host.post({ type: 'folder', folder });
        return;
      }
      case 'listTrails': {
        if (!this.host.listTrails) return;
        try {
          this.host.post({ type: 'trails', profile: message.profile, trails: await this.host.listTrails(message.profile, message.region) });
        } catch (error) {
          this.host.post({ type: 'trails', profile: message.profile, trails: [], error: error instanceof Error ? error.message : String(error) });
        }
        return;
      }
      case 'listStores': {
        if (!this.host.listStores) return;
        // No stores, or no permission to list them: the Lake source is simply not offered.
        const stores = await this.host.listStores(message.profile, message.region).catch(() => []);
        this.host.post({ type: 'stores', profile: message.profile, stores });
        return;
      }
      case 'createTable': {
        const done = await this.host.createTable?.(message.profile, message.region, message.source);
        if (done) this.notice('info', done);
        return;
      }
    }
  }

  /**
   * Fills the form (and, with `run`, starts the search) — from the command's argument. Before the
   * webview is ready the request waits; the search itself starts at once.
   */
  prefill(request: SearchRequest, run: boolean): Promise<SearchSummary> | undefined {
    // Before the webview is ready, `init` carries the form.
    this.state = { ...this.state, request };
    if (this.ready) this.host.post({ type: 'query', request, run });
    if (!run) return undefined;
    this.search(request);
    return new Promise<SearchSummary>((resolve) => {
      this.finishers.push(resolve);
      // A search that could not start, or finished at once (nothing can match), is settled already.
      if (!this.run) this.finishers.splice(0).forEach((finish) => finish({ searchId: this.searchId, reason: 'failed', message: 'The search could not start.', matched: 0, fetched: 0, requests: 0, failures: [], rows: [] }));
      else if (this.done) this.settle(this.done.reason, this.done.message);
    });
  }

  /**
   * Shows the result with this event id in detail, if the current search has it (an event opened
   * from a lookup or a hover). Returns whether it was found.
   */
  reveal(eventId: string): boolean {
    const item = this.run?.results().find((candidate) => candidate.row.eventId === eventId);
    if (!item) return false;
    if (this.ready) {
      this.throttle.now(); // the row itself first
      this.post({ type: 'reveal', searchId: this.searchId, key: item.key });
    } else this.pendingReveal = item.key;
    return true;
  }

  /** Starts a search, replacing the current one (which is cancelled). */
  search(request: SearchRequest): void {
    // Whoever waits for the search being replaced learns how far it got.
    if (this.run) this.settle('cancelled', 'Replaced by a new search.');
    this.run?.cancel();
    this.pendingRows = [];
    this.pendingRisk.clear();
    this.failures = [];
    this.done = undefined;
    this.pendingReveal = undefined;
    const searchId = ++this.searchId;
    this.state = { ...this.state, request };
    let run: SearchRunLike;
    try {
      run = createSearchRun(
        request,
        { lookup: this.options.lookup, now: this.options.now?.(), nextKey: () => this.keyCounter++, scanLimit: this.options.scanLimit, sources: this.options.sources },
        {
          rows: (items) => {
            if (this.run !== run) return;
            for (const item of items) this.pendingRows.push(item);
            // The first rows of a search show at once, whatever progress was posted just before.
            if (run.matched === items.length) this.throttle.now();
            else this.throttle.request();
          },
          risk: (items) => {
            if (this.run !== run) return;
            for (const item of items) this.pendingRisk.add(item);
            this.throttle.request();
          },
          failure: (stream, error) => {
            if (this.run !== run) return;
            const failure = failureOf(stream, error);
            this.failures.push(failure);
            this.options.log.warn(`search: ${stream.label}: ${error.kind}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`);
            this.throttle.now();
            this.post({ type: 'streamError', searchId, failure });
          },
          progress: () => {
            if (this.run === run) this.throttle.request();
          },
          done: (reason, more) => {
            if (this.run !== run) return;
            this.throttle.now();
            const message = doneMessage(reason, run);
            this.done = { type: 'done', searchId, reason, more, message };
            this.post(this.done);
            this.options.log.info(`search ${searchId}: ${reason} after ${Date.now() - this.started} ms: ${message}`);
            this.settle(reason, message);
          },
        },
      );
    } catch (error) {
      this.run = undefined;
      this.notice('error', error instanceof Error ? error.message : String(error));
      return;
    }
    this.run = run;
    this.started = Date.now();
    this.options.log.info(`search ${searchId}: ${request.profiles.length} profile(s) × ${request.regions.length} region(s): ${run.planInfo(searchId).summary}`);
    this.post({ type: 'plan', plan: run.planInfo(searchId) });
    void run.start();
  }

  /** Exports the matches (inside `range`, when given) through the host's save dialog. */
  async export(format: ExportFormat, range?: { start: number; end: number }): Promise<string | undefined> {
    const run = this.run;
    if (!run || run.matched === 0) {
      this.notice('info', 'Nothing to export yet: run a search first.');
      return undefined;
    }
    const items = range ? run.results().filter((item) => item.row.time >= range.start && item.row.time <= range.end) : run.results();
    const progress = run.progress(this.searchId).total;
    const content = exportContent(items, format, { requests: progress.requests, pages: progress.pages, throttled: progress.throttled, elapsedMs: Date.now() - this.started });
    const first = items.reduce((min, item) => Math.min(min, item.row.time || min), Infinity);
    const name = `cloudtrail-events-${stamp(Number.isFinite(first) ? first : Date.now())}.${format}`;
    const place = await this.host.save(name, format, content);
    if (place) this.notice('info', `Exported ${items.length.toLocaleString('en-US')} event${items.length === 1 ? '' : 's'} to ${place}.`);
    return place;
  }

  dispose(): void {
    if (this.run) this.settle('cancelled', 'The panel was closed.');
    this.disposed = true;
    this.run?.cancel();
    this.throttle.dispose();
  }

  // -------------------------------------------------------------------------------------------

  private async onReady(): Promise<void> {
    const init = await this.host.init();
    this.ready = true;
    this.host.post({ type: 'init', init: { ...init, state: this.state } });
    const run = this.run;
    if (run) {
      // The webview was re-created (hidden and shown again): replay the search.
      this.post({ type: 'plan', plan: run.planInfo(this.searchId) });
      const rows = run.results();
      for (let start = 0; start < rows.length; start += REPLAY_CHUNK) {
        this.post({ type: 'rows', searchId: this.searchId, rows: rows.slice(start, start + REPLAY_CHUNK).map(toSearchRow) });
      }
      this.pendingRows = [];
      this.pendingRisk.clear();
      for (const failure of this.failures) this.post({ type: 'streamError', searchId: this.searchId, failure });
      this.post({ type: 'progress', ...run.progress(this.searchId) });
      if (this.done) this.post(this.done);
      if (this.pendingReveal !== undefined && run.item(this.pendingReveal)) this.post({ type: 'reveal', searchId: this.searchId, key: this.pendingReveal });
    }
    this.pendingReveal = undefined;
  }

  private flush(): void {
    const run = this.run;
    if (!run || this.disposed) return;
    if (this.pendingRows.length > 0) {
      const rows = this.pendingRows;
      this.pendingRows = [];
      for (let start = 0; start < rows.length; start += REPLAY_CHUNK) this.post({ type: 'rows', searchId: this.searchId, rows: rows.slice(start, start + REPLAY_CHUNK).map(toSearchRow) });
    }
    if (this.pendingRisk.size > 0) {
      const updates = [...this.pendingRisk].map((item) => ({ key: item.key, risk: [...item.risk] }));
      this.pendingRisk.clear();
      this.post({ type: 'risk', searchId: this.searchId, updates });
    }
    this.post({ type: 'progress', ...run.progress(this.searchId) });
  }

  private settle(reason: string, message: string): void {
    const run = this.run;
    if (!run || this.finishers.length === 0) return;
    const progress = run.progress(this.searchId);
    const total = progress.total;
    const rows = run
      .results()
      .sort((a, b) => b.row.time - a.row.time)
      .slice(0, 1000)
      .map(toSearchRow);
    const summary: SearchSummary = { searchId: this.searchId, reason, message, matched: run.matched, fetched: total.fetched, requests: total.requests, failures: [...this.failures], rows };
    if (progress.source) summary.source = progress.source;
    for (const finish of this.finishers.splice(0)) finish(summary);
  }

  private item(key: number): SearchItem | undefined {
    return this.run?.item(key);
  }

  /** The AWS CLI command that fetches this event, in the stream's profile and region. */
  private cli(item: SearchItem): string {
    return awsCliEventCommand(item.row.eventId, { profile: item.profile, region: this.run?.stream(item.stream)?.region ?? item.row.region });
  }

  private title(item: SearchItem): string {
    const time = item.row.time > 0 ? new Date(item.row.time).toISOString().replace(/\.\d{3}Z$/, 'Z') : 'unknown time';
    return `${item.row.eventName || 'event'} ${time}`;
  }

  private notice(level: 'info' | 'error', message: string): void {
    this.post({ type: 'notice', level, message });
  }

  /** Posts to the webview once it is ready (before that, the replay on `ready` sends everything). */
  private post(message: HostMessage): void {
    if (this.ready && !this.disposed) this.host.post(message);
  }
}

