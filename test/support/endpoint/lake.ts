/**
 * CloudTrail Lake on the local endpoint (test support and demo; never shipped): CloudTrail's own
 * JSON-1.1 operations ListEventDataStores, StartQuery, DescribeQuery, GetQueryResults, CancelQuery.
 *
 * The default account (111122223333) has one event data store, `LAKE_STORE_ID` (home region
 * us-east-1, multi-region): every seeded CloudTrail event of the account, any region, any age.
 * Other accounts have none. Queries run for real on DuckDB (athena-sql.ts) over a table named by
 * the store id, with Lake's types (eventTime a timestamp, readOnly a boolean); `FROM <id>` is
 * quoted for DuckDB, nothing else is rewritten beyond athena-sql.ts's function renames.
 *
 * States: QUEUED (≈20 ms) -> RUNNING (at least `faults.latencyFor('LakeQueryRun')` ms) ->
 * FINISHED / FAILED; CancelQuery -> CANCELLED (InactiveQueryException once finished).
 * Errors as Lake words them: EventDataStoreNotFoundException, InvalidQueryStatementException,
 * QueryIdNotFoundException, InactiveQueryException, InvalidParameterException.
 */
import { randomUUID } from 'node:crypto';
import { AthenaDuckDb, type TableRow } from './athena-sql';
import type { Dataset } from './dataset';
import { ApiError } from './errors';
import type { Json, JsonObject } from './trails';

export const LAKE_STORE_ID = 'a1b2c3d4-5678-4e8f-8bd1-111122223333';
export const LAKE_STORE_REGION = 'us-east-1';
export const LAKE_OPERATIONS = new Set(['ListEventDataStores', 'StartQuery', 'DescribeQuery', 'GetQueryResults', 'CancelQuery']);

interface Store {
  id: string;
  arn: string;
  name: string;
  accountId: string;
}

interface LakeQueryState {
  id: string;
  store: Store;
  sql: string;
  state: 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLED';
  error?: string;
  submitted: number;
  completed?: number;
  scannedBytes: number;
  columns: string[];
  rows: Array<Array<string | null>>;
}

export interface LakeDeps {
  dataset: Dataset;
  latency(name: string): number;
  clock(): number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LakeService {
  private readonly queries = new Map<string, LakeQueryState>();
  private readonly loaded = new Map<string, Promise<AthenaDuckDb>>();
  private db: Promise<AthenaDuckDb> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: LakeDeps) {}

  close(): void {
    this.closed = true;
    void this.db?.then((db) => db.close()).catch(() => undefined);
  }

  /** The stores an account sees in a region (multi-region stores are listed in every region). */
  stores(accountId: string): Store[] {
    if (accountId !== this.deps.dataset.defaultAccountId) return [];
    return [{ id: LAKE_STORE_ID, arn: `arn:aws:cloudtrail:${LAKE_STORE_REGION}:${accountId}:eventdatastore/${LAKE_STORE_ID}`, name: 'ctl-lake-all-events', accountId }];
  }

