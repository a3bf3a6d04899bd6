/**
 * Snapshots for IaC definitions. A reader passes what the template says (each value `known`, with
 * a note when it comes from a parameter default, or `unknown` with the reason); every property the
 * template leaves out gets the AWS default of that format, noted as such:
 *
 * | property                   | CloudFormation        | Terraform            | CDK L2 `Trail`     |
 * |----------------------------|-----------------------|----------------------|--------------------|
 * | multi-Region               | false                 | false                | true               |
 * | log file validation        | false                 | false                | true               |
 * | global service events      | true                  | true                 | true               |
 * | logging                    | required (unknown)    | true (enable_logging)| true               |
 * | organization trail         | false                 | false                | false              |
 * | KMS key, CloudWatch Logs   | none                  | none                 | none               |
 * | event selectors            | all management events | all management events| all management events |
 * | Insights, tags             | none                  | none                 | none               |
 *
 * CloudFormation requires IsLogging; a template without it fails to deploy, so it stays unknown.
 */
import { DEFAULT_EVENT_SELECTORS, known, unknown, type Known, type SnapshotOrigin, type TrailSnapshot } from './model';

export type DefinitionOrigin = Exclude<SnapshotOrigin, 'api'>;

/** What a reader found; absent keys get the format's defaults. */
export type DefinitionValues = Partial<Omit<TrailSnapshot, 'origin' | 'name' | 'status' | 'bucket'>>;

const PROPERTY: Record<DefinitionOrigin, Record<'multi' | 'validation' | 'global' | 'logging', string>> = {
  cloudformation: { multi: 'IsMultiRegionTrail', validation: 'EnableLogFileValidation', global: 'IncludeGlobalServiceEvents', logging: 'IsLogging' },
  terraform: { multi: 'is_multi_region_trail', validation: 'enable_log_file_validation', global: 'include_global_service_events', logging: 'enable_logging' },
  cdk: { multi: 'isMultiRegionTrail', validation: 'enableFileValidation', global: 'includeGlobalServiceEvents', logging: '' },
};

function byDefault<T>(value: T, property: string): Known<T> {
  return known(value, `${property} not set: AWS default`);
}

/** The defaults of a format for every snapshot value (see the table above). */
export function definitionDefaults(origin: DefinitionOrigin): Required<Omit<DefinitionValues, 'arn' | 'homeRegion' | 'accountId' | 's3KeyPrefix' | 'snsTopic'>> {
  const p = PROPERTY[origin];
  const cdk = origin === 'cdk';
  return {
    isMultiRegion: byDefault(cdk, p.multi),
    isOrganization: known(false),
    logFileValidation: byDefault(cdk, p.validation),
    kmsKeyId: known(null),
    cloudWatchLogsLogGroupArn: known(null),
    cloudWatchLogsRoleArn: known(null),
    includeGlobalServiceEvents: byDefault(true, p.global),
    s3BucketName: cdk ? unknown('bucket created by the Trail construct') : unknown('S3 bucket name not set'),
    isLogging: origin === 'cloudformation' ? unknown('IsLogging is required but not set') : cdk ? known(true, 'the Trail construct always logs') : byDefault(true, p.logging),
    tags: known({}),
    eventSelectors: known(DEFAULT_EVENT_SELECTORS, 'no event selectors: all management events'),
    insightTypes: known([]),
  };
}

/** A snapshot of an IaC trail definition: the reader's values over the format's defaults. */
export function snapshotFromDefinition(origin: DefinitionOrigin, name: string, values: DefinitionValues = {}): TrailSnapshot {
  const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as DefinitionValues;
  return { ...definitionDefaults(origin), ...defined, origin, name };
}
