/**
 * The rule registry and the trail-level rules. Each rule is a pure function of a snapshot (and
 * evaluation options) to one Finding. Rule ids are Security Hub control ids where AWS has a
 * control (CloudTrail.N) and `CTL.*` for CloudTrail Lens' own checks; docs/rules.md has one
 * section per id (anchor = id lowercased without dots: #cloudtrail4, #ctllogging).
 *
 * Contexts:
 * - 'live' runs every trail rule. Live-only facts that were not read (status, bucket, tags…)
 *   give `unknown` with the reason.
 * - 'iac' runs only the rules a template can answer (`RULES[id].iac`): CloudTrail.1, .2, .4, .5
 *   (configured, not delivery), CTL.Logging and CTL.GlobalServiceEvents.
 */
import {
  type EvaluationContext,
  type Finding,
  type FindingStatus,
  type Known,
  type RuleId,
  type Severity,
  type TrailSnapshot,
} from './model';
import { shellArg, trailCli } from './remediation';
import { dataEventTypes, managementCoverage } from './selectors';

// ---------------------------------------------------------------------------------------------
// Registry

export type RuleScope = 'trail' | 'account';

export interface RuleInfo {
  readonly id: RuleId;
  readonly title: string;
  readonly severity: Severity;
  /** Where the rule runs. CloudTrail.1 runs on both: the trail part and the account verdict. */
  readonly scopes: readonly RuleScope[];
  /** Run by the IaC checks. */
  readonly iac: boolean;
  /** Only answers with live facts (GetTrailStatus, the S3 bucket). */
  readonly liveOnly: boolean;
  /** Findings are 'info' and never count against the roll-up. */
  readonly informational: boolean;
  readonly securityHubControl?: string;
  readonly docsUrl: string;
  /** Anchor of the rule's section in docs/rules.md. */
  readonly docsAnchor: string;
}

const SH = 'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-';
const UG = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/';
const API = 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/';

