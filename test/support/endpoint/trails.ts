/**
 * Trails: what DescribeTrails, GetTrail, GetTrailStatus, GetEventSelectors, GetInsightSelectors and ListTags
 * read, and what CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging, PutEventSelectors,
 * PutInsightSelectors, AddTags and RemoveTags change — with the real rules: names resolve in the caller's
 * region only, ARNs anywhere; multi-region trails appear as shadow trails in every region; organization
 * trails appear in member accounts; writes only in the trail's home region. Pure: no I/O.
 */
import { ApiError, errors, shown, trailArn, trailNameProblem } from './errors';
import { isoSeconds } from './timeshift';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Tag {
  Key: string;
  Value?: string;
}

/** GetTrailStatus: IsLogging, Date fields as epoch seconds, the legacy text fields as text. */
export type TrailStatus = { IsLogging: boolean } & { [field: string]: boolean | number | string };

export interface TrailState {
  ownerAccountId: string;
  name: string;
  homeRegion: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  snsTopicARN?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  kmsKeyId?: string;
  hasCustomEventSelectors: boolean;
  eventSelectors?: Json[];
  advancedEventSelectors?: Json[];
  insightSelectors: Json[];
  status: TrailStatus;
  tags: Tag[];
  /** Member accounts that see this (organization) trail. */
  sharedWith: string[];
}

export const DEFAULT_EVENT_SELECTORS: Json[] = [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];
/** AWS allows five trails per region (a multi-region trail counts in every region). */
export const MAX_TRAILS_PER_REGION = 5;

export function arnOf(trail: TrailState): string {
  return trailArn(trail.homeRegion, trail.ownerAccountId, trail.name);
}

export function cloneTrail(trail: TrailState): TrailState {
  return JSON.parse(JSON.stringify(trail)) as TrailState;
}

export interface CallContext {
  accountId: string;
  region: string;
  nowSec: number;
}

const ARN_PATTERN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

export class TrailStore {
  private trails: TrailState[];

  constructor(seed: readonly TrailState[]) {
    this.trails = seed.map(cloneTrail);
  }

  all(): readonly TrailState[] {
    return this.trails;
  }

  replaceAll(seed: readonly TrailState[]): void {
    this.trails = seed.map(cloneTrail);
  }

  /** Trails an account can see at all: its own and the organization trails shared with it. */
  private ofAccount(accountId: string): TrailState[] {
    return this.trails.filter((trail) => trail.ownerAccountId === accountId || trail.sharedWith.includes(accountId));
  }

  /** What DescribeTrails lists in a region. */
  visibleIn(ctx: CallContext, includeShadowTrails: boolean): TrailState[] {
    return this.ofAccount(ctx.accountId).filter((trail) => {
      const home = trail.homeRegion === ctx.region && trail.ownerAccountId === ctx.accountId;
      if (home) return true;
      if (!includeShadowTrails) return false;
      return trail.isMultiRegionTrail || trail.homeRegion === ctx.region;
    });
  }

  listTrails(ctx: CallContext): JsonObject {
    return { Trails: this.ofAccount(ctx.accountId).map((trail) => ({ TrailARN: arnOf(trail), Name: trail.name, HomeRegion: trail.homeRegion })) };
  }

  describeTrails(ctx: CallContext, names: readonly string[] | undefined, includeShadowTrails: boolean): JsonObject {
    if (!names || names.length === 0) return { trailList: this.visibleIn(ctx, includeShadowTrails).map(describe) };
    const found: TrailState[] = [];
    for (const identifier of names) {
      const arn = ARN_PATTERN.exec(identifier);
      let trail: TrailState | undefined;
      if (identifier.startsWith('arn:')) {
        if (!arn) throw errors.invalidArn(identifier);
        trail = this.ofAccount(ctx.accountId).find((candidate) => arnOf(candidate) === identifier);
      } else {
        checkName(identifier);
        trail = this.trails.find((candidate) => candidate.ownerAccountId === ctx.accountId && candidate.homeRegion === ctx.region && candidate.name === identifier);
      }
      if (trail && !found.includes(trail)) found.push(trail);
    }
    return { trailList: found.map(describe) };
  }

