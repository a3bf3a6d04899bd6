/**
 * CloudTrail Lake, for accounts that already have event data stores: list the stores, run a
 * translated EventQuery (or raw SQL) against one and stream the rows back, cancel. The SQL and the
 * row mapping are pure (src/core/athena/lake.ts); this file only talks to CloudTrail, through the
 * layer's cached CloudTrail client (same credentials, endpoint, retries, error kinds).
 *
 *   StartQuery (QueryStatement)
 *   -> DescribeQuery, polled with backoff (250 ms doubling to 2 s) until FINISHED / FAILED / CANCELLED / TIMED_OUT
 *   -> GetQueryResults, page by page, mapped to records and rows, re-checked locally
 *   -> QueryStatistics.BytesScanned.
 * Aborting the signal, or leaving the loop before the query finished, sends CancelQuery.
 */
import {
  CancelQueryCommand,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  ListEventDataStoresCommand,
  StartQueryCommand,
  type DescribeQueryCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { compileOfflineFilter } from '../core/archive/plan';
import { buildLakeQuery, eventDataStoreId, recordFromLakeRow, type LakeQuery } from '../core/athena/lake';
import { AwsError } from '../core/aws/errors';
import { sleep } from '../core/aws/sleep';
import type { CompileOptions, EventPredicate } from '../core/events/filter';
import type { EventQuery } from '../core/events/query';
import type { CloudTrailRecord, EventRow } from '../core/events/record';
import type { AwsLayer } from './layer';
import type { AwsTarget } from './types';

/** An event data store the Lake source can query (ListEventDataStores, Status ENABLED). */
export interface LakeStore {
  arn: string;
  id: string;
  name: string;
}

export interface LakeStats {
  queryId?: string;
  /** QUEUED | RUNNING | FINISHED | FAILED | CANCELLED | TIMED_OUT. */
  state?: string;
  errorMessage?: string;
  sql?: string;
  scannedBytes: number;
  rows: number;
  matched: number;
  pages: number;
  polls: number;
  elapsedMs: number;
  warnings: string[];
}

export function newLakeStats(): LakeStats {
  return { scannedBytes: 0, rows: 0, matched: 0, pages: 0, polls: 0, elapsedMs: 0, warnings: [] };
}

export type LakeItem = { row: EventRow; record: CloudTrailRecord } | { error: { message: string } } | { progress: LakeStats };

export interface LakeRunInput {
  /** Event data store ARN or id. */
  store: string;
  query?: EventQuery;
  /** Raw SQL (sent as is; use lakeSelectList() to get records back). */
  sql?: string;
  now?: number;
}

export interface LakeRunOptions {
  signal?: AbortSignal;
  pollMs?: number;
  maxPollMs?: number;
  /** Rows per GetQueryResults page (1–1000, default 1000). */
  pageSize?: number;
  riskOf?: CompileOptions['riskOf'];
  stats?: LakeStats;
}

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** The ENABLED event data stores of a profile in a region (none: the Lake source is not offered). */
export async function listEventDataStores(layer: AwsLayer, target: AwsTarget, signal?: AbortSignal): Promise<LakeStore[]> {
  const client = await layer.cloudTrailClient(target);
  const out: LakeStore[] = [];
  let token: string | undefined;
  do {
    const page = await layer.send(target, 'cloudtrail:ListEventDataStores', () => client.send(new ListEventDataStoresCommand({ ...(token && { NextToken: token }) }), { abortSignal: signal }), { signal });
    for (const store of page.EventDataStores ?? []) {
      // Status is deprecated in the list output but still sent; absent counts as enabled.
      if (!store.EventDataStoreArn || (store.Status !== undefined && store.Status !== 'ENABLED')) continue;
      out.push({ arn: store.EventDataStoreArn, id: eventDataStoreId(store.EventDataStoreArn), name: store.Name ?? store.EventDataStoreArn });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

async function describe(layer: AwsLayer, target: AwsTarget, store: string, queryId: string, signal?: AbortSignal): Promise<DescribeQueryCommandOutput> {
  const client = await layer.cloudTrailClient(target);
  return layer.send(target, 'cloudtrail:DescribeQuery', () => client.send(new DescribeQueryCommand({ EventDataStore: store, QueryId: queryId }), { abortSignal: signal }), { signal });
}

/** CancelQuery (a finished query answers InactiveQueryException, ignored). */
export async function cancelLakeQuery(layer: AwsLayer, target: AwsTarget, store: string, queryId: string): Promise<void> {
  const client = await layer.cloudTrailClient(target);
  await layer.send(target, 'cloudtrail:CancelQuery', () => client.send(new CancelQueryCommand({ EventDataStore: store, QueryId: queryId })));
}

/**
 * Runs an EventQuery (translated, every row re-checked with the same filter as everywhere else) or
 * raw SQL against an event data store and streams `{ row, record }`, `{ progress }` (state
 * changes and the end) and `{ error }` (unreadable rows). Rejects with an AwsError when the query
 * FAILED / TIMED_OUT or a call is refused; a cancelled run ends quietly after CancelQuery.
 */
export async function* runLakeQuery(layer: AwsLayer, target: AwsTarget, input: LakeRunInput, options: LakeRunOptions = {}): AsyncGenerator<LakeItem, void, undefined> {
  const started = Date.now();
  const stats = options.stats ?? newLakeStats();
  const snapshot = (): LakeStats => ({ ...stats, elapsedMs: Date.now() - started, warnings: [...stats.warnings] });
  const store = input.store;
  let built: LakeQuery | undefined;
  let sql: string;
  if (input.sql !== undefined) sql = input.sql;
  else {
    built = buildLakeQuery(store, input.query ?? {}, { now: input.now ?? Date.now() });
    sql = built.sql;
    stats.warnings.push(...built.warnings);
  }
  stats.sql = sql;
  const recheck: EventPredicate | undefined = built ? compileOfflineFilter(built.plan, options.riskOf ? { riskOf: options.riskOf } : {}) : undefined;
  const limit = built?.limit ?? Infinity;
  const client = await layer.cloudTrailClient(target);
  let id: string | undefined;
  let finished = false;
  try {
    const startedQuery = await layer.send(target, 'cloudtrail:StartQuery', () => client.send(new StartQueryCommand({ QueryStatement: sql }), { abortSignal: options.signal }), { signal: options.signal });
    id = startedQuery.QueryId;
    if (!id) throw new AwsError({ kind: 'unknown', message: 'CloudTrail Lake returned no query id.', next: 'Try again.', retry: 'none', operation: 'cloudtrail:StartQuery' });
    stats.queryId = id;
    stats.state = 'QUEUED';
    yield { progress: snapshot() };
    let delay = options.pollMs ?? 250;
    for (;;) {
      const described = await describe(layer, target, store, id, options.signal);
      stats.polls++;
      const before: string | undefined = stats.state;
      stats.state = described.QueryStatus ?? stats.state;
      if (described.ErrorMessage) stats.errorMessage = described.ErrorMessage;
      if (described.QueryStatistics?.BytesScanned !== undefined) stats.scannedBytes = described.QueryStatistics.BytesScanned;
      if (stats.state !== before) yield { progress: snapshot() };
      if (TERMINAL.has(stats.state ?? '')) break;
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.maxPollMs ?? 2000);
    }
    finished = true;
    if (stats.state === 'FAILED' || stats.state === 'TIMED_OUT') {
      throw new AwsError({
        kind: 'invalid-input',
        message: `The CloudTrail Lake query ${stats.state === 'FAILED' ? 'failed' : 'timed out'}: ${stats.errorMessage ?? 'no reason given'}`,
        next: 'Check the event data store and the SQL, or narrow the time range.',
        retry: 'none',
        operation: 'cloudtrail:DescribeQuery',
        profile: target.profile,
        region: target.region,
        ...(stats.errorMessage && { detail: stats.errorMessage }),
      });
    }
    if (stats.state !== 'FINISHED') return;
    let token: string | undefined;
    const queryId = id;
    pages: do {
      const page = await layer.send(
        target,
        'cloudtrail:GetQueryResults',
        () => client.send(new GetQueryResultsCommand({ QueryId: queryId, MaxQueryResults: Math.min(Math.max(options.pageSize ?? 1000, 1), 1000), ...(token && { NextToken: token }) }), { abortSignal: options.signal }),
        { signal: options.signal },
      );
      stats.pages++;
      if (page.QueryStatistics?.BytesScanned !== undefined) stats.scannedBytes = page.QueryStatistics.BytesScanned;
      for (const cells of page.QueryResultRows ?? []) {
        let item: { row: EventRow; record: CloudTrailRecord };
        try {
          item = recordFromLakeRow(cells);
        } catch (error) {
          yield { error: { message: `result row ${stats.rows + 1}: ${error instanceof Error ? error.message : String(error)}` } };
          continue;
        }
        stats.rows++;
        if (recheck && !recheck(item.row, item.record)) continue;
        stats.matched++;
        yield item;
        if (stats.matched >= limit) break pages;
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  } finally {
    if (id && !finished && !TERMINAL.has(stats.state ?? '')) {
      await cancelLakeQuery(layer, target, store, id).catch(() => undefined);
      stats.state = 'CANCELLED';
    }
    stats.elapsedMs = Date.now() - started;
  }
  yield { progress: snapshot() };
}
