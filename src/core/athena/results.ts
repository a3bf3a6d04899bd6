/**
 * Athena query results -> CloudTrail records and rows. GetQueryResults returns every value as text
 * (`VarCharValue`; absent for NULL), the first row of the first page being the column header. The
 * columns of sql.ts's SELECT list map back to the record's own field names (nested objects, the
 * resources array, JSON text parsed back); other columns (raw SQL) are kept under their name, or
 * the record field they name (`eventname` -> `eventName`).
 *
 * Shapes are declared here (structurally the SDK's), so this stays pure.
 */
import { toRow, type CloudTrailRecord, type EventRow } from '../events/record';
import { CLOUDTRAIL_COLUMNS } from './columns';
import { selectColumns, type SelectColumn } from './sql';

export interface AthenaDatum {
  VarCharValue?: string;
}

export interface AthenaResultPage {
  ResultSet?: {
    Rows?: Array<{ Data?: AthenaDatum[] }>;
    ResultSetMetadata?: { ColumnInfo?: Array<{ Name?: string; Label?: string; Type?: string }> };
  };
  NextToken?: string;
}

export type ResultItem = { row: EventRow; record: CloudTrailRecord; columns?: Record<string, string | null> } | { error: string };

const BY_ALIAS = new Map<string, SelectColumn>(selectColumns().map((column) => [column.alias, column]));
const TOP_LEVEL_KEYS = new Map<string, string>(CLOUDTRAIL_COLUMNS.map((column) => [column.name, column.key]));

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] ?? '';
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    } else node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1] ?? ''] = value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One result row (alias -> text or null) back to a CloudTrail record. */
export function recordFromColumns(values: ReadonlyMap<string, string | null>): CloudTrailRecord {
  const record: CloudTrailRecord = {};
  const resources: Array<Record<string, unknown>> = [];
  for (const [alias, value] of values) {
    if (value === null) continue;
    const column = BY_ALIAS.get(alias);
    if (!column) {
      record[TOP_LEVEL_KEYS.get(alias.toLowerCase()) ?? alias] = value;
      continue;
    }
    const { leaf } = column;
    switch (leaf.kind) {
      case 'string':
        setPath(record, leaf.keys, leaf.path === 'readonly' && (value === 'true' || value === 'false') ? value === 'true' : value);
        break;
      case 'json':
      case 'map':
        setPath(record, leaf.keys, parseJson(value));
        break;
      case 'array': {
        const list = parseJson(value);
        if (!Array.isArray(list)) break;
        list.forEach((item: unknown, index) => {
          if (item === null || item === undefined) return;
          while (resources.length <= index) resources.push({});
          const target = resources[index];
          if (target) target[column.fieldKey ?? column.field ?? ''] = item;
        });
        break;
      }
    }
  }
  if (resources.length > 0) record.resources = resources;
  return record;
}

/**
 * Reads result pages in order. `columns` come from the first page's metadata; the header row (the
 * first row of the first page, equal to the column labels) is skipped.
 */
export class ResultReader {
  private columns: string[] | undefined;
  private first = true;
  rows = 0;

  constructor(private readonly options: { keepColumns?: boolean } = {}) {}

  get columnNames(): readonly string[] {
    return this.columns ?? [];
  }

  read(page: AthenaResultPage): ResultItem[] {
    const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo;
    if (!this.columns && info) this.columns = info.map((column, index) => column.Label ?? column.Name ?? `_col${index}`);
    const names = this.columns ?? [];
    const rows = page.ResultSet?.Rows ?? [];
    const out: ResultItem[] = [];
    rows.forEach((row, index) => {
      const data = row.Data ?? [];
      if (this.first && index === 0 && data.length === names.length && data.every((datum, i) => datum.VarCharValue === names[i])) return;
      const values = new Map<string, string | null>();
      names.forEach((name, i) => values.set(name, data[i]?.VarCharValue ?? null));
      if (data.length !== names.length) {
        out.push({ error: `result row ${this.rows + 1} has ${data.length} values for ${names.length} columns` });
        return;
      }
      this.rows++;
      const record = recordFromColumns(values);
      const item: ResultItem = { row: toRow(record), record };
      if (this.options.keepColumns) item.columns = Object.fromEntries(values);
      out.push(item);
    });
    this.first = false;
    return out;
  }
}
