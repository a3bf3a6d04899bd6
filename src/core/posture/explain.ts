/**
 * Why each rule matters, in one or two sentences — for tooltips and reports. The long form, with
 * examples and fixes, is docs/rules.md (one section per rule id, anchor `ruleAnchor(id)`).
 */
import type { RuleId } from './model';

const WHY: Readonly<Record<RuleId, string>> = {
  'CloudTrail.1':
    'A single-Region trail does not see activity in other regions, where an intruder with stolen keys often works; read events show reconnaissance, write events show changes.',
  'CloudTrail.2': 'SSE-S3 lets anyone who can read the bucket read the logs; with a customer managed KMS key, reading also needs kms:Decrypt, and every decryption is logged.',
  'CloudTrail.3': 'Without a logging trail CloudTrail keeps only the 90-day event history: nothing is delivered for retention, investigation or alerting.',
  'CloudTrail.4': 'Signed hourly digest files prove whether a log file was changed or deleted after delivery (aws cloudtrail validate-logs).',
  'CloudTrail.5': 'Alarms and metric filters (root sign-in, IAM changes, CloudTrail stopped) need the events in CloudWatch Logs; a log group that stopped receiving events alarms on nothing.',
  'CloudTrail.6': 'CloudTrail logs map the whole account — identities, resources, IP addresses, errors; public logs hand that map to anyone.',
  'CloudTrail.7': 'Server access logs record who read, wrote or deleted log files: the trail of the trail.',
  'CloudTrail.9': 'Tags tell owners, environments and cost centres apart, and can drive access control.',
  'CTL.Logging': 'A stopped trail records and delivers nothing; StopLogging is a classic first move of an intruder covering their tracks.',
  'CTL.S3Delivery': 'A trail can be logging while every delivery fails (bucket deleted, bucket or key policy refusing CloudTrail): the events are then lost.',
  'CTL.GlobalServiceEvents': 'IAM, STS and CloudFront events are recorded only by trails that include global service events: without them user, key and role activity goes unrecorded.',
  'CTL.ManagementEvents': 'Read-only trails miss every change, write-only trails miss reconnaissance, and excluded sources (KMS, RDS Data API) miss decryption and database activity.',
  'CTL.DataEvents': 'Data events (S3 GetObject, Lambda Invoke…) show who read or changed data, but they are numerous and charged: recording them is a choice.',
  'CTL.Insights': 'Insights flags unusual API call volumes or error rates without writing detection rules; it is charged per event analysed.',
  'CTL.RegionCoverage': 'Activity in a region no logging trail covers is recorded nowhere but the 90-day event history.',
};

/** Why rule `id` matters (one or two sentences). */
export function ruleRationale(id: RuleId): string {
  return WHY[id];
}
