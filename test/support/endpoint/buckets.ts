/**
 * The S3 log buckets of the example accounts: what GetBucketPolicyStatus, GetPublicAccessBlock,
 * GetBucketLogging, GetBucketLocation and ListBuckets answer. Pure data and lookups (no I/O).
 *
 * The buckets the seeded trails deliver to are described below, chosen so that every bucket
 * check has a passing, a failing and an unknown case. A bucket that no table entry describes but
 * that a trail names (a trail created in a test, or an alternative dataset) exists in the trail's
 * account and home region with Block Public Access on, a private policy and no access logging;
 * names starting with `missing-` never exist.
 *
 * | bucket                                     | owner        | region    | public? | access logging | notes |
 * |--------------------------------------------|--------------|-----------|---------|----------------|-------|
 * | cloudtrail-bucket-111122223333             | 111122223333 | us-east-1 | no (BPA on) | on         | MultiRegion1/2, SingleCloudTrail |
 * | access-logs-111122223333                   | 111122223333 | us-east-1 | no (BPA on) | off        | the access-log target |
 * | aws-controltower-logs-111122223333-us-east-1 | 999988887777 (log archive) | us-east-1 | — | — | another account: AccessDenied |
 * | nosetest-bucket                            | 111122223333 | us-east-1 | **yes** (policy, no BPA) | off | |
 * | test-bucket                                | 111122223333 | us-east-2 | no (BPA on) | denied     | bucket policy denies GetBucketLogging |
 * | trail-test-bucket-3bf19dec-…               | 111122223333 | us-west-2 | no (no policy, partial BPA) | on | |
 * | aws-cloudtrail-logs-111122223333-ead919ec  | 111122223333 | us-west-2 | no (BPA on) | off        | |
 * | hazmat-audit-logs                          | —            | —         | —       | —              | deleted: NoSuchBucket (the Default trail's delivery error) |
 * | custodian-skunk-trails                     | 444455556666 | us-east-1 | no (BPA on) | on         | |
 * | c7n-vpc-flow-logs                          | 210987654321 | us-east-1 | —       | —              | the organization trail's: another account |
 * | aws-cloudtrail-logs-777788889999-3c6e1f2a  | 777788889999 | us-east-1 | no (BPA on) | on         | unreadable with the denied key |
 */
import { DEFAULT_ACCOUNT_ID, DENIED_ACCOUNT_ID, ORG_MANAGEMENT_ACCOUNT_ID, SECOND_ACCOUNT_ID } from './accounts';
import type { TrailState } from './trails';

/** The log archive account that owns the Control Tower trail's bucket (no keys reach it). */
export const LOG_ARCHIVE_ACCOUNT_ID = '999988887777';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface BucketState {
  name: string;
  ownerAccountId: string;
  region: string;
  /** Epoch seconds. */
  created: number;
  /** Whether the bucket policy is public; null: no bucket policy (NoSuchBucketPolicy). */
  policyPublic: boolean | null;
  /** null: none set (NoSuchPublicAccessBlockConfiguration). */
  publicAccessBlock: PublicAccessBlock | null;
  logging: { targetBucket: string; targetPrefix: string } | null;
  /** S3 operations the bucket policy denies explicitly to everyone (AccessDenied, "explicit deny"). */
  deniedOperations: string[];
}

const ALL_BLOCKED: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

type BucketSpec = Omit<BucketState, 'created' | 'deniedOperations'> & { deniedOperations?: string[]; ageDays: number };

