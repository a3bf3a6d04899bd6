/**
 * The built-in dataset, made from the real data copied into test/fixtures/endpoint (see its NOTICE.md):
 *
 * Events (placed in the last 90 days, each capture keeping its order and spacing):
 * - 111122223333: 25 console sessions of CloudConsoleCartographer (us-east-1 mostly, every other region a
 *   little; one session ends minutes before start-up), 35 stratus-red-team attack detonations (last 14 days,
 *   made-up regions mapped to real ones), AWS documentation records including 5 Insights events.
 * - 444455556666: the opensearch-catalog S3 delivery file (eu-west-1, last 3 days), the OTRF attack capture
 *   (us-east-1), 4 more console sessions.
 * Trails: the recorded cloud-custodian responses, given to the example accounts, plus edited copies so that
 * each best practice has a trail that fails it (see README.md for the table).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_KEYS, DEFAULT_ACCOUNT_ID, DENIED_ACCOUNT_ID, ORG_MANAGEMENT_ACCOUNT_ID, SECOND_ACCOUNT_ID } from './accounts';
import type { DatasetSpec, EventSetSpec } from './dataset';
import type { CloudTrailRecord } from './events';
import { readJson, recordsIn } from './files';
import { DAY_SEC, type PlacementWindow, hashFraction, hashHex, isoSeconds, parseEventTime, stableUuid } from './timeshift';
import { type Json, type JsonObject, type TrailState, type TrailStatus } from './trails';

export const DEFAULT_SEED = 'cloudtrail-lens';
const HOUR_SEC = 3_600;
const MINUTE_SEC = 60;

// ---------------------------------------------------------------------------------------------- events

/** Console sessions that go to the second account (the rest go to the default account). */
const SECOND_ACCOUNT_SESSIONS = new Set([
  '9900a55b6f829da1bc274cdb5364077f7e891a0c18822f7a85e50200564ee3e7',
  'fd15aac507ed4a233baa1d0bec52b06548eea50fa340fb910b970e554ade28df',
  '2f8e56ccc788aeca0a5ab70c319e7cbf991d54353811d365b07762724af7748f',
  '631f0603e287c7837479b7d3752f57094dcf66f3d0963e6837508466cf623169',
]);
/** The session that ends minutes before start-up, so "the last hour" is never empty. */
const RECENT_SESSION = 'f41ce257ad0b02c6e5ba2724631129231ad751bb48dd849090341f4fee15310f';

const WINDOWS = {
  sessions: { minAgeSec: 30 * MINUTE_SEC, maxAgeSec: 88 * DAY_SEC },
  recent: { minAgeSec: 5 * MINUTE_SEC, maxAgeSec: 6 * HOUR_SEC },
  attacks: { minAgeSec: 1 * HOUR_SEC, maxAgeSec: 14 * DAY_SEC },
  docs: { minAgeSec: 1 * DAY_SEC, maxAgeSec: 60 * DAY_SEC },
  delivery: { minAgeSec: 2 * HOUR_SEC, maxAgeSec: 3 * DAY_SEC },
  capture: { minAgeSec: 1 * DAY_SEC, maxAgeSec: 45 * DAY_SEC },
} satisfies Record<string, PlacementWindow>;

/** Real regions for the stratus-red-team files' made-up ones (global services stay in us-east-1). */
const STRATUS_REGIONS = ['us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1'];
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com', 'signin.amazonaws.com', 'sts.amazonaws.com']);

/** Rewrites 12-digit account ids and region names everywhere in a record (ARNs, host names, fields). */
export function rewriteRecord(record: CloudTrailRecord, accounts: ReadonlyMap<string, string>, regions: ReadonlyMap<string, string> = new Map()): CloudTrailRecord {
  let text = JSON.stringify(record);
  if (accounts.size > 0) text = text.replace(/\b\d{12}\b/g, (id) => accounts.get(id) ?? id);
  for (const [from, to] of regions) text = text.split(from).join(to);
  return JSON.parse(text) as CloudTrailRecord;
}

