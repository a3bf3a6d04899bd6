/**
 * CloudTrail records as they arrive (from LookupEvents' CloudTrailEvent string, an S3 log file or
 * an archive) and the flat row the UI, the CLI and the filters work on. Every field of a record is
 * attacker-controlled: nothing here trusts a type, and odd records still give a row.
 */

/** A parsed CloudTrail record. Only the fields we read are typed; everything else is kept. */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  eventID?: string;
  eventType?: string;
  eventCategory?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean | string;
  recipientAccountId?: string;
  userIdentity?: Record<string, unknown>;
  requestParameters?: unknown;
  responseElements?: unknown;
  resources?: unknown;
  [key: string]: unknown;
}

export interface EventResource {
  type?: string;
  name: string;
}

/** One row of results: what the table, the filters and the exports use. */
export interface EventRow {
  eventId: string;
  /** Epoch milliseconds; NaN never appears (records without a usable time get 0). */
  time: number;
  eventName: string;
  eventSource: string;
  user: string;
  accessKeyId: string;
  identityType: string;
  resources: EventResource[];
  sourceIp: string;
  userAgent: string;
  region: string;
  account: string;
  errorCode: string;
  readOnly: boolean | undefined;
  category: 'management' | 'data' | 'insight' | 'other';
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Parses CloudTrail's `eventTime` (ISO 8601, UTC) or an epoch number into epoch milliseconds. */
export function parseEventTime(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string') return 0;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

/** The human name of whoever made the call, as the CloudTrail console shows it. */
export function userName(identity: Record<string, unknown> | undefined): string {
  if (!identity) return '';
  const type = str(identity.type);
  const arn = str(identity.arn);
  const session = obj(obj(identity.sessionContext)?.sessionIssuer);
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return str(identity.userName) || arn.split('/').pop() || '';
    case 'AssumedRole': {
      const role = str(session?.userName);
      const sessionName = arn.split('/').pop() ?? '';
      return role && sessionName ? `${role}/${sessionName}` : role || sessionName || str(identity.principalId);
    }
    case 'AWSService':
      return str(identity.invokedBy) || 'AWS service';
    case 'AWSAccount':
      return str(identity.accountId) || str(identity.principalId);
    case 'FederatedUser':
    case 'WebIdentityUser':
    case 'SAMLUser':
    case 'IdentityCenterUser':
      return str(identity.userName) || arn.split('/').pop() || str(identity.principalId);
    default:
      return str(identity.userName) || str(identity.invokedBy) || (arn ? (arn.split('/').pop() ?? arn) : str(identity.principalId));
  }
}

/** Resources from the record's `resources` array (data events) — LookupEvents gives its own list. */
export function recordResources(record: CloudTrailRecord): EventResource[] {
  if (!Array.isArray(record.resources)) return [];
  const out: EventResource[] = [];
  for (const item of record.resources) {
    const resource = obj(item);
    if (!resource) continue;
    const name = str(resource.ARN) || str(resource.arn) || str(resource.name);
    if (name) out.push({ type: str(resource.type) || undefined, name });
  }
  return out;
}

function readOnlyOf(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function categoryOf(record: CloudTrailRecord): EventRow['category'] {
  const category = str(record.eventCategory).toLowerCase();
  if (category === 'insight' || str(record.eventType) === 'AwsCloudTrailInsight') return 'insight';
  if (category === 'data') return 'data';
  if (category === 'management' || category === '') return 'management';
  return 'other';
}

/** Makes a row of a record. `extra` carries what LookupEvents says beside the record. */
export function toRow(
  record: CloudTrailRecord,
  extra: { eventId?: string; username?: string; resources?: EventResource[]; accessKeyId?: string } = {},
): EventRow {
  const identity = obj(record.userIdentity);
  // Insights events name the API they are about inside insightDetails.
  const insight = obj(record.insightDetails);
  const resources = extra.resources && extra.resources.length > 0 ? extra.resources : recordResources(record);
  return {
    eventId: str(record.eventID) || extra.eventId || '',
    time: parseEventTime(record.eventTime),
    eventName: str(record.eventName) || str(insight?.eventName),
    eventSource: str(record.eventSource) || str(insight?.eventSource),
    user: extra.username || userName(identity),
    accessKeyId: str(identity?.accessKeyId) || extra.accessKeyId || '',
    identityType: str(identity?.type),
    resources,
    sourceIp: str(record.sourceIPAddress),
    userAgent: str(record.userAgent),
    region: str(record.awsRegion),
    account: str(record.recipientAccountId) || str(identity?.accountId),
    errorCode: str(record.errorCode),
    readOnly: readOnlyOf(record.readOnly),
    category: categoryOf(record),
  };
}

/**
 * Parses a CloudTrailEvent JSON string. A record that is not a JSON object is reported, not thrown:
 * one odd event must not lose the page it came in.
 */
export function parseRecord(json: string): { record: CloudTrailRecord } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const record = obj(value);
  return record ? { record } : { error: 'not a JSON object' };
}