/** docs/rules.md anchor of a rule id: lowercased, dots removed ("CloudTrail.4" → "cloudtrail4"). */
export function ruleAnchor(id: RuleId): string {
  return id.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function rule(id: RuleId, title: string, severity: Severity, more: Partial<Omit<RuleInfo, 'id' | 'title' | 'severity' | 'docsAnchor'>> & { docsUrl: string }): RuleInfo {
  return {
    id,
    title,
    severity,
    scopes: more.scopes ?? ['trail'],
    iac: more.iac ?? false,
    liveOnly: more.liveOnly ?? false,
    informational: more.informational ?? false,
    ...(more.securityHubControl ? { securityHubControl: more.securityHubControl } : {}),
    docsUrl: more.docsUrl,
    docsAnchor: ruleAnchor(id),
  };
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  'CloudTrail.1': rule('CloudTrail.1', 'Multi-Region trail with read and write management events', 'high', {
    scopes: ['trail', 'account'],
    iac: true,
    securityHubControl: 'CloudTrail.1',
    docsUrl: `${SH}1`,
  }),
  'CloudTrail.2': rule('CloudTrail.2', 'Log files encrypted with a KMS key', 'medium', { iac: true, securityHubControl: 'CloudTrail.2', docsUrl: `${SH}2` }),
  'CloudTrail.3': rule('CloudTrail.3', 'At least one trail is logging', 'high', { scopes: ['account'], securityHubControl: 'CloudTrail.3', docsUrl: `${SH}3` }),
  'CloudTrail.4': rule('CloudTrail.4', 'Log file validation enabled', 'low', { iac: true, securityHubControl: 'CloudTrail.4', docsUrl: `${SH}4` }),
  'CloudTrail.5': rule('CloudTrail.5', 'Integrated with CloudWatch Logs', 'low', { iac: true, securityHubControl: 'CloudTrail.5', docsUrl: `${SH}5` }),
  'CloudTrail.6': rule('CloudTrail.6', 'Log bucket not publicly accessible', 'critical', { liveOnly: true, securityHubControl: 'CloudTrail.6', docsUrl: `${SH}6` }),
  'CloudTrail.7': rule('CloudTrail.7', 'Log bucket access logging enabled', 'low', { liveOnly: true, securityHubControl: 'CloudTrail.7', docsUrl: `${SH}7` }),
  'CloudTrail.9': rule('CloudTrail.9', 'Trail is tagged', 'low', { securityHubControl: 'CloudTrail.9', docsUrl: `${SH}9` }),
  'CTL.Logging': rule('CTL.Logging', 'Trail is logging', 'high', { iac: true, docsUrl: `${API}API_StartLogging.html` }),
  'CTL.S3Delivery': rule('CTL.S3Delivery', 'Log delivery to S3 succeeds', 'high', { liveOnly: true, docsUrl: `${API}API_GetTrailStatus.html` }),
  'CTL.GlobalServiceEvents': rule('CTL.GlobalServiceEvents', 'Global service events included', 'medium', {
    iac: true,
    docsUrl: `${UG}cloudtrail-concepts.html#cloudtrail-concepts-global-service-events`,
  }),
  'CTL.ManagementEvents': rule('CTL.ManagementEvents', 'All management events recorded', 'medium', { docsUrl: `${UG}logging-management-events-with-cloudtrail.html` }),
  'CTL.DataEvents': rule('CTL.DataEvents', 'Data events', 'informational', { informational: true, docsUrl: `${UG}logging-data-events-with-cloudtrail.html` }),
  'CTL.Insights': rule('CTL.Insights', 'CloudTrail Insights', 'informational', { informational: true, docsUrl: `${UG}logging-insights-events-with-cloudtrail.html` }),
  'CTL.RegionCoverage': rule('CTL.RegionCoverage', 'Every enabled region is covered by a logging trail', 'high', {
    scopes: ['account'],
    docsUrl: `${UG}cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-create-trail.html`,
  }),
};

/** Trail-level rules in display order. */
export const TRAIL_RULE_IDS: readonly RuleId[] = [
  'CTL.Logging',
  'CloudTrail.1',
  'CTL.ManagementEvents',
  'CloudTrail.4',
  'CloudTrail.2',
  'CloudTrail.5',
  'CTL.S3Delivery',
  'CTL.GlobalServiceEvents',
  'CloudTrail.6',
  'CloudTrail.7',
  'CloudTrail.9',
  'CTL.DataEvents',
  'CTL.Insights',
];

/** Account-level rules in display order (CTL.RegionCoverage only when enabled regions are given). */
export const ACCOUNT_RULE_IDS: readonly RuleId[] = ['CloudTrail.1', 'CloudTrail.3', 'CTL.RegionCoverage'];

/** The rules the IaC checks run. */
export const IAC_RULE_IDS: readonly RuleId[] = TRAIL_RULE_IDS.filter((id) => RULES[id].iac);

// ---------------------------------------------------------------------------------------------
// Finding construction

export interface TrailEvaluationOptions {
  readonly context: EvaluationContext;
  /** "Now" for the CloudWatch Logs 24-hour delivery check (default: the current time). */
  readonly now?: Date;
  /** CloudTrail.9's requiredTagKeys parameter; without it any non-system tag passes. */
  readonly requiredTagKeys?: readonly string[];
}

export function makeFinding(id: RuleId, status: FindingStatus, reason: string, fix: string, trail?: Pick<TrailSnapshot, 'name' | 'arn'>): Finding {
  const info = RULES[id];
  const f: { -readonly [K in keyof Finding]: Finding[K] } = {
    ruleId: id,
    title: info.title,
    status: info.informational && status !== 'unknown' ? 'info' : status,
    severity: info.severity,
    reason,
    fix,
    docsUrl: info.docsUrl,
  };
  if (info.securityHubControl) f.securityHubControl = info.securityHubControl;
  if (trail) {
    f.trailName = trail.name;
    if (trail.arn) f.trailArn = trail.arn;
  }
  return f;
}

/** " (note)" for a known value with a note, "" otherwise. */
function noted(k: Known<unknown>): string {
  return k.known && k.note ? ` (${k.note})` : '';
}

function unknownReason(what: string, k: Known<unknown>): string {
  return k.known ? '' : `${what} is not known: ${k.reason}.`;
}

function fmtDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ago(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'}`;
  const d = Math.floor(h / 24);
  return `${d} days`;
}

/** Fix text: the CLI command for live trails, the template property for IaC definitions. */
function fixText(s: TrailSnapshot, sentence: string, cli: string | undefined, iac: { cfn: string; tf: string; cdk?: string } | undefined): string {
  if (s.origin === 'api' || !iac) return cli ? `${sentence} \`${cli}\`` : sentence;
  const code = (t: string): string => (t.includes('`') ? t : `\`${t}\``);
  const prop =
    s.origin === 'cloudformation'
      ? `${code(iac.cfn)} on the AWS::CloudTrail::Trail resource`
      : s.origin === 'terraform'
        ? `${code(iac.tf)} in the aws_cloudtrail resource`
        : iac.cdk
          ? `${code(iac.cdk)} in the Trail props`
          : `${code(iac.cfn)} on the trail`;
  return `${sentence} Set ${prop}.`;
}

// ---------------------------------------------------------------------------------------------
// Trail rules

type TrailRule = (s: TrailSnapshot, o: TrailEvaluationOptions) => Finding;

const logging: TrailRule = (s) => {
  const id = 'CTL.Logging';
  const fix = fixText(s, 'Start logging so the trail records and delivers events.', trailCli('start-logging', s), { cfn: 'IsLogging: true', tf: 'enable_logging = true' });
  const k = s.isLogging;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('Whether the trail is logging', k), fix, s);
  if (k.value) {
    const since = s.status?.startLoggingTime ? ` since ${fmtDate(s.status.startLoggingTime)}` : '';
    return makeFinding(id, 'pass', `The trail is logging${since}${noted(k)}.`, fix, s);
  }
  const stopped = s.status?.stopLoggingTime ? ` (stopped ${fmtDate(s.status.stopLoggingTime)})` : '';
  const what = s.origin === 'api' ? `The trail is not logging${stopped}: it records and delivers nothing` : `The trail is defined with logging off${noted(k)}: it will record nothing`;
  return makeFinding(id, 'fail', `${what}.`, fix, s);
};