/** The account ids a set of records was recorded in. */
function recordedAccounts(records: readonly CloudTrailRecord[]): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    if (typeof record.recipientAccountId === 'string') ids.add(record.recipientAccountId);
    const identity = record.userIdentity as CloudTrailRecord | undefined;
    if (identity && typeof identity.accountId === 'string' && /^\d{12}$/.test(identity.accountId)) ids.add(identity.accountId);
  }
  return ids;
}

function toAccount(records: readonly CloudTrailRecord[], accountId: string, regions?: ReadonlyMap<string, string>): CloudTrailRecord[] {
  const map = new Map([...recordedAccounts(records)].map((id): [string, string] => [id, accountId]));
  return records.map((record) => rewriteRecord(record, map, regions));
}

const READ_ONLY_NAME = /^(Get|List|Describe|Lookup|Search|Head|Query|Scan|BatchGet|Check|Estimate|Preview|View|Select|Filter|Validate|Test|Simulate|Retrieve|Discover|Detect|Is|Can)[A-Z]/;

export function looksReadOnly(eventName: string): boolean {
  return READ_ONLY_NAME.test(eventName);
}

interface ConsolePrincipal {
  type: 'IAMUser' | 'AssumedRole' | 'Root';
  name: string;
  role?: string;
  rolePath?: string;
  mfa: boolean;
}

const CONSOLE_PRINCIPALS: Record<string, ConsolePrincipal[]> = {
  [DEFAULT_ACCOUNT_ID]: [
    { type: 'IAMUser', name: 'maria.garcia', mfa: true },
    { type: 'AssumedRole', name: 'alex.chen@example.com', role: 'AWSReservedSSO_AdministratorAccess_5f7e1b0c2d3a4e6f', rolePath: 'aws-reserved/sso.amazonaws.com/', mfa: false },
    { type: 'IAMUser', name: 'devops-admin', mfa: false },
    { type: 'AssumedRole', name: 'j.smith', role: 'OrganizationAccountAccessRole', rolePath: '', mfa: false },
    { type: 'AssumedRole', name: 'sam.okafor@example.com', role: 'AWSReservedSSO_PowerUserAccess_9c8b7a6d5e4f3a2b', rolePath: 'aws-reserved/sso.amazonaws.com/', mfa: false },
    { type: 'Root', name: 'root', mfa: true },
  ],
  [SECOND_ACCOUNT_ID]: [
    { type: 'AssumedRole', name: 'priya.patel@example.com', role: 'AWSReservedSSO_ReadOnlyAccess_0a1b2c3d4e5f6a7b', rolePath: 'aws-reserved/sso.amazonaws.com/', mfa: false },
    { type: 'IAMUser', name: 'security-auditor', mfa: true },
  ],
};

function keyChars(length: number, ...parts: string[]): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const hex = hashHex(64, ...parts);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

/**
 * CloudConsoleCartographer records keep only ten fields. Give them what every CloudTrail record carries,
 * with made-up but consistent values per session: one principal, one temporary key, one source address.
 */
