/**
 * `--data DIR` / `startEndpoint({ dataDir })`: an alternative dataset. Format in README.md ("Alternative
 * datasets"): DIR/dataset.json names accounts, access keys, trails and event files (paths relative to DIR).
 */
import { join } from 'node:path';
import { type EndpointAccessKey } from './accounts';
import type { DatasetSpec, EventSetSpec } from './dataset';
import { readJson, recordsIn } from './files';
import { rewriteRecord } from './seed';
import { DAY_SEC, parseEventTime } from './timeshift';
import { type Json, type JsonObject, type TrailState, type TrailStatus } from './trails';

const DATE_FIELDS = new Set(['LatestDeliveryTime', 'LatestNotificationTime', 'StartLoggingTime', 'StopLoggingTime', 'LatestCloudWatchLogsDeliveryTime', 'LatestDigestDeliveryTime']);

function fail(message: string): never {
  throw new Error(`dataset.json: ${message}`);
}

function object(value: unknown, where: string): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(`${where} must be an object`);
  return value as JsonObject;
}

function list(value: unknown, where: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${where} must be a list`);
  return value as Json[];
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${where} must be a non-empty string`);
  return value;
}

/** Status times: epoch seconds, ISO text, or a negative number = seconds before now. */
function statusOf(value: Json | undefined, nowSec: number): TrailStatus {
  const input = value === undefined ? {} : object(value, 'Status');
  const status: TrailStatus = { IsLogging: input.IsLogging !== false };
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'IsLogging') continue;
    if (DATE_FIELDS.has(key)) {
      const epoch = typeof raw === 'number' ? (raw < 0 ? nowSec + raw : raw) : parseEventTime(raw);
      if (Number.isNaN(epoch)) fail(`Status.${key} must be epoch seconds, ISO text or negative seconds-ago`);
      status[key] = epoch;
    } else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      status[key] = raw;
    }
  }
  return status;
}

function trailOf(value: Json, accountId: string, nowSec: number): TrailState {
  const t = object(value, 'trail');
  const s = (key: string): string | undefined => (typeof t[key] === 'string' && t[key] !== '' ? (t[key]) : undefined);
  const trail: TrailState = {
    ownerAccountId: s('OwnerAccountId') ?? accountId,
    name: text(t.Name, 'trail Name'),
    homeRegion: s('HomeRegion') ?? 'us-east-1',
    s3BucketName: text(t.S3BucketName, 'trail S3BucketName'),
    includeGlobalServiceEvents: t.IncludeGlobalServiceEvents !== false,
    isMultiRegionTrail: t.IsMultiRegionTrail === true,
    isOrganizationTrail: t.IsOrganizationTrail === true,
    logFileValidationEnabled: t.LogFileValidationEnabled === true,
    hasCustomEventSelectors: t.HasCustomEventSelectors === true || t.EventSelectors !== undefined || t.AdvancedEventSelectors !== undefined,
    insightSelectors: list(t.InsightSelectors, 'InsightSelectors'),
    status: statusOf(t.Status, nowSec),
    tags: list(t.Tags, 'Tags').map((tag) => {
      const o = object(tag, 'Tags entry');
      return typeof o.Value === 'string' ? { Key: text(o.Key, 'tag Key'), Value: o.Value } : { Key: text(o.Key, 'tag Key') };
    }),
    sharedWith: list(t.SharedWithAccounts, 'SharedWithAccounts').map((id) => text(id, 'SharedWithAccounts entry')),
  };
  if (s('S3KeyPrefix')) trail.s3KeyPrefix = s('S3KeyPrefix');
  if (s('SnsTopicName')) trail.snsTopicName = s('SnsTopicName');
  if (s('SnsTopicARN')) trail.snsTopicARN = s('SnsTopicARN');
  if (s('CloudWatchLogsLogGroupArn')) trail.cloudWatchLogsLogGroupArn = s('CloudWatchLogsLogGroupArn');
  if (s('CloudWatchLogsRoleArn')) trail.cloudWatchLogsRoleArn = s('CloudWatchLogsRoleArn');
  if (s('KmsKeyId')) trail.kmsKeyId = s('KmsKeyId');
  if (t.AdvancedEventSelectors !== undefined) trail.advancedEventSelectors = list(t.AdvancedEventSelectors, 'AdvancedEventSelectors');
  else if (t.EventSelectors !== undefined) trail.eventSelectors = list(t.EventSelectors, 'EventSelectors');
  return trail;
}