  handle(operation: string, input: JsonObject, caller: { accountId: string; region: string }): Json {
    switch (operation) {
      case 'ListEventDataStores':
        return {
          EventDataStores: this.stores(caller.accountId).map((store) => ({
            EventDataStoreArn: store.arn,
            Name: store.name,
            Status: 'ENABLED',
            MultiRegionEnabled: true,
            OrganizationEnabled: false,
            RetentionPeriod: 2557,
            TerminationProtectionEnabled: true,
            AdvancedEventSelectors: [{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
          })),
        };
      case 'StartQuery':
        return this.start(input, caller.accountId);
      case 'DescribeQuery':
        return this.describe(this.find(input, caller.accountId));
      case 'GetQueryResults':
        return this.results(input, caller.accountId);
      case 'CancelQuery': {
        const query = this.find(input, caller.accountId);
        if (query.state !== 'QUEUED' && query.state !== 'RUNNING') throw new ApiError('InactiveQueryException', `The query ${query.id} is not active: its status is ${query.state}.`);
        query.state = 'CANCELLED';
        query.completed = this.deps.clock();
        return { QueryId: query.id, QueryStatus: 'CANCELLED', EventDataStoreOwnerAccountId: query.store.accountId };
      }
      default:
        throw new ApiError('UnknownOperationException', `The local CloudTrail endpoint does not implement ${operation}.`);
    }
  }

  private storeNamed(text: string, accountId: string): Store {
    const store = this.stores(accountId).find((candidate) => candidate.id === text || candidate.arn === text);
    if (!store) throw new ApiError('EventDataStoreNotFoundException', `The specified event data store ${text} was not found.`);
    return store;
  }

  private start(input: JsonObject, accountId: string): JsonObject {
    const sql = input.QueryStatement;
    if (typeof sql !== 'string' || sql.trim() === '') throw new ApiError('InvalidParameterException', 'QueryStatement is required.');
    if (sql.length > 10_000) throw new ApiError('InvalidQueryStatementException', 'The query statement is longer than 10000 characters.');
    const statement = sql.trim().replace(/;\s*$/, '');
    if (!/^select\b/i.test(statement)) throw new ApiError('InvalidQueryStatementException', 'Only SELECT statements are supported.');
    const from = /\bfrom\s+([A-Za-z0-9-]+)/i.exec(statement);
    if (!from) throw new ApiError('InvalidQueryStatementException', 'The query must name an event data store in its FROM clause.');
    const store = this.storeNamed(from[1] ?? '', accountId);
    const id = randomUUID();
    const query: LakeQueryState = { id, store, sql: statement, state: 'QUEUED', submitted: this.deps.clock(), scannedBytes: 0, columns: [], rows: [] };
    this.queries.set(id, query);
    void this.execute(query);
    return { QueryId: id, EventDataStoreOwnerAccountId: accountId };
  }

  private find(input: JsonObject, accountId: string): LakeQueryState {
    const id = input.QueryId;
    if (typeof id !== 'string' || id === '') throw new ApiError('InvalidParameterException', 'QueryId is required.');
    const query = this.queries.get(id);
    if (!query || query.store.accountId !== accountId) throw new ApiError('QueryIdNotFoundException', `The query ID ${id} does not exist or does not map to a query.`);
    const named = input.EventDataStore;
    if (typeof named === 'string' && named !== '') this.storeNamed(named, accountId);
    return query;
  }

  private describe(query: LakeQueryState): JsonObject {
    const end = query.completed ?? this.deps.clock();
    const out: JsonObject = {
      QueryId: query.id,
      QueryString: query.sql,
      QueryStatus: query.state,
      QueryStatistics: { EventsMatched: query.rows.length, EventsScanned: query.state === 'FINISHED' ? this.rowsOf(query.store).length : 0, BytesScanned: query.scannedBytes, ExecutionTimeInMillis: Math.round(end - query.submitted), CreationTime: query.submitted / 1000 },
      EventDataStoreOwnerAccountId: query.store.accountId,
    };
    if (query.error) out.ErrorMessage = query.error;
    return out;
  }

  private results(input: JsonObject, accountId: string): JsonObject {
    const query = this.find(input, accountId);
    if (query.state === 'QUEUED' || query.state === 'RUNNING') return { QueryStatus: query.state, QueryResultRows: [], QueryStatistics: { ResultsCount: 0, TotalResultsCount: 0, BytesScanned: 0 } };
    if (query.state !== 'FINISHED') throw new ApiError('InactiveQueryException', `The query ${query.id} is ${query.state}: it has no results.`);
    const max = input.MaxQueryResults ?? 1000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) throw new ApiError('InvalidMaxResultsException', 'MaxQueryResults must be between 1 and 1000.');
    let offset = 0;
    if (input.NextToken !== undefined && input.NextToken !== null) {
      const decoded = typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64').toString('utf8') : '';
      const match = /^lake:([0-9a-f-]{36}):(\d+)$/.exec(decoded);
      if (!match || match[1] !== query.id) throw new ApiError('InvalidNextTokenException', 'The NextToken is not valid.');
      offset = Number(match[2]);
    }
    const slice = query.rows.slice(offset, offset + max);
    const out: JsonObject = {
      QueryStatus: 'FINISHED',
      QueryStatistics: { ResultsCount: slice.length, TotalResultsCount: query.rows.length, BytesScanned: query.scannedBytes },
      QueryResultRows: slice.map((row) => query.columns.map((name, i): JsonObject => ({ [name]: row[i] ?? null }))),
    };
    if (offset + max < query.rows.length) out.NextToken = Buffer.from(`lake:${query.id}:${offset + max}`).toString('base64');
    return out;
  }

  private rowsOf(store: Store): TableRow[] {
    const rows: TableRow[] = [];
    for (const events of this.deps.dataset.events.get(store.accountId)?.values() ?? []) {
      for (const event of events) if (!event.insight) rows.push({ record: JSON.parse(event.cloudTrailEvent) as Record<string, unknown> });
    }
    return rows;
  }

  private async duck(store: Store): Promise<AthenaDuckDb> {
    const db = await (this.db ??= AthenaDuckDb.create());
    let loading = this.loaded.get(store.id);
    if (!loading) {
      loading = (async () => {
        await db.loadTable('lake_staging', store.id, this.rowsOf(store));
        // Lake's types: eventTime a timestamp, readOnly a boolean.
        await db.run(
          `CREATE OR REPLACE TABLE main."${store.id}" AS SELECT * REPLACE (TRY_CAST(replace(replace(eventtime, 'T', ' '), 'Z', '') AS TIMESTAMP) AS eventtime, (readonly = 'true') AS readonly) FROM lake_staging."${store.id}"`,
        );
        return db;
      })();
      this.loaded.set(store.id, loading);
    }
    return loading;
  }

  private async execute(query: LakeQueryState): Promise<void> {
    await sleep(20);
    if (query.state !== 'QUEUED' || this.closed) return;
    query.state = 'RUNNING';
    const run = this.queue.then(async () => {
      const db = await this.duck(query.store);
      const sql = query.sql.replace(new RegExp(`\\bfrom\\s+${query.store.id}\\b`, 'gi'), `FROM main."${query.store.id}"`);
      return db.query(sql);
    });
    this.queue = run.catch(() => undefined);
    try {
      const [result] = await Promise.all([run, sleep(this.deps.latency('LakeQueryRun'))]);
      if (query.state !== 'RUNNING') return;
      query.columns = result.columns;
      query.rows = result.rows;
      // Lake bills the bytes of the events scanned: the store's whole JSON text (no partitions).
      query.scannedBytes = this.rowsOf(query.store).reduce((sum, row) => sum + JSON.stringify(row.record).length, 0);
      query.state = 'FINISHED';
    } catch (error) {
      if (query.state !== 'RUNNING') return;
      query.state = 'FAILED';
      const message = error instanceof Error ? error.message : String(error);
      query.error = `Query failed: ${message.split('\n')[0] ?? message}`;
    }
    query.completed = this.deps.clock();
  }
}
