/**
 * EventQuery -> CloudTrail Lake SQL over one event data store (`FROM <eventDataStoreId>`). Lake's
 * SQL is Trino's SELECT with CloudTrail's columns in camelCase (identifiers are case-insensitive,
 * so the lower-case paths of columns.ts name the same fields); it differs from the Athena table in
 * three places this file handles: `eventTime` is a timestamp, `readOnly` a boolean, and there are
 * no Insights columns (an Insights event data store is a separate store).
 *
 * The filters whose SQL the dialects share (user name, error codes, source IPs, user agent) are the
 * Athena generator's (sql.ts: same literals, escaping, case folding); event name / source / id and
 * access key compare the plain columns; resources and free text are not translated (Lake's
 * lambda support is limited): they run locally on the returned rows, like every filter does.
 *
 * Lake has no whole-record column: the SELECT lists every leaf (nested values as JSON text) and
 * `recordFromLakeRow` rebuilds the record as results.ts does for Athena.
 */
import { planOfflineQuery, type OfflinePlan } from '../archive/plan';
import type { LocalFilter } from '../events/planner';
import type { EventQuery } from '../events/query';
import { toRow, type CloudTrailRecord, type EventRow } from '../events/record';
import { leaves } from './columns';
import { recordFromColumns } from './results';
import { inLower, translateFilter, type FilterSql, type Translation } from './sql';

/** An event data store id (the last part of its ARN) or ARN. */
export const EVENT_DATA_STORE = /^(?:arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/)?[A-Za-z0-9-]{1,64}$/;

/** The store id Lake's FROM takes: the ARN's last part. Throws for anything else (it is written into SQL unquoted). */
export function eventDataStoreId(storeArnOrId: string): string {
  if (!EVENT_DATA_STORE.test(storeArnOrId)) throw new Error(`${JSON.stringify(storeArnOrId.slice(0, 80))}: not an event data store id or ARN`);
  return storeArnOrId.slice(storeArnOrId.lastIndexOf('/') + 1);
}

