/**
 * Reading a profile's CloudTrail posture: everything the best-practice rules look at, for every
 * trail the account has, in every enabled region. Loads @aws-sdk/client-ec2 and
 * @aws-sdk/client-s3 (only src/aws imports them); the extension reaches this module lazily
 * through `AwsServices.scanPosture`, the CLI directly.
 *
 *   STS GetCallerIdentity (account id)
 *   ├─ EC2 DescribeRegions (AllRegions=false)       → enabled regions; denied → the static default list, with a note
 *   ├─ S3 ListBuckets (MaxBuckets, BucketRegion)    → which buckets are the account's, and where
 *   └─ per region: DescribeTrails (includeShadowTrails)
 *        └─ per new trail ARN, in its HomeRegion: GetTrailStatus, GetEventSelectors, GetInsightSelectors, ListTags
 *        └─ per log bucket, in its region: GetBucketPolicyStatus, GetPublicAccessBlock, GetBucketLogging
 *
 * Work starts as soon as what it needs has arrived (a region's trails are detailed while other
 * regions are still answering). At most `concurrency` requests (default 8) are in flight per
 * profile: these calls are not rate-limited like LookupEvents, but an account has many regions
 * and trails. A read that fails makes the checks that needed it `unknown`, with the reason; the
 * profile fails as a whole only when nothing can be read (no credentials, expired, denied).
 */
import { setMaxListeners } from 'node:events';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetBucketLoggingCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { toAwsError, type AwsError } from '../core/aws/errors';
import { createLimiter } from '../core/aws/limit';
import { AWS_REGIONS } from '../core/aws/regions';
import { evaluateProfile, failedScan, type ProfilePosture, type ProfileScan, type ScanProblem, type TrailScan } from '../core/posture/report';
import { snapshotFromApi, type ApiInsightSelectors } from '../core/posture/api';
import { known, unknown, type BucketFacts, type Known } from '../core/posture/model';
import type { Remediation } from '../core/posture/remediation';
import type { AwsLayer, Operation } from './layer';
import type { AwsTarget, CallOptions, GetEventSelectorsResponse, GetTrailStatusResponse, ResourceTag, Trail } from './types';

export interface PostureScanOptions extends CallOptions {
  /** Requests in flight at once for this profile (default 8). */
  readonly concurrency?: number;
  /** The clock for `fetchedAt` (default: now). */
  readonly now?: () => Date;
}

/** Regions enabled in every account (no opt-in): the fallback when EC2 DescribeRegions cannot be read. */
export const DEFAULT_REGIONS: readonly string[] = AWS_REGIONS.filter((region) => !region.optIn).map((region) => region.id);

const DEFAULT_CONCURRENCY = 8;
const MAX_BUCKET_PAGES = 10;

function problemOf(error: AwsError): ScanProblem {
  return {
    kind: error.kind,
    message: error.message,
    next: error.next,
    ...(error.missingAction ? { missingAction: error.missingAction } : {}),
    ...(error.command ? { command: error.command } : {}),
    ...(error.operation ? { operation: error.operation } : {}),
    ...(error.region ? { region: error.region } : {}),
  };
}

/** The AwsError of a failure, rethrowing cancellations (a cancelled scan has no result). */
function failure(error: unknown, signal: AbortSignal | undefined): AwsError {
  const failed = toAwsError(error);
  if (failed.kind === 'cancelled' || signal?.aborted) throw failed;
  return failed;
}

/** Kinds that say the profile itself cannot be used (as opposed to one region or one trail failing). */
const PROFILE_KINDS = new Set(['no-credentials', 'sso-expired', 'credentials-expired', 'invalid-credentials', 'clock-skew', 'access-denied', 'unreachable']);

/** The region S3 names in a 301 PermanentRedirect (the bucket lives there). */
function redirectRegion(error: unknown): string | undefined {
  const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string | undefined> } } | undefined;
  if (e?.$metadata?.httpStatusCode !== 301) return undefined;
  const region = e.$response?.headers?.['x-amz-bucket-region'];
  return typeof region === 'string' && region !== '' ? region : undefined;
}

function errorName(error: AwsError): string {
  return error.code ?? '';
}

interface BucketOwnership {
  /** Bucket name → its region (undefined when ListBuckets did not say). */
  readonly regions: ReadonlyMap<string, string | undefined>;
}

/**
 * Reads one profile. Never rejects for AWS failures: a profile that cannot be read comes back
 * with `error` set. Rejects only when cancelled (kind `cancelled`).
 */