  /**
   * A trail by name (the caller's region and account only) or ARN (any region; organization trails too).
   * Writes must come from the home region and the owning account.
   */
  resolve(ctx: CallContext, identifier: unknown, mode: 'read' | 'write', parameter = 'Name'): TrailState {
    if (typeof identifier !== 'string' || identifier.length === 0) {
      throw new ApiError('InvalidTrailNameException', `${parameter} is required: specify the name or the ARN of a trail.`);
    }
    let trail: TrailState | undefined;
    let wanted: string;
    if (identifier.startsWith('arn:')) {
      if (!ARN_PATTERN.test(identifier)) throw errors.invalidArn(identifier);
      wanted = identifier;
      trail = this.ofAccount(ctx.accountId).find((candidate) => arnOf(candidate) === identifier);
    } else {
      checkName(identifier);
      wanted = trailArn(ctx.region, ctx.accountId, identifier);
      trail = this.trails.find((candidate) => candidate.ownerAccountId === ctx.accountId && candidate.homeRegion === ctx.region && candidate.name === identifier);
      if (!trail && mode === 'write') {
        const elsewhere = this.trails.find((candidate) => candidate.ownerAccountId === ctx.accountId && candidate.name === identifier && candidate.isMultiRegionTrail);
        if (elsewhere) throw errors.invalidHomeRegion(arnOf(elsewhere), elsewhere.homeRegion, ctx.region);
      }
    }
    if (!trail) throw errors.trailNotFound(wanted, ctx.accountId);
    if (mode === 'write') {
      if (trail.ownerAccountId !== ctx.accountId) {
        throw new ApiError('NotOrganizationMasterAccountException', `The organization trail ${arnOf(trail)} can be changed only from the organization's management account.`);
      }
      if (trail.homeRegion !== ctx.region) throw errors.invalidHomeRegion(arnOf(trail), trail.homeRegion, ctx.region);
    }
    return trail;
  }

  getTrail(ctx: CallContext, input: JsonObject): JsonObject {
    return { Trail: describe(this.resolve(ctx, input.Name, 'read')) };
  }

  getTrailStatus(ctx: CallContext, input: JsonObject): JsonObject {
    return { ...this.resolve(ctx, input.Name, 'read').status };
  }

