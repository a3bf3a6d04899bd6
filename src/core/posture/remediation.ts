/**
 * Remediations as data: the exact CloudTrail API call (for a one-click fix in the tree, run by
 * src/aws in the trail's home region), the equivalent AWS CLI command, the IaC property to set
 * (for quick fixes in templates) and copyable CloudFormation / Terraform fix snippets.
 * Nothing here runs anything.
 */
import type { RuleId, TrailSnapshot } from './model';

// ---------------------------------------------------------------------------------------------
// CLI text

const SAFE_ARG = /^[A-Za-z0-9._:/@+=,-]+$/;

/** A shell-safe argument: bare when it only holds safe characters, else single-quoted. */
export function shellArg(value: string): string {
  return SAFE_ARG.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `--name …` of a trail for CLI commands, plus `--region` (home region) when known. */
function cliTarget(snapshot: Pick<TrailSnapshot, 'name' | 'homeRegion'>): { name: string; region: string } {
  return { name: shellArg(snapshot.name), region: snapshot.homeRegion ? ` --region ${shellArg(snapshot.homeRegion)}` : '' };
}

/** `aws cloudtrail <command> --name <trail> <args> [--region <home>]`. */
export function trailCli(command: string, snapshot: Pick<TrailSnapshot, 'name' | 'homeRegion'>, args = '', nameFlag = '--name'): string {
  const t = cliTarget(snapshot);
  return `aws cloudtrail ${command} ${nameFlag} ${t.name}${args ? ` ${args}` : ''}${t.region}`;
}

// ---------------------------------------------------------------------------------------------
// API calls

export interface UpdateTrailInput {
  readonly Name: string;
  readonly EnableLogFileValidation?: boolean;
  readonly IsMultiRegionTrail?: boolean;
  readonly IncludeGlobalServiceEvents?: boolean;
}

export type TrailApiCall =
  | { readonly operation: 'UpdateTrail'; readonly input: UpdateTrailInput }
  | { readonly operation: 'StartLogging'; readonly input: { readonly Name: string } };

export interface Remediation {
  readonly ruleId: RuleId;
  /** A command title: "Enable log file validation". */
  readonly title: string;
  readonly call: TrailApiCall;
  /** Where to send the call: the trail's home region (update calls fail elsewhere). */
  readonly region?: string;
  /** The same change as an AWS CLI command. */
  readonly cli: string;
}

/** Rules with a one-call API remediation. */
export const REMEDIABLE_RULES: readonly RuleId[] = ['CloudTrail.4', 'CloudTrail.1', 'CTL.Logging', 'CTL.GlobalServiceEvents'];

/**
 * The API call that fixes `ruleId` on a live trail, or undefined when there is no single safe call
 * (KMS keys, log groups, selectors need choices the user must make), when the snapshot is not a
 * live one, or when the part the call would change is already right (CloudTrail.1 on a trail that
 * is multi-Region but records too few events).
 */
export function remediationFor(ruleId: RuleId, snapshot: TrailSnapshot): Remediation | undefined {
  if (snapshot.origin !== 'api') return undefined;
  const Name = snapshot.arn ?? snapshot.name;
  const region = snapshot.homeRegion;
  const withRegion = (r: Omit<Remediation, 'region'>): Remediation => (region ? { ...r, region } : r);
  switch (ruleId) {
    case 'CloudTrail.4':
      return withRegion({
        ruleId,
        title: 'Enable log file validation',
        call: { operation: 'UpdateTrail', input: { Name, EnableLogFileValidation: true } },
        cli: trailCli('update-trail', snapshot, '--enable-log-file-validation'),
      });
    case 'CloudTrail.1':
      if (snapshot.isMultiRegion.known && snapshot.isMultiRegion.value) return undefined;
      return withRegion({
        ruleId,
        title: 'Make the trail multi-Region',
        call: { operation: 'UpdateTrail', input: { Name, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true } },
        cli: trailCli('update-trail', snapshot, '--is-multi-region-trail --include-global-service-events'),
      });
    case 'CTL.Logging':
      return withRegion({
        ruleId,
        title: 'Start logging',
        call: { operation: 'StartLogging', input: { Name } },
        cli: trailCli('start-logging', snapshot),
      });
    case 'CTL.GlobalServiceEvents':
      return withRegion({
        ruleId,
        title: 'Include global service events',
        call: { operation: 'UpdateTrail', input: { Name, IncludeGlobalServiceEvents: true } },
        cli: trailCli('update-trail', snapshot, '--include-global-service-events'),
      });
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// IaC

/** One boolean property to set in a template, per format (absent where the format has none). */
export interface IacPropertyFix {
  readonly ruleId: RuleId;
  /** AWS::CloudTrail::Trail property. */
  readonly cloudformation: { readonly property: string; readonly value: boolean };
  /** aws_cloudtrail argument. */
  readonly terraform: { readonly attribute: string; readonly value: boolean };
  /** aws-cdk-lib/aws-cloudtrail Trail prop, when the L2 construct exposes it. */
  readonly cdk?: { readonly property: string; readonly value: boolean };
}

const PROPERTY_FIXES: Partial<Record<RuleId, IacPropertyFix>> = {
  'CloudTrail.1': {
    ruleId: 'CloudTrail.1',
    cloudformation: { property: 'IsMultiRegionTrail', value: true },
    terraform: { attribute: 'is_multi_region_trail', value: true },
    cdk: { property: 'isMultiRegionTrail', value: true },
  },
  'CloudTrail.4': {
    ruleId: 'CloudTrail.4',
    cloudformation: { property: 'EnableLogFileValidation', value: true },
    terraform: { attribute: 'enable_log_file_validation', value: true },
    cdk: { property: 'enableFileValidation', value: true },
  },
  'CTL.Logging': {
    ruleId: 'CTL.Logging',
    cloudformation: { property: 'IsLogging', value: true },
    terraform: { attribute: 'enable_logging', value: true },
  },
  'CTL.GlobalServiceEvents': {
    ruleId: 'CTL.GlobalServiceEvents',
    cloudformation: { property: 'IncludeGlobalServiceEvents', value: true },
    terraform: { attribute: 'include_global_service_events', value: true },
    cdk: { property: 'includeGlobalServiceEvents', value: true },
  },
};

/**
 * The single property that fixes `ruleId` in a template (for a quick fix that edits one value).
 * With a snapshot, CloudTrail.1 has no property fix when the trail is already multi-Region (its
 * failure is then about event selectors: use `fixSnippets`).
 */
export function iacPropertyFix(ruleId: RuleId, snapshot?: TrailSnapshot): IacPropertyFix | undefined {
  if (ruleId === 'CloudTrail.1' && snapshot && snapshot.isMultiRegion.known && snapshot.isMultiRegion.value) return undefined;
  return PROPERTY_FIXES[ruleId];
}

/** Copyable fix text. `target` says where it goes: into the trail resource or the log bucket. */
export interface FixSnippets {
  readonly ruleId: RuleId;
  readonly target: 'trail' | 'bucket' | 'new-trail';
  /** YAML to merge into the resource's Properties (or a whole resource for 'new-trail'). */
  readonly cloudformation: string;
  /** HCL arguments/blocks to add to the resource (or whole resources). */
  readonly terraform: string;
}

const SNIPPETS: Partial<Record<RuleId, Omit<FixSnippets, 'ruleId'>>> = {
  'CloudTrail.1': {
    target: 'trail',
    cloudformation: ['IsMultiRegionTrail: true', 'IncludeGlobalServiceEvents: true', 'EventSelectors:', '  - ReadWriteType: All', '    IncludeManagementEvents: true'].join('\n'),
    terraform: ['is_multi_region_trail         = true', 'include_global_service_events = true', '', 'event_selector {', '  read_write_type           = "All"', '  include_management_events = true', '}'].join('\n'),
  },
  'CloudTrail.2': {
    target: 'trail',
    cloudformation: ['# A customer managed key whose key policy lets cloudtrail.amazonaws.com encrypt', 'KMSKeyId: !GetAtt TrailKey.Arn'].join('\n'),
    terraform: ['# A customer managed key whose key policy lets cloudtrail.amazonaws.com encrypt', 'kms_key_id = aws_kms_key.trail.arn'].join('\n'),
  },
  'CloudTrail.3': {
    target: 'new-trail',
    cloudformation: [
      'ManagementEventsTrail:',
      '  Type: AWS::CloudTrail::Trail',
      '  Properties:',
      '    IsLogging: true',
      '    IsMultiRegionTrail: true',
      '    IncludeGlobalServiceEvents: true',
      '    EnableLogFileValidation: true',
      '    S3BucketName: !Ref TrailBucket',
    ].join('\n'),
    terraform: [
      'resource "aws_cloudtrail" "management_events" {',
      '  name                          = "management-events"',
      '  s3_bucket_name                = aws_s3_bucket.trail.id',
      '  is_multi_region_trail         = true',
      '  include_global_service_events = true',
      '  enable_log_file_validation    = true',
      '}',
    ].join('\n'),
  },
  'CloudTrail.4': {
    target: 'trail',
    cloudformation: 'EnableLogFileValidation: true',
    terraform: 'enable_log_file_validation = true',
  },
  'CloudTrail.5': {
    target: 'trail',
    cloudformation: [
      '# TrailLogGroup: AWS::Logs::LogGroup; TrailLogsRole: a role CloudTrail can assume with',
      '# logs:CreateLogStream and logs:PutLogEvents on the group',
      'CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn',
      'CloudWatchLogsRoleArn: !GetAtt TrailLogsRole.Arn',
    ].join('\n'),
    terraform: [
      '# aws_cloudwatch_log_group.trail; aws_iam_role.trail_logs: a role CloudTrail can assume with',
      '# logs:CreateLogStream and logs:PutLogEvents on the group',
      'cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"',
      'cloud_watch_logs_role_arn  = aws_iam_role.trail_logs.arn',
    ].join('\n'),
  },
  'CloudTrail.6': {
    target: 'bucket',
    cloudformation: ['PublicAccessBlockConfiguration:', '  BlockPublicAcls: true', '  IgnorePublicAcls: true', '  BlockPublicPolicy: true', '  RestrictPublicBuckets: true'].join('\n'),
    terraform: [
      'resource "aws_s3_bucket_public_access_block" "trail" {',
      '  bucket                  = aws_s3_bucket.trail.id',
      '  block_public_acls       = true',
      '  ignore_public_acls      = true',
      '  block_public_policy     = true',
      '  restrict_public_buckets = true',
      '}',
    ].join('\n'),
  },
  'CloudTrail.7': {
    target: 'bucket',
    cloudformation: ['LoggingConfiguration:', '  DestinationBucketName: !Ref AccessLogBucket', '  LogFilePrefix: cloudtrail-bucket/'].join('\n'),
    terraform: [
      'resource "aws_s3_bucket_logging" "trail" {',
      '  bucket        = aws_s3_bucket.trail.id',
      '  target_bucket = aws_s3_bucket.access_logs.id',
      '  target_prefix = "cloudtrail-bucket/"',
      '}',
    ].join('\n'),
  },
  'CloudTrail.9': {
    target: 'trail',
    cloudformation: ['Tags:', '  - Key: owner', '    Value: security'].join('\n'),
    terraform: ['tags = {', '  owner = "security"', '}'].join('\n'),
  },
  'CTL.Logging': {
    target: 'trail',
    cloudformation: 'IsLogging: true',
    terraform: 'enable_logging = true',
  },
  'CTL.GlobalServiceEvents': {
    target: 'trail',
    cloudformation: 'IncludeGlobalServiceEvents: true',
    terraform: 'include_global_service_events = true',
  },
  'CTL.ManagementEvents': {
    target: 'trail',
    cloudformation: ['# Replaces the trail\'s selectors: keep any data event selectors you need', 'EventSelectors:', '  - ReadWriteType: All', '    IncludeManagementEvents: true'].join('\n'),
    terraform: ['# Replaces the trail\'s selectors: keep any data event selectors you need', 'event_selector {', '  read_write_type           = "All"', '  include_management_events = true', '}'].join('\n'),
  },
  'CTL.Insights': {
    target: 'trail',
    cloudformation: ['InsightSelectors:', '  - InsightType: ApiCallRateInsight', '  - InsightType: ApiErrorRateInsight'].join('\n'),
    terraform: ['insight_selector {', '  insight_type = "ApiCallRateInsight"', '}', '', 'insight_selector {', '  insight_type = "ApiErrorRateInsight"', '}'].join('\n'),
  },
  'CTL.RegionCoverage': {
    target: 'trail',
    cloudformation: 'IsMultiRegionTrail: true',
    terraform: 'is_multi_region_trail = true',
  },
};

/** "Copy fix as CloudFormation / Terraform" text for a rule, or undefined when none applies. */
export function fixSnippets(ruleId: RuleId): FixSnippets | undefined {
  const s = SNIPPETS[ruleId];
  return s ? { ruleId, ...s } : undefined;
}
