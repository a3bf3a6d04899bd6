/**
 * The typed protocol between the search panel's host (extension) and its webview. Both bundles
 * import this file, so it stays free of `vscode` and Node imports, and imports from src/core only
 * what the browser can carry (the query model; risk flags as a type only — not the catalogue).
 *
 * The webview is untrusted input to the host: every message it sends goes through
 * `parseWebviewMessage` before the host acts on it, and it names results only by the numeric `key`
 * the host gave them. Records travel to the webview one at a time (`getRecord` → `record`); rows
 * carry what the table, the timeline and the detail header need. Credentials never cross.
 *
 * Flow: webview `ready` → host `init` (and, if a search exists, a replay of it: `plan`, `rows`…,
 * `progress`, `streamError`s, `done`). A search: `search` → `plan`, then `rows` and `progress`
 * batches (throttled), `streamError` per failed stream, `risk` when a denial burst re-flags rows
 * already sent, and `done`. Every host message about a search carries its `searchId`; the webview
 * drops messages of a search it no longer shows.
 *
 * Sources (`SearchRequest.source`): Event history by default; a local folder the host registered
 * after its dialog (`pickFolder` → `folder`: id and name only); Athena over a trail's logs
 * (`listTrails` → `trails`; `createTable` is confirmed by the host in a modal first). Their
 * progress carries `source` (files / bytes, or state / data scanned / cost).
 */
import { MAX_QUERY_LIMIT, parseEventQuery, type EventQuery, type LookupAttributeKey } from '../core/events/query';
import type { EventRow } from '../core/events/record';
import type { RiskFlag } from '../core/events/risk';

export { LOOKUP_ATTRIBUTE_KEYS, TIME_PRESETS, type EventQuery, type LookupAttributeKey, type TimePreset } from '../core/events/query';
export type { EventRow } from '../core/events/record';
export type { RiskFlag, RiskLevel } from '../core/events/risk';

/**
 * Where a search reads events. Event history (LookupEvents, the last 90 days) is the default; the
 * others go further back:
 * - `archive`: a local folder of CloudTrail log files, picked in the host's folder dialog. The
 *   webview knows it only by the host's `folderId` and the folder's `name` (never a path).
 * - `athena`: a trail's S3 logs through Athena (the first profile; the regions are partition
 *   filters). The table is the one `athenaSetupPlan` makes for the trail in `database`, unless
 *   `table` names an existing one; `sql` replaces the translated query.
 */
export type SearchSource =
  | { kind: 'history' }
  /** `byRegion`: keep only events of the request's regions (otherwise every region in the files). */
  | { kind: 'archive'; folderId: number; name: string; byRegion?: boolean }
  | {
      kind: 'athena';
      /** Trail name or ARN (DescribeTrails of the profile). */
      trail: string;
      database?: string;
      table?: string;
      workgroup?: string;
      /** s3://bucket/prefix/ for the results (needed unless the workgroup sets one). */
      outputLocation?: string;
      organizationId?: string;
      sql?: string;
    }
  /**
   * CloudTrail Lake: an existing event data store of the profile (ListEventDataStores, ENABLED),
   * queried in its home region (the ARN's). `name` is for labels only.
   */
  | { kind: 'lake'; store: string; name?: string };

export type SourceKind = SearchSource['kind'];
export const SOURCE_KINDS: readonly SourceKind[] = ['history', 'archive', 'athena', 'lake'];

/** One search: which profiles and regions (every combination is a stream), and the question. */
export interface SearchRequest {
  profiles: string[];
  regions: string[];
  query: EventQuery;
  /** Absent: Event history. */
  source?: SearchSource;
}

/** What a local-log or Athena search has done so far (the status bar shows it). */
export type SourceProgress =
  | {
      kind: 'archive';
      files: number;
      filesRead: number;
      filesSkipped: number;
      bytesRead: number;
      records: number;
      /** Damaged files and records (the search goes on); the first 100 are listed. */
      errors: number;
      fileErrors: Array<{ file: string; message: string }>;
    }
  | {
      kind: 'athena';
      queryExecutionId?: string;
      /** QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED. */
      state?: string;
      scannedBytes: number;
      billedBytes: number;
      costUsd: number;
      rows: number;
    }
  | {
      kind: 'lake';
      queryId?: string;
      /** QUEUED | RUNNING | FINISHED | FAILED | CANCELLED | TIMED_OUT. */
      state?: string;
      scannedBytes: number;
      rows: number;
    };