  getEventSelectors(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.TrailName, 'read', 'TrailName');
    if (trail.advancedEventSelectors) return { TrailARN: arnOf(trail), AdvancedEventSelectors: trail.advancedEventSelectors };
    return { TrailARN: arnOf(trail), EventSelectors: trail.eventSelectors ?? DEFAULT_EVENT_SELECTORS };
  }

  getInsightSelectors(ctx: CallContext, input: JsonObject): JsonObject {
    if (input.EventDataStore !== undefined) {
      if (input.TrailName !== undefined) throw new ApiError('InvalidParameterCombinationException', 'Specify either TrailName or EventDataStore, not both.');
      throw new ApiError('UnsupportedOperationException', 'Event data stores are not supported by this endpoint.');
    }
    const trail = this.resolve(ctx, input.TrailName, 'read', 'TrailName');
    if (trail.insightSelectors.length === 0) throw new ApiError('InsightNotEnabledException', `Trail ${arnOf(trail)} does not have Insights enabled.`);
    return { TrailARN: arnOf(trail), InsightSelectors: trail.insightSelectors };
  }

  listTags(ctx: CallContext, input: JsonObject): JsonObject {
    const ids = input.ResourceIdList;
    if (!Array.isArray(ids) || ids.length === 0) throw new ApiError('InvalidParameterException', 'ResourceIdList must contain at least one resource ARN.');
    const list: Json[] = [];
    for (const id of ids) {
      if (typeof id !== 'string' || !ARN_PATTERN.test(id)) throw errors.invalidArn(shown(id));
      const trail = this.trails.find((candidate) => (candidate.ownerAccountId === ctx.accountId || candidate.sharedWith.includes(ctx.accountId)) && arnOf(candidate) === id);
      if (!trail) throw new ApiError('ResourceNotFoundException', `Resource ${id} not found.`);
      list.push({ ResourceId: id, TagsList: trail.tags.map((tag) => ({ ...tag })) });
    }
    return { ResourceTagList: list };
  }

  createTrail(ctx: CallContext, input: JsonObject): JsonObject {
    const name = input.Name;
    if (typeof name !== 'string' || name.length === 0) throw new ApiError('InvalidTrailNameException', 'Name is required.');
    if (name.startsWith('arn:')) throw errors.invalidTrailName('Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).');
    checkName(name);
    const clash = this.trails.find(
      (trail) => trail.ownerAccountId === ctx.accountId && trail.name === name && (trail.homeRegion === ctx.region || trail.isMultiRegionTrail || input.IsMultiRegionTrail === true),
    );
    if (clash) throw new ApiError('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${ctx.accountId}`);
    const inRegion = this.trails.filter((trail) => trail.ownerAccountId === ctx.accountId && (trail.homeRegion === ctx.region || trail.isMultiRegionTrail)).length;
    if (inRegion >= MAX_TRAILS_PER_REGION) {
      throw new ApiError('MaximumNumberOfTrailsExceededException', `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`);
    }
    if (input.IsOrganizationTrail === true) throw notManagementAccount();
    const trail: TrailState = {
      ownerAccountId: ctx.accountId,
      name,
      homeRegion: ctx.region,
      s3BucketName: '',
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      isOrganizationTrail: false,
      logFileValidationEnabled: false,
      hasCustomEventSelectors: false,
      insightSelectors: [],
      status: {
        IsLogging: false,
        LatestDeliveryAttemptTime: '',
        LatestNotificationAttemptTime: '',
        LatestNotificationAttemptSucceeded: '',
        LatestDeliveryAttemptSucceeded: '',
        TimeLoggingStarted: '',
        TimeLoggingStopped: '',
      },
      tags: [],
      sharedWith: [],
    };
    if (input.S3BucketName === undefined) throw new ApiError('InvalidS3BucketNameException', 'S3BucketName is required.');
    applySettings(trail, input, ctx);
    if (input.TagsList !== undefined) trail.tags = parseTags(input.TagsList);
    this.trails.push(trail);
    return trailResponse(trail);
  }

  updateTrail(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.Name, 'write');
    if (input.IsOrganizationTrail === true) throw notManagementAccount();
    if (input.IsMultiRegionTrail === true && !trail.isMultiRegionTrail) {
      const clash = this.trails.find((other) => other !== trail && other.ownerAccountId === ctx.accountId && other.name === trail.name);
      if (clash) throw new ApiError('TrailAlreadyExistsException', `Trail ${trail.name} already exists for customer: ${ctx.accountId}`);
    }
    const copy = cloneTrail(trail);
    applySettings(copy, input, ctx);
    this.trails = this.trails.map((candidate) => (candidate === trail ? copy : candidate));
    return trailResponse(copy);
  }

  deleteTrail(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.Name, 'write');
    this.trails = this.trails.filter((candidate) => candidate !== trail);
    return {};
  }

  startLogging(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.Name, 'write');
    if (!trail.status.IsLogging) {
      trail.status = { ...trail.status, IsLogging: true, StartLoggingTime: ctx.nowSec, TimeLoggingStarted: isoSeconds(ctx.nowSec) };
    }
    return {};
  }

  stopLogging(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.Name, 'write');
    if (trail.status.IsLogging) {
      trail.status = { ...trail.status, IsLogging: false, StopLoggingTime: ctx.nowSec, TimeLoggingStopped: isoSeconds(ctx.nowSec) };
    }
    return {};
  }

  putEventSelectors(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.TrailName, 'write', 'TrailName');
    const basic = input.EventSelectors;
    const advanced = input.AdvancedEventSelectors;
    if (basic !== undefined && advanced !== undefined) {
      throw new ApiError('InvalidParameterCombinationException', 'You cannot apply both EventSelectors and AdvancedEventSelectors to a trail.');
    }
    if (basic === undefined && advanced === undefined) throw new ApiError('InvalidEventSelectorsException', 'Specify EventSelectors or AdvancedEventSelectors.');
    if (basic !== undefined) {
      if (!Array.isArray(basic) || basic.length > 5) throw new ApiError('InvalidEventSelectorsException', 'A trail can have up to 5 event selectors.');
      let dataResources = 0;
      const selectors = basic.map((entry): Json => {
        const selector = asObject(entry, 'EventSelectors');
        const readWrite = selector.ReadWriteType ?? 'All';
        if (readWrite !== 'All' && readWrite !== 'ReadOnly' && readWrite !== 'WriteOnly') throw new ApiError('InvalidEventSelectorsException', `Invalid ReadWriteType: ${shown(readWrite)}`);
        const resources = Array.isArray(selector.DataResources) ? selector.DataResources : [];
        for (const resource of resources) {
          const values = asObject(resource, 'DataResources').Values;
          dataResources += Array.isArray(values) ? values.length : 0;
        }
        return {
          ReadWriteType: readWrite,
          IncludeManagementEvents: selector.IncludeManagementEvents ?? true,
          DataResources: resources,
          ExcludeManagementEventSources: Array.isArray(selector.ExcludeManagementEventSources) ? selector.ExcludeManagementEventSources : [],
        };
      });
      if (dataResources > 250) throw new ApiError('InvalidEventSelectorsException', 'A trail is limited to 250 data resources.');
      trail.eventSelectors = selectors;
      delete trail.advancedEventSelectors;
      trail.hasCustomEventSelectors = true;
      return { TrailARN: arnOf(trail), EventSelectors: selectors };
    }
    if (!Array.isArray(advanced) || advanced.length === 0) throw new ApiError('InvalidEventSelectorsException', 'AdvancedEventSelectors must contain at least one selector.');
    for (const entry of advanced) {
      const fields = asObject(entry, 'AdvancedEventSelectors').FieldSelectors;
      if (!Array.isArray(fields) || fields.length === 0) throw new ApiError('InvalidEventSelectorsException', 'Each advanced event selector needs at least one field selector.');
      for (const field of fields) {
        if (typeof asObject(field, 'FieldSelectors').Field !== 'string') throw new ApiError('InvalidEventSelectorsException', 'Each field selector needs a Field.');
      }
    }
    trail.advancedEventSelectors = advanced;
    delete trail.eventSelectors;
    trail.hasCustomEventSelectors = true;
    return { TrailARN: arnOf(trail), AdvancedEventSelectors: advanced };
  }

  putInsightSelectors(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.TrailName, 'write', 'TrailName');
    const selectors = input.InsightSelectors;
    if (!Array.isArray(selectors)) throw new ApiError('InvalidInsightSelectorsException', 'InsightSelectors is required.');
    for (const entry of selectors) {
      const type = asObject(entry, 'InsightSelectors').InsightType;
      if (type !== 'ApiCallRateInsight' && type !== 'ApiErrorRateInsight') throw new ApiError('InvalidInsightSelectorsException', `Invalid InsightType: ${shown(type)}`);
    }
    trail.insightSelectors = selectors;
    return { TrailARN: arnOf(trail), InsightSelectors: selectors };
  }

  addTags(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.ResourceId, 'write', 'ResourceId');
    const tags = parseTags(input.TagsList ?? []);
    for (const tag of tags) {
      const existing = trail.tags.find((candidate) => candidate.Key === tag.Key);
      if (existing) existing.Value = tag.Value;
      else trail.tags.push(tag);
    }
    if (trail.tags.length > 50) throw new ApiError('TagsLimitExceededException', 'The number of tags per trail has exceeded the permitted amount. Currently, the limit is 50.');
    return {};
  }

  removeTags(ctx: CallContext, input: JsonObject): JsonObject {
    const trail = this.resolve(ctx, input.ResourceId, 'write', 'ResourceId');
    const keys = new Set(parseTags(input.TagsList ?? []).map((tag) => tag.Key));
    trail.tags = trail.tags.filter((tag) => !keys.has(tag.Key));
    return {};
  }
}