export function enrichConsoleSession(records: readonly CloudTrailRecord[], sessionId: string, accountId: string): CloudTrailRecord[] {
  const roster = CONSOLE_PRINCIPALS[accountId] ?? CONSOLE_PRINCIPALS[DEFAULT_ACCOUNT_ID];
  const principal = roster[Math.floor(hashFraction(sessionId, 'principal') * roster.length)];
  const sessionKey = `ASIA${keyChars(16, sessionId, 'key')}`;
  const ip = `${hashFraction(sessionId, 'net') < 0.5 ? '203.0.113' : '198.51.100'}.${1 + Math.floor(hashFraction(sessionId, 'ip') * 254)}`;
  const firstTime = records.map((record) => parseEventTime(record.eventTime)).filter((time) => !Number.isNaN(time)).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const creationDate = Number.isFinite(firstTime) ? isoSeconds(firstTime) : undefined;
  const principalId = principal.type === 'Root' ? accountId : `${principal.type === 'IAMUser' ? 'AIDA' : 'AROA'}${keyChars(17, accountId, principal.role ?? principal.name)}`;
  const arn =
    principal.type === 'Root'
      ? `arn:aws:iam::${accountId}:root`
      : principal.type === 'IAMUser'
        ? `arn:aws:iam::${accountId}:user/${principal.name}`
        : `arn:aws:sts::${accountId}:assumed-role/${principal.role ?? ''}/${principal.name}`;
  const baseIdentity: CloudTrailRecord = {
    type: principal.type,
    principalId: principal.type === 'AssumedRole' ? `${principalId}:${principal.name}` : principalId,
    arn,
    accountId,
  };
  const sessionContext: CloudTrailRecord = {
    sessionIssuer:
      principal.type === 'AssumedRole'
        ? { type: 'Role', principalId, arn: `arn:aws:iam::${accountId}:role/${principal.rolePath ?? ''}${principal.role ?? ''}`, accountId, userName: principal.role ?? '' }
        : {},
    webIdFederationData: {},
    attributes: { creationDate, mfaAuthenticated: String(principal.mfa) },
  };
  return records.map((record) => {
    const eventName = typeof record.eventName === 'string' ? record.eventName : '';
    const eventSource = typeof record.eventSource === 'string' ? record.eventSource : '';
    const signIn = eventSource === 'signin.amazonaws.com';
    const userAgent = typeof record.userAgent === 'string' ? record.userAgent : 'AWS Internal';
    const viaService = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(userAgent) || userAgent === 'AWS Internal';
    const identity: CloudTrailRecord = signIn && eventName === 'ConsoleLogin' ? { ...baseIdentity } : { ...baseIdentity, accessKeyId: sessionKey, sessionContext };
    if (principal.type === 'IAMUser') identity.userName = principal.name;
    const out: CloudTrailRecord = {
      eventVersion: '1.08',
      userIdentity: identity,
      eventTime: record.eventTime,
      eventSource,
      eventName,
      awsRegion: record.awsRegion,
      sourceIPAddress: viaService ? userAgent : ip,
      userAgent,
    };
    if (record.errorCode !== null && record.errorCode !== undefined) out.errorCode = record.errorCode;
    if (record.errorMessage !== null && record.errorMessage !== undefined) out.errorMessage = record.errorMessage;
    out.requestParameters = record.requestParameters ?? null;
    out.responseElements = record.responseElements ?? null;
    if (signIn && eventName === 'ConsoleLogin') {
      out.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAUsed: principal.mfa ? 'Yes' : 'No' };
    }
    out.requestID = stableUuid(sessionId, 'request', String(record.eventID));
    out.eventID = record.eventID;
    out.readOnly = signIn ? false : looksReadOnly(eventName);
    out.eventType = signIn ? 'AwsConsoleSignIn' : 'AwsApiCall';
    out.managementEvent = true;
    out.recipientAccountId = accountId;
    out.eventCategory = 'Management';
    return out;
  });
}

/** OTRF's Logstash shape: `@timestamp` instead of eventTime, plus `@version`. */
function fromLogstash(record: CloudTrailRecord): CloudTrailRecord {
  const { ['@timestamp']: timestamp, ['@version']: _version, ...rest } = record;
  const time = parseEventTime(timestamp);
  return Number.isNaN(time) || rest.eventTime ? rest : { ...rest, eventTime: isoSeconds(time) };
}

