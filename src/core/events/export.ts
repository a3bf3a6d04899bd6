/**
 * Export of events: CSV (RFC 4180, safe to open in a spreadsheet) and JSON / JSON Lines.
 * Streaming-friendly: a header function and a row function, so a writer can emit rows as pages
 * arrive; the whole-array helpers are built on them.
 *
 * Every cell is attacker-controlled text (user agents, resource names, error messages…). Cells that a
 * spreadsheet would read as a formula get a leading apostrophe (OWASP "CSV injection"): a first
 * character of = + - @ (or their full-width and small forms), TAB, CR or LF, also after leading
 * spaces or control characters, since some spreadsheet programs skip those before looking for a formula.
 */
import type { CloudTrailRecord, EventRow } from './record';
import { maxRiskLevel, type RiskFlag } from './risk';

/** One exported event: its row, and optionally its record and risk flags. */
export interface ExportItem {
  row: EventRow;
  record?: CloudTrailRecord;
  flags?: readonly RiskFlag[];
}

export interface CsvColumn {
  /** Header text (stable: scripts read it). */
  header: string;
  value(item: ExportItem): string;
}

function isoTime(ms: number): string {
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The stable column order of CSV exports. New columns are only ever appended. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { header: 'eventTime', value: ({ row }) => isoTime(row.time) },
  { header: 'eventName', value: ({ row }) => row.eventName },
  { header: 'eventSource', value: ({ row }) => row.eventSource },
  { header: 'user', value: ({ row }) => row.user },
  { header: 'identityType', value: ({ row }) => row.identityType },
  { header: 'accessKeyId', value: ({ row }) => row.accessKeyId },
  { header: 'sourceIPAddress', value: ({ row }) => row.sourceIp },
  { header: 'userAgent', value: ({ row }) => row.userAgent },
  { header: 'awsRegion', value: ({ row }) => row.region },
  { header: 'recipientAccountId', value: ({ row }) => row.account },
  { header: 'errorCode', value: ({ row }) => row.errorCode },
  { header: 'errorMessage', value: ({ record }) => text(record?.errorMessage) },
  { header: 'readOnly', value: ({ row }) => (row.readOnly === undefined ? '' : String(row.readOnly)) },
  { header: 'eventCategory', value: ({ row }) => row.category },
  { header: 'resources', value: ({ row }) => row.resources.map((resource) => (resource.type ? `${resource.type} ${resource.name}` : resource.name)).join('; ') },
  { header: 'eventID', value: ({ row }) => row.eventId },
  { header: 'risk', value: ({ flags }) => (flags ? (maxRiskLevel(flags) ?? '') : '') },
  { header: 'riskFlags', value: ({ flags }) => (flags ? flags.map((flag) => `${flag.level}: ${flag.title}`).join('; ') : '') },
];

/** Characters that start a formula, in ASCII and in the full-width / small forms some spreadsheets fold to ASCII. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '\uFE66', '\uFE62', '\uFE63', '\uFE6B']);
/** Characters a spreadsheet may skip before looking for a formula: whitespace (incl. NBSP, ideographic space) and C0 controls. */
const SKIPPABLE = /^[\s\p{Cc}\u00a0\u3000\ufeff]*/u;

/** Prefixes an apostrophe when a spreadsheet would otherwise evaluate the cell. */
export function neutralizeFormula(value: string): string {
  if (value === '') return value;
  const first = value.charAt(0);
  if (first === '\t' || first === '\r' || first === '\n') return `'${value}`;
  const rest = value.slice(SKIPPABLE.exec(value)?.[0].length ?? 0);
  return rest !== '' && FORMULA_START.has(rest.charAt(0)) ? `'${value}` : value;
}

/** One CSV field: formula-neutralised, then quoted per RFC 4180 when it contains a comma, quote, CR or LF. */
export function csvField(value: string): string {
  const safe = neutralizeFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header line, CRLF-terminated. */
export function csvHeader(columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  return `${columns.map((column) => csvField(column.header)).join(',')}\r\n`;
}

/** One record line, CRLF-terminated. Never throws on odd rows. */
export function csvRow(item: ExportItem, columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  return `${columns
    .map((column) => {
      let value: string;
      try {
        value = column.value(item);
      } catch {
        value = '';
      }
      return csvField(typeof value === 'string' ? value : '');
    })
    .join(',')}\r\n`;
}

/** A whole CSV document (header included). */
export function toCsv(items: Iterable<ExportItem>, columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  let out = csvHeader(columns);
  for (const item of items) out += csvRow(item, columns);
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** A row as exported JSON: the row's fields with the time as ISO text, plus flags when known. */
export function rowToJson(item: ExportItem): Record<string, unknown> {
  const { row, flags } = item;
  const out: Record<string, unknown> = { ...row, time: isoTime(row.time) };
  if (flags) out.risk = flags.map((flag) => ({ ...flag }));
  return out;
}

/** One JSON Lines line (newline-terminated). U+2028/U+2029 are escaped so the line is also safe as JavaScript. */
export function jsonLine(value: unknown): string {
  return `${safeStringify(value)}\n`;
}

function safeStringify(value: unknown, indent?: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, null, indent);
  } catch {
    json = undefined;
  }
  return (json ?? 'null').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface ExportStats {
  requests: number;
  pages: number;
  throttled: number;
  elapsedMs: number;
}

/**
 * The CLI's `--format json` document, `{ "events": [ …records… ], "stats": {…} }`, in three parts for
 * streaming: `jsonDocumentStart()`, then `jsonDocumentItem(record, index)` for each record, then
 * `jsonDocumentEnd(stats)`.
 */
export function jsonDocumentStart(): string {
  return '{"events":[';
}

export function jsonDocumentItem(record: unknown, index: number): string {
  return `${index > 0 ? ',' : ''}\n${safeStringify(record)}`;
}

export function jsonDocumentEnd(stats?: ExportStats): string {
  return `\n],"stats":${safeStringify(stats ?? { requests: 0, pages: 0, throttled: 0, elapsedMs: 0 })}}\n`;
}

export function toJsonDocument(records: Iterable<unknown>, stats?: ExportStats): string {
  let out = jsonDocumentStart();
  let index = 0;
  for (const record of records) out += jsonDocumentItem(record, index++);
  return out + jsonDocumentEnd(stats);
}

/** Rows (not records) as a pretty JSON array, for "export table as JSON". */
export function rowsToJson(items: Iterable<ExportItem>): string {
  return `${safeStringify([...items].map(rowToJson), 2)}\n`;
}
