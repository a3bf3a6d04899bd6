/**
 * Test support for the search tests: an in-memory LookupEvents (one attribute, time range, 50 per
 * page, offset tokens, injected failures and latency) and record builders.
 */
import type { AwsTarget, LookupEventsInput, LookupOptions, LookupPage } from '../../src/aws/types';
import { cancelledError, type AwsError } from '../../src/core/aws/errors';
import type { CloudTrailRecord } from '../../src/core/events/record';
import type { LookupFn } from '../../src/features/search/runner';

export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
export const MINUTE = 60_000;

export interface FakeOptions {
  /** Records per `profile/region`, any order (served newest first). */
  data: Record<string, CloudTrailRecord[]>;
  /** `profile/region` → the error its next call throws (once, unless `sticky`). */
  fail?: Record<string, { error: AwsError; sticky?: boolean; afterPages?: number }>;
  /** Milliseconds each page takes. */
  delayMs?: number;
}

export interface Call {
  target: string;
  input: LookupEventsInput;
  token?: string;
}

export function record(i: number, overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventID: `ev-${i}`,
    eventTime: new Date(NOW - i * MINUTE).toISOString(),
    eventName: i % 3 === 0 ? 'DeleteTrail' : 'DescribeTrails',
    eventSource: 'cloudtrail.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** LookupEvents over in-memory records: one attribute (EventName, Username), time range, 50 per page, offset tokens. */
export function fakeLookup(options: FakeOptions): { lookup: LookupFn; calls: Call[] } {
  const calls: Call[] = [];
  const pagesServed = new Map<string, number>();
  const lookup: LookupFn = (target: AwsTarget, input: LookupEventsInput, lookupOptions: LookupOptions) =>
    (async function* (): AsyncGenerator<LookupPage> {
      const key = `${target.profile}/${target.region}`;
      const attribute = input.LookupAttributes?.[0];
      const start = input.StartTime instanceof Date ? input.StartTime.getTime() : 0;
      const end = input.EndTime instanceof Date ? input.EndTime.getTime() : Infinity;
      const records = (options.data[key] ?? [])
        .filter((item) => {
          const time = Date.parse(String(item.eventTime));
          if (time < start || time > end) return false;
          if (attribute?.AttributeKey === 'EventName') return item.eventName === attribute.AttributeValue;
          if (attribute?.AttributeKey === 'Username') return (item.userIdentity as { userName?: string } | undefined)?.userName === attribute.AttributeValue;
          return true;
        })
        .sort((a, b) => Date.parse(String(b.eventTime)) - Date.parse(String(a.eventTime)));
      let offset = lookupOptions.nextToken ? Number(lookupOptions.nextToken) : 0;
      for (let index = 0; ; index++) {
        calls.push({ target: key, input, token: offset ? String(offset) : undefined });
        if (options.delayMs) await sleep(options.delayMs, lookupOptions.signal);
        if (lookupOptions.signal?.aborted) throw cancelledError();
        const failure = options.fail?.[key];
        const served = pagesServed.get(key) ?? 0;
        if (failure && served >= (failure.afterPages ?? 0)) {
          if (!failure.sticky) delete options.fail?.[key];
          if (lookupOptions.stats) lookupOptions.stats.requests++;
          throw failure.error;
        }
        pagesServed.set(key, served + 1);
        const page = records.slice(offset, offset + 50);
        offset += page.length;
        const nextToken = offset < records.length ? String(offset) : undefined;
        if (lookupOptions.stats) {
          lookupOptions.stats.requests++;
          lookupOptions.stats.pages++;
        }
        yield {
          events: page.map((item) => ({ EventId: String(item.eventID), EventName: item.eventName, Username: (item.userIdentity as { userName?: string } | undefined)?.userName, CloudTrailEvent: JSON.stringify(item) })),
          nextToken,
          index,
          throttled: 0,
          profile: target.profile,
          region: target.region,
        };
        if (!nextToken) return;
      }
    })();
  return { lookup, calls };
}