function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/** The event sets of the built-in dataset (records rewritten, not yet placed in time). */
export function seedEventSets(fixturesDir: string): EventSetSpec[] {
  const sets: EventSetSpec[] = [];
  const eventsDir = join(fixturesDir, 'events');

  const sessionsDir = join(eventsDir, 'permiso-cloudconsolecartographer', 'Tests', 'Sessions');
  for (const session of readdirSync(sessionsDir).sort()) {
    const accountId = SECOND_ACCOUNT_SESSIONS.has(session) ? SECOND_ACCOUNT_ID : DEFAULT_ACCOUNT_ID;
    const id = `permiso/${session}`;
    const records = enrichConsoleSession(recordsIn(readJson(join(sessionsDir, session, 'InputEvents.json.gz'))), id, accountId);
    const recent = session === RECENT_SESSION;
    sets.push({ id, accountId, records, window: recent ? WINDOWS.recent : WINDOWS.sessions, ...(recent && { fraction: 0 }) });
  }

  const stratusDir = join(eventsDir, 'stratus-red-team');
  for (const file of listFiles(stratusDir, '.json.gz')) {
    const raw = recordsIn(readJson(join(stratusDir, file)));
    const fakeRegions = new Set(raw.map((record) => String(record.awsRegion)));
    const global = raw.every((record) => GLOBAL_SOURCES.has(String(record.eventSource)));
    const real = global ? 'us-east-1' : STRATUS_REGIONS[Math.floor(hashFraction('stratus-region', file) * STRATUS_REGIONS.length)];
    const regions = new Map([...fakeRegions].map((fake): [string, string] => [fake, real]));
    sets.push({ id: `stratus/${file}`, accountId: DEFAULT_ACCOUNT_ID, records: toAccount(raw, DEFAULT_ACCOUNT_ID, regions), window: WINDOWS.attacks });
  }

  const docsDir = join(eventsDir, 'awsdocs-user-guide');
  for (const file of listFiles(docsDir, '.json')) {
    const raw = recordsIn(readJson(join(docsDir, file)));
    sets.push({ id: `awsdocs/${file}`, accountId: DEFAULT_ACCOUNT_ID, records: toAccount(raw, DEFAULT_ACCOUNT_ID), window: WINDOWS.docs });
  }

  const delivery = recordsIn(readJson(join(eventsDir, 'opensearch-catalog', 'raw-large-samples.json.gz')));
  sets.push({ id: 'opensearch/raw-large-samples', accountId: SECOND_ACCOUNT_ID, records: toAccount(delivery, SECOND_ACCOUNT_ID), window: WINDOWS.delivery });

  const capture = recordsIn(readJson(join(eventsDir, 'otrf-security-datasets', 'ec2_proxy_s3_exfiltration_2020-09-14011940.json.gz'))).map(fromLogstash);
  sets.push({ id: 'otrf/ec2_proxy_s3_exfiltration', accountId: SECOND_ACCOUNT_ID, records: toAccount(capture, SECOND_ACCOUNT_ID), window: WINDOWS.capture });

  return sets;
}

// ---------------------------------------------------------------------------------------------- trails

const PLACEBO = 'api/cloud-custodian-placebo';
/** Accounts the recorded responses came from. */
const PLACEBO_ACCOUNTS = ['644160558196', '123456789012', '619193117841'];

type PythonDate = { __class__: 'datetime'; year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number };

function isPythonDate(value: unknown): value is PythonDate {
  return !!value && typeof value === 'object' && (value as { __class__?: unknown }).__class__ === 'datetime';
}

/** placebo's `{"__class__": "datetime", …}` -> epoch seconds (millisecond precision). */
export function placeboDateToEpoch(value: PythonDate): number {
  const ms = Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute, value.second) + Math.floor(value.microsecond / 1000);
  return ms / 1000;
}

class Placebo {
  private readonly cache = new Map<string, JsonObject>();
  constructor(private readonly fixturesDir: string) {}

  data(file: string): JsonObject {
    let data = this.cache.get(file);
    if (!data) {
      const parsed = readJson(join(this.fixturesDir, PLACEBO, file)) as { data?: JsonObject };
      data = { ...(parsed.data ?? {}) };
      delete data.ResponseMetadata;
      this.cache.set(file, data);
    }
    return data;
  }

  trail(file: string, name: string): JsonObject {
    const list = this.data(file).trailList;
    const found = Array.isArray(list) ? list.find((entry): entry is JsonObject => !!entry && typeof entry === 'object' && !Array.isArray(entry) && entry.Name === name) : undefined;
    if (!found) throw new Error(`trail ${name} not in ${file}`);
    return found;
  }
}