export async function scanProfile(layer: AwsLayer, profile: string, options: PostureScanOptions = {}): Promise<ProfileScan> {
  const { signal } = options;
  // Every request of the scan listens to the one signal (Node warns past 10 listeners by default).
  if (signal) setMaxListeners(0, signal);
  const now = options.now ?? (() => new Date());
  const limit = createLimiter(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));
  const request = <T>(target: AwsTarget, operation: Operation, run: () => Promise<T>): Promise<T> => limit.run(() => layer.send(target, operation, run, { signal }));

  const home = await layer.profiles.defaultRegion(profile);
  let account: string;
  try {
    account = await layer.accountId(profile, { signal });
  } catch (error) {
    return failedScan(profile, problemOf(failure(error, signal)), now().toISOString());
  }
  const notes: string[] = [];

  // -- Regions (EC2) and bucket ownership (S3), side by side ------------------------------------
  const ec2 = (region: string): Promise<EC2Client> => layer.serviceClient('ec2', { profile, region }, (config) => new EC2Client(config));
  // Path-style addressing when an endpoint override is in force (a local endpoint has no bucket host names).
  const s3 = (region: string): Promise<S3Client> => layer.serviceClient('s3', { profile, region }, (config) => new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined, followRegionRedirects: false }));

  const regionsRead = (async (): Promise<{ regions: string[]; source: 'ec2' | 'static' }> => {
    try {
      const output = await request({ profile, region: home }, 'ec2:DescribeRegions', async () => (await ec2(home)).send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: signal }));
      const regions = (output.Regions ?? []).map((r) => r.RegionName).filter((r): r is string => typeof r === 'string' && r !== '');
      if (regions.length > 0) return { regions: [...new Set(regions)].sort(), source: 'ec2' };
      notes.push(`EC2 DescribeRegions listed no regions: checked the ${DEFAULT_REGIONS.length} regions enabled by default.`);
    } catch (error) {
      const failed = failure(error, signal);
      const why = failed.kind === 'access-denied' ? `${failed.missingAction ?? 'ec2:DescribeRegions'} is not allowed` : failed.message.replace(/\.$/, '');
      notes.push(`Enabled regions could not be read (${why}): checked the ${DEFAULT_REGIONS.length} regions enabled by default; opt-in regions were not checked.`);
    }
    return { regions: [...DEFAULT_REGIONS], source: 'static' };
  })();

  const ownershipRead = (async (): Promise<BucketOwnership | undefined> => {
    const regions = new Map<string, string | undefined>();
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_BUCKET_PAGES; page++) {
        const output = await request({ profile, region: home }, 's3:ListAllMyBuckets', async () =>
          (await s3(home)).send(new ListBucketsCommand({ MaxBuckets: 1000, ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: signal }),
        );
        for (const bucket of output.Buckets ?? []) if (bucket.Name) regions.set(bucket.Name, bucket.BucketRegion || undefined);
        token = output.ContinuationToken;
        if (!token) return { regions };
      }
      return undefined; // more buckets than we page through: ownership not decided
    } catch (error) {
      const failed = failure(error, signal);
      notes.push(`The account's buckets could not be listed (${failed.kind === 'access-denied' ? `${failed.missingAction ?? 's3:ListAllMyBuckets'} is not allowed` : failed.message.replace(/\.$/, '')}): a log bucket that cannot be read may be in another account.`);
      return undefined;
    }
  })();

  // -- Log buckets (S3), once per bucket ----------------------------------------------------------
  const bucketFacts = new Map<string, Promise<{ facts: BucketFacts; problems: ScanProblem[] }>>();
  const readBucket = async (bucket: string, trailRegion: string): Promise<{ facts: BucketFacts; problems: ScanProblem[] }> => {
    const ownership = await ownershipRead;
    const owned = ownership?.regions.has(bucket);
    const region = (owned ? ownership?.regions.get(bucket) : undefined) ?? trailRegion;
    // Our own buckets are asked with ExpectedBucketOwner, so a bucket re-created by someone else never answers.
    const expected = owned ? { ExpectedBucketOwner: account } : {};
    const read = async <T>(operation: Operation, send: (client: S3Client) => Promise<T>): Promise<{ ok: T } | { error: AwsError }> => {
      try {
        const output = await request({ profile, region }, operation, async () => {
          try {
            return await send(await s3(region));
          } catch (error) {
            const moved = redirectRegion(error);
            if (!moved) throw error;
            return send(await s3(moved));
          }
        });
        return { ok: output };
      } catch (error) {
        return { error: failure(error, signal) };
      }
    };
    const options = { abortSignal: signal };
    const [policy, block, logging] = await Promise.all([
      read('s3:GetBucketPolicyStatus', (client) => client.send(new GetBucketPolicyStatusCommand({ Bucket: bucket, ...expected }), options)),
      read('s3:GetBucketPublicAccessBlock', (client) => client.send(new GetPublicAccessBlockCommand({ Bucket: bucket, ...expected }), options)),
      read('s3:GetBucketLogging', (client) => client.send(new GetBucketLoggingCommand({ Bucket: bucket, ...expected }), options)),
    ]);
    const problems: ScanProblem[] = [];
    const missing = [policy, block, logging].some((r) => 'error' in r && errorName(r.error) === 'NoSuchBucket');
    if (missing) {
      const reason = `bucket ${bucket} does not exist (NoSuchBucket)`;
      return { facts: { publiclyAccessible: unknown(reason), accessLogging: unknown(reason) }, problems };
    }
    /** Why a read failed, for an unknown value. */
    const why = (error: AwsError, action: string): string => {
      if (error.kind === 'access-denied') {
        if (ownership && !owned) return `the bucket is in another account (it is not among the buckets of ${account}) and reading it was denied`;
        if (!ownership) return `reading it was denied (${error.missingAction ?? action}): the bucket may be in another account, or the permission is missing`;
        return `reading it was denied (${error.missingAction ?? action} is not allowed)`;
      }
      return error.message.replace(/\.$/, '');
    };
    const note = owned === false && ownership ? 'bucket of another account' : undefined;
    /** A failed read worth listing on the trail: not the expected denial of another account's bucket. */
    const report = (error: AwsError): void => {
      if (error.kind === 'access-denied' && ownership && !owned) return;
      if (!problems.some((p) => p.message === error.message)) problems.push(problemOf(error));
    };
    const withNote = <T>(value: T, text?: string): Known<T> => {
      const parts = [text, note].filter((part): part is string => !!part);
      return parts.length > 0 ? known(value, parts.join('; ')) : known(value);
    };

    // Public: Block Public Access wins; else the policy status (after RestrictPublicBuckets).
    let publiclyAccessible: Known<boolean>;
    const pab = 'ok' in block ? (block.ok.PublicAccessBlockConfiguration ?? {}) : 'error' in block && errorName(block.error) === 'NoSuchPublicAccessBlockConfiguration' ? {} : undefined;
    const allBlocked = pab !== undefined && pab.BlockPublicAcls === true && pab.IgnorePublicAcls === true && pab.BlockPublicPolicy === true && pab.RestrictPublicBuckets === true;
    const policyPublic = 'ok' in policy ? policy.ok.PolicyStatus?.IsPublic === true : 'error' in policy && errorName(policy.error) === 'NoSuchBucketPolicy' ? false : undefined;
    if (allBlocked) publiclyAccessible = withNote(false, 'S3 Block Public Access is on for the bucket');
    else if (policyPublic === undefined) {
      const error = 'error' in policy ? policy.error : undefined;
      publiclyAccessible = unknown(error ? why(error, 's3:GetBucketPolicyStatus') : 'its policy status was not read');
      if (error) report(error);
    } else if (policyPublic) {
      publiclyAccessible = pab?.RestrictPublicBuckets === true ? withNote(false, 'its policy is public, but RestrictPublicBuckets limits access to AWS service principals and the account') : withNote(true, 'its bucket policy grants public access');
    } else {
      const acl = pab?.IgnorePublicAcls === true ? 'public ACLs are ignored' : 'ACL grants were not checked';
      publiclyAccessible = withNote(false, `its bucket policy is not public; ${acl}`);
    }
    if ('error' in block && pab === undefined && !allBlocked) report(block.error);

    let accessLogging: Known<boolean>;
    if ('ok' in logging) accessLogging = withNote(!!logging.ok.LoggingEnabled?.TargetBucket, logging.ok.LoggingEnabled?.TargetBucket ? `to ${logging.ok.LoggingEnabled.TargetBucket}` : undefined);
    else {
      accessLogging = unknown(why(logging.error, 's3:GetBucketLogging'));
      report(logging.error);
    }
    return { facts: { publiclyAccessible, accessLogging }, problems };
  };
  const bucketOf = (bucket: string, trailRegion: string): Promise<{ facts: BucketFacts; problems: ScanProblem[] }> => {
    let pending = bucketFacts.get(bucket);
    if (!pending) bucketFacts.set(bucket, (pending = readBucket(bucket, trailRegion)));
    return pending;
  };

  // -- Trails: each ARN once, detailed in its home region -----------------------------------------
  const details = new Map<string, Promise<TrailScan>>();
  const detail = async (trail: Trail, arn: string): Promise<TrailScan> => {
    const region = trail.HomeRegion || home;
    const target = { profile, region };
    const name = arn;
    const problems: ScanProblem[] = [];
    const optional = async <T>(operation: Operation, run: () => Promise<T>, fallback?: (error: AwsError) => T | undefined): Promise<T | undefined> => {
      try {
        return await request(target, operation, run);
      } catch (error) {
        const failed = failure(error, signal);
        const replaced = fallback?.(failed);
        if (replaced !== undefined) return replaced;
        problems.push(problemOf(failed));
        return undefined;
      }
    };
    const bucketName = trail.S3BucketName ?? '';
    const [status, selectors, insights, tags, bucket] = await Promise.all([
      optional<GetTrailStatusResponse>('cloudtrail:GetTrailStatus', () => layer.getTrailStatus(target, name, { signal })),
      // HasCustomEventSelectors false: the default selectors (all management events), no need to ask.
      trail.HasCustomEventSelectors === false ? Promise.resolve(undefined) : optional<GetEventSelectorsResponse>('cloudtrail:GetEventSelectors', () => layer.getEventSelectors(target, name, { signal })),
      trail.HasInsightSelectors === false
        ? Promise.resolve<ApiInsightSelectors>({ InsightSelectors: [] })
        : optional<ApiInsightSelectors>('cloudtrail:GetInsightSelectors', () => layer.getInsightSelectors(target, name, { signal }), (error) =>
            errorName(error) === 'InsightNotEnabledException' ? { InsightSelectors: [] } : undefined,
          ),
      optional<ResourceTag[]>('cloudtrail:ListTags', () => layer.listTags(target, [arn], { signal })),
      bucketName ? bucketOf(bucketName, region) : Promise.resolve(undefined),
    ]);
    if (bucket) problems.push(...bucket.problems);
    const tagList = tags?.find((entry) => entry.ResourceId === arn)?.TagsList ?? (tags ? [] : undefined);
    const snapshot = snapshotFromApi(trail, status, selectors, insights, tagList, bucket?.facts);
    return { snapshot, problems };
  };

  const { regions, source } = await regionsRead;
  const regionProblems: ScanProblem[] = [];
  let described = 0;
  await Promise.all(
    regions.map(async (region) => {
      let trails: Trail[];
      try {
        trails = await request({ profile, region }, 'cloudtrail:DescribeTrails', () => layer.describeTrails({ profile, region }, { includeShadowTrails: true }, { signal }));
      } catch (error) {
        regionProblems.push({ ...problemOf(failure(error, signal)), region });
        return;
      }
      described++;
      for (const trail of trails) {
        const arn = trail.TrailARN ?? `arn:aws:cloudtrail:${trail.HomeRegion ?? region}:${account}:trail/${trail.Name ?? ''}`;
        if (!details.has(arn)) details.set(arn, detail(trail, arn));
      }
    }),
  );
  const fetchedAt = (): string => now().toISOString();
  if (described === 0 && regionProblems.length > 0) {
    // Nothing could be read: the profile fails with the most telling problem (a denial names the action).
    const worst = regionProblems.find((p) => PROFILE_KINDS.has(p.kind)) ?? regionProblems[0];
    if (worst) return failedScan(profile, { ...worst, region: worst.region ?? home }, fetchedAt(), account);
  }
  const trails = await Promise.all(details.values());
  regionProblems.sort((a, b) => (a.region ?? '').localeCompare(b.region ?? ''));
  return { profile, account, enabledRegions: regions, regionSource: source, regionProblems, notes, trails, fetchedAt: fetchedAt() };
}

/** `scanProfile` evaluated by the rules: what the tree and the CLI show. */
export async function fetchProfilePosture(layer: AwsLayer, profile: string, options: PostureScanOptions = {}): Promise<ProfilePosture> {
  const scan = await scanProfile(layer, profile, options);
  return evaluateProfile(scan, { now: (options.now ?? (() => new Date()))() });
}

/**
 * Makes the change of a remediation (UpdateTrail / StartLogging) in the trail's home region.
 * A write: call it only after the user confirmed. Rejects with an AwsError.
 */
export async function applyRemediation(layer: AwsLayer, profile: string, remediation: Remediation, options: CallOptions = {}): Promise<void> {
  const region = remediation.region ?? (await layer.profiles.defaultRegion(profile));
  const target = { profile, region };
  const call = remediation.call;
  if (call.operation === 'StartLogging') await layer.startLogging(target, call.input.Name, options);
  else await layer.updateTrail(target, { ...call.input }, options);
}
