/**
 * Runs a lookup plan against LookupEvents: one stream per (value, region), through the shared
 * pacer (all streams of one lookup are one consumer, so a lookup never starves a search), pages
 * newest first, ReadOnly=false applied locally, risk flags attached, merged newest first.
 *
 * No vscode import: the integration tests run it against the local endpoint with the real SDK.
 * A stream that fails does not lose the others' results; cancelling (the signal) rejects with an
 * AwsError of kind `cancelled`.
 */
import type { AwsTarget, LookupEventsInput, LookupOptions, LookupPage } from '../../aws/types';
import { isAwsError, toAwsError, type AwsError } from '../../core/aws/errors';
import { cachedRiskFlags, type RiskFlag } from '../../core/events/risk';
import { isWriteEvent, mergeNewestFirst, toLookupItem, type LookupItem, type LookupPlan } from '../../core/lookup/plan';

/** What the runner needs of AwsServices (or AwsLayer). */
export interface LookupEventsSource {
  lookupEvents(target: AwsTarget, input: LookupEventsInput, options: LookupOptions): AsyncIterable<LookupPage>;
}

export interface FlaggedItem extends LookupItem {
  readonly flags: readonly RiskFlag[];
}

export interface StreamFailure {
  readonly region: string;
  readonly value: string;
  readonly error: AwsError;
}

export interface LookupOutcome {
  /** Matching events, newest first, at most `maxEvents`. */
  readonly items: readonly FlaggedItem[];
  readonly failures: readonly StreamFailure[];
  /** Every stream reached the end of event history (nothing older was left unread). */
  readonly exhausted: boolean;
  /** Events read (before the writes-only filter). */
  readonly scanned: number;
  readonly pages: number;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Keep at most this many matching events (default 50). */
  readonly maxEvents?: number;
  /** Read at most this many pages per stream (default 4: 200 events). */
  readonly maxPagesPerStream?: number;
  /** Stop each stream at its first match (the hover: only the newest change matters). */
  readonly firstMatchOnly?: boolean;
  /** Called with everything found so far, newest first, after each page that added something. */
  readonly onProgress?: (items: readonly FlaggedItem[]) => void;
}

export const DEFAULT_MAX_EVENTS = 50;
export const DEFAULT_MAX_PAGES = 4;

export async function runLookup(source: LookupEventsSource, plan: LookupPlan, profile: string, options: RunOptions = {}): Promise<LookupOutcome> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const maxPages = options.maxPagesPerStream ?? DEFAULT_MAX_PAGES;
  const consumer = {}; // one pacer consumer for the whole lookup
  const found: FlaggedItem[] = [];
  const failures: StreamFailure[] = [];
  let scanned = 0;
  let pages = 0;
  let exhausted = true;

  const stream = async (region: string, value: string): Promise<void> => {
    let matches = 0;
    let complete = false;
    try {
      const iterator = source.lookupEvents(
        { profile, region },
        { LookupAttributes: [{ AttributeKey: plan.attribute, AttributeValue: value }] },
        { signal: options.signal, consumer, maxPages },
      );
      let lastPage: LookupPage | undefined;
      pagesLoop: for await (const page of iterator) {
        lastPage = page;
        pages++;
        let added = false;
        for (const event of page.events) {
          scanned++;
          const item = toLookupItem(event, region);
          if (plan.writesOnly && !isWriteEvent(item)) continue;
          found.push({ ...item, flags: cachedRiskFlags(item.row, item.record) });
          matches++;
          added = true;
          if (options.firstMatchOnly || matches >= maxEvents) {
            if (added) options.onProgress?.(mergeNewestFirst(found, maxEvents));
            break pagesLoop;
          }
        }
        if (added) options.onProgress?.(mergeNewestFirst(found, maxEvents));
      }
      // Complete when the last page read had no continuation (the iterator ended on its own).
      complete = lastPage === undefined || lastPage.nextToken === undefined;
      if (options.firstMatchOnly && matches > 0) complete = true;
      if (matches >= maxEvents) complete = true;
    } catch (error) {
      const failure = isAwsError(error) ? error : toAwsError(error, { operation: 'cloudtrail:LookupEvents', profile, region });
      if (failure.kind === 'cancelled' || options.signal?.aborted) throw failure;
      failures.push({ region, value, error: failure });
    }
    if (!complete) exhausted = false;
  };

  const streams = plan.regions.flatMap((region) => plan.values.map((value) => stream(region, value)));
  const settled = await Promise.allSettled(streams);
  const cancelled = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (cancelled) throw cancelled.reason instanceof Error ? cancelled.reason : toAwsError(cancelled.reason);
  if (failures.length > 0) exhausted = false;
  return { items: mergeNewestFirst(found, maxEvents), failures, exhausted, scanned, pages };
}
