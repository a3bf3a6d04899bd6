/** The result table's columns: what each shows (as text), how it sorts, how wide it starts. */
import type { ColumnId, RiskFlag, RiskLevel, SearchRow } from '../../src/shared/protocol';

export interface Column {
  id: ColumnId;
  title: string;
  /** CSS grid track, e.g. "150px" or "minmax(120px, 1fr)". */
  width: string;
  text: (row: SearchRow) => string;
  /** Sort key; defaults to text(). */
  key?: (row: SearchRow) => string | number;
}

const LEVELS: Record<RiskLevel, number> = { low: 1, medium: 2, high: 3 };
export const LEVEL_LABEL: Record<RiskLevel, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/** The highest level among a row's flags. */
export function riskLevel(flags: readonly RiskFlag[] | undefined): RiskLevel | undefined {
  let best: RiskLevel | undefined;
  for (const flag of flags ?? []) if (!best || LEVELS[flag.level] > LEVELS[best]) best = flag.level;
  return best;
}

export function levelRank(level: RiskLevel | undefined): number {
  return level ? LEVELS[level] : 0;
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Local time, `2026-11-27 13:05:09`: compact, sorts as text, unambiguous in every locale. */
export function formatTime(ms: number): string {
  if (!(ms > 0)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const COLUMNS: readonly Column[] = [
  { id: 'risk', title: 'Risk', width: '64px', text: (row) => { const level = riskLevel(row.risk); return level ? LEVEL_LABEL[level] : ''; }, key: (row) => levelRank(riskLevel(row.risk)) },
  { id: 'time', title: 'Time', width: '158px', text: (row) => formatTime(row.time), key: (row) => row.time },
  { id: 'eventName', title: 'Event name', width: 'minmax(120px, 1.2fr)', text: (row) => row.eventName },
  { id: 'user', title: 'User', width: 'minmax(100px, 1fr)', text: (row) => row.user },
  { id: 'eventSource', title: 'Source', width: 'minmax(100px, 0.9fr)', text: (row) => row.eventSource.replace(/\.amazonaws\.com$/, '') },
  { id: 'resources', title: 'Resources', width: 'minmax(100px, 1.2fr)', text: (row) => row.resources.map((resource) => resource.name).join(', ') },
  { id: 'sourceIp', title: 'Source IP', width: '120px', text: (row) => row.sourceIp },
  { id: 'region', title: 'Region', width: '105px', text: (row) => row.region },
  { id: 'errorCode', title: 'Error', width: 'minmax(80px, 0.7fr)', text: (row) => row.errorCode },
  { id: 'readOnly', title: 'Read-only', width: '76px', text: (row) => (row.readOnly === undefined ? '' : row.readOnly ? 'yes' : 'no') },
  { id: 'profile', title: 'Profile', width: '110px', text: (row) => row.profile },
  { id: 'account', title: 'Account', width: '115px', text: (row) => row.account },
  { id: 'accessKeyId', title: 'Access key', width: '170px', text: (row) => row.accessKeyId },
  { id: 'userAgent', title: 'User agent', width: 'minmax(120px, 1fr)', text: (row) => row.userAgent },
];

export const DEFAULT_COLUMNS: readonly ColumnId[] = ['risk', 'time', 'eventName', 'user', 'eventSource', 'resources', 'sourceIp', 'region', 'errorCode', 'readOnly'];

export function columnById(id: ColumnId): Column {
  return COLUMNS.find((column) => column.id === id) ?? (COLUMNS[1]);
}