const multiRegion: TrailRule = (s) => {
  const id = 'CloudTrail.1';
  const fix = fixText(
    s,
    'Make the trail multi-Region and record read and write management events with no excluded sources.',
    trailCli('update-trail', s, '--is-multi-region-trail --include-global-service-events'),
    { cfn: 'IsMultiRegionTrail: true', tf: 'is_multi_region_trail = true', cdk: 'isMultiRegionTrail: true' },
  );
  const mr = s.isMultiRegion;
  if (!mr.known) return makeFinding(id, 'unknown', unknownReason('Whether the trail is multi-Region', mr), fix, s);
  if (!mr.value) {
    const where = s.homeRegion ? ` (${s.homeRegion})` : '';
    return makeFinding(id, 'fail', `The trail records only its home region${where}${noted(mr)}; CloudTrail.1 needs a multi-Region trail.`, fix, s);
  }
  const sel = s.eventSelectors;
  if (!sel.known) return makeFinding(id, 'unknown', `The trail is multi-Region, but what its event selectors record is not known: ${sel.reason}.`, fix, s);
  const cov = managementCoverage(sel.value);
  if (cov.complete) return makeFinding(id, 'pass', `The trail is multi-Region${noted(mr)} and records read and write management events.`, fix, s);
  const selectorFix = 'Record read and write management events with no excluded sources.';
  const cli = trailCli('put-event-selectors', s, `--event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, '--trail-name');
  return makeFinding(id, 'fail', `The trail is multi-Region but records ${cov.description}; CloudTrail.1 needs read and write management events with no excluded sources.`, fixText(s, selectorFix, cli, { cfn: 'EventSelectors: [{ReadWriteType: All, IncludeManagementEvents: true}]', tf: 'event_selector { read_write_type = "All", include_management_events = true }' }), s);
};

const managementEvents: TrailRule = (s) => {
  const id = 'CTL.ManagementEvents';
  const cli = trailCli('put-event-selectors', s, `--event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, '--trail-name');
  const fix = fixText(s, 'Record read and write management events for all event sources (this replaces the selectors: keep the data event selectors you need).', cli, {
    cfn: 'EventSelectors: [{ReadWriteType: All, IncludeManagementEvents: true}]',
    tf: 'event_selector { read_write_type = "All", include_management_events = true }',
  });
  const sel = s.eventSelectors;
  if (!sel.known) return makeFinding(id, 'unknown', unknownReason('What the event selectors record', sel), fix, s);
  const cov = managementCoverage(sel.value);
  if (cov.complete) return makeFinding(id, 'pass', `The trail records read and write management events from every source${noted(sel)}.`, fix, s);
  return makeFinding(id, 'fail', `The trail records ${cov.description}${noted(sel)}.`, fix, s);
};