function notManagementAccount(): ApiError {
  return new ApiError('NotOrganizationMasterAccountException', 'This account is not the management account of an organization; only the management account can create or update an organization trail.');
}

function checkName(name: string): void {
  const problem = trailNameProblem(name);
  if (problem) throw errors.invalidTrailName(problem);
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.serialization(`Expected an object in ${what}`);
  return value;
}

function parseTags(value: Json): Tag[] {
  if (!Array.isArray(value)) throw new ApiError('InvalidTagParameterException', 'TagsList must be a list of tags.');
  return value.map((entry) => {
    const tag = asObject(entry, 'TagsList');
    if (typeof tag.Key !== 'string' || tag.Key.length === 0 || tag.Key.length > 128) throw new ApiError('InvalidTagParameterException', 'Tag keys must be 1 to 128 characters.');
    if (tag.Value !== undefined && (typeof tag.Value !== 'string' || tag.Value.length > 256)) throw new ApiError('InvalidTagParameterException', 'Tag values must be at most 256 characters.');
    return tag.Value === undefined ? { Key: tag.Key } : { Key: tag.Key, Value: tag.Value };
  });
}

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** CreateTrail/UpdateTrail settings; an empty string turns an optional feature off, as with the real API. */
function applySettings(trail: TrailState, input: JsonObject, ctx: CallContext): void {
  const text = (key: string): string | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw errors.serialization(`${key} must be a string`);
    return value;
  };
  const flag = (key: string): boolean | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw errors.serialization(`${key} must be a boolean`);
    return value;
  };
  const bucket = text('S3BucketName');
  if (bucket !== undefined) {
    if (!BUCKET_PATTERN.test(bucket)) throw new ApiError('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
    // A documented convention of this endpoint: buckets named missing-… do not exist.
    if (bucket.startsWith('missing-')) throw new ApiError('S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist.`);
    trail.s3BucketName = bucket;
  }
  const prefix = text('S3KeyPrefix');
  if (prefix !== undefined) {
    if (prefix.length > 200) throw new ApiError('InvalidS3PrefixException', 'S3 key prefix is too long.');
    if (prefix === '') delete trail.s3KeyPrefix;
    else trail.s3KeyPrefix = prefix;
  }
  const topic = text('SnsTopicName');
  if (topic !== undefined) {
    if (topic === '') {
      delete trail.snsTopicName;
      delete trail.snsTopicARN;
    } else {
      trail.snsTopicName = topic;
      trail.snsTopicARN = topic.startsWith('arn:') ? topic : `arn:aws:sns:${ctx.region}:${ctx.accountId}:${topic}`;
    }
  }
  const globalEvents = flag('IncludeGlobalServiceEvents');
  const multiRegion = flag('IsMultiRegionTrail');
  if (globalEvents !== undefined) trail.includeGlobalServiceEvents = globalEvents;
  if (multiRegion !== undefined) trail.isMultiRegionTrail = multiRegion;
  if (trail.isMultiRegionTrail && !trail.includeGlobalServiceEvents) {
    throw new ApiError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
  }
  const validation = flag('EnableLogFileValidation');
  if (validation !== undefined) trail.logFileValidationEnabled = validation;
  const logGroup = text('CloudWatchLogsLogGroupArn');
  const role = text('CloudWatchLogsRoleArn');
  if (logGroup !== undefined || role !== undefined) {
    const nextGroup = logGroup ?? trail.cloudWatchLogsLogGroupArn ?? '';
    const nextRole = role ?? trail.cloudWatchLogsRoleArn ?? '';
    if (nextGroup === '' && nextRole === '') {
      delete trail.cloudWatchLogsLogGroupArn;
      delete trail.cloudWatchLogsRoleArn;
    } else {
      if (nextGroup === '' || nextRole === '') {
        throw new ApiError('InvalidParameterCombinationException', 'You must specify both a CloudWatch Logs log group ARN and a role ARN.');
      }
      if (!/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:.+$/.test(nextGroup)) {
        throw new ApiError('InvalidCloudWatchLogsLogGroupArnException', `CloudWatch Logs log group ARN is not valid: ${nextGroup}`);
      }
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(nextRole)) throw new ApiError('InvalidCloudWatchLogsRoleArnException', `CloudWatch Logs role ARN is not valid: ${nextRole}`);
      trail.cloudWatchLogsLogGroupArn = nextGroup;
      trail.cloudWatchLogsRoleArn = nextRole;
    }
  }
  const kms = text('KmsKeyId');
  if (kms !== undefined) {
    if (kms === '') delete trail.kmsKeyId;
    else if (kms.startsWith('arn:')) trail.kmsKeyId = kms;
    else if (kms.startsWith('alias/')) trail.kmsKeyId = `arn:aws:kms:${ctx.region}:${ctx.accountId}:${kms}`;
    else if (/^[A-Za-z0-9-]{1,64}$/.test(kms)) trail.kmsKeyId = `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${kms}`;
    else throw new ApiError('InvalidKmsKeyIdException', `KMS key ID is not valid: ${kms}`);
  }
}

