/**
 * Athena over a trail's S3 logs: run a translated EventQuery (or raw SQL) and stream the rows back,
 * run the setup statements, cancel. The SQL, the table and the row mapping are pure
 * (src/core/athena); this file only talks to Athena, through the layer's clients (same
 * credentials, endpoint precedence — AWS_ENDPOINT_URL_ATHENA —, retries, error kinds).
 *
 *   StartQueryExecution (database, workgroup, result location)
 *   -> GetQueryExecution, polled with backoff (250 ms doubling to 2 s) until SUCCEEDED / FAILED / CANCELLED
 *   -> GetQueryResults, page by page (1000 rows), mapped to records and rows, re-checked locally
 *   -> Statistics.DataScannedInBytes -> estimated cost.
 * Aborting the signal, or leaving the loop before the query finished, sends StopQueryExecution.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
  type StartQueryExecutionInput,
} from '@aws-sdk/client-athena';
import { compileOfflineFilter } from '../core/archive/plan';
import { athenaQueryCost, isBilled } from '../core/athena/cost';
import type { AthenaSetupPlan, CloudTrailTableRef } from '../core/athena/ddl';
import { ResultReader } from '../core/athena/results';
import { buildAthenaQuery, type AthenaQuery } from '../core/athena/sql';
import { AwsError } from '../core/aws/errors';
import type { CompileOptions, EventPredicate } from '../core/events/filter';
import type { EventQuery } from '../core/events/query';
import type { CloudTrailRecord, EventRow } from '../core/events/record';
import type { AwsLayer } from './layer';
import type { AwsTarget } from './types';
import { sleep } from '../core/aws/sleep';

export interface AthenaPlace {
  /** Workgroup (default `primary`). */
  workgroup?: string;
  /** s3://bucket/prefix/ for results; needed unless the workgroup sets one. */
  outputLocation?: string;
  /** Glue catalog (default AwsDataCatalog). */
  catalog?: string;
}

export interface AthenaRunInput extends AthenaPlace {
  /** The CloudTrail table to query (ddl.ts / athenaSetupPlan(...).table, or a hand-made one). */
  table: CloudTrailTableRef;
  /** The search, translated to SQL… */
  query?: EventQuery;
  /** …or the SQL itself (sent as is; use selectList() to get records back). */
  sql?: string;
  /** Regions / accounts to read (partition filters). */
  regions?: readonly string[];
  accounts?: readonly string[];
  /** Clock for time presets (default Date.now()). */
  now?: number;
  /** See keys.ts (default 24 h). */
  deliverySlackMs?: number;
}

export interface AthenaRunOptions {
  signal?: AbortSignal;
  /** First poll interval (default 250 ms; doubles up to `maxPollMs`). */
  pollMs?: number;
  /** Longest poll interval (default 2000 ms). */
  maxPollMs?: number;
  /** Rows per GetQueryResults page (1–1000, default 1000). */
  pageSize?: number;
  /** Risk lookup for the riskyOnly filter (default: the default assessor, cached). */
  riskOf?: CompileOptions['riskOf'];
  /** Counters to fill in (also readable while iterating). */
  stats?: AthenaStats;
}

export interface AthenaStats {
  queryExecutionId?: string;
  /** QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED. */
  state?: string;
  stateChangeReason?: string;
  /** The SQL sent. */
  sql?: string;
  /** Statistics.DataScannedInBytes. */
  scannedBytes: number;
  /** Billed bytes (rounded up to the MB, 10 MB minimum) and the estimated charge. */
  billedBytes: number;
  costUsd: number;
  engineMs?: number;
  /** Rows Athena returned, and how many matched after the local re-check. */
  rows: number;
  matched: number;
  pages: number;
  polls: number;
  elapsedMs: number;
  /** Where the result file is (the workgroup's or the given output location). */
  outputLocation?: string;
  warnings: string[];
}

export function newAthenaStats(): AthenaStats {
  return { scannedBytes: 0, billedBytes: 0, costUsd: 0, rows: 0, matched: 0, pages: 0, polls: 0, elapsedMs: 0, warnings: [] };
}

export type AthenaItem = { row: EventRow; record: CloudTrailRecord } | { error: { message: string } } | { progress: AthenaStats };

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** The Athena client of a profile and region (cached by the layer). */
function client(layer: AwsLayer, target: AwsTarget): Promise<AthenaClient> {
  return layer.serviceClient('athena', target, (config) => new AthenaClient(config));
}