const SEEDED: readonly BucketSpec[] = [
  { name: `cloudtrail-bucket-${DEFAULT_ACCOUNT_ID}`, ownerAccountId: DEFAULT_ACCOUNT_ID, region: 'us-east-1', ageDays: 900, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: { targetBucket: `access-logs-${DEFAULT_ACCOUNT_ID}`, targetPrefix: 'cloudtrail-bucket/' } },
  { name: `access-logs-${DEFAULT_ACCOUNT_ID}`, ownerAccountId: DEFAULT_ACCOUNT_ID, region: 'us-east-1', ageDays: 900, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: null },
  { name: `aws-controltower-logs-${DEFAULT_ACCOUNT_ID}-us-east-1`, ownerAccountId: LOG_ARCHIVE_ACCOUNT_ID, region: 'us-east-1', ageDays: 700, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: { targetBucket: `aws-controltower-s3-access-logs-${LOG_ARCHIVE_ACCOUNT_ID}-us-east-1`, targetPrefix: '' } },
  { name: 'nosetest-bucket', ownerAccountId: DEFAULT_ACCOUNT_ID, region: 'us-east-1', ageDays: 400, policyPublic: true, publicAccessBlock: null, logging: null },
  { name: 'test-bucket', ownerAccountId: DEFAULT_ACCOUNT_ID, region: 'us-east-2', ageDays: 300, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: null, deniedOperations: ['GetBucketLogging'] },
  {
    name: 'trail-test-bucket-3bf19dec-127e-11ed-861d-0242ac12000',
    ownerAccountId: DEFAULT_ACCOUNT_ID,
    region: 'us-west-2',
    ageDays: 200,
    policyPublic: null,
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    logging: { targetBucket: `access-logs-${DEFAULT_ACCOUNT_ID}`, targetPrefix: 'trail-test/' },
  },
  { name: `aws-cloudtrail-logs-${DEFAULT_ACCOUNT_ID}-ead919ec`, ownerAccountId: DEFAULT_ACCOUNT_ID, region: 'us-west-2', ageDays: 100, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: null },
  { name: 'custodian-skunk-trails', ownerAccountId: SECOND_ACCOUNT_ID, region: 'us-east-1', ageDays: 500, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: { targetBucket: 'custodian-access-logs', targetPrefix: '' } },
  { name: 'c7n-vpc-flow-logs', ownerAccountId: ORG_MANAGEMENT_ACCOUNT_ID, region: 'us-east-1', ageDays: 800, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: null },
  { name: `aws-cloudtrail-logs-${DENIED_ACCOUNT_ID}-3c6e1f2a`, ownerAccountId: DENIED_ACCOUNT_ID, region: 'us-east-1', ageDays: 400, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: { targetBucket: `access-logs-${DENIED_ACCOUNT_ID}`, targetPrefix: '' } },
];

/** Buckets that were deleted (a trail may still name them). */
const DELETED: ReadonlySet<string> = new Set(['hazmat-audit-logs']);

export class BucketStore {
  private readonly seeded: Map<string, BucketState>;
  private readonly nowSec: number;

  /** `trails` is read at each lookup, so trails created later get their bucket too. */
  constructor(
    nowSec: number,
    private readonly trails: () => readonly TrailState[],
  ) {
    this.seeded = new Map(SEEDED.map((spec) => [spec.name, { ...spec, deniedOperations: spec.deniedOperations ?? [], created: nowSec - spec.ageDays * 86_400 }]));
    this.nowSec = nowSec;
  }

  /** The bucket, or undefined when it does not exist. */
  get(name: string): BucketState | undefined {
    if (DELETED.has(name) || name.startsWith('missing-')) return undefined;
    const seeded = this.seeded.get(name);
    if (seeded) return seeded;
    const trail = this.trails().find((candidate) => candidate.s3BucketName === name);
    if (!trail) return undefined;
    return { name, ownerAccountId: trail.ownerAccountId, region: trail.homeRegion, created: this.nowSec - 30 * 86_400, policyPublic: false, publicAccessBlock: ALL_BLOCKED, logging: null, deniedOperations: [] };
  }

  /** The buckets an account owns, by name (what ListBuckets lists). */
  ownedBy(accountId: string): BucketState[] {
    const names = new Set<string>([...this.seeded.keys(), ...this.trails().map((trail) => trail.s3BucketName)]);
    return [...names]
      .map((name) => this.get(name))
      .filter((bucket): bucket is BucketState => !!bucket && bucket.ownerAccountId === accountId)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
