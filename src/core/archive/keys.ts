/**
 * CloudTrail's S3 object names, and which log files a time range needs.
 *
 * A trail delivers `[prefix/]AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/
 * <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`; Insights events go to
 * `CloudTrail-Insight/` with `_CloudTrail-Insight_` in the name, digests to `CloudTrail-Digest/`.
 * The time in the name (and the date folder) is when the file was DELIVERED: every event in it
 * happened before, usually within minutes. So a file is needed for [start, end] unless it was
 * delivered before `start` (all its events are older), or more than `deliverySlackMs` after `end`.
 */

export type LogFileKind = 'CloudTrail' | 'CloudTrail-Insight' | 'CloudTrail-Digest';

export interface LogFileName {
  account: string;
  kind: LogFileKind;
  region: string;
  /** Delivery time, epoch ms. */
  time: number;
  unique: string;
  /** `.json.gz`, `.json`, … as found. */
  extension: string;
}

const NAME = /^(\d{12})_(CloudTrail|CloudTrail-Insight|CloudTrail-Digest)_([a-z]{2}(?:-[a-z]+)+-\d{1,2})_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z_([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?$/;

/** Parses a delivery object's file name (the last path segment of the key); undefined if it is not one. */
export function parseLogFileName(name: string): LogFileName | undefined {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const match = NAME.exec(base);
  if (!match) return undefined;
  const [, account, kind, region, y, mo, d, h, mi, s, unique, extension] = match;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(time).getUTCDate() !== day) return undefined; // 31 February
  return { account: account ?? '', kind: kind as LogFileKind, region: region ?? '', time, unique: unique ?? '', extension: extension ?? '' };
}

export interface FileWindowOptions {
  /** How long after an event its file may be delivered (default 24 h: far beyond CloudTrail's usual 5–15 minutes). */
  deliverySlackMs?: number;
  /** Clock difference tolerated between the event's time and the delivery time (default 15 min). */
  skewMs?: number;
}

export const DEFAULT_DELIVERY_SLACK_MS = 24 * 3_600_000;
export const DEFAULT_SKEW_MS = 15 * 60_000;

/**
 * Whether a log file delivered at `deliveredAt` can hold events of [start, end] (either end open).
 * Conservative: false only when no event of the range can be in it.
 */
export function fileMayHoldRange(deliveredAt: number, range: { start?: number; end?: number } | undefined, options: FileWindowOptions = {}): boolean {
  if (!range) return true;
  const slack = options.deliverySlackMs ?? DEFAULT_DELIVERY_SLACK_MS;
  const skew = options.skewMs ?? DEFAULT_SKEW_MS;
  if (range.start !== undefined && deliveredAt + skew < range.start) return false;
  if (range.end !== undefined && deliveredAt - slack > range.end) return false;
  return true;
}

/** Date folders (`YYYY/MM/DD`, UTC) whose files can hold events of [start, end]: start's day to (end + slack)'s day. */
export function deliveryDays(range: { start: number; end: number }, options: FileWindowOptions = {}): { first: string; last: string } {
  const slack = options.deliverySlackMs ?? DEFAULT_DELIVERY_SLACK_MS;
  const skew = options.skewMs ?? DEFAULT_SKEW_MS;
  return { first: dayFolder(range.start - skew), last: dayFolder(range.end + slack) };
}

/** `YYYY/MM/DD` of an epoch-ms instant, UTC (clamped to years 0000–9999). */
export function dayFolder(ms: number): string {
  const clamped = Math.min(Math.max(ms, Date.UTC(0, 0, 1)), Date.UTC(9999, 11, 31));
  const date = new Date(clamped);
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}`;
}

/** The `AWSLogs/…/CloudTrail/<region>/YYYY/MM/DD` parts of a key or path, when present. */
export function parseLogFolder(path: string): { organizationId?: string; account?: string; kind?: LogFileKind; region?: string; day?: string } | undefined {
  const parts = path.split(/[\\/]+/);
  const at = parts.lastIndexOf('AWSLogs');
  if (at < 0) return undefined;
  const rest = parts.slice(at + 1);
  const out: { organizationId?: string; account?: string; kind?: LogFileKind; region?: string; day?: string } = {};
  if (rest[0] && /^o-[a-z0-9]{10,32}$/.test(rest[0])) out.organizationId = rest.shift();
  if (rest[0] && /^\d{12}$/.test(rest[0])) out.account = rest.shift();
  if (rest[0] === 'CloudTrail' || rest[0] === 'CloudTrail-Insight' || rest[0] === 'CloudTrail-Digest') {
    out.kind = rest.shift() as LogFileKind;
    if (rest[0]) out.region = rest.shift();
    if (rest.length >= 3 && /^\d{4}$/.test(rest[0] ?? '') && /^\d{2}$/.test(rest[1] ?? '') && /^\d{2}$/.test(rest[2] ?? '')) out.day = `${rest[0]}/${rest[1]}/${rest[2]}`;
  }
  return out;
}