/** A recorded GetTrailStatus, its times moved so that the newest is `latestAgoSec` before now. */
export function placeboStatus(data: JsonObject, nowSec: number, latestAgoSec: number): TrailStatus {
  const dates = new Map<string, number>();
  for (const [key, value] of Object.entries(data)) if (isPythonDate(value)) dates.set(key, placeboDateToEpoch(value));
  const latest = dates.size > 0 ? Math.max(...dates.values()) : undefined;
  const delta = latest === undefined ? 0 : Math.round(nowSec - latestAgoSec - latest);
  const status: TrailStatus = { IsLogging: data.IsLogging === true };
  for (const [key, value] of Object.entries(data)) {
    if (key === 'IsLogging') continue;
    const epoch = dates.get(key);
    if (epoch !== undefined) status[key] = Math.round((epoch + delta) * 1000) / 1000;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') status[key] = value;
  }
  // The legacy text fields say the same instants as the Date fields.
  const text = (field: string, from: string): void => {
    const epoch = status[from];
    if (typeof status[field] === 'string' && status[field] !== '' && typeof epoch === 'number') status[field] = isoSeconds(Math.floor(epoch));
  };
  text('TimeLoggingStarted', 'StartLoggingTime');
  text('TimeLoggingStopped', 'StopLoggingTime');
  text('LatestDeliveryAttemptTime', 'LatestDeliveryTime');
  text('LatestDeliveryAttemptSucceeded', 'LatestDeliveryTime');
  text('LatestNotificationAttemptTime', 'LatestNotificationTime');
  text('LatestNotificationAttemptSucceeded', 'LatestNotificationTime');
  return status;
}

interface AuthoredStatus {
  logging: boolean;
  deliveredAgoSec: number;
  startedAgoSec: number;
  stoppedAgoSec?: number;
  digest?: boolean;
  cloudWatch?: boolean;
  notification?: boolean;
  deliveryError?: string;
}

/** A GetTrailStatus for an authored trail. */
export function authoredStatus(nowSec: number, spec: AuthoredStatus): TrailStatus {
  const delivered = nowSec - spec.deliveredAgoSec + 0.417;
  const status: TrailStatus = { IsLogging: spec.logging };
  if (spec.deliveryError) status.LatestDeliveryError = spec.deliveryError;
  status.LatestDeliveryTime = delivered;
  if (spec.notification) status.LatestNotificationTime = delivered + 0.012;
  status.StartLoggingTime = nowSec - spec.startedAgoSec + 0.268;
  if (spec.stoppedAgoSec !== undefined) status.StopLoggingTime = nowSec - spec.stoppedAgoSec + 0.731;
  if (spec.cloudWatch) status.LatestCloudWatchLogsDeliveryTime = delivered + 3.2;
  if (spec.digest) status.LatestDigestDeliveryTime = nowSec - (spec.deliveredAgoSec % HOUR_SEC) - 1_200 + 0.115;
  status.LatestDeliveryAttemptTime = spec.deliveryError ? isoSeconds(nowSec - 60) : isoSeconds(Math.floor(delivered));
  status.LatestNotificationAttemptTime = spec.notification ? isoSeconds(Math.floor(delivered)) : '';
  status.LatestNotificationAttemptSucceeded = spec.notification ? isoSeconds(Math.floor(delivered)) : '';
  status.LatestDeliveryAttemptSucceeded = isoSeconds(Math.floor(delivered));
  status.TimeLoggingStarted = isoSeconds(Math.floor(nowSec - spec.startedAgoSec));
  status.TimeLoggingStopped = spec.stoppedAgoSec !== undefined ? isoSeconds(Math.floor(nowSec - spec.stoppedAgoSec)) : '';
  return status;
}

interface TrailSeed {
  owner: string;
  sharedWith?: string[];
  /** The recorded Trail (DescribeTrails entry or CreateTrail response). */
  recorded: JsonObject;
  /** Changes to the recorded settings (documented per trail in README.md). */
  edits?: JsonObject;
  /** Region names to replace in the trail's ARNs when it moves home region. */
  moveRegion?: [string, string];
  status: TrailStatus;
  eventSelectors?: JsonObject;
  insightSelectors?: Json[];
  tags?: Array<{ Key: string; Value: string }>;
}