const logFileValidation: TrailRule = (s) => {
  const id = 'CloudTrail.4';
  const fix = fixText(s, 'Enable log file validation so CloudTrail writes signed digest files.', trailCli('update-trail', s, '--enable-log-file-validation'), {
    cfn: 'EnableLogFileValidation: true',
    tf: 'enable_log_file_validation = true',
    cdk: 'enableFileValidation: true',
  });
  const k = s.logFileValidation;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('Log file validation', k), fix, s);
  return k.value
    ? makeFinding(id, 'pass', `Log file validation is enabled${noted(k)}.`, fix, s)
    : makeFinding(id, 'fail', `Log file validation is disabled${noted(k)}: changed or deleted log files cannot be detected.`, fix, s);
};

const kms: TrailRule = (s) => {
  const id = 'CloudTrail.2';
  const fix = fixText(s, 'Encrypt log files with a customer managed KMS key whose key policy allows CloudTrail to use it.', trailCli('update-trail', s, '--kms-key-id <key-arn>'), {
    cfn: 'KMSKeyId: <key-arn>',
    tf: 'kms_key_id = <key-arn>',
    cdk: 'encryptionKey: <key>',
  });
  const k = s.kmsKeyId;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('The KMS key', k), fix, s);
  return k.value !== null
    ? makeFinding(id, 'pass', `Log files are encrypted with KMS key ${k.value}${noted(k)}.`, fix, s)
    : makeFinding(id, 'fail', `No KMS key is set${noted(k)}: log files get only the default SSE-S3 encryption.`, fix, s);
};

const DAY_MS = 24 * 3_600_000;

const cloudWatch: TrailRule = (s, o) => {
  const id = 'CloudTrail.5';
  const fix = fixText(
    s,
    'Send the trail to a CloudWatch Logs log group through a role CloudTrail can assume (logs:CreateLogStream, logs:PutLogEvents).',
    trailCli('update-trail', s, '--cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>'),
    { cfn: '`CloudWatchLogsLogGroupArn` and `CloudWatchLogsRoleArn`', tf: '`cloud_watch_logs_group_arn` and `cloud_watch_logs_role_arn`', cdk: 'sendToCloudWatchLogs: true' },
  );
  const g = s.cloudWatchLogsLogGroupArn;
  if (!g.known) return makeFinding(id, 'unknown', unknownReason('The CloudWatch Logs log group', g), fix, s);
  if (g.value === null) return makeFinding(id, 'fail', `The trail is not integrated with CloudWatch Logs${noted(g)}: no log group is set.`, fix, s);
  if (o.context === 'iac') return makeFinding(id, 'pass', `The trail sends events to CloudWatch Logs${noted(g)}.`, fix, s);
  const st = s.status;
  if (!st) return makeFinding(id, 'unknown', `A log group is set, but the trail status was not read, so delivery in the last 24 hours could not be checked.`, fix, s);
  if (st.latestCloudWatchLogsDeliveryError) return makeFinding(id, 'fail', `Delivery to CloudWatch Logs fails: ${st.latestCloudWatchLogsDeliveryError}.`, fix, s);
  const t = st.latestCloudWatchLogsDeliveryTime;
  if (!t) return makeFinding(id, 'fail', 'A log group is set, but CloudTrail reports no delivery to CloudWatch Logs.', fix, s);
  const age = (o.now ?? new Date()).getTime() - t.getTime();
  if (age > DAY_MS) return makeFinding(id, 'fail', `A log group is set, but the last delivery to CloudWatch Logs was ${ago(age)} ago (${fmtDate(t)}).`, fix, s);
  return makeFinding(id, 'pass', `Events reach CloudWatch Logs; last delivered ${fmtDate(t)}.`, fix, s);
};

const s3Delivery: TrailRule = (s) => {
  const id = 'CTL.S3Delivery';
  const bucket = s.s3BucketName.known && s.s3BucketName.value ? s.s3BucketName.value : 'the bucket';
  const fix = `Make sure the bucket policy of ${bucket} lets cloudtrail.amazonaws.com write (s3:GetBucketAcl, s3:PutObject), that the bucket exists, and that a KMS key policy allows CloudTrail; then confirm with \`${trailCli('get-trail-status', s)}\``;
  const st = s.status;
  if (!st) return makeFinding(id, 'unknown', 'The trail status was not read, so delivery errors could not be checked.', fix, s);
  if (st.latestDeliveryError) return makeFinding(id, 'fail', `Log delivery to ${bucket} fails: ${st.latestDeliveryError}.`, fix, s);
  if (st.latestDigestDeliveryError) return makeFinding(id, 'fail', `Digest file delivery to ${bucket} fails: ${st.latestDigestDeliveryError}.`, fix, s);
  const last = st.latestDeliveryTime ? `; last delivery ${fmtDate(st.latestDeliveryTime)}` : '';
  return makeFinding(id, 'pass', `CloudTrail reports no delivery errors${last}.`, fix, s);
};

