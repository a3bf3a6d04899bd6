/**
 * The posture model: what the best-practice rules look at (`TrailSnapshot`) and what they say
 * (`Finding`). One shape serves both the live Trails tree (built from AWS API responses by
 * `snapshotFromApi`, every value known) and the IaC checks (built by src/core/iac readers from
 * CloudFormation / Terraform / CDK, where a value can be decided only at deploy time).
 *
 * Conventions the readers and the rules share:
 * - Every configuration value is a `Known<T>`. A reader that cannot decide a value says why with
 *   `unknown('decided by parameter EnableValidation')`; a value taken from a default says where
 *   from with `known(true, "from parameter EnableValidation's Default")`. Rules turn an unknown
 *   value into an `unknown` finding whose reason repeats the reader's reason.
 * - "Known absent" is `known(null)` (for example no KMS key, no CloudWatch Logs group).
 * - Readers fill properties the template leaves out with the AWS defaults for that format
 *   (CloudFormation / Terraform: IsMultiRegionTrail false, EnableLogFileValidation false,
 *   IncludeGlobalServiceEvents true; CDK L2 Trail: multi-region and validation true). Absent
 *   event selectors are `DEFAULT_EVENT_SELECTORS` (what AWS gives a new trail).
 *   `snapshotFromDefinition` (definition.ts) applies these defaults for a reader.
 * - `status` and `bucket` are live-only facts. When they are absent the rules that need them
 *   are not applicable: in the 'iac' context they are not run at all; in the 'live' context
 *   they give an `unknown` finding ("trail status was not read").
 * - Pure data: no class instances other than Date, safe to structured-clone.
 */

// ---------------------------------------------------------------------------------------------
// Known / unknown values

/** A value that is known (possibly with a note on where it came from) or unknown (with why). */
export type Known<T> =
  | { readonly known: true; readonly value: T; readonly note?: string }
  | { readonly known: false; readonly reason: string };

/** A known value; `note` says where it came from ("from parameter X's Default", "AWS default"). */
export function known<T>(value: T, note?: string): Known<T> {
  return note === undefined ? { known: true, value } : { known: true, value, note };
}

/** A value decided elsewhere: "decided by parameter X", "condition IsProd", "expression". */
export function unknown<T = never>(reason: string): Known<T> {
  return { known: false, reason };
}

/** The value when known, else `fallback`. */
export function valueOr<T, F>(k: Known<T>, fallback: F): T | F {
  return k.known ? k.value : fallback;
}

// ---------------------------------------------------------------------------------------------
// Event selectors

export type ReadWriteType = 'ReadOnly' | 'WriteOnly' | 'All';

/** A data resource of a basic selector, e.g. { type: 'AWS::S3::Object', values: ['arn:aws:s3'] }. */
export interface DataResource {
  readonly type: string;
  readonly values: readonly string[];
}

/** A basic event selector (GetEventSelectors' EventSelectors[]). */
export interface BasicEventSelector {
  readonly readWriteType: ReadWriteType;
  readonly includeManagementEvents: boolean;
  readonly dataResources: readonly DataResource[];
  readonly excludeManagementEventSources: readonly string[];
}

/** One field condition of an advanced event selector. Absent operators are simply not used. */
export interface AdvancedFieldSelector {
  /** eventCategory, readOnly, eventSource, eventName, resources.type, resources.ARN, … */
  readonly field: string;
  readonly equals?: readonly string[];
  readonly notEquals?: readonly string[];
  readonly startsWith?: readonly string[];
  readonly notStartsWith?: readonly string[];
  readonly endsWith?: readonly string[];
  readonly notEndsWith?: readonly string[];
}

/** An advanced event selector: its field selectors are ANDed; selectors of a trail are ORed. */
export interface AdvancedEventSelector {
  readonly name?: string;
  readonly fieldSelectors: readonly AdvancedFieldSelector[];
}

/** A trail uses either basic or advanced selectors, never both. */
export type EventSelectorConfig =
  | { readonly kind: 'basic'; readonly selectors: readonly BasicEventSelector[] }
  | { readonly kind: 'advanced'; readonly selectors: readonly AdvancedEventSelector[] };

/** What AWS configures on a trail created without selectors: all management events, no data events. */
export const DEFAULT_EVENT_SELECTORS: EventSelectorConfig = Object.freeze({
  kind: 'basic',
  selectors: Object.freeze([
    Object.freeze({ readWriteType: 'All', includeManagementEvents: true, dataResources: Object.freeze([]), excludeManagementEventSources: Object.freeze([]) }),
  ]),
} as const);