function rewriteJson<T extends Json>(value: T, owner: string, moveRegion?: [string, string]): T {
  let text = JSON.stringify(value);
  for (const id of PLACEBO_ACCOUNTS) text = text.split(id).join(owner);
  if (moveRegion) text = text.split(moveRegion[0]).join(moveRegion[1]);
  return JSON.parse(text) as T;
}

function makeTrail(seed: TrailSeed): TrailState {
  const t: JsonObject = { ...rewriteJson(seed.recorded, seed.owner, seed.moveRegion), ...(seed.edits ?? {}) };
  const s = (key: string): string | undefined => (typeof t[key] === 'string' && t[key] !== '' ? (t[key]) : undefined);
  const selectors = seed.eventSelectors ? rewriteJson(seed.eventSelectors, seed.owner, seed.moveRegion) : undefined;
  const name = s('Name') ?? 'unnamed';
  const trail: TrailState = {
    ownerAccountId: seed.owner,
    name,
    homeRegion: s('HomeRegion') ?? 'us-east-1',
    s3BucketName: s('S3BucketName') ?? `aws-cloudtrail-logs-${seed.owner}-${name.toLowerCase()}`,
    includeGlobalServiceEvents: t.IncludeGlobalServiceEvents !== false,
    isMultiRegionTrail: t.IsMultiRegionTrail === true,
    isOrganizationTrail: t.IsOrganizationTrail === true,
    logFileValidationEnabled: t.LogFileValidationEnabled === true,
    hasCustomEventSelectors: t.HasCustomEventSelectors === true || !!selectors,
    insightSelectors: seed.insightSelectors ?? [],
    status: seed.status,
    tags: seed.tags ?? [],
    sharedWith: seed.sharedWith ?? [],
  };
  const optional: Array<[keyof TrailState, string]> = [
    ['s3KeyPrefix', 'S3KeyPrefix'],
    ['snsTopicName', 'SnsTopicName'],
    ['snsTopicARN', 'SnsTopicARN'],
    ['cloudWatchLogsLogGroupArn', 'CloudWatchLogsLogGroupArn'],
    ['cloudWatchLogsRoleArn', 'CloudWatchLogsRoleArn'],
    ['kmsKeyId', 'KmsKeyId'],
  ];
  for (const [field, key] of optional) {
    const value = s(key);
    if (value !== undefined) (trail as unknown as Record<string, unknown>)[field] = value;
  }
  if (selectors && Array.isArray(selectors.AdvancedEventSelectors)) trail.advancedEventSelectors = selectors.AdvancedEventSelectors;
  else if (selectors && Array.isArray(selectors.EventSelectors)) trail.eventSelectors = selectors.EventSelectors;
  trail.status = statusForSettings(trail);
  return trail;
}

/** A recorded status borrowed by another trail says only what that trail's settings can produce. */
function statusForSettings(trail: TrailState): TrailStatus {
  const status: TrailStatus = { ...trail.status };
  if (!trail.snsTopicARN) {
    delete status.LatestNotificationTime;
    delete status.LatestNotificationError;
    if ('LatestNotificationAttemptTime' in status) status.LatestNotificationAttemptTime = '';
    if ('LatestNotificationAttemptSucceeded' in status) status.LatestNotificationAttemptSucceeded = '';
  }
  if (!trail.cloudWatchLogsLogGroupArn) {
    delete status.LatestCloudWatchLogsDeliveryTime;
    delete status.LatestCloudWatchLogsDeliveryError;
  }
  if (!trail.logFileValidationEnabled) {
    delete status.LatestDigestDeliveryTime;
    delete status.LatestDigestDeliveryError;
  } else if (status.IsLogging && status.LatestDigestDeliveryTime === undefined && typeof status.LatestDeliveryTime === 'number') {
    // Digest files arrive hourly.
    status.LatestDigestDeliveryTime = Math.round((status.LatestDeliveryTime - 1_500.25) * 1000) / 1000;
  }
  return status;
}

