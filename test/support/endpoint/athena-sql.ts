/**
 * Running Athena's SQL for real, on DuckDB (test support and the local endpoint; never shipped).
 *
 *  - `toDuckDbSql`: the generator's SQL is Athena (Trino) SQL; DuckDB spells five functions
 *    differently. They are renamed token by token outside string literals and quoted identifiers:
 *    transform -> list_transform, regexp_like -> regexp_matches, json_extract_scalar ->
 *    json_extract_string, cardinality -> len, json_format -> athena_json_format (a macro: JSON -> text).
 *    Nothing else is rewritten: the same text runs on both engines.
 *  - `athenaRowOf`: what the Hive JSON SerDe makes of a record under the table's columns (field
 *    names matched case-insensitively, nested objects of STRING columns as JSON text, scalars as
 *    text, absent fields NULL).
 *  - `AthenaDuckDb`: a DuckDB database holding CloudTrail tables loaded from records.
 *
 * @duckdb/node-api is loaded with a computed specifier so that bundling the endpoint (esbuild)
 * leaves the native module to Node.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DuckDb from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CLOUDTRAIL_COLUMNS, type Column } from '../../../src/core/athena/columns';

const RENAMES: Readonly<Record<string, string>> = {
  transform: 'list_transform',
  regexp_like: 'regexp_matches',
  json_extract_scalar: 'json_extract_string',
  cardinality: 'len',
  json_format: 'athena_json_format',
};

/** Renames the Trino-only function names of `sql` to DuckDB's (outside literals and quoted identifiers). */
export function toDuckDbSql(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] ?? '';
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(sql[j] ?? '')) j++;
      const word = sql.slice(i, j);
      let k = j;
      while (k < n && /\s/.test(sql[k] ?? '')) k++;
      const renamed = sql[k] === '(' && sql[i - 1] !== '.' ? RENAMES[word.toLowerCase()] : undefined;
      out += renamed ?? word;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The SerDe

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value of a field matched case-insensitively (the first key that matches, as Hive's SerDe). */
function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  for (const key of Object.keys(object)) if (key.toLowerCase() === name) return object[key];
  return undefined;
}

function serdeValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type.kind) {
    case 'string':
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === null || item === undefined ? null : typeof item === 'string' ? item : JSON.stringify(item)])) : null;
    case 'struct': {
      if (!isObject(value)) return null;
      const out: Record<string, unknown> = {};
      for (const child of column.type.fields) out[child.name] = serdeValue(child, field(value, child.name));
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return null;
      const fields = column.type.of;
      return value.map((item: unknown) => {
        if (!isObject(item)) return null;
        const out: Record<string, unknown> = {};
        for (const child of fields) out[child.name] = serdeValue(child, field(item, child.name));
        return out;
      });
    }
  }
}

/** A record as the table's row: `{ column: value }` with lower-case names. */
export function athenaRowOf(record: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of CLOUDTRAIL_COLUMNS) row[column.name] = serdeValue(column, field(record, column.name));
  return row;
}

function duckType(column: Column): string {
  switch (column.type.kind) {
    case 'string':
    case 'json':
      return 'VARCHAR';
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
    case 'struct':
      return `STRUCT(${column.type.fields.map((child) => `"${child.name}" ${duckType(child)}`).join(', ')})`;
    case 'array':
      return `STRUCT(${column.type.of.map((child) => `"${child.name}" ${duckType(child)}`).join(', ')})[]`;
  }
}

// ---------------------------------------------------------------------------------------------
// DuckDB

type DuckDbModule = typeof DuckDb;

let modulePromise: Promise<DuckDbModule> | undefined;

/** Loads @duckdb/node-api (a computed specifier: bundlers leave it alone). */
export function loadDuckDb(): Promise<DuckDbModule> {
  const specifier = ['@duckdb', 'node-api'].join('/');
  return (modulePromise ??= import(specifier) as Promise<DuckDbModule>);
}

export interface TableRow {
  record: Record<string, unknown>;
  /** Partition values: `{ timestamp: '2025/06/01', region: 'us-east-1', account: '…' }`. */
  partitions?: Record<string, string>;
}

export interface QueryResult {
  columns: string[];
  /** Every value as text (Athena's VarCharValue), null for NULL. */
  rows: Array<Array<string | null>>;
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export class AthenaDuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async create(): Promise<AthenaDuckDb> {
    const { DuckDBInstance } = await loadDuckDb();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE MACRO athena_json_format(j) AS CAST(j AS VARCHAR)');
    return new AthenaDuckDb(instance, connection);
  }

  /** Creates (or replaces) `"schema"."table"` with the CloudTrail columns plus the given partition columns, holding `rows`. */
  async loadTable(schema: string, table: string, rows: readonly TableRow[], partitionColumns: readonly string[] = []): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-athena-'));
    try {
      const file = join(dir, 'rows.ndjson');
      const lines = rows.map(({ record, partitions }) => JSON.stringify({ ...athenaRowOf(record), ...Object.fromEntries(partitionColumns.map((name) => [name, partitions?.[name] ?? null])) }));
      writeFileSync(file, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
      const columns = [...CLOUDTRAIL_COLUMNS.map((column) => [column.name, duckType(column)] as const), ...partitionColumns.map((name) => [name, 'VARCHAR'] as const)];
      const spec = columns.map(([name, type]) => `'${name}': '${type.replace(/'/g, "''")}'`).join(', ');
      await this.connection.run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const source = rows.length > 0 ? `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${spec}}, maximum_object_size = 67108864)` : undefined;
      if (source) await this.connection.run(`CREATE OR REPLACE TABLE "${schema}"."${table}" AS SELECT * FROM ${source}`);
      else await this.connection.run(`CREATE OR REPLACE TABLE "${schema}"."${table}" (${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Runs Athena SQL (renamed for DuckDB); values come back as text, as Athena returns them. */
  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(toDuckDbSql(sql));
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(asText)) };
  }

  /** Runs a statement without reading results. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
