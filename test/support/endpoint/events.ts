/**
 * Event history: CloudTrail records as LookupEvents serves them, the lookup-attribute filters, and the
 * paging. Pure: no I/O.
 */
import type { Cursor } from './token';

/** A CloudTrail record (one entry of a delivery file's `Records`), as parsed JSON. */
export type CloudTrailRecord = { [key: string]: unknown };

export interface LookupResource {
  ResourceType: string;
  ResourceName: string;
}

/** One event as stored by the endpoint: the LookupEvents fields, precomputed. */
export interface StoredEvent {
  /** Global order of loading; breaks ties between events of the same second (higher = newer). */
  seq: number;
  /** Epoch second. */
  time: number;
  eventId: string;
  eventName?: string;
  eventSource?: string;
  readOnly?: 'true' | 'false';
  username?: string;
  accessKeyId?: string;
  resources: LookupResource[];
  /** Insights events are returned only with EventCategory=insight, and only they are. */
  insight: boolean;
  /** The record as a JSON string: LookupEvents' CloudTrailEvent. */
  cloudTrailEvent: string;
}

/** LookupEvents' `Event` shape on the wire (EventTime in epoch seconds). */
export interface WireEvent {
  EventId: string;
  EventName?: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource?: string;
  Username?: string;
  Resources: LookupResource[];
  CloudTrailEvent: string;
}

export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];
/** Lookup supports only these attributes for Insights events. */
export const INSIGHT_LOOKUP_ATTRIBUTE_KEYS: readonly LookupAttributeKey[] = ['EventId', 'EventName', 'EventSource'];

export function isLookupAttributeKey(value: unknown): value is LookupAttributeKey {
  return typeof value === 'string' && (LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function obj(value: unknown): CloudTrailRecord | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as CloudTrailRecord) : undefined;
}

/** Event history's user name: the IAM user, the role session, the federated user, or "root". */
export function usernameOf(record: CloudTrailRecord): string | undefined {
  const identity = obj(record.userIdentity);
  if (!identity) return undefined;
  const type = str(identity.type);
  const arn = str(identity.arn);
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return str(identity.userName) ?? arn?.split('/').pop();
    case 'AssumedRole':
    case 'FederatedUser':
      return arn?.split('/').pop() ?? str(identity.principalId)?.split(':').pop();
    case 'AWSService':
      return undefined;
    default:
      return str(identity.userName) ?? arn?.split('/').pop();
  }
}

/** Request parameter names that name a resource, by event source (`*` = any service). */
const PARAMETER_RESOURCES: ReadonlyArray<{ source: string; parameter: string; type: string }> = [
  { source: 's3.amazonaws.com', parameter: 'bucketName', type: 'AWS::S3::Bucket' },
  { source: 'cloudtrail.amazonaws.com', parameter: 'name', type: 'AWS::CloudTrail::Trail' },
  { source: 'cloudtrail.amazonaws.com', parameter: 'trailName', type: 'AWS::CloudTrail::Trail' },
  { source: 'iam.amazonaws.com', parameter: 'userName', type: 'AWS::IAM::User' },
  { source: 'iam.amazonaws.com', parameter: 'roleName', type: 'AWS::IAM::Role' },
  { source: 'iam.amazonaws.com', parameter: 'groupName', type: 'AWS::IAM::Group' },
  { source: 'iam.amazonaws.com', parameter: 'policyArn', type: 'AWS::IAM::Policy' },
  { source: 'iam.amazonaws.com', parameter: 'instanceProfileName', type: 'AWS::IAM::InstanceProfile' },
  { source: 'ec2.amazonaws.com', parameter: 'instanceId', type: 'AWS::EC2::Instance' },
  { source: 'ec2.amazonaws.com', parameter: 'groupId', type: 'AWS::EC2::SecurityGroup' },
  { source: 'ec2.amazonaws.com', parameter: 'imageId', type: 'AWS::EC2::Ami' },
  { source: 'ec2.amazonaws.com', parameter: 'snapshotId', type: 'AWS::EC2::Snapshot' },
  { source: 'ec2.amazonaws.com', parameter: 'volumeId', type: 'AWS::EC2::Volume' },
  { source: 'ec2.amazonaws.com', parameter: 'vpcId', type: 'AWS::EC2::VPC' },
  { source: 'ec2.amazonaws.com', parameter: 'subnetId', type: 'AWS::EC2::Subnet' },
  { source: 'ec2.amazonaws.com', parameter: 'keyName', type: 'AWS::EC2::KeyPair' },
  { source: 'lambda.amazonaws.com', parameter: 'functionName', type: 'AWS::Lambda::Function' },
  { source: 'secretsmanager.amazonaws.com', parameter: 'secretId', type: 'AWS::SecretsManager::Secret' },
  { source: 'kms.amazonaws.com', parameter: 'keyId', type: 'AWS::KMS::Key' },
  { source: 'rds.amazonaws.com', parameter: 'dBSnapshotIdentifier', type: 'AWS::RDS::DBSnapshot' },
  { source: 'rds.amazonaws.com', parameter: 'dBInstanceIdentifier', type: 'AWS::RDS::DBInstance' },
  { source: 'sns.amazonaws.com', parameter: 'topicArn', type: 'AWS::SNS::Topic' },
  { source: 'ssm.amazonaws.com', parameter: 'name', type: 'AWS::SSM::Parameter' },
  { source: 'guardduty.amazonaws.com', parameter: 'detectorId', type: 'AWS::GuardDuty::Detector' },
];