/** StartQueryExecution; resolves with the execution id. */
export async function startQuery(layer: AwsLayer, target: AwsTarget, sql: string, place: AthenaPlace & { database?: string }, signal?: AbortSignal): Promise<string> {
  const athena = await client(layer, target);
  const input: StartQueryExecutionInput = { QueryString: sql, WorkGroup: place.workgroup ?? 'primary' };
  if (place.database || place.catalog) input.QueryExecutionContext = { ...(place.database && { Database: place.database }), ...(place.catalog && { Catalog: place.catalog }) };
  if (place.outputLocation) input.ResultConfiguration = { OutputLocation: place.outputLocation };
  const output = await layer.send(target, 'athena:StartQueryExecution', () => athena.send(new StartQueryExecutionCommand(input), { abortSignal: signal }), { signal });
  if (!output.QueryExecutionId) throw new AwsError({ kind: 'unknown', message: 'Athena returned no query execution id.', next: 'Try again.', retry: 'none', operation: 'athena:StartQueryExecution' });
  return output.QueryExecutionId;
}

/** GetQueryExecution. */
export async function getQuery(layer: AwsLayer, target: AwsTarget, id: string, signal?: AbortSignal): Promise<QueryExecution> {
  const athena = await client(layer, target);
  const output = await layer.send(target, 'athena:GetQueryExecution', () => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal }), { signal });
  return output.QueryExecution ?? {};
}

/** StopQueryExecution (idempotent; a finished query stays as it is). */
export async function stopQuery(layer: AwsLayer, target: AwsTarget, id: string): Promise<void> {
  const athena = await client(layer, target);
  await layer.send(target, 'athena:StopQueryExecution', () => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })));
}

function applyExecution(stats: AthenaStats, execution: QueryExecution): void {
  stats.state = execution.Status?.State ?? stats.state;
  const reason = execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason;
  if (reason) stats.stateChangeReason = reason;
  const scanned = execution.Statistics?.DataScannedInBytes;
  if (scanned !== undefined) {
    const cost = athenaQueryCost(scanned, { billed: isBilled(execution.StatementType, stats.state) });
    stats.scannedBytes = cost.scannedBytes;
    stats.billedBytes = cost.billedBytes;
    stats.costUsd = cost.usd;
  }
  if (execution.Statistics?.EngineExecutionTimeInMillis !== undefined) stats.engineMs = execution.Statistics.EngineExecutionTimeInMillis;
  if (execution.ResultConfiguration?.OutputLocation) stats.outputLocation = execution.ResultConfiguration.OutputLocation;
}

/**
 * Polls until the query is finished, yielding after every state change; rejects with an AwsError
 * when it FAILED.
 */
async function* poll(layer: AwsLayer, target: AwsTarget, id: string, stats: AthenaStats, options: AthenaRunOptions): AsyncGenerator<void, QueryExecution, undefined> {
  let delay = options.pollMs ?? 250;
  for (;;) {
    const execution = await getQuery(layer, target, id, options.signal);
    stats.polls++;
    const before = stats.state;
    applyExecution(stats, execution);
    if (stats.state !== before) yield;
    const state = execution.Status?.State ?? '';
    if (TERMINAL.has(state)) {
      if (state === 'FAILED') {
        throw new AwsError({
          kind: 'invalid-input',
          message: `The Athena query failed: ${stats.stateChangeReason ?? 'no reason given'}`,
          next: 'Check the table, the SQL and the result location (the workgroup\'s or the one given).',
          retry: 'none',
          operation: 'athena:GetQueryExecution',
          profile: target.profile,
          region: target.region,
          ...(stats.stateChangeReason && { detail: stats.stateChangeReason }),
        });
      }
      return execution;
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, options.maxPollMs ?? 2000);
  }
}

async function waitFor(layer: AwsLayer, target: AwsTarget, id: string, stats: AthenaStats, options: AthenaRunOptions): Promise<void> {
  const states = poll(layer, target, id, stats, options);
  while (!(await states.next()).done) {
    // state changes are not reported here
  }
}

