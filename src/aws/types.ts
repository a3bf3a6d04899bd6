/**
 * Types of the AWS layer's public API. It imports only types from the SDK (erased at build time),
 * so importing this file never loads the AWS SDK: features may use it freely.
 */
export type {
  Event as LookupEvent,
  LookupAttribute,
  LookupAttributeKey as SdkLookupAttributeKey,
  LookupEventsRequest,
  Resource as LookupEventResource,
  Trail,
  TrailInfo,
  DescribeTrailsRequest,
  GetTrailStatusResponse,
  GetEventSelectorsResponse,
  GetInsightSelectorsResponse,
  ResourceTag,
} from '@aws-sdk/client-cloudtrail';
import type { LookupEventsRequest, Event } from '@aws-sdk/client-cloudtrail';

/** Which credentials and where: a profile name and a region. */
export interface AwsTarget {
  readonly profile: string;
  readonly region: string;
}

/** LookupEvents parameters without the page token (the iterator manages it). */
export type LookupEventsInput = Omit<LookupEventsRequest, 'NextToken'>;

export interface LookupPage {
  readonly events: Event[];
  /** Present when more pages follow. */
  readonly nextToken?: string;
  /** 0-based page number within this iteration. */
  readonly index: number;
  /** Throttles absorbed (paced and retried) while fetching this page. */
  readonly throttled: number;
  readonly profile: string;
  readonly region: string;
  /** The account the page came from, when known (STS GetCallerIdentity). */
  readonly account?: string;
}

/** Counters a caller can pass in and read (the CLI's `stats`). Shared across several iterations. */
export interface LookupStats {
  requests: number;
  pages: number;
  events: number;
  /** Throttles seen and absorbed: never surfaced as failures. */
  throttled: number;
  /** Retries after transient failures (5xx, resets, timeouts). */
  retries: number;
}

export function newLookupStats(): LookupStats {
  return { requests: 0, pages: 0, events: 0, throttled: 0, retries: 0 };
}

export interface CallOptions {
  /** Cancels the call: rejects with an AwsError of kind `cancelled`, promptly. */
  readonly signal?: AbortSignal;
}

export interface LookupOptions extends CallOptions {
  /**
   * Who is asking, for fairness: the pacer serves consumers round-robin. Defaults to the
   * iteration itself (each iterator is one consumer). Pass the same value to make several
   * iterations one consumer (e.g. one search across several pages).
   */
  readonly consumer?: unknown;
  /** Stop after this many pages. */
  readonly maxPages?: number;
  /** Counters to add to. */
  readonly stats?: LookupStats;
  /** Start from this page token (resuming with identical parameters). */
  readonly nextToken?: string;
}

/** A log sink. Messages never contain credentials; they are redacted again anyway. */
export interface AwsLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLog: AwsLog = { debug: () => undefined, info: () => undefined, warn: () => undefined };
