// Scans built by hand for the posture report and the Trails tree model (plain data, as src/aws/posture.ts returns).
import { known, snapshotFromApi, unknown, type ApiTrail, type BucketFacts, type ProfileScan, type TrailScan } from '../../src/core/posture';

export const NOW = new Date('2025-06-15T12:00:00Z');
const minutesAgo = (m: number): Date => new Date(NOW.getTime() - m * 60_000);

export const ACCOUNT = '111122223333';

function trail(name: string, over: ApiTrail = {}, options: { logging?: boolean; tags?: Record<string, string>; bucket?: BucketFacts; account?: string; region?: string } = {}): TrailScan {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? ACCOUNT;
  const api: ApiTrail = {
    Name: name,
    TrailARN: `arn:aws:cloudtrail:${region}:${account}:trail/${name}`,
    HomeRegion: region,
    S3BucketName: `${name}-bucket`,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    IsOrganizationTrail: false,
    LogFileValidationEnabled: false,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    ...over,
  };
  const status = { IsLogging: options.logging ?? true, LatestDeliveryTime: minutesAgo(5), StartLoggingTime: minutesAgo(600) };
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const bucket = options.bucket ?? { publiclyAccessible: known(false, 'S3 Block Public Access is on for the bucket'), accessLogging: known(true) };
  return { snapshot: snapshotFromApi(api, status, undefined, undefined, tags, bucket), problems: [] };
}

/** One good multi-Region trail, one weak single-Region one (home us-west-2), one organization trail of another account. */
export function sampleScan(over: Partial<ProfileScan> = {}): ProfileScan {
  return {
    profile: 'dev',
    account: ACCOUNT,
    enabledRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    regionSource: 'ec2',
    regionProblems: [],
    notes: [],
    fetchedAt: NOW.toISOString(),
    trails: [
      trail('weak|trail', { HomeRegion: 'us-west-2', TrailARN: `arn:aws:cloudtrail:us-west-2:${ACCOUNT}:trail/weak|trail` }, { region: 'us-west-2', bucket: { publiclyAccessible: known(true, 'its bucket policy grants public access'), accessLogging: unknown('reading it was denied (s3:GetBucketLogging is not allowed)') } }),
      trail('main', { IsMultiRegionTrail: true, LogFileValidationEnabled: true, KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }, { tags: { owner: 'sec' } }),
      trail('org', { IsMultiRegionTrail: true, IsOrganizationTrail: true }, { account: '210987654321', bucket: { publiclyAccessible: unknown('the bucket is in another account'), accessLogging: unknown('the bucket is in another account') } }),
    ],
    ...over,
  };
}

/** The single-Region trail only, logging: two of three regions uncovered. */
export function gappyScan(over: Partial<ProfileScan> = {}): ProfileScan {
  const base = sampleScan();
  return { ...base, trails: base.trails.filter((t) => t.snapshot.name === 'weak|trail'), ...over };
}