/** The `Trail` shape of DescribeTrails and GetTrail, in the real key order. */
export function describe(trail: TrailState): JsonObject {
  const out: JsonObject = { Name: trail.name, S3BucketName: trail.s3BucketName };
  if (trail.s3KeyPrefix !== undefined) out.S3KeyPrefix = trail.s3KeyPrefix;
  if (trail.snsTopicName !== undefined) out.SnsTopicName = trail.snsTopicName;
  if (trail.snsTopicARN !== undefined) out.SnsTopicARN = trail.snsTopicARN;
  out.IncludeGlobalServiceEvents = trail.includeGlobalServiceEvents;
  out.IsMultiRegionTrail = trail.isMultiRegionTrail;
  out.HomeRegion = trail.homeRegion;
  out.TrailARN = arnOf(trail);
  out.LogFileValidationEnabled = trail.logFileValidationEnabled;
  if (trail.cloudWatchLogsLogGroupArn !== undefined) out.CloudWatchLogsLogGroupArn = trail.cloudWatchLogsLogGroupArn;
  if (trail.cloudWatchLogsRoleArn !== undefined) out.CloudWatchLogsRoleArn = trail.cloudWatchLogsRoleArn;
  if (trail.kmsKeyId !== undefined) out.KmsKeyId = trail.kmsKeyId;
  out.HasCustomEventSelectors = trail.hasCustomEventSelectors;
  out.HasInsightSelectors = trail.insightSelectors.length > 0;
  out.IsOrganizationTrail = trail.isOrganizationTrail;
  return out;
}