/**
 * Runs an EventQuery (translated: partition-pruned SQL, then every row re-checked with the same
 * filter as everywhere else) or raw SQL on Athena, and streams the results:
 *   `{ row, record }` for each event, `{ progress: stats }` when the state changes and at the end,
 *   `{ error: { message } }` for a result row that could not be read.
 * Rejects with an AwsError (the query FAILED, access denied, …); a cancelled run ends quietly with
 * stats.state CANCELLED after StopQueryExecution.
 */
export async function* runAthenaQuery(layer: AwsLayer, target: AwsTarget, input: AthenaRunInput, options: AthenaRunOptions = {}): AsyncGenerator<AthenaItem, void, undefined> {
  const started = Date.now();
  const stats = options.stats ?? newAthenaStats();
  const snapshot = (): AthenaStats => ({ ...stats, elapsedMs: Date.now() - started, warnings: [...stats.warnings] });
  let built: AthenaQuery | undefined;
  let sql: string;
  if (input.sql !== undefined) sql = input.sql;
  else {
    built = buildAthenaQuery(input.table, input.query ?? {}, { now: input.now ?? Date.now(), regions: input.regions, accounts: input.accounts, deliverySlackMs: input.deliverySlackMs });
    sql = built.sql;
    stats.warnings.push(...built.warnings);
  }
  stats.sql = sql;
  const recheck: EventPredicate | undefined = built ? compileOfflineFilter(built.plan, options.riskOf ? { riskOf: options.riskOf } : {}) : undefined;
  const limit = built?.limit ?? Infinity;
  let id: string | undefined;
  let finished = false;
  try {
    id = await startQuery(layer, target, sql, { ...input, database: input.table.database, catalog: input.catalog ?? input.table.catalog }, options.signal);
    stats.queryExecutionId = id;
    stats.state = 'QUEUED';
    yield { progress: snapshot() };
    for await (const _ of poll(layer, target, id, stats, options)) yield { progress: snapshot() };
    finished = true;
    if (stats.state !== 'SUCCEEDED') return;
    const athena = await client(layer, target);
    const reader = new ResultReader({ keepColumns: input.sql !== undefined });
    let token: string | undefined;
    pages: do {
      const page = await layer.send(
        target,
        'athena:GetQueryResults',
        () => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: Math.min(Math.max(options.pageSize ?? 1000, 1), 1000), ...(token && { NextToken: token }) }), { abortSignal: options.signal }),
        { signal: options.signal },
      );
      stats.pages++;
      for (const item of reader.read(page)) {
        if ('error' in item) {
          yield { error: { message: item.error } };
          continue;
        }
        stats.rows++;
        if (recheck && !recheck(item.row, item.record)) continue;
        stats.matched++;
        yield { row: item.row, record: item.record };
        if (stats.matched >= limit) break pages;
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    // Cancelled: the finally block stops the query; the run ends quietly.
    if (options.signal?.aborted) return;
    throw error;
  } finally {
    if (id && !finished && !TERMINAL.has(stats.state ?? '')) {
      // Cancelled, or the consumer left early: do not leave the query running (and billing).
      await stopQuery(layer, target, id).catch(() => undefined);
      stats.state = 'CANCELLED';
      const execution = await getQuery(layer, target, id).catch(() => undefined);
      if (execution) applyExecution(stats, execution);
    }
    stats.elapsedMs = Date.now() - started;
  }
  yield { progress: snapshot() };
}

/**
 * Runs the setup statements (athenaSetupPlan) one after the other, each to completion. Call only
 * after the user confirmed what `plan.creates` lists. Rejects with an AwsError on the first failure.
 */
export async function runAthenaSetup(layer: AwsLayer, target: AwsTarget, plan: AthenaSetupPlan, place: AthenaPlace, options: AthenaRunOptions = {}): Promise<Array<{ sql: string; queryExecutionId: string }>> {
  const done: Array<{ sql: string; queryExecutionId: string }> = [];
  for (const statement of plan.statements) {
    const stats = newAthenaStats();
    const id = await startQuery(layer, target, statement.sql, place, options.signal);
    await waitFor(layer, target, id, stats, options);
    if (stats.state !== 'SUCCEEDED') throw new AwsError({ kind: 'unknown', message: `Setting up Athena stopped: ${statement.purpose} ended ${stats.state ?? 'unknown'}.`, next: 'Try again.', retry: 'none', operation: 'athena:StartQueryExecution' });
    done.push({ sql: statement.sql, queryExecutionId: id });
  }
  return done;
}