export function loadDataDir(dir: string, nowSec: number): DatasetSpec {
  const root = object(readJson(join(dir, 'dataset.json')), 'the file');
  const accounts = list(root.accounts, 'accounts').map((entry, index) => object(entry, `accounts[${index}]`));
  if (accounts.length === 0) fail('accounts must name at least one account');
  const accountIds = accounts.map((account, index) => {
    const id = text(account.accountId, `accounts[${index}].accountId`);
    if (!/^\d{12}$/.test(id)) fail(`accounts[${index}].accountId must be 12 digits`);
    return id;
  });
  const defaultAccountId = typeof root.defaultAccountId === 'string' ? root.defaultAccountId : accountIds[0];

  const keys: EndpointAccessKey[] = list(root.accessKeys, 'accessKeys').map((entry, index) => {
    const key = object(entry, `accessKeys[${index}]`);
    const accountId = text(key.accountId, `accessKeys[${index}].accountId`);
    const behaviour = key.behaviour === 'access-denied' || key.behaviour === 'expired' ? key.behaviour : 'normal';
    const accessKeyId = text(key.accessKeyId, `accessKeys[${index}].accessKeyId`);
    return {
      profile: typeof key.profile === 'string' ? key.profile : `data-${index}`,
      accountId,
      accessKeyId,
      secretAccessKey: typeof key.secretAccessKey === 'string' ? key.secretAccessKey : 'secret',
      ...(typeof key.sessionToken === 'string' && { sessionToken: key.sessionToken }),
      arn: typeof key.arn === 'string' ? key.arn : `arn:aws:iam::${accountId}:user/${accessKeyId.toLowerCase()}`,
      userId: typeof key.userId === 'string' ? key.userId : `AIDA${accessKeyId.slice(4)}`,
      behaviour,
    };
  });
  for (const [index, account] of accounts.entries()) {
    if (account.accessDenied === true) {
      for (const key of keys) if (key.accountId === accountIds[index] && key.behaviour === 'normal') Object.assign(key, { behaviour: 'access-denied' });
    }
  }

  const trails: TrailState[] = [];
  const eventSets: EventSetSpec[] = [];
  for (const [index, account] of accounts.entries()) {
    const accountId = accountIds[index];
    for (const trail of list(account.trails, `accounts[${index}].trails`)) trails.push(trailOf(trail, accountId, nowSec));
    for (const [fileIndex, entry] of list(account.events, `accounts[${index}].events`).entries()) {
      const spec = typeof entry === 'string' ? { file: entry } : object(entry, `accounts[${index}].events[${fileIndex}]`);
      const file = text(spec.file, 'events file');
      let records = recordsIn(readJson(join(dir, file)));
      if (spec.rewriteAccount === true) {
        const recorded = new Set(records.map((record) => record.recipientAccountId).filter((id): id is string => typeof id === 'string'));
        records = records.map((record) => rewriteRecord(record, new Map([...recorded].map((id): [string, string] => [id, accountId]))));
      }
      if (typeof spec.region === 'string') records = records.map((record) => ({ ...record, awsRegion: spec.region }));
      const shift = spec.shift ?? 'recent';
      const window = shift === 'none' ? 'none' : { minAgeSec: 5 * 60, maxAgeSec: 89 * DAY_SEC };
      eventSets.push({ id: `${accountId}/${file}`, accountId, records, window, ...(shift === 'recent' && { fraction: 0 }) });
    }
  }
  return {
    seed: typeof root.seed === 'string' ? root.seed : 'data',
    defaultAccountId,
    accountIds,
    accessKeys: keys,
    trails,
    eventSets,
  };
}
