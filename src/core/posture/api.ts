/**
 * Builds a `TrailSnapshot` from CloudTrail API responses. The inputs are plain objects shaped like
 * the AWS JSON (DescribeTrails' Trail, GetTrailStatus, GetEventSelectors, GetInsightSelectors,
 * ListTags' TagsList), so src/aws can pass AWS SDK v3 output unchanged and tests can pass recorded
 * JSON. Timestamps may be Date, epoch seconds (the wire format) or ISO text (CLI output). `null`
 * is accepted wherever a value may be missing (some recorders write null for absent members).
 *
 * Also here: shadow-trail handling. DescribeTrails returns a multi-region trail in every region
 * (and an organization trail in every member account); the same ARN must count once.
 */
import {
  DEFAULT_EVENT_SELECTORS,
  known,
  unknown,
  type AdvancedEventSelector,
  type AdvancedFieldSelector,
  type BasicEventSelector,
  type BucketFacts,
  type EventSelectorConfig,
  type Known,
  type ReadWriteType,
  type TrailSnapshot,
  type TrailStatusFacts,
} from './model';

/** A timestamp as the API, the SDK or the CLI gives it. */
export type ApiTimestamp = Date | number | string;

type Maybe<T> = T | null | undefined;

/** DescribeTrails' Trail (and GetTrail's Trail / CreateTrail / UpdateTrail responses). */
export interface ApiTrail {
  Name?: Maybe<string>;
  TrailARN?: Maybe<string>;
  HomeRegion?: Maybe<string>;
  S3BucketName?: Maybe<string>;
  S3KeyPrefix?: Maybe<string>;
  SnsTopicARN?: Maybe<string>;
  SnsTopicName?: Maybe<string>;
  IncludeGlobalServiceEvents?: Maybe<boolean>;
  IsMultiRegionTrail?: Maybe<boolean>;
  IsOrganizationTrail?: Maybe<boolean>;
  LogFileValidationEnabled?: Maybe<boolean>;
  CloudWatchLogsLogGroupArn?: Maybe<string>;
  CloudWatchLogsRoleArn?: Maybe<string>;
  KmsKeyId?: Maybe<string>;
  HasCustomEventSelectors?: Maybe<boolean>;
  HasInsightSelectors?: Maybe<boolean>;
}

/** GetTrailStatus output. */
export interface ApiTrailStatus {
  IsLogging?: Maybe<boolean>;
  LatestDeliveryError?: Maybe<string>;
  LatestNotificationError?: Maybe<string>;
  LatestDeliveryTime?: Maybe<ApiTimestamp>;
  LatestNotificationTime?: Maybe<ApiTimestamp>;
  StartLoggingTime?: Maybe<ApiTimestamp>;
  StopLoggingTime?: Maybe<ApiTimestamp>;
  LatestCloudWatchLogsDeliveryError?: Maybe<string>;
  LatestCloudWatchLogsDeliveryTime?: Maybe<ApiTimestamp>;
  LatestDigestDeliveryTime?: Maybe<ApiTimestamp>;
  LatestDigestDeliveryError?: Maybe<string>;
}

export interface ApiDataResource {
  Type?: Maybe<string>;
  Values?: Maybe<readonly string[]>;
}

export interface ApiEventSelector {
  ReadWriteType?: Maybe<string>;
  IncludeManagementEvents?: Maybe<boolean>;
  DataResources?: Maybe<readonly ApiDataResource[]>;
  ExcludeManagementEventSources?: Maybe<readonly string[]>;
}

export interface ApiFieldSelector {
  Field?: Maybe<string>;
  Equals?: Maybe<readonly string[]>;
  StartsWith?: Maybe<readonly string[]>;
  EndsWith?: Maybe<readonly string[]>;
  NotEquals?: Maybe<readonly string[]>;
  NotStartsWith?: Maybe<readonly string[]>;
  NotEndsWith?: Maybe<readonly string[]>;
}

export interface ApiAdvancedEventSelector {
  Name?: Maybe<string>;
  FieldSelectors?: Maybe<readonly ApiFieldSelector[]>;
}

/** GetEventSelectors output. */
export interface ApiEventSelectors {
  TrailARN?: Maybe<string>;
  EventSelectors?: Maybe<readonly ApiEventSelector[]>;
  AdvancedEventSelectors?: Maybe<readonly ApiAdvancedEventSelector[]>;
}

/** GetInsightSelectors output. */
export interface ApiInsightSelectors {
  TrailARN?: Maybe<string>;
  InsightSelectors?: Maybe<readonly { InsightType?: Maybe<string> }[]>;
}

/** ListTags' ResourceTagList[].TagsList. */
export type ApiTagsList = readonly { Key?: Maybe<string>; Value?: Maybe<string> }[];

// ---------------------------------------------------------------------------------------------

/** A Date from a Date, epoch seconds or ISO text; undefined for empty or unparsable values. */
export function parseTimestamp(value: Maybe<ApiTimestamp>): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value * 1000;
  else if (/^\d+(\.\d+)?$/.test(value.trim())) ms = Number(value) * 1000;
  else ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** Region and account of a CloudTrail ARN (arn:partition:cloudtrail:region:account:trail/name). */
