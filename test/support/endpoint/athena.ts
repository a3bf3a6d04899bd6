/**
 * Amazon Athena on the local endpoint (test support and demo; never shipped), told apart by the
 * credential scope (`athena`). awsJson1_1, `X-Amz-Target: AmazonAthena.<Op>`:
 * StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution.
 *
 * Queries run for real on DuckDB (athena-sql.ts) over the endpoint's seeded records:
 *  - `CREATE DATABASE [IF NOT EXISTS] db` and `CREATE EXTERNAL TABLE [IF NOT EXISTS] db.t (…)
 *    PARTITIONED BY (…) … LOCATION 's3://…/AWSLogs/…' TBLPROPERTIES (…)` (the DDL of
 *    src/core/athena/ddl.ts, or AWS's documentation) register a table: its rows are the seeded
 *    events of the accounts and regions the location / projection covers (Insights events for a
 *    CloudTrail-Insight location), partitioned by account, region and delivery day (event time + 5
 *    minutes). The column list of the DDL is not read: the table has the documented columns.
 *  - `SELECT …` runs on DuckDB after the Trino function renames; `DROP TABLE` forgets a table.
 *  - Statistics.DataScannedInBytes: the gzip size of the partitions the query's partition
 *    predicates keep (`"timestamp" >= '…'`, `<=`, `BETWEEN`, `"region" IN (…)`, `"account" = …`, as
 *    sql.ts writes them), the whole table without them; 0 for DDL.
 *
 * States: QUEUED (≈20 ms) -> RUNNING (at least `faults.latencyFor('AthenaQueryRun')` ms, for
 * cancellation tests) -> SUCCEEDED / FAILED; StopQueryExecution -> CANCELLED. Workgroup `primary`
 * has no result location (one must be given, as on a new account); other workgroups do not exist.
 * GetQueryResults: MaxResults 1–1000 (default 1000), opaque NextToken, the header row first on the
 * first page of a SELECT, every value as VarCharValue (none for NULL).
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { dayFolder } from '../../../src/core/archive/keys';
import type { AuthResult } from './auth';
import { AthenaDuckDb, type TableRow } from './athena-sql';
import type { Dataset } from './dataset';
import type { FaultController, RequestLogEntry } from './faults';
import type { ServiceCaller, ServiceReply, ServiceRequest } from './services';

export const ATHENA_TARGET_PREFIX = 'AmazonAthena.';
const JSON_TYPE = 'application/x-amz-json-1.1';

export interface AthenaDeps {
  dataset: Dataset;
  faults: FaultController;
  identify(accessKeyId: string, region: string): ServiceCaller;
  allow(accountId: string, region: string): boolean;
  clock(): number;
}

interface Table {
  database: string;
  name: string;
  partitionColumns: string[];
  location: string;
  /** Bytes (gzip) per partition key `account|region|day`. */
  partitionBytes: Map<string, { account: string; region: string; day: string; bytes: number }>;
  rows: number;
}

interface Execution {
  id: string;
  sql: string;
  accountId: string;
  region: string;
  database?: string;
  catalog: string;
  workgroup: string;
  outputLocation: string;
  statementType: 'DDL' | 'DML' | 'UTILITY';
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  errorCategory?: number;
  submitted: number;
  started?: number;
  completed?: number;
  scannedBytes: number;
  columns: string[];
  rows: Array<Array<string | null>>;
}

class AthenaFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function reply(body: unknown): ServiceReply {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

function failure(code: string, message: string, status = 400, extra: Record<string, unknown> = {}): ServiceReply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ __type: code, Message: message, ...extra }), errorCode: code };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** `db.t`, `"db"."t"`, `` `db`.`t` ``, or `t` (context database). */
function parseName(text: string, context: string | undefined): { database: string; table: string } | undefined {
  const parts = text.split('.').map((part) => part.trim().replace(/^[`"]|[`"]$/g, '').toLowerCase());
  if (parts.length === 1 && context) return { database: context.toLowerCase(), table: parts[0] ?? '' };
  if (parts.length === 2) return { database: parts[0] ?? '', table: parts[1] ?? '' };
  if (parts.length === 3) return { database: parts[1] ?? '', table: parts[2] ?? '' };
  return undefined;
}

const NAME = '(?:[`"]?[A-Za-z0-9_]+[`"]?\\.){0,2}[`"]?[A-Za-z0-9_]+[`"]?';

export class AthenaService {
  private readonly executions = new Map<string, Execution>();
  private readonly databases = new Set(['default']);
  private readonly tables = new Map<string, Table>();
  private db: Promise<AthenaDuckDb> | undefined;
  /** DuckDB runs one statement at a time here. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: AthenaDeps) {}

  private duck(): Promise<AthenaDuckDb> {
    return (this.db ??= AthenaDuckDb.create());
  }

  close(): void {
    this.closed = true;
    void this.db?.then((db) => db.close()).catch(() => undefined);
  }

  async handle(request: ServiceRequest, auth: AuthResult, entry: Partial<RequestLogEntry>): Promise<ServiceReply> {
    entry.service = 'athena';
    const target = request.header('x-amz-target') ?? '';
    const operation = target.startsWith(ATHENA_TARGET_PREFIX) ? target.slice(ATHENA_TARGET_PREFIX.length) : '';
    entry.operation = operation || '(none)';
    if (!auth.ok) return failure(auth.code, auth.message);
    const caller = this.deps.identify(auth.scope.accessKeyId, auth.scope.region);
    Object.assign(entry, { accessKeyId: caller.accessKeyId, accountId: caller.accountId, region: caller.region });
    const latency = this.deps.faults.latencyFor(operation);
    if (latency > 0) await sleep(latency);
    if (caller.key?.behaviour === 'expired' || this.deps.faults.isExpired(caller.accessKeyId)) return failure('ExpiredTokenException', 'The security token included in the request is expired');
    const failed = this.deps.faults.takeFailure(operation);
    if (failed) return failed === 503 ? failure('ServiceUnavailable', 'The service is unavailable. Try again later.', 503) : failure('InternalServerException', 'An internal error occurred. Try again.', 500);
    if (request.method !== 'POST' || !operation) return failure('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
    if (caller.key?.behaviour === 'access-denied' || this.deps.faults.isDenied(operation, caller.accessKeyId)) {
      return failure('AccessDeniedException', `User: ${caller.principalArn} is not authorized to perform: athena:${operation} on resource: arn:aws:athena:${caller.region}:${caller.accountId}:workgroup/primary because no identity-based policy allows the athena:${operation} action`);
    }
    if (this.deps.faults.takeThrottle(operation) || !this.deps.allow(caller.accountId, caller.region)) {
      entry.throttled = true;
      return failure('ThrottlingException', 'Rate exceeded');
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = request.body.trim() === '' ? {} : JSON.parse(request.body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return failure('SerializationException', 'Could not parse the request body as JSON');
    }
    try {
      switch (operation) {
        case 'StartQueryExecution':
          return reply(this.start(input, caller));
        case 'GetQueryExecution':
          return reply({ QueryExecution: this.describe(this.find(input, caller)) });
        case 'GetQueryResults':
          return reply(this.results(input, caller));
        case 'StopQueryExecution':
          this.stop(this.find(input, caller));
          return reply({});
        default:
          return failure('UnknownOperationException', `The local endpoint does not implement Athena ${operation}.`);
      }
    } catch (error) {
      if (error instanceof AthenaFailure) return failure(error.code, error.message, error.status, error.code === 'InvalidRequestException' ? { AthenaErrorCode: 'INVALID_INPUT' } : {});
      throw error;
    }
  }

  // ---- operations

  private start(input: Record<string, unknown>, caller: ServiceCaller): { QueryExecutionId: string } {
    const sql = input.QueryString;
    if (typeof sql !== 'string' || sql.trim() === '') throw new AthenaFailure('InvalidRequestException', 'QueryString is required.');
    if (sql.length > 262_144) throw new AthenaFailure('InvalidRequestException', 'QueryString is longer than 262144 characters.');
    const workgroup = typeof input.WorkGroup === 'string' && input.WorkGroup !== '' ? input.WorkGroup : 'primary';
    if (workgroup !== 'primary') throw new AthenaFailure('InvalidRequestException', `WorkGroup ${workgroup} is not found.`);
    const config = input.ResultConfiguration as { OutputLocation?: unknown } | undefined;
    const output = typeof config?.OutputLocation === 'string' ? config.OutputLocation : undefined;
    if (!output) throw new AthenaFailure('InvalidRequestException', 'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.');
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(output)) throw new AthenaFailure('InvalidRequestException', `Invalid OutputLocation: ${output}`);
    const context = (input.QueryExecutionContext ?? {}) as { Database?: unknown; Catalog?: unknown };
    const id = randomUUID();
    const statement = sql.trim().replace(/;\s*$/, '');
    const statementType = /^(create|drop|alter)\b/i.test(statement) ? 'DDL' : /^(select|with|values)\b/i.test(statement) ? 'DML' : 'UTILITY';
    const execution: Execution = {
      id,
      sql: statement,
      accountId: caller.accountId,
      region: caller.region,
      catalog: typeof context.Catalog === 'string' ? context.Catalog : 'AwsDataCatalog',
      workgroup,
      outputLocation: `${output.replace(/\/?$/, '/')}${id}.${statementType === 'DML' ? 'csv' : 'txt'}`,
      statementType,
      state: 'QUEUED',
      submitted: this.deps.clock(),
      scannedBytes: 0,
      columns: [],
      rows: [],
    };
    if (typeof context.Database === 'string' && context.Database !== '') execution.database = context.Database.toLowerCase();
    this.executions.set(id, execution);
    void this.execute(execution);
    return { QueryExecutionId: id };
  }

  private find(input: Record<string, unknown>, caller: ServiceCaller): Execution {
    const id = input.QueryExecutionId;
    if (typeof id !== 'string' || id === '') throw new AthenaFailure('InvalidRequestException', 'QueryExecutionId is required.');
    const execution = this.executions.get(id);
    if (!execution || execution.accountId !== caller.accountId || execution.region !== caller.region) throw new AthenaFailure('InvalidRequestException', `QueryExecution ${id} was not found`);
    return execution;
  }

  private describe(execution: Execution): Record<string, unknown> {
    const status: Record<string, unknown> = { State: execution.state, SubmissionDateTime: epochSeconds(execution.submitted) };
    if (execution.completed !== undefined) status.CompletionDateTime = epochSeconds(execution.completed);
    if (execution.reason) status.StateChangeReason = execution.reason;
    if (execution.state === 'FAILED') status.AthenaError = { ErrorCategory: execution.errorCategory ?? 2, ErrorType: 1301, Retryable: false, ErrorMessage: execution.reason ?? '' };
    const end = execution.completed ?? this.deps.clock();
    return {
      QueryExecutionId: execution.id,
      Query: execution.sql,
      StatementType: execution.statementType,
      ResultConfiguration: { OutputLocation: execution.outputLocation },
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
      QueryExecutionContext: { ...(execution.database && { Database: execution.database }), Catalog: execution.catalog },
      Status: status,
      Statistics: {
        EngineExecutionTimeInMillis: execution.started !== undefined ? Math.round(end - execution.started) : 0,
        DataScannedInBytes: execution.scannedBytes,
        TotalExecutionTimeInMillis: Math.round(end - execution.submitted),
        QueryQueueTimeInMillis: Math.round((execution.started ?? end) - execution.submitted),
        ServicePreProcessingTimeInMillis: 1,
        QueryPlanningTimeInMillis: 5,
        ServiceProcessingTimeInMillis: 2,
        ResultReuseInformation: { ReusedPreviousResult: false },
      },
      WorkGroup: execution.workgroup,
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
      SubstatementType: execution.statementType === 'DDL' ? (/^create\s+database/i.test(execution.sql) ? 'CREATE_DATABASE' : /^create/i.test(execution.sql) ? 'CREATE_TABLE' : 'DROP_TABLE') : 'SELECT',
    };
  }

  private results(input: Record<string, unknown>, caller: ServiceCaller): Record<string, unknown> {
    const execution = this.find(input, caller);
    if (execution.state === 'QUEUED' || execution.state === 'RUNNING') throw new AthenaFailure('InvalidRequestException', `Query has not yet finished. Current state: ${execution.state}`);
    if (execution.state !== 'SUCCEEDED') throw new AthenaFailure('InvalidRequestException', `Query did not finish successfully. Final query state: ${execution.state}`);
    const max = input.MaxResults ?? 1000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) throw new AthenaFailure('InvalidRequestException', `1 validation error detected: Value '${JSON.stringify(max) ?? ''}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
    let offset = 0;
    if (input.NextToken !== undefined) {
      const decoded = typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64').toString('utf8') : '';
      const match = /^([0-9a-f-]{36}):(\d+)$/.exec(decoded);
      if (!match || match[1] !== execution.id) throw new AthenaFailure('InvalidRequestException', 'Invalid NextToken');
      offset = Number(match[2]);
    }
    const dml = execution.statementType === 'DML';
    // The header row is row 0 of a SELECT's results.
    const all = dml ? [execution.columns, ...execution.rows] : [];
    const slice = all.slice(offset, offset + max);
    const out: Record<string, unknown> = {
      UpdateCount: 0,
      ResultSet: {
        Rows: slice.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
        ResultSetMetadata: {
          ColumnInfo: execution.columns.map((name) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Name: name, Label: name, Type: 'varchar', Precision: 2147483647, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true })),
        },
      },
    };
    if (offset + max < all.length) out.NextToken = Buffer.from(`${execution.id}:${offset + max}`).toString('base64');
    return out;
  }

  private stop(execution: Execution): void {
    if (execution.state !== 'QUEUED' && execution.state !== 'RUNNING') return;
    execution.state = 'CANCELLED';
    execution.reason = 'Query cancelled by user';
    execution.completed = this.deps.clock();
  }

  // ---- execution

  private async execute(execution: Execution): Promise<void> {
    await sleep(20);
    if (execution.state !== 'QUEUED' || this.closed) return;
    execution.state = 'RUNNING';
    execution.started = this.deps.clock();
    const minimum = this.deps.faults.latencyFor('AthenaQueryRun');
    const run = this.queue.then(() => this.runStatement(execution));
    this.queue = run.catch(() => undefined);
    try {
      const [outcome] = await Promise.all([run, sleep(minimum)]);
      if (execution.state !== 'RUNNING') return; // cancelled meanwhile
      execution.columns = outcome.columns;
      execution.rows = outcome.rows;
      execution.scannedBytes = outcome.scannedBytes;
      execution.state = 'SUCCEEDED';
    } catch (error) {
      if (execution.state !== 'RUNNING') return;
      execution.state = 'FAILED';
      const message = error instanceof Error ? error.message : String(error);
      execution.reason = error instanceof AthenaFailure ? message : `SYNTAX_ERROR: ${message.split('\n')[0] ?? message}`;
      execution.errorCategory = 2;
    }
    execution.completed = this.deps.clock();
  }

  private async runStatement(execution: Execution): Promise<{ columns: string[]; rows: Array<Array<string | null>>; scannedBytes: number }> {
    const sql = execution.sql;
    const empty = { columns: [], rows: [], scannedBytes: 0 };
    let match = /^create\s+(?:database|schema)\s+(if\s+not\s+exists\s+)?([`"]?[A-Za-z0-9_]+[`"]?)/i.exec(sql);
    if (match) {
      const name = (match[2] ?? '').replace(/[`"]/g, '').toLowerCase();
      if (this.databases.has(name) && !match[1]) throw new AthenaFailure('InvalidRequestException', `FAILED: AlreadyExistsException: Database ${name} already exists`);
      this.databases.add(name);
      return empty;
    }
    match = new RegExp(`^create\\s+external\\s+table\\s+(if\\s+not\\s+exists\\s+)?(${NAME})\\s*\\(`, 'i').exec(sql);
    if (match) {
      const name = parseName(match[2] ?? '', execution.database);
      if (!name) throw new AthenaFailure('InvalidRequestException', 'FAILED: the table name is not valid');
      if (!this.databases.has(name.database)) throw new AthenaFailure('InvalidRequestException', `FAILED: SemanticException [Error 10072]: Database does not exist: ${name.database}`);
      const key = `${name.database}.${name.table}`;
      if (this.tables.has(key)) {
        if (match[1]) return empty;
        throw new AthenaFailure('InvalidRequestException', `FAILED: AlreadyExistsException: Table ${name.table} already exists`);
      }
      this.tables.set(key, await this.createTable(name.database, name.table, sql, execution.accountId));
      return empty;
    }
    match = new RegExp(`^drop\\s+table\\s+(if\\s+exists\\s+)?(${NAME})\\s*$`, 'i').exec(sql);
    if (match) {
      const name = parseName(match[2] ?? '', execution.database);
      const key = name ? `${name.database}.${name.table}` : '';
      if (!this.tables.delete(key) && !match[1]) throw new AthenaFailure('InvalidRequestException', `FAILED: SemanticException [Error 10001]: Table not found ${key}`);
      return empty;
    }
    if (execution.statementType !== 'DML') throw new AthenaFailure('InvalidRequestException', `The local endpoint runs SELECT, CREATE DATABASE, CREATE EXTERNAL TABLE and DROP TABLE only: ${sql.slice(0, 40)}`);
    const db = await this.duck();
    const table = this.tableOf(sql, execution.database);
    if (execution.database) await db.run(`SET schema = '${execution.database.replace(/'/g, "''")}'`).catch(() => undefined);
    const result = await db.query(sql);
    return { columns: result.columns, rows: result.rows, scannedBytes: table ? this.scannedBytes(table, sql) : 0 };
  }

  /** The table a SELECT reads (`FROM name`), when it is one of ours. */
  private tableOf(sql: string, context: string | undefined): Table | undefined {
    const match = new RegExp(`\\bfrom\\s+(${NAME})`, 'i').exec(sql);
    const name = match ? parseName(match[1] ?? '', context) : undefined;
    if (!name) return undefined;
    const table = this.tables.get(`${name.database}.${name.table}`);
    if (!table) throw new AthenaFailure('InvalidRequestException', `SemanticException: line 1: Table ${name.database}.${name.table} does not exist`);
    return table;
  }

  /** Registers a table from its DDL: the seeded events its location and projection cover, in DuckDB. */
  private async createTable(database: string, name: string, sql: string, accountId: string): Promise<Table> {
    const location = /\blocation\s+'([^']*)'/i.exec(sql)?.[1];
    if (!location || !location.startsWith('s3://')) throw new AthenaFailure('InvalidRequestException', 'FAILED: LOCATION s3://… is required');
    const partitioned = /\bpartitioned\s+by\s*\(([^)]*)\)/i.exec(sql)?.[1] ?? '';
    const partitionColumns = [...partitioned.matchAll(/[`"]?([A-Za-z0-9_]+)[`"]?\s+string/gi)].map((m) => (m[1] ?? '').toLowerCase());
    const property = (key: string): string | undefined => new RegExp(`'${key.replace(/\./g, '\\.')}'\\s*=\\s*'([^']*)'`, 'i').exec(sql)?.[1];
    const path = /AWSLogs\/(?:(o-[a-z0-9]+)\/)?(?:(\d{12})\/)?(?:(CloudTrail(?:-Insight)?)\/)?(?:([a-z]{2}(?:-[a-z]+)+-\d{1,2})\/)?/.exec(location);
    const insight = /CloudTrail-Insight/.test(property('storage.location.template') ?? location);
    const fixedAccount = path?.[2];
    const fixedRegion = path?.[4];
    const accounts = fixedAccount ? [fixedAccount] : (property('projection.account.values')?.split(',').map((v) => v.trim()) ?? [accountId]);
    const regionValues = property('projection.region.values')?.split(',').map((v) => v.trim());
    const rows: TableRow[] = [];
    const partitionBytes = new Map<string, { account: string; region: string; day: string; bytes: number; records: string[] }>();
    for (const account of accounts) {
      const byRegion = this.deps.dataset.events.get(account);
      if (!byRegion) continue;
      for (const [region, events] of byRegion) {
        if (fixedRegion ? region !== fixedRegion : regionValues ? !regionValues.includes(region) : false) continue;
        for (const event of events) {
          if (event.insight !== insight) continue;
          const day = dayFolder(event.time * 1000 + 5 * 60_000);
          const record = JSON.parse(event.cloudTrailEvent) as Record<string, unknown>;
          rows.push({ record, partitions: { timestamp: day, region, account } });
          const key = `${account}|${region}|${day}`;
          let part = partitionBytes.get(key);
          if (!part) partitionBytes.set(key, (part = { account, region, day, bytes: 0, records: [] }));
          part.records.push(event.cloudTrailEvent);
        }
      }
    }
    const sizes = new Map<string, { account: string; region: string; day: string; bytes: number }>();
    for (const [key, part] of partitionBytes) sizes.set(key, { account: part.account, region: part.region, day: part.day, bytes: gzipSync(`{"Records":[${part.records.join(',')}]}`).length });
    const db = await this.duck();
    const columns = partitionColumns.length > 0 ? partitionColumns : ['timestamp'];
    await db.loadTable(database, name, rows, columns);
    return { database, name, partitionColumns: columns, location, partitionBytes: sizes, rows: rows.length };
  }

  /** Bytes of the partitions the SELECT's partition predicates keep (the whole table without them). */
  private scannedBytes(table: Table, sql: string): number {
    const where = /\bwhere\b([\s\S]*)$/i.exec(sql)?.[1] ?? '';
    const column = (name: string): string => `(?:"${name}"|\`${name}\`|\\b${name}\\b)`;
    const day = (op: string): string | undefined => new RegExp(`${column('timestamp')}\\s*${op}\\s*'(\\d{4}/\\d{2}/\\d{2})'`, 'i').exec(where)?.[1];
    const between = new RegExp(`${column('timestamp')}\\s+between\\s+'([^']+)'\\s+and\\s+'([^']+)'`, 'i').exec(where);
    const low = between?.[1] ?? day('>=') ?? day('=');
    const high = between?.[2] ?? day('<=') ?? day('=');
    const list = (name: string): string[] | undefined => {
      const inList = new RegExp(`${column(name)}\\s+in\\s*\\(([^)]*)\\)`, 'i').exec(where)?.[1];
      if (inList !== undefined) return [...inList.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
      const equal = new RegExp(`${column(name)}\\s*=\\s*'([^']*)'`, 'i').exec(where)?.[1];
      return equal !== undefined ? [equal] : undefined;
    };
    const regions = list('region');
    const accounts = list('account');
    let bytes = 0;
    for (const part of table.partitionBytes.values()) {
      if (low !== undefined && part.day < low) continue;
      if (high !== undefined && part.day > high) continue;
      if (regions && !regions.includes(part.region)) continue;
      if (accounts && !accounts.includes(part.account)) continue;
      bytes += part.bytes;
    }
    return bytes;
  }
}