/** A trail the Athena source can read (DescribeTrails of a profile). */
export interface TrailOption {
  name: string;
  arn: string;
  homeRegion?: string;
  organization: boolean;
  bucket?: string;
}

/** A CloudTrail Lake event data store the Lake source can query (ListEventDataStores, ENABLED). */
export interface StoreOption {
  /** The store's ARN (what the source names). */
  arn: string;
  name: string;
}

/** Remembered Athena settings (globalState) that pre-fill the form. */
export interface AthenaDefaults {
  database: string;
  workgroup: string;
  outputLocation?: string;
}

/** A result row: the event's row, who found it, and its risk flags (absent when none). */
export interface SearchRow extends EventRow {
  /** The host's id of this result (unique within a panel); the webview names rows by it. */
  key: number;
  profile: string;
  risk?: RiskFlag[];
}

export type StreamState = 'queued' | 'running' | 'paused' | 'complete' | 'failed' | 'cancelled';

export interface StreamCounts {
  /** Events LookupEvents returned. */
  fetched: number;
  /** Events that passed every filter. */
  matched: number;
  requests: number;
  pages: number;
  /** Throttles absorbed by the pacer (never failures). */
  throttled: number;
}

export interface StreamInfo {
  id: number;
  profile: string;
  region: string;
  /** `profile · region`, plus the server value when the attribute fans out. */
  label: string;
}

export interface StreamProgress extends StreamInfo, StreamCounts {
  state: StreamState;
  /** More pages are available (load more / keep going continue from the NextToken). */
  more: boolean;
  /** Time of the oldest event fetched (epoch ms). */
  oldest?: number;
  /**
   * Why a paused stream stopped: `limit` enough newer matches elsewhere, `scan` the per-round scan
   * limit, `throttled` AWS kept throttling one page, `capacity` the most matches one search keeps.
   */
  pausedBy?: 'limit' | 'scan' | 'throttled' | 'capacity';
}

export interface PlanInfo {
  searchId: number;
  request: SearchRequest;
  /** One line: `AWS: EventName = “DeleteTrail” · Local: Failed calls only`. */
  summary: string;
  server: { attribute: LookupAttributeKey; values: string[]; reason: string } | null;
  local: Array<{ label: string; reason: string }>;
  explanation: string[];
  warnings: string[];
  impossible?: string;
  /** The resolved time range (epoch ms). */
  range: { start: number; end: number };
  streams: StreamInfo[];
  /** Matches wanted before the streams pause. */
  budget: number;
}

export interface StreamFailure {
  streamId: number;
  profile: string;
  region: string;
  label: string;
  /** AwsError kind: access-denied, sso-expired, service, … */
  kind: string;
  message: string;
  next: string;
  /** A terminal command that fixes it (the host runs it on `fix`; the webview only shows it). */
  command?: string;
  missingAction?: string;
}

export type DoneReason = 'complete' | 'limit' | 'paused' | 'cancelled' | 'failed' | 'capacity';

export interface SearchProgress {
  searchId: number;
  running: boolean;
  total: StreamCounts;
  streams: StreamProgress[];
  /** Nothing newer than this is missing (epoch ms); absent when every stream ended. */
  completeBackTo?: number;
  /** Local logs and Athena: files and bytes read, or the query's state, data scanned and cost. */
  source?: SourceProgress;
}

export interface ProfileOption {
  name: string;
  /** The profile's default region. */
  region?: string;
  /** access keys, SSO, role… */
  kind?: string;
}

export interface RegionOption {
  id: string;
  name: string;
}