// ---------------------------------------------------------------------------------------------
// Live-only facts

/** GetTrailStatus facts beyond IsLogging (live only). Absent fields mean AWS did not report them. */
export interface TrailStatusFacts {
  readonly latestDeliveryError?: string;
  readonly latestDigestDeliveryError?: string;
  readonly latestNotificationError?: string;
  readonly latestCloudWatchLogsDeliveryError?: string;
  readonly latestDeliveryTime?: Date;
  readonly latestDigestDeliveryTime?: Date;
  readonly latestCloudWatchLogsDeliveryTime?: Date;
  readonly startLoggingTime?: Date;
  readonly stopLoggingTime?: Date;
}

/**
 * Facts about the delivery bucket (live only). Each is unknown, with a reason, when the bucket
 * belongs to another account or reading it was denied ("bucket is in account 111122223333").
 */
export interface BucketFacts {
  /** true when the bucket policy or ACL makes it public (after Block Public Access is applied). */
  readonly publiclyAccessible: Known<boolean>;
  /** true when server access logging is enabled on the bucket. */
  readonly accessLogging: Known<boolean>;
}

// ---------------------------------------------------------------------------------------------
// The snapshot

export type SnapshotOrigin = 'api' | 'cloudformation' | 'terraform' | 'cdk';

/** Everything the rules look at for one trail. */
export interface TrailSnapshot {
  /** Where the snapshot came from: the live API or an IaC reader. */
  readonly origin: SnapshotOrigin;
  /** Trail name (live) or the IaC display name (logical id, resource address, construct id). */
  readonly name: string;
  readonly arn?: string;
  readonly homeRegion?: string;
  readonly accountId?: string;
  readonly isMultiRegion: Known<boolean>;
  readonly isOrganization: Known<boolean>;
  readonly logFileValidation: Known<boolean>;
  /** KMS key id/ARN/alias, `null` when the trail uses SSE-S3 only. */
  readonly kmsKeyId: Known<string | null>;
  /** `null` when no CloudWatch Logs group is configured. */
  readonly cloudWatchLogsLogGroupArn: Known<string | null>;
  readonly cloudWatchLogsRoleArn: Known<string | null>;
  readonly includeGlobalServiceEvents: Known<boolean>;
  readonly s3BucketName: Known<string | null>;
  readonly s3KeyPrefix?: Known<string | null>;
  readonly snsTopic?: Known<string | null>;
  /** GetTrailStatus' IsLogging (live) or IsLogging / enable_logging (IaC). */
  readonly isLogging: Known<boolean>;
  readonly tags: Known<Readonly<Record<string, string>>>;
  readonly eventSelectors: Known<EventSelectorConfig>;
  /** Insight types enabled (ApiCallRateInsight, ApiErrorRateInsight); empty when none. */
  readonly insightTypes: Known<readonly string[]>;
  /** Live only; absent means not applicable / not read. */
  readonly status?: TrailStatusFacts;
  /** Live only; absent means not applicable / not read. */
  readonly bucket?: BucketFacts;
}

// ---------------------------------------------------------------------------------------------
// Findings

export type FindingStatus = 'pass' | 'fail' | 'unknown' | 'info';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';

/** Rule ids: AWS Security Hub control ids where one exists, `CTL.*` for our own checks. */
export type RuleId =
  | 'CloudTrail.1'
  | 'CloudTrail.2'
  | 'CloudTrail.3'
  | 'CloudTrail.4'
  | 'CloudTrail.5'
  | 'CloudTrail.6'
  | 'CloudTrail.7'
  | 'CloudTrail.9'
  | 'CTL.Logging'
  | 'CTL.S3Delivery'
  | 'CTL.GlobalServiceEvents'
  | 'CTL.ManagementEvents'
  | 'CTL.DataEvents'
  | 'CTL.Insights'
  | 'CTL.RegionCoverage';

export type EvaluationContext = 'live' | 'iac';

export interface Finding {
  readonly ruleId: RuleId;
  readonly title: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** Why this status for THIS trail (or account), one sentence. */
  readonly reason: string;
  /** How to fix: one or two sentences and the AWS CLI command. */
  readonly fix: string;
  /** Security Hub control page, or the CloudTrail user guide for our own checks. */
  readonly docsUrl: string;
  readonly securityHubControl?: string;
  /** The trail the finding is about (trail-level findings); account-level findings omit it. */
  readonly trailName?: string;
  readonly trailArn?: string;
}