function timestampLiteral(ms: number): string {
  return `'${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;
}

/** Translates one local filter into Lake SQL. */
export function translateLakeFilter(filter: LocalFilter): Translation {
  switch (filter.kind) {
    case 'time': {
      const bounds: string[] = [];
      // Event times are whole seconds: [start's second, end's second + 1).
      if (filter.start > -8e15) bounds.push(`eventTime >= ${timestampLiteral(Math.floor(filter.start / 1000) * 1000)}`);
      if (filter.end < 8e15) bounds.push(`eventTime < ${timestampLiteral(Math.floor(filter.end / 1000) * 1000 + 1000)}`);
      return bounds.length > 0 ? { sql: bounds.join(' AND '), exact: true } : { exact: true };
    }
    case 'category':
      return { sql: 'FALSE', exact: true, note: 'Insights events are kept in an Insights event data store, not in this one' };
    case 'attribute': {
      const column = { EventId: 'eventID', EventName: 'eventName', EventSource: 'eventSource', AccessKeyId: 'userIdentity.accessKeyId' } as const;
      switch (filter.attribute) {
        case 'EventId':
        case 'EventName':
        case 'EventSource':
        case 'AccessKeyId': {
          const sql = inLower(column[filter.attribute], filter.values);
          return sql ? { sql, exact: true } : { exact: false, note: `${filter.attribute}: a value cannot be compared case-insensitively in SQL exactly; checked locally` };
        }
        case 'ReadOnly': {
          const read = filter.values.includes('true');
          const write = filter.values.includes('false');
          if (read && write) return { exact: true };
          if (read) return { sql: 'readOnly = true', exact: true };
          if (write) return { sql: 'coalesce(readOnly, false) = false', exact: true };
          return { sql: 'FALSE', exact: true };
        }
        case 'Username':
          return translateFilter(filter);
        case 'ResourceName':
        case 'ResourceType':
          return { exact: false, note: `${filter.attribute}: checked locally on the rows the store returns` };
      }
      return { exact: false };
    }
    case 'errors':
    case 'sourceIp':
    case 'userAgent':
      return translateFilter(filter);
    case 'text':
      return { exact: false, note: 'free text is searched locally on the rows the store returns' };
    case 'risk':
      return { exact: false, note: 'risk flags are computed by CloudTrail Lens on each returned event' };
  }
}

/** The WHERE condition of a plan over a Lake event data store. */
export function lakeFilterSql(plan: OfflinePlan): FilterSql {
  if (plan.impossible) return { sql: 'FALSE', exact: true, translations: [] };
  const translations: FilterSql['translations'] = plan.filters.map((filter) => ({ filter, translation: translateLakeFilter(filter) }));
  const conditions = translations.map(({ translation }) => translation.sql).filter((sql): sql is string => sql !== undefined);
  return { sql: conditions.length === 0 ? 'TRUE' : conditions.map((sql) => `(${sql})`).join('\nAND '), exact: translations.every(({ translation }) => translation.exact), translations };
}

/** `expr AS "alias"` for every leaf: scalars as text, nested values (maps, JSON, the resources array) as JSON text. */
export function lakeSelectList(): string {
  return leaves()
    .filter((leaf) => leaf.path !== 'insightdetails')
    .map((leaf) => {
      const alias = `"${leaf.path}"`;
      if (leaf.path === 'eventtime' || leaf.path === 'readonly') return `CAST(${leaf.path} AS varchar) AS ${alias}`;
      if (leaf.kind === 'string') return `${leaf.path} AS ${alias}`;
      return `json_format(CAST(${leaf.path} AS JSON)) AS ${alias}`;
    })
    .join(',\n  ');
}

export interface LakeSqlOptions {
  now: number;
  order?: 'newest' | 'none';
}

export interface LakeQuery {
  sql: string;
  storeId: string;
  filter: FilterSql;
  plan: OfflinePlan;
  sqlLimit?: number;
  limit?: number;
  warnings: string[];
}

/** Builds the SELECT over an event data store. Pure: `options.now` is the clock. */
export function buildLakeQuery(store: string, query: EventQuery, options: LakeSqlOptions): LakeQuery {
  const storeId = eventDataStoreId(store);
  const plan = planOfflineQuery(query, { now: options.now });
  const filter = lakeFilterSql(plan);
  const warnings = [...plan.warnings];
  if (!plan.range) warnings.push('No time range: CloudTrail Lake scans the whole event data store (billed by the data scanned).');
  const sqlLimit = filter.exact && plan.limit !== undefined ? plan.limit : undefined;
  const sql = [
    'SELECT',
    `  ${lakeSelectList()}`,
    `FROM ${storeId}`,
    ...(filter.sql === 'TRUE' ? [] : [`WHERE ${filter.sql}`]),
    ...(options.order === 'none' ? [] : ['ORDER BY eventTime DESC']),
    ...(sqlLimit !== undefined ? [`LIMIT ${sqlLimit}`] : []),
  ].join('\n');
  const out: LakeQuery = { sql, storeId, filter, plan, warnings };
  if (sqlLimit !== undefined) out.sqlLimit = sqlLimit;
  if (plan.limit !== undefined) out.limit = plan.limit;
  return out;
}

/** `2025-01-02 03:04:05[.000]` (Lake's timestamp text) -> CloudTrail's `2025-01-02T03:04:05Z`. */
function isoEventTime(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?$/.exec(text);
  return match ? `${match[1] ?? ''}T${match[2] ?? ''}Z` : text;
}

/** One GetQueryResults row (a list of `{ column: value }` maps) back to a record and its table row. */
export function recordFromLakeRow(cells: ReadonlyArray<Readonly<Record<string, string | null | undefined>>>): { record: CloudTrailRecord; row: EventRow } {
  const values = new Map<string, string | null>();
  let resources: string | undefined;
  for (const cell of cells) {
    for (const [name, value] of Object.entries(cell)) {
      const key = name.toLowerCase();
      if (value === undefined || value === null || value === '') continue;
      if (key === 'resources') resources = value;
      else values.set(key, key === 'eventtime' ? isoEventTime(value) : value);
    }
  }
  const record = recordFromColumns(values);
  if (resources !== undefined) {
    try {
      const list: unknown = JSON.parse(resources);
      if (Array.isArray(list)) {
        const keys: Record<string, string> = { arn: 'ARN', accountid: 'accountId', type: 'type' };
        record.resources = list
          .filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item))
          .map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => [keys[key.toLowerCase()] ?? key, value])));
      }
    } catch {
      // not JSON: leave the record without resources
    }
  }
  return { record, row: toRow(record) };
}