const globalServiceEvents: TrailRule = (s) => {
  const id = 'CTL.GlobalServiceEvents';
  const fix = fixText(s, 'Include global service events (IAM, STS, CloudFront) in the trail.', trailCli('update-trail', s, '--include-global-service-events'), {
    cfn: 'IncludeGlobalServiceEvents: true',
    tf: 'include_global_service_events = true',
    cdk: 'includeGlobalServiceEvents: true',
  });
  const k = s.includeGlobalServiceEvents;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('Whether global service events are included', k), fix, s);
  return k.value
    ? makeFinding(id, 'pass', `Global service events (IAM, STS, CloudFront) are included${noted(k)}.`, fix, s)
    : makeFinding(id, 'fail', `Global service events are excluded${noted(k)}: IAM, STS and CloudFront activity is not recorded by this trail.`, fix, s);
};

const bucketPublic: TrailRule = (s) => {
  const id = 'CloudTrail.6';
  const bucket = s.s3BucketName.known && s.s3BucketName.value ? s.s3BucketName.value : '<bucket>';
  const fix = `Turn on all four S3 Block Public Access settings for the log bucket and remove public grants from its policy and ACL: \`aws s3api put-public-access-block --bucket ${shellArg(bucket)} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\``;
  if (!s.bucket) return makeFinding(id, 'unknown', `The log bucket ${bucket} was not checked.`, fix, s);
  const k = s.bucket.publiclyAccessible;
  if (!k.known) return makeFinding(id, 'unknown', `Whether the log bucket ${bucket} is public is not known: ${k.reason}.`, fix, s);
  return k.value
    ? makeFinding(id, 'fail', `The log bucket ${bucket} is publicly accessible${noted(k)}.`, fix, s)
    : makeFinding(id, 'pass', `The log bucket ${bucket} is not publicly accessible${noted(k)}.`, fix, s);
};

const bucketLogging: TrailRule = (s) => {
  const id = 'CloudTrail.7';
  const bucket = s.s3BucketName.known && s.s3BucketName.value ? s.s3BucketName.value : '<bucket>';
  const fix = `Enable server access logging on the log bucket, into a separate bucket: \`aws s3api put-bucket-logging --bucket ${shellArg(bucket)} --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"${bucket}/"}}'\``;
  if (!s.bucket) return makeFinding(id, 'unknown', `The log bucket ${bucket} was not checked.`, fix, s);
  const k = s.bucket.accessLogging;
  if (!k.known) return makeFinding(id, 'unknown', `Whether the log bucket ${bucket} has access logging is not known: ${k.reason}.`, fix, s);
  return k.value
    ? makeFinding(id, 'pass', `Server access logging is enabled on the log bucket ${bucket}${noted(k)}.`, fix, s)
    : makeFinding(id, 'fail', `Server access logging is off on the log bucket ${bucket}${noted(k)}: reads of the logs leave no record.`, fix, s);
};

const tagged: TrailRule = (s, o) => {
  const id = 'CloudTrail.9';
  const required = o.requiredTagKeys ?? [];
  const tagsArg = (required.length > 0 ? required : ['owner']).map((k) => `Key=${k},Value=<value>`).join(' ');
  const fix = `Tag the trail (tags can only be added in its home region): \`aws cloudtrail add-tags --resource-id ${shellArg(s.arn ?? s.name)} --tags-list ${tagsArg}${s.homeRegion ? ` --region ${s.homeRegion}` : ''}\``;
  const k = s.tags;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('The trail tags', k), fix, s);
  // System tags (aws:…) do not count, as in Security Hub's tagging controls.
  const keys = Object.keys(k.value).filter((key) => !key.toLowerCase().startsWith('aws:'));
  if (required.length > 0) {
    const missing = required.filter((r) => !keys.includes(r));
    return missing.length === 0
      ? makeFinding(id, 'pass', `The trail has the required tag keys ${required.join(', ')}.`, fix, s)
      : makeFinding(id, 'fail', `The trail lacks the required tag key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`, fix, s);
  }
  return keys.length > 0
    ? makeFinding(id, 'pass', `The trail has ${keys.length} tag${keys.length === 1 ? '' : 's'} (${keys.join(', ')}).`, fix, s)
    : makeFinding(id, 'fail', 'The trail has no tags.', fix, s);
};