export function parseTrailArn(arn: Maybe<string>): { region?: string; accountId?: string; name?: string } {
  if (!arn) return {};
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return {};
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  return {
    region: parts[3] || undefined,
    accountId: parts[4] || undefined,
    name: slash >= 0 ? resource.slice(slash + 1) : undefined,
  };
}

const nonEmpty = (s: Maybe<string>): string | null => (typeof s === 'string' && s.trim() !== '' ? s : null);
const strings = (xs: Maybe<readonly string[]>): string[] => (xs ?? []).filter((x): x is string => typeof x === 'string');

function readWriteType(value: Maybe<string>): ReadWriteType {
  // Unknown strings are kept (as a type-cast) so the rules can name them; they match no coverage.
  return (value ?? 'All') as ReadWriteType;
}

function basicSelector(s: ApiEventSelector): BasicEventSelector {
  return {
    // The API defaults: ReadWriteType All, IncludeManagementEvents true.
    readWriteType: readWriteType(s.ReadWriteType),
    includeManagementEvents: s.IncludeManagementEvents ?? true,
    dataResources: (s.DataResources ?? []).filter((r) => nonEmpty(r.Type) !== null).map((r) => ({ type: r.Type as string, values: strings(r.Values) })),
    excludeManagementEventSources: strings(s.ExcludeManagementEventSources),
  };
}

function fieldSelector(f: ApiFieldSelector): AdvancedFieldSelector {
  const out: { -readonly [K in keyof AdvancedFieldSelector]: AdvancedFieldSelector[K] } = { field: f.Field ?? '' };
  if (f.Equals?.length) out.equals = strings(f.Equals);
  if (f.NotEquals?.length) out.notEquals = strings(f.NotEquals);
  if (f.StartsWith?.length) out.startsWith = strings(f.StartsWith);
  if (f.NotStartsWith?.length) out.notStartsWith = strings(f.NotStartsWith);
  if (f.EndsWith?.length) out.endsWith = strings(f.EndsWith);
  if (f.NotEndsWith?.length) out.notEndsWith = strings(f.NotEndsWith);
  return out;
}

function advancedSelector(s: ApiAdvancedEventSelector): AdvancedEventSelector {
  const fieldSelectors = (s.FieldSelectors ?? []).map(fieldSelector);
  const name = nonEmpty(s.Name);
  return name === null ? { fieldSelectors } : { name, fieldSelectors };
}

/** The selector configuration of a GetEventSelectors response. */
export function eventSelectorsFromApi(response: ApiEventSelectors): EventSelectorConfig {
  if (Array.isArray(response.AdvancedEventSelectors) && !(Array.isArray(response.EventSelectors) && response.EventSelectors.length > 0)) {
    return { kind: 'advanced', selectors: response.AdvancedEventSelectors.map(advancedSelector) };
  }
  return { kind: 'basic', selectors: (response.EventSelectors ?? []).map(basicSelector) };
}

function statusFacts(status: ApiTrailStatus): TrailStatusFacts {
  const facts: { -readonly [K in keyof TrailStatusFacts]: TrailStatusFacts[K] } = {};
  const err = (s: Maybe<string>): string | undefined => nonEmpty(s) ?? undefined;
  const set = <K extends keyof TrailStatusFacts>(key: K, value: TrailStatusFacts[K] | undefined): void => {
    if (value !== undefined) facts[key] = value;
  };
  set('latestDeliveryError', err(status.LatestDeliveryError));
  set('latestDigestDeliveryError', err(status.LatestDigestDeliveryError));
  set('latestNotificationError', err(status.LatestNotificationError));
  set('latestCloudWatchLogsDeliveryError', err(status.LatestCloudWatchLogsDeliveryError));
  set('latestDeliveryTime', parseTimestamp(status.LatestDeliveryTime));
  set('latestDigestDeliveryTime', parseTimestamp(status.LatestDigestDeliveryTime));
  set('latestCloudWatchLogsDeliveryTime', parseTimestamp(status.LatestCloudWatchLogsDeliveryTime));
  set('startLoggingTime', parseTimestamp(status.StartLoggingTime));
  set('stopLoggingTime', parseTimestamp(status.StopLoggingTime));
  return facts;
}

function bool(value: Maybe<boolean>, absent: boolean): Known<boolean> {
  return known(value ?? absent);
}

/**
 * A live snapshot from API responses. Parts not passed are `unknown` with a reason (never guessed),
 * except where DescribeTrails itself answers: HasCustomEventSelectors false means the default
 * selectors, HasInsightSelectors false means no Insights.
 */