/** CreateTrail/UpdateTrail response. */
function trailResponse(trail: TrailState): JsonObject {
  const out: JsonObject = { Name: trail.name, S3BucketName: trail.s3BucketName };
  if (trail.s3KeyPrefix !== undefined) out.S3KeyPrefix = trail.s3KeyPrefix;
  if (trail.snsTopicName !== undefined) out.SnsTopicName = trail.snsTopicName;
  if (trail.snsTopicARN !== undefined) out.SnsTopicARN = trail.snsTopicARN;
  out.IncludeGlobalServiceEvents = trail.includeGlobalServiceEvents;
  out.IsMultiRegionTrail = trail.isMultiRegionTrail;
  out.TrailARN = arnOf(trail);
  out.LogFileValidationEnabled = trail.logFileValidationEnabled;
  if (trail.cloudWatchLogsLogGroupArn !== undefined) out.CloudWatchLogsLogGroupArn = trail.cloudWatchLogsLogGroupArn;
  if (trail.cloudWatchLogsRoleArn !== undefined) out.CloudWatchLogsRoleArn = trail.cloudWatchLogsRoleArn;
  if (trail.kmsKeyId !== undefined) out.KmsKeyId = trail.kmsKeyId;
  out.IsOrganizationTrail = trail.isOrganizationTrail;
  return out;
}