const dataEvents: TrailRule = (s) => {
  const id = 'CTL.DataEvents';
  const fix = `Add data event selectors for the resources whose object-level activity you need (data events are charged): \`${trailCli('put-event-selectors', s, `--advanced-event-selectors '[{"Name":"Management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},{"Name":"S3 data events","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]'`, '--trail-name')}\``;
  const sel = s.eventSelectors;
  if (!sel.known) return makeFinding(id, 'unknown', unknownReason('What the event selectors record', sel), fix, s);
  const types = dataEventTypes(sel.value);
  return types.length > 0
    ? makeFinding(id, 'info', `The trail records data events for ${types.join(', ')}.`, fix, s)
    : makeFinding(id, 'info', 'The trail records no data events (object-level activity such as S3 GetObject or Lambda Invoke is not logged).', fix, s);
};

const insights: TrailRule = (s) => {
  const id = 'CTL.Insights';
  const fix = `Enable CloudTrail Insights to be told about unusual API call or error rates (Insights events are charged): \`${trailCli('put-insight-selectors', s, `--insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'`, '--trail-name')}\``;
  const k = s.insightTypes;
  if (!k.known) return makeFinding(id, 'unknown', unknownReason('The Insights selectors', k), fix, s);
  return k.value.length > 0
    ? makeFinding(id, 'info', `CloudTrail Insights is enabled (${k.value.join(', ')}).`, fix, s)
    : makeFinding(id, 'info', 'CloudTrail Insights is not enabled.', fix, s);
};

const TRAIL_RULES: Partial<Record<RuleId, TrailRule>> = {
  'CTL.Logging': logging,
  'CloudTrail.1': multiRegion,
  'CTL.ManagementEvents': managementEvents,
  'CloudTrail.4': logFileValidation,
  'CloudTrail.2': kms,
  'CloudTrail.5': cloudWatch,
  'CTL.S3Delivery': s3Delivery,
  'CTL.GlobalServiceEvents': globalServiceEvents,
  'CloudTrail.6': bucketPublic,
  'CloudTrail.7': bucketLogging,
  'CloudTrail.9': tagged,
  'CTL.DataEvents': dataEvents,
  'CTL.Insights': insights,
};

/** Evaluate one trail-level rule. Throws for account-level-only ids (CloudTrail.3, CTL.RegionCoverage). */
export function evaluateRule(id: RuleId, snapshot: TrailSnapshot, options: TrailEvaluationOptions): Finding {
  const fn = TRAIL_RULES[id];
  if (!fn) throw new Error(`${id} is not a trail-level rule`);
  return fn(snapshot, options);
}

/**
 * All trail-level findings for one trail, in display order: every trail rule in the 'live'
 * context, the IaC subset in the 'iac' context.
 */
export function evaluateTrail(snapshot: TrailSnapshot, options: TrailEvaluationOptions): Finding[] {
  const ids = options.context === 'iac' ? IAC_RULE_IDS : TRAIL_RULE_IDS;
  return ids.map((id) => evaluateRule(id, snapshot, options));
}

// ---------------------------------------------------------------------------------------------
// Roll-up

export interface PostureSummary {
  /** pass findings. */
  readonly passed: number;
  readonly failed: number;
  readonly unknown: number;
  /** informational findings (not counted in total). */
  readonly info: number;
  /** pass + fail + unknown: everything that counts. */
  readonly total: number;
  /** Highest severity among failed findings, if any failed. */
  readonly worstFailure?: Severity;
}

const SEVERITY_ORDER: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Compare severities: positive when a is more severe than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b);
}

/** "5 of 8 passed" roll-up; informational findings never count against. */
export function summarize(findings: readonly Finding[]): PostureSummary {
  let passed = 0;
  let failed = 0;
  let unknownCount = 0;
  let info = 0;
  let worst: Severity | undefined;
  for (const f of findings) {
    if (f.status === 'info' || (RULES[f.ruleId].informational && f.status === 'unknown')) info++;
    else if (f.status === 'pass') passed++;
    else if (f.status === 'unknown') unknownCount++;
    else {
      failed++;
      if (worst === undefined || compareSeverity(f.severity, worst) > 0) worst = f.severity;
    }
  }
  const summary = { passed, failed, unknown: unknownCount, info, total: passed + failed + unknownCount };
  return worst === undefined ? summary : { ...summary, worstFailure: worst };
}