export function snapshotFromApi(
  trail: ApiTrail,
  status?: ApiTrailStatus,
  selectors?: ApiEventSelectors,
  insights?: ApiInsightSelectors,
  tags?: ApiTagsList,
  bucket?: BucketFacts,
): TrailSnapshot {
  const fromArn = parseTrailArn(trail.TrailARN);
  const name = nonEmpty(trail.Name) ?? fromArn.name ?? '(unnamed trail)';

  let eventSelectors: Known<EventSelectorConfig>;
  if (selectors) eventSelectors = known(eventSelectorsFromApi(selectors));
  else if (trail.HasCustomEventSelectors === false) eventSelectors = known(DEFAULT_EVENT_SELECTORS, 'trail has no custom event selectors');
  else eventSelectors = unknown('event selectors were not read');

  let insightTypes: Known<readonly string[]>;
  if (insights) insightTypes = known((insights.InsightSelectors ?? []).map((s) => nonEmpty(s.InsightType)).filter((t): t is string => t !== null));
  else if (trail.HasInsightSelectors === false) insightTypes = known([]);
  else insightTypes = unknown('Insights selectors were not read');

  let tagMap: Known<Readonly<Record<string, string>>>;
  if (tags) {
    const map: Record<string, string> = {};
    for (const t of tags) if (nonEmpty(t.Key) !== null) map[t.Key as string] = t.Value ?? '';
    tagMap = known(map);
  } else tagMap = unknown('tags were not read');

  const snapshot: { -readonly [K in keyof TrailSnapshot]: TrailSnapshot[K] } = {
    origin: 'api',
    name,
    isMultiRegion: bool(trail.IsMultiRegionTrail, false),
    isOrganization: bool(trail.IsOrganizationTrail, false),
    logFileValidation: bool(trail.LogFileValidationEnabled, false),
    kmsKeyId: known(nonEmpty(trail.KmsKeyId)),
    cloudWatchLogsLogGroupArn: known(nonEmpty(trail.CloudWatchLogsLogGroupArn)),
    cloudWatchLogsRoleArn: known(nonEmpty(trail.CloudWatchLogsRoleArn)),
    includeGlobalServiceEvents: bool(trail.IncludeGlobalServiceEvents, true),
    s3BucketName: known(nonEmpty(trail.S3BucketName)),
    s3KeyPrefix: known(nonEmpty(trail.S3KeyPrefix)),
    snsTopic: known(nonEmpty(trail.SnsTopicARN) ?? nonEmpty(trail.SnsTopicName)),
    isLogging: status ? (typeof status.IsLogging === 'boolean' ? known(status.IsLogging) : unknown('GetTrailStatus did not say whether the trail is logging')) : unknown('trail status was not read'),
    tags: tagMap,
    eventSelectors,
    insightTypes,
  };
  const arn = nonEmpty(trail.TrailARN);
  if (arn !== null) snapshot.arn = arn;
  const homeRegion = nonEmpty(trail.HomeRegion) ?? fromArn.region;
  if (homeRegion) snapshot.homeRegion = homeRegion;
  if (fromArn.accountId) snapshot.accountId = fromArn.accountId;
  if (status) snapshot.status = statusFacts(status);
  if (bucket) snapshot.bucket = bucket;
  return snapshot;
}

// ---------------------------------------------------------------------------------------------
// Shadow trails

/**
 * True when `trail`, as returned by DescribeTrails in `seenFromRegion` of account `accountId`,
 * is a shadow copy: a multi-Region trail whose home is another region, or a trail owned by
 * another account (an organization trail seen from a member account). Shadow trails are shown
 * but counted once, and changes to them must be made in their home region (and account).
 */
export function isShadowTrail(trail: Pick<TrailSnapshot, 'homeRegion' | 'accountId' | 'isMultiRegion'>, seenFromRegion: string, accountId?: string): boolean {
  if (accountId !== undefined && trail.accountId !== undefined && trail.accountId !== accountId) return true;
  const multiRegion = !trail.isMultiRegion.known || trail.isMultiRegion.value;
  return multiRegion && trail.homeRegion !== undefined && trail.homeRegion !== seenFromRegion;
}

/** Identity of a trail across regions: its ARN, else home region + name. */
export function trailKey(trail: Pick<TrailSnapshot, 'arn' | 'homeRegion' | 'name'>): string {
  return trail.arn ?? `${trail.homeRegion ?? '?'}/${trail.name}`;
}

function completeness(s: TrailSnapshot): number {
  const parts: Known<unknown>[] = [s.isLogging, s.eventSelectors, s.insightTypes, s.tags];
  return parts.filter((k) => k.known).length + (s.status ? 1 : 0) + (s.bucket ? 1 : 0);
}

/**
 * One snapshot per trail (by ARN): shadow copies collected from several regions collapse into
 * the most complete one (ties keep the first seen). Order follows first appearance.
 */
export function dedupeTrails(snapshots: readonly TrailSnapshot[]): TrailSnapshot[] {
  const chosen = new Map<string, TrailSnapshot>();
  for (const s of snapshots) {
    const key = trailKey(s);
    const current = chosen.get(key);
    if (current === undefined || completeness(s) > completeness(current)) chosen.set(key, s);
  }
  return [...chosen.values()];
}