export const COLUMN_IDS = ['risk', 'time', 'eventName', 'user', 'eventSource', 'resources', 'sourceIp', 'region', 'errorCode', 'readOnly', 'profile', 'account', 'accessKeyId', 'userAgent'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

/** What the panel keeps across reloads (getState/setState and the serializer). */
export interface PanelState {
  /** The form as last submitted or edited. */
  request?: SearchRequest;
  /** Visible columns, in order. */
  columns?: ColumnId[];
  sort?: { column: ColumnId; descending: boolean };
}

export interface PanelInit {
  profiles: ProfileOption[];
  regions: RegionOption[];
  defaultProfile?: string;
  defaultRegion?: string;
  state?: PanelState;
  /** Pre-fill of the Athena fields. */
  athena?: AthenaDefaults;
}

export const PIVOT_FIELDS = ['user', 'accessKeyId', 'resource', 'sourceIp', 'eventName'] as const;
export type PivotField = (typeof PIVOT_FIELDS)[number];

export type ExportFormat = 'json' | 'csv';

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'search'; request: SearchRequest }
  | { type: 'cancel' }
  /** Continue every paused stream for another budget of matches. */
  | { type: 'loadMore' }
  /** Continue until `upTo` matches in all (or every stream ends). */
  | { type: 'keepGoing'; upTo: number }
  | { type: 'getRecord'; key: number }
  | { type: 'openRecord'; key: number }
  | { type: 'copyCli'; key: number }
  | { type: 'compare'; keys: [number, number] }
  /** Export the matches (those inside `range` only, when the timeline narrowed them). */
  | { type: 'export'; format: ExportFormat; range?: { start: number; end: number } }
  /** A new search in the same scope and time for a value of this row (resources: the `index`-th). */
  | { type: 'pivot'; key: number; field: PivotField; index?: number }
  /** Run the fix command of this stream's failure (`aws sso login …`) in a terminal. */
  | { type: 'fix'; streamId: number }
  /** Retry the failed streams. */
  | { type: 'retry' }
  /** Ask the host for a log folder (its folder dialog); answered by `folder`. */
  | { type: 'pickFolder' }
  /** The trails of a profile (for the Athena source); answered by `trails`. */
  | { type: 'listTrails'; profile: string; region: string }
  /** The CloudTrail Lake event data stores of a profile; answered by `stores`. */
  | { type: 'listStores'; profile: string; region: string }
  /** Create the Athena database and table of this source (after the host's one confirmation). */
  | { type: 'createTable'; profile: string; region: string; source: Extract<SearchSource, { kind: 'athena' }> };

export type HostMessage =
  | { type: 'init'; init: PanelInit }
  /** Fill the form (pre-filled command, pivot); `run`: a search for it starts right away. */
  | { type: 'query'; request: SearchRequest; run: boolean }
  | { type: 'plan'; plan: PlanInfo }
  | { type: 'rows'; searchId: number; rows: SearchRow[] }
  /** Rows already sent whose flags changed (a denial burst): the full new list each. */
  | { type: 'risk'; searchId: number; updates: Array<{ key: number; risk: RiskFlag[] }> }
  | ({ type: 'progress' } & SearchProgress)
  | { type: 'streamError'; searchId: number; failure: StreamFailure }
  | { type: 'done'; searchId: number; reason: DoneReason; more: boolean; message: string }
  /** Select this result and show it in detail (an event opened from elsewhere in the editor). */
  | { type: 'reveal'; searchId: number; key: number }
  /** The answer to getRecord: the record's JSON text and the AWS CLI command that fetches it. */
  | { type: 'record'; searchId: number; key: number; json: string; cli: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** The folder the user picked (only its name; the host keeps the path). */
  | { type: 'folder'; folder: { folderId: number; name: string } }
  | { type: 'trails'; profile: string; trails: TrailOption[]; error?: string }
  /** The event data stores of a profile: the Lake source is offered only when there are some. */
  | { type: 'stores'; profile: string; stores: StoreOption[] };

// ---------------------------------------------------------------------------------------------
// Validation of what the webview sends

export const MAX_LIST = 64;
const MAX_NAME = 256;
/** Largest key the host hands out (keys are counters). */
const MAX_KEY = 2 ** 31 - 1;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Profile names: what the AWS config files allow, without control characters. */
function profileName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME || /[\p{Cc}\u2028\u2029]/u.test(value)) throw new Error(`${what}: expected a profile name`);
  return value;
}

/** Region ids: `us-east-1`, `us-gov-west-1`, `eu-central-2`, `cn-north-1`… */
export function isRegionId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 32 && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(value);
}

