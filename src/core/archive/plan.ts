/**
 * Queries over events that did NOT come from LookupEvents: a folder of CloudTrail log files, or a
 * trail's S3 logs through Athena. Same query model (EventQuery), same filters (filter.ts), same
 * risk flags; two differences from Event history:
 *
 *  - no 90-day window: a time range is taken as given (a preset is relative to `now`; an open end
 *    stays open; no range at all means all time);
 *  - nothing was filtered by a server: every constraint, the lookup attribute included, is applied
 *    here (for Athena, translated to SQL first: ../athena/sql.ts).
 *
 * Insights events are included only when the query asks for them, and then only they are, as
 * LookupEvents does (`insights` means "Insights events instead of management events").
 *
 * Time bounds are whole seconds (start rounded down, end rounded up to the last millisecond of its
 * second): CloudTrail times are whole seconds, and SQL then compares them as text exactly. A record
 * without a usable eventTime is in no time range (open-ended ones included).
 */
import { compileFilter, type CompileOptions, type EventPredicate } from '../events/filter';
import { planQuery, serverSideFilters, type LocalFilter } from '../events/planner';
import { PRESET_MS, normalizeQuery, type EventQuery, type TimeRange } from '../events/query';

export interface OfflineRange {
  /** Epoch ms, inclusive, a whole second; undefined: open. */
  start?: number;
  /** Epoch ms, inclusive, the last millisecond of a second; undefined: open. */
  end?: number;
}

export interface OfflinePlan {
  /** The normalised query. */
  query: EventQuery;
  /** undefined: all time. */
  range?: OfflineRange;
  /** Every filter, cheapest first; the time filter (if any) first. */
  filters: LocalFilter[];
  insights: boolean;
  /** Set when nothing can match (contradictory ReadOnly / access). */
  impossible?: string;
  limit?: number;
  warnings: string[];
}

const SECOND = 1000;
/** Far enough to mean "open" in a numeric comparison, and still a valid Date. */
export const OPEN_START = -8.64e15;
export const OPEN_END = 8.64e15;

/** The range of an offline query: no clamping to 90 days, whole-second bounds. */
export function resolveOfflineRange(time: TimeRange | undefined, now: number): { range?: OfflineRange; warnings: string[] } {
  const warnings: string[] = [];
  if (!time) return { warnings };
  let start: number | undefined;
  let end: number | undefined;
  if ('preset' in time) {
    start = now - PRESET_MS[time.preset];
    end = now;
  } else {
    start = time.start !== undefined && Number.isFinite(time.start) ? time.start : undefined;
    end = time.end !== undefined && Number.isFinite(time.end) ? time.end : undefined;
    if (start !== undefined && end !== undefined && start > end) {
      [start, end] = [end, start];
      warnings.push('The start was after the end: the range was swapped.');
    }
  }
  if (start === undefined && end === undefined) return { warnings };
  const range: OfflineRange = {};
  if (start !== undefined) range.start = Math.floor(start / SECOND) * SECOND;
  if (end !== undefined) range.end = Math.floor(end / SECOND) * SECOND + (SECOND - 1);
  return { range, warnings };
}

const COST: Record<LocalFilter['kind'], number> = { time: 0, category: 1, attribute: 2, errors: 3, sourceIp: 4, userAgent: 5, risk: 6, text: 7 };

/** Plans a query over log files or Athena. Pure: `now` is the clock for presets. */
export function planOfflineQuery(input: EventQuery, options: { now: number }): OfflinePlan {
  const query = normalizeQuery(input);
  const { range, warnings } = resolveOfflineRange(query.time, options.now);
  // The planner splits attributes into "server" and "local"; offline, both are applied here.
  const base = planQuery({ ...query, time: undefined, limit: undefined }, { now: options.now, maxFanOut: 1_000 });
  const filters: LocalFilter[] = [];
  if (range) filters.push({ kind: 'time', start: range.start ?? OPEN_START, end: range.end ?? OPEN_END });
  for (const filter of serverSideFilters(base)) if (filter.kind !== 'time') filters.push(filter);
  for (const item of base.local) filters.push(item.filter);
  filters.sort((a, b) => COST[a.kind] - COST[b.kind]);
  const plan: OfflinePlan = { query, filters, insights: query.insights === true, warnings };
  if (range) plan.range = range;
  if (base.impossible) plan.impossible = base.impossible;
  if (query.limit !== undefined) plan.limit = query.limit;
  return plan;
}

/**
 * The plan as one predicate over (row, record): compileFilter over every filter, plus "no Insights
 * events unless asked for". This is THE definition of what an offline query selects: the archive
 * search applies it to every record, and the Athena SQL is tested to select exactly the same.
 */
export function compileOfflineFilter(plan: OfflinePlan, options: CompileOptions = {}): EventPredicate {
  if (plan.impossible) return () => false;
  const predicate = compileFilter(plan.filters, options);
  // A record without a usable eventTime (row.time 0) is in no time range, open-ended ones included.
  const timed: EventPredicate = plan.range ? (row, record) => row.time !== 0 && predicate(row, record) : predicate;
  if (plan.insights) return timed; // the category filter is among plan.filters
  return (row, record) => row.category !== 'insight' && timed(row, record);
}