/** The trails of the built-in dataset, statuses relative to `nowSec`. */
export function seedTrails(fixturesDir: string, nowSec: number): TrailState[] {
  const p = new Placebo(fixturesDir);
  const D = DEFAULT_ACCOUNT_ID;
  const S = SECOND_ACCOUNT_ID;
  const shadow = 'test_cloudtrail_is_shadow_or_not/cloudtrail.DescribeTrails_1.json';
  const selectors = (dir: string, n: number): JsonObject => p.data(`${dir}/cloudtrail.GetEventSelectors_${n}.json`);
  const status = (dir: string, n: number, agoSec: number): TrailStatus => placeboStatus(p.data(`${dir}/cloudtrail.GetTrailStatus_${n}.json`), nowSec, agoSec);
  const seeds: TrailSeed[] = [
    // 111122223333 -----------------------------------------------------------------------------------
    {
      // Multi-region, log file validation, Insights on; no KMS, no CloudWatch Logs.
      owner: D,
      recorded: p.trail(shadow, 'MultiRegion1CloudTrail'),
      status: status('test_cloudtrail_status', 2, 4 * MINUTE_SEC),
      eventSelectors: selectors('test_cloudtrail_event_selectors', 1),
      insightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
      tags: [
        { Key: 'Environment', Value: 'production' },
        { Key: 'Owner', Value: 'security-team' },
      ],
    },
    {
      // Multi-region, homed in us-east-2: a shadow trail everywhere else. No KMS, no CloudWatch Logs.
      owner: D,
      recorded: p.trail(shadow, 'MultiRegion2CloudTrail'),
      status: status('test_account_trail', 1, 7 * MINUTE_SEC),
      eventSelectors: selectors('test_cloudtrail_event_selectors', 2),
    },
    {
      // The compliant one: multi-region, validation, CloudWatch Logs, SNS; KMS added.
      owner: D,
      recorded: p.trail('test_s3_data_events/cloudtrail.DescribeTrails_1.json', 'aws-controltower-BaselineCloudTrail'),
      edits: { KmsKeyId: `arn:aws:kms:us-east-1:${D}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
      status: status('test_cloudtrail_success_management_advanced_events_included', 1, 2 * MINUTE_SEC),
      eventSelectors: selectors('test_s3_data_events', 1),
      tags: [{ Key: 'aws-control-tower', Value: 'managed-by-control-tower' }],
    },
    {
      // Single-region, no global service events.
      owner: D,
      recorded: p.trail(shadow, 'SingleCloudTrail'),
      status: status('test_cloudtrail_success_regex_log_metric_filter', 1, 3 * MINUTE_SEC),
      eventSelectors: selectors('test_cloudtrail_event_selectors', 3),
      tags: [{ Key: 'Environment', Value: 'dev' }],
    },
    {
      // Created, never started: logging off, no log file validation, single-region.
      owner: D,
      recorded: { ...p.data('test_cloudtrail_create/cloudtrail.CreateTrail_1.json'), HomeRegion: 'us-east-1' },
      status: placeboStatus(p.data('test_cloudtrail_create/cloudtrail.GetTrailStatus_1.json'), nowSec, 0),
    },
    {
      // Advanced selectors that keep only write management events (and drop KMS); moved to us-east-2, single-region.
      owner: D,
      recorded: p.trail('test_cloudtrail_fail_management_advanced_events_included/cloudtrail.DescribeTrails_1.json', 'test-cloudtrail'),
      moveRegion: ['us-east-1', 'us-east-2'],
      edits: { IsMultiRegionTrail: false },
      status: status('test_cloudtrail_fail_management_advanced_events_included', 1, 5 * MINUTE_SEC),
      eventSelectors: selectors('test_cloudtrail_fail_management_advanced_events_included', 1),
    },
    {
      // Read-only management events plus S3 data events; moved to us-west-2, single-region.
      owner: D,
      recorded: p.trail('test_cloudtrail_fail_include_management_events/cloudtrail.DescribeTrails_1.json', 'tf-trail-3bf19dec-127e-11ed-861d-0242ac12000'),
      moveRegion: ['us-east-1', 'us-west-2'],
      edits: { IsMultiRegionTrail: false },
      status: authoredStatus(nowSec, { logging: true, deliveredAgoSec: 6 * MINUTE_SEC, startedAgoSec: 120 * DAY_SEC }),
      eventSelectors: selectors('test_cloudtrail_fail_include_management_events', 1),
    },
    {
      // Management events excluded: S3 write data events only; moved to us-west-2, single-region.
      owner: D,
      recorded: p.trail('test_s3_data_events/cloudtrail.DescribeTrails_1.json', 'data-events'),
      moveRegion: ['us-east-1', 'us-west-2'],
      edits: { IsMultiRegionTrail: false },
      status: authoredStatus(nowSec, { logging: true, deliveredAgoSec: 9 * MINUTE_SEC, startedAgoSec: 75 * DAY_SEC, digest: true }),
      eventSelectors: selectors('test_s3_data_events', 2),
    },
    {
      // S3 delivery failing (the bucket is gone) and logging stopped; single-region in eu-west-1, SNS.
      owner: D,
      recorded: p.trail('test_s3_log_target/cloudtrail.DescribeTrails_1.json', 'Default'),
      moveRegion: ['us-east-1', 'eu-west-1'],
      edits: { HomeRegion: 'eu-west-1' },
      status: { ...status('test_cloudtrail_status', 1, 12 * DAY_SEC), LatestDeliveryError: 'NoSuchBucket' },
    },
    // 444455556666 -----------------------------------------------------------------------------------
    {
      owner: S,
      recorded: p.trail('test_account_trail/cloudtrail.DescribeTrails_1.json', 'skunk-trails'),
      status: status('test_account_trail', 1, 3 * MINUTE_SEC),
      eventSelectors: selectors('test_account_data_events', 4),
    },
    {
      owner: S,
      recorded: p.trail('test_cloudtrail_status/cloudtrail.DescribeTrails_1.json', 'S3-DataEvents'),
      status: status('test_cloudtrail_status', 1, 30 * DAY_SEC),
      eventSelectors: selectors('test_account_data_events', 2),
    },
    {
      // An organization trail of the management account, seen by the member account.
      owner: ORG_MANAGEMENT_ACCOUNT_ID,
      sharedWith: [S],
      recorded: p.trail('test_cloudtrail_is_shadow/cloudtrail.DescribeTrails_1.json', 'orgTrail'),
      status: status('test_cloudtrail_set_logging', 1, 1 * MINUTE_SEC),
      eventSelectors: selectors('test_cloudtrail_event_selectors', 4),
    },
    // 777788889999: a trail nobody can read with the denied key -----------------------------------------
    {
      owner: DENIED_ACCOUNT_ID,
      recorded: { Name: 'management-events', S3BucketName: `aws-cloudtrail-logs-${DENIED_ACCOUNT_ID}-3c6e1f2a`, IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: 'us-east-1', LogFileValidationEnabled: true },
      status: authoredStatus(nowSec, { logging: true, deliveredAgoSec: 4 * MINUTE_SEC, startedAgoSec: 400 * DAY_SEC, digest: true }),
    },
  ];
  return seeds.map(makeTrail);
}

// ---------------------------------------------------------------------------------------------- dataset

const eventSetCache = new Map<string, EventSetSpec[]>();

/** The built-in dataset (event sets are read once per process and shared). */
export function seedDataset(fixturesDir: string, nowSec: number, seed: string = DEFAULT_SEED): DatasetSpec {
  let sets = eventSetCache.get(fixturesDir);
  if (!sets) eventSetCache.set(fixturesDir, (sets = seedEventSets(fixturesDir)));
  return {
    seed,
    defaultAccountId: DEFAULT_ACCOUNT_ID,
    accountIds: [DEFAULT_ACCOUNT_ID, SECOND_ACCOUNT_ID, DENIED_ACCOUNT_ID],
    accessKeys: ACCESS_KEYS,
    trails: seedTrails(fixturesDir, nowSec),
    eventSets: sets,
  };
}