function list<T>(value: unknown, what: string, item: (value: unknown, what: string) => T): T[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list`);
  if (value.length === 0 || value.length > MAX_LIST) throw new Error(`${what}: 1 to ${MAX_LIST} values`);
  const out = value.map((entry, index) => item(entry, `${what}[${index}]`));
  return [...new Set(out)];
}

function key(value: unknown, what = 'key'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_KEY) throw new Error(`${what}: expected a result key`);
  return value;
}

const MAX_SQL = 100_000;
const IDENT = /^[a-z0-9_]{1,255}$/;
const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;
const TRAIL = /^(arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/)?[a-zA-Z0-9._-]{1,128}$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\p{Cc}'\\]*)?$/u;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** An event data store ARN or id (src/core/athena/lake.ts EVENT_DATA_STORE: it is written into SQL unquoted). */
const LAKE_STORE = /^(?:arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/)?[A-Za-z0-9-]{1,64}$/;

function optional(value: unknown, what: string, pattern: RegExp, hint: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 1024 || !pattern.test(value)) throw new Error(`${what}: expected ${hint}`);
  return value;
}

/** Validates a search source (untrusted: from the webview, saved state or a command argument). */
export function parseSearchSource(value: unknown): SearchSource {
  if (value === undefined || value === null) return { kind: 'history' };
  if (!isRecord(value)) throw new Error('source: expected an object');
  switch (value.kind) {
    case 'history':
      return { kind: 'history' };
    case 'archive': {
      const name = value.name;
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || /[\p{Cc}\u2028\u2029]/u.test(name)) throw new Error('source.name: expected a folder name');
      const source: SearchSource = { kind: 'archive', folderId: key(value.folderId, 'source.folderId'), name };
      if (value.byRegion === true) source.byRegion = true;
      return source;
    }
    case 'athena': {
      const trail = value.trail;
      if (typeof trail !== 'string' || !TRAIL.test(trail)) throw new Error('source.trail: expected a trail name or ARN');
      const source: Extract<SearchSource, { kind: 'athena' }> = { kind: 'athena', trail };
      const database = optional(value.database, 'source.database', IDENT, 'a database name (a-z, 0-9, _)');
      const table = optional(value.table, 'source.table', IDENT, 'a table name (a-z, 0-9, _)');
      const workgroup = optional(value.workgroup, 'source.workgroup', WORKGROUP, 'a workgroup name');
      const outputLocation = optional(value.outputLocation, 'source.outputLocation', S3_URI, 'an s3://bucket/prefix/ location');
      const organizationId = optional(value.organizationId, 'source.organizationId', ORG_ID, 'an organization id (o-…)');
      if (database) source.database = database;
      if (table) source.table = table;
      if (workgroup) source.workgroup = workgroup;
      if (outputLocation) source.outputLocation = outputLocation;
      if (organizationId) source.organizationId = organizationId;
      if (value.sql !== undefined && value.sql !== null && value.sql !== '') {
        if (typeof value.sql !== 'string' || value.sql.length > MAX_SQL || value.sql.includes(String.fromCharCode(0))) throw new Error(`source.sql: expected SQL text of at most ${MAX_SQL} characters`);
        if (value.sql.trim() !== '') source.sql = value.sql;
      }
      return source;
    }
    case 'lake': {
      const store = value.store;
      if (typeof store !== 'string' || !LAKE_STORE.test(store)) throw new Error('source.store: expected an event data store ARN or id');
      const source: Extract<SearchSource, { kind: 'lake' }> = { kind: 'lake', store };
      const name = value.name;
      if (name !== undefined && name !== null && name !== '') {
        if (typeof name !== 'string' || name.length > MAX_NAME || /[\p{Cc}\u2028\u2029]/u.test(name)) throw new Error('source.name: expected an event data store name');
        source.name = name;
      }
      return source;
    }
    default:
      throw new Error(`source.kind: one of ${SOURCE_KINDS.join(', ')}`);
  }
}

export function parseSearchRequest(value: unknown): SearchRequest {
  if (!isRecord(value)) throw new Error('request: expected an object');
  const request: SearchRequest = {
    profiles: list(value.profiles, 'profiles', profileName),
    regions: list(value.regions, 'regions', (region, what) => {
      if (!isRegionId(region)) throw new Error(`${what}: expected a region id such as us-east-1`);
      return region;
    }),
    query: parseEventQuery(value.query ?? {}),
  };
  const source = parseSearchSource(value.source);
  if (source.kind !== 'history') request.source = source;
  return request;
}

function parseRange(value: unknown): { start: number; end: number } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new Error('range: expected an object');
  const { start, end } = value;
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !Number.isFinite(end) || start > end) throw new Error('range: expected start <= end in epoch milliseconds');
  return { start, end };
}

/** Validates a message from the webview. Throws an Error that says what was wrong. Unknown extra fields are dropped. */
export function parseWebviewMessage(value: unknown): WebviewMessage {
  if (!isRecord(value) || typeof value.type !== 'string') throw new Error('message: expected an object with a type');
  switch (value.type) {
    case 'ready':
    case 'cancel':
    case 'loadMore':
    case 'retry':
      return { type: value.type };
    case 'search':
      return { type: 'search', request: parseSearchRequest(value.request) };
    case 'keepGoing': {
      const upTo = value.upTo;
      if (typeof upTo !== 'number' || !Number.isInteger(upTo) || upTo < 1 || upTo > MAX_QUERY_LIMIT) throw new Error(`keepGoing.upTo: an integer from 1 to ${MAX_QUERY_LIMIT}`);
      return { type: 'keepGoing', upTo };
    }
    case 'getRecord':
    case 'openRecord':
    case 'copyCli':
      return { type: value.type, key: key(value.key) };
    case 'compare': {
      const keys = value.keys;
      if (!Array.isArray(keys) || keys.length !== 2) throw new Error('compare.keys: expected two result keys');
      const [a, b] = [key(keys[0], 'compare.keys[0]'), key(keys[1], 'compare.keys[1]')];
      if (a === b) throw new Error('compare.keys: two different results');
      return { type: 'compare', keys: [a, b] };
    }
    case 'export': {
      if (value.format !== 'json' && value.format !== 'csv') throw new Error('export.format: "json" or "csv"');
      const range = parseRange(value.range);
      return range ? { type: 'export', format: value.format, range } : { type: 'export', format: value.format };
    }
    case 'pivot': {
      const field = value.field;
      if (typeof field !== 'string' || !(PIVOT_FIELDS as readonly string[]).includes(field)) throw new Error(`pivot.field: one of ${PIVOT_FIELDS.join(', ')}`);
      const message: WebviewMessage = { type: 'pivot', key: key(value.key), field: field as PivotField };
      if (value.index !== undefined) {
        if (typeof value.index !== 'number' || !Number.isInteger(value.index) || value.index < 0 || value.index > 1000) throw new Error('pivot.index: a small non-negative integer');
        message.index = value.index;
      }
      return message;
    }
    case 'fix':
      return { type: 'fix', streamId: key(value.streamId, 'fix.streamId') };
    case 'pickFolder':
      return { type: 'pickFolder' };
    case 'listTrails':
    case 'listStores':
    case 'createTable': {
      const profile = profileName(value.profile, `${value.type}.profile`);
      if (!isRegionId(value.region)) throw new Error(`${value.type}.region: expected a region id such as us-east-1`);
      if (value.type === 'listTrails') return { type: 'listTrails', profile, region: value.region };
      if (value.type === 'listStores') return { type: 'listStores', profile, region: value.region };
      const source = parseSearchSource(value.source);
      if (source.kind !== 'athena') throw new Error('createTable.source: expected an Athena source');
      return { type: 'createTable', profile, region: value.region, source };
    }
    default:
      throw new Error(`message: unknown type ${JSON.stringify(value.type.slice(0, 40))}`);
  }
}

/**
 * The state a webview saved is untrusted too (the serializer hands it back after a reload): keep
 * what validates, drop the rest.
 */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value)) return undefined;
  const state: PanelState = {};
  try {
    if (value.request !== undefined) state.request = parseSearchRequest(value.request);
  } catch {
    // an invalid saved form is forgotten, the rest is kept
  }
  if (Array.isArray(value.columns)) {
    const columns = value.columns.filter((column): column is ColumnId => typeof column === 'string' && (COLUMN_IDS as readonly string[]).includes(column));
    if (columns.length > 0) state.columns = [...new Set(columns)];
  }
  if (isRecord(value.sort) && typeof value.sort.column === 'string' && (COLUMN_IDS as readonly string[]).includes(value.sort.column) && typeof value.sort.descending === 'boolean') {
    state.sort = { column: value.sort.column as ColumnId, descending: value.sort.descending };
  }
  return state.request || state.columns || state.sort ? state : undefined;
}
