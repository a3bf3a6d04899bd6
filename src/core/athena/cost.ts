/**
 * What an Athena query costs (SQL queries on the default, per-query pricing): $5.00 per TB scanned,
 * bytes rounded up to the next megabyte, 10 MB minimum per query (Amazon Athena pricing page).
 * DDL statements (CREATE/ALTER/DROP TABLE), partition management and failed queries are free;
 * cancelled queries are billed for what they scanned. Regions may differ slightly; provisioned
 * capacity is billed differently (not estimated here). TB and MB are binary (2^40, 2^20 bytes).
 */

export const USD_PER_TB = 5;
export const MB = 1024 * 1024;
export const TB = 1024 * 1024 * 1024 * 1024;
export const MINIMUM_BILLED_BYTES = 10 * MB;

export interface QueryCost {
  /** Statistics.DataScannedInBytes. */
  scannedBytes: number;
  /** What is billed: rounded up to the MB, at least 10 MB (0 when not billed). */
  billedBytes: number;
  /** Estimated charge in US dollars. */
  usd: number;
}

/**
 * The estimated charge for one query. `billed: false` for statements that are not billed (DDL,
 * failed queries).
 */
export function athenaQueryCost(scannedBytes: number, options: { billed?: boolean; usdPerTb?: number } = {}): QueryCost {
  const scanned = Number.isFinite(scannedBytes) && scannedBytes > 0 ? scannedBytes : 0;
  if (options.billed === false) return { scannedBytes: scanned, billedBytes: 0, usd: 0 };
  const billedBytes = Math.max(MINIMUM_BILLED_BYTES, Math.ceil(scanned / MB) * MB);
  return { scannedBytes: scanned, billedBytes, usd: (billedBytes / TB) * (options.usdPerTb ?? USD_PER_TB) };
}

/** Whether a statement is billed by Athena: DML; not DDL/utility, not failed. */
export function isBilled(statementType: string | undefined, state: string | undefined): boolean {
  if (state === 'FAILED') return false;
  return statementType === undefined || statementType === 'DML';
}

/** `1.5 MB`, `12.3 GB` (binary units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `$0.000048` — small amounts keep two significant digits. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2)}`;
}