const ITEM_RESOURCES: ReadonlyArray<{ field: string; type: string }> = [
  { field: 'instanceId', type: 'AWS::EC2::Instance' },
  { field: 'groupId', type: 'AWS::EC2::SecurityGroup' },
  { field: 'flowLogId', type: 'AWS::EC2::FlowLog' },
];

/**
 * The resources event history lists for a record: the record's own `resources` when present, else the
 * resource-naming request parameters of the common services (an approximation of CloudTrail's own list).
 */
export function resourcesOf(record: CloudTrailRecord): LookupResource[] {
  const out: LookupResource[] = [];
  const seen = new Set<string>();
  const add = (type: string, name: unknown): void => {
    if (typeof name !== 'string' || name.length === 0) return;
    const key = `${type}\u0000${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ResourceType: type, ResourceName: name });
  };
  if (Array.isArray(record.resources)) {
    for (const entry of record.resources) {
      const resource = obj(entry);
      const type = str(resource?.type);
      const arn = str(resource?.ARN) ?? str(resource?.arn);
      if (!type || !arn) continue;
      if (type === 'AWS::S3::Object') continue;
      add(type, type === 'AWS::S3::Bucket' ? arn.replace(/^arn:aws[\w-]*:s3:::/, '') : arn);
    }
  }
  const source = str(record.eventSource);
  const parameters = obj(record.requestParameters);
  if (parameters && source) {
    for (const rule of PARAMETER_RESOURCES) {
      if (rule.source === source) add(rule.type, parameters[rule.parameter]);
    }
    for (const setName of ['instancesSet', 'groupSet', 'flowLogIds']) {
      const set = obj(parameters[setName]);
      const items = Array.isArray(set?.items) ? set.items : Array.isArray(parameters[setName]) ? (parameters[setName] as unknown[]) : [];
      for (const item of items) {
        if (typeof item === 'string' && setName === 'flowLogIds') add('AWS::EC2::FlowLog', item);
        const value = obj(item);
        if (!value) continue;
        for (const rule of ITEM_RESOURCES) add(rule.type, value[rule.field]);
      }
    }
  }
  const response = obj(record.responseElements);
  const created = obj(response?.instancesSet);
  if (Array.isArray(created?.items)) {
    for (const item of created.items) add('AWS::EC2::Instance', obj(item)?.instanceId);
  }
  return out;
}

/** A record -> the stored LookupEvents event; undefined for records event history does not hold (data events). */
export function toStoredEvent(record: CloudTrailRecord, seq: number): StoredEvent | undefined {
  const eventId = str(record.eventID);
  const timeMs = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
  if (!eventId || Number.isNaN(timeMs)) return undefined;
  if (record.managementEvent === false || record.eventCategory === 'Data' || record.eventCategory === 'NetworkActivity') return undefined;
  const insight = record.eventType === 'AwsCloudTrailInsight';
  const details = obj(record.insightDetails);
  const readOnly = typeof record.readOnly === 'boolean' ? (record.readOnly ? 'true' : 'false') : record.readOnly === 'true' || record.readOnly === 'false' ? record.readOnly : undefined;
  const identity = obj(record.userIdentity);
  return {
    seq,
    time: Math.floor(timeMs / 1000),
    eventId,
    eventName: str(record.eventName) ?? str(details?.eventName),
    eventSource: str(record.eventSource) ?? str(details?.eventSource),
    readOnly: insight ? undefined : readOnly,
    username: insight ? undefined : usernameOf(record),
    accessKeyId: insight ? undefined : str(identity?.accessKeyId),
    resources: insight ? [] : resourcesOf(record),
    insight,
    cloudTrailEvent: JSON.stringify(record),
  };
}

export function toWireEvent(event: StoredEvent): WireEvent {
  // The real service lists the fields in this order and leaves out the ones an event does not have.
  return {
    EventId: event.eventId,
    ...(event.eventName !== undefined && { EventName: event.eventName }),
    ...(event.readOnly !== undefined && { ReadOnly: event.readOnly }),
    ...(event.accessKeyId !== undefined && { AccessKeyId: event.accessKeyId }),
    EventTime: event.time,
    ...(event.eventSource !== undefined && { EventSource: event.eventSource }),
    ...(event.username !== undefined && { Username: event.username }),
    Resources: event.resources,
    CloudTrailEvent: event.cloudTrailEvent,
  };
}

/** Newest first; same second: the later-loaded (higher seq) first. */
export function compareNewestFirst(a: Pick<StoredEvent, 'time' | 'seq'>, b: Pick<StoredEvent, 'time' | 'seq'>): number {
  return b.time - a.time || b.seq - a.seq;
}

export function matchesAttribute(event: StoredEvent, key: LookupAttributeKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return event.eventId === value;
    case 'EventName':
      return event.eventName === value;
    case 'ReadOnly':
      return event.readOnly === value;
    case 'Username':
      return event.username === value;
    case 'ResourceType':
      return event.resources.some((resource) => resource.ResourceType === value);
    case 'ResourceName':
      return event.resources.some((resource) => resource.ResourceName === value);
    case 'EventSource':
      return event.eventSource === value;
    case 'AccessKeyId':
      return event.accessKeyId === value;
  }
}

export interface LookupQuery {
  attribute?: { key: LookupAttributeKey; value: string };
  /** Inclusive bounds, epoch seconds. */
  startSec: number;
  endSec: number;
  insight: boolean;
  maxResults: number;
  cursor?: Cursor;
}

export interface LookupPage {
  events: StoredEvent[];
  next?: Cursor;
}

/** One page of a lookup over events sorted newest first. */
export function lookupPage(sortedNewestFirst: readonly StoredEvent[], query: LookupQuery): LookupPage {
  const out: StoredEvent[] = [];
  // Binary search for the first event at or before the end time (or the cursor, whichever is older).
  let index = firstAtOrBefore(sortedNewestFirst, { time: query.endSec, seq: Number.POSITIVE_INFINITY });
  if (query.cursor) index = Math.max(index, firstAtOrBefore(sortedNewestFirst, query.cursor));
  for (; index < sortedNewestFirst.length; index++) {
    const event = sortedNewestFirst[index];
    if (event.time < query.startSec) break;
    if (event.insight !== query.insight) continue;
    if (query.attribute && !matchesAttribute(event, query.attribute.key, query.attribute.value)) continue;
    if (out.length === query.maxResults) return { events: out, next: { time: event.time, seq: event.seq } };
    out.push(event);
  }
  return { events: out };
}

/** Index of the first event that is not newer than `bound` in newest-first order. */
function firstAtOrBefore(events: readonly StoredEvent[], bound: Cursor): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const event = events[mid];
    const newer = event.time > bound.time || (event.time === bound.time && event.seq > bound.seq);
    if (newer) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
