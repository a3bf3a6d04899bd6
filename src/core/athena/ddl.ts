/**
 * The Athena table over a trail's S3 logs, with partition projection (no crawler, no
 * ALTER TABLE ADD PARTITION): the layout and DDL of the Athena documentation ("Create the table for
 * CloudTrail logs in Athena using partition projection"):
 *
 *  - one account, one region:  LOCATION s3://bucket/prefix/AWSLogs/<account>/CloudTrail/<region>/
 *    partitioned by the delivery date `timestamp` (projection type date, yyyy/MM/dd);
 *  - one account, several regions (a multi-region trail): `region` (enum) + `timestamp`;
 *  - an organization trail: s3://bucket/prefix/AWSLogs/<org-id>/, partitioned by `account` (enum),
 *    `region` (enum) and `timestamp`.
 *
 * Rows are read by the Hive JSON SerDe over CloudTrail's own input format (the documentation's
 * current choice; `serde: 'cloudtrail'` picks the older CloudTrail SerDe). Nothing here runs
 * anything: athenaSetupPlan returns the statements and what they create, for the user to confirm.
 */
// eslint-disable-next-line no-restricted-imports -- src/core/aws/regions is pure core data (the pattern is meant for src/aws)
import { AWS_REGIONS } from '../aws/regions';
import { CLOUDTRAIL_COLUMNS, hiveType } from './columns';

export interface TrailLocation {
  /** The trail's name (used for the default table name). */
  trailName: string;
  bucket: string;
  /** S3KeyPrefix, if any. */
  prefix?: string;
  /** The account whose logs to read (the trail's owner). */
  account: string;
  /** Organization trails deliver under AWSLogs/<org-id>/<account>/: give the organization id. */
  organizationId?: string;
  homeRegion?: string;
  multiRegion?: boolean;
}

export interface AthenaTableOptions {
  /** Default `cloudtrail_lens`. */
  database?: string;
  /** Default `cloudtrail_<trail name>` (lower case, `_` for anything else). */
  table?: string;
  /** Regions the table covers; default: every region for a multi-region or organization trail, else the home region. */
  regions?: readonly string[];
  /** Organization trails: the member accounts (default: the trail's account only). */
  accounts?: readonly string[];
  /** First day of the date projection, `YYYY/MM/DD` (default 2013/11/01: CloudTrail's launch). */
  startDate?: string;
  /** `json` (default): org.apache.hive.hcatalog.data.JsonSerDe; `cloudtrail`: com.amazon.emr.hive.serde.CloudTrailSerde. */
  serde?: 'json' | 'cloudtrail';
  /** A table over the Insights files (CloudTrail-Insight/) instead of the events. */
  insights?: boolean;
}

/** Partition column names of the tables made here (the documentation's names). */
export interface PartitionColumns {
  /** Delivery date, `YYYY/MM/DD`. */
  date: string;
  region?: string;
  account?: string;
}

/** Where a query goes: enough for sql.ts, also for a table the user made by hand. */
export interface CloudTrailTableRef {
  database: string;
  table: string;
  /** Glue catalog (default AwsDataCatalog). */
  catalog?: string;
  partitions: PartitionColumns;
  /** The region / account every row of the table has when it is not a partition. */
  fixedRegion?: string;
  fixedAccount?: string;
  /** Values of the enum partitions (to check a query's regions against). */
  regions?: readonly string[];
  accounts?: readonly string[];
  /** A table over Insights files. */
  insights?: boolean;
}

export interface CloudTrailTable extends CloudTrailTableRef {
  location: string;
  template: string;
  startDate: string;
  serde: 'json' | 'cloudtrail';
}

export const DEFAULT_DATABASE = 'cloudtrail_lens';
export const DEFAULT_START_DATE = '2013/11/01';

const IDENTIFIER = /^[a-z0-9_]{1,255}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Characters allowed in a key prefix that ends up in a DDL string: no quotes, backslashes, braces or control characters. */
const PREFIX = /^[A-Za-z0-9!_.*()=+@,;:& /-]*$/;
const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DATE = /^\d{4}\/\d{2}\/\d{2}$/;

/** A safe Athena identifier from any text: lower case, `_` for anything else, at most 255 characters. */
export function toIdentifier(text: string, prefix = ''): string {
  const body = `${prefix}${text}`.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return (body || 'cloudtrail').slice(0, 255);
}

export function assertIdentifier(value: string, what: string): string {
  if (!IDENTIFIER.test(value)) throw new Error(`${what} ${JSON.stringify(value.slice(0, 60))}: use lower-case letters, digits and _ (at most 255)`);
  return value;
}

function cleanPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (!PREFIX.test(trimmed) || trimmed.includes('${')) throw new Error(`S3 key prefix ${JSON.stringify(trimmed.slice(0, 80))}: unsupported characters (quotes, backslashes, braces and control characters are refused)`);
  return trimmed;
}

/** Describes the table for a trail (validated); no SQL yet. */
export function cloudTrailTable(trail: TrailLocation, options: AthenaTableOptions = {}): CloudTrailTable {
  if (!BUCKET.test(trail.bucket)) throw new Error(`S3 bucket ${JSON.stringify(trail.bucket.slice(0, 80))}: not a valid bucket name`);
  if (!ACCOUNT.test(trail.account)) throw new Error(`account ${JSON.stringify(trail.account.slice(0, 40))}: expected 12 digits`);
  if (trail.organizationId !== undefined && !ORG.test(trail.organizationId)) throw new Error(`organization id ${JSON.stringify(trail.organizationId.slice(0, 40))}: expected o-…`);
  const prefix = cleanPrefix(trail.prefix);
  const database = assertIdentifier(options.database ?? DEFAULT_DATABASE, 'database');
  const table = assertIdentifier(options.table ?? toIdentifier(trail.trailName, options.insights ? 'cloudtrail_insights_' : 'cloudtrail_'), 'table');
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  if (!DATE.test(startDate)) throw new Error(`startDate ${JSON.stringify(startDate)}: expected YYYY/MM/DD`);
  const organization = trail.organizationId !== undefined;
  const allRegions = AWS_REGIONS.map((region) => region.id);
  const regions = [...new Set(options.regions ?? (trail.multiRegion || organization ? allRegions : [trail.homeRegion ?? 'us-east-1']))];
  if (regions.length === 0) throw new Error('regions: at least one');
  for (const region of regions) if (!REGION.test(region)) throw new Error(`region ${JSON.stringify(region.slice(0, 40))}: not a region name`);
  const accounts = [...new Set(options.accounts ?? [trail.account])];
  if (accounts.length === 0) throw new Error('accounts: at least one');
  for (const account of accounts) if (!ACCOUNT.test(account)) throw new Error(`account ${JSON.stringify(account.slice(0, 40))}: expected 12 digits`);
  if (!organization && (accounts.length !== 1 || accounts[0] !== trail.account)) throw new Error('accounts: only organization trails cover several accounts (give organizationId)');

  const folder = options.insights ? 'CloudTrail-Insight' : 'CloudTrail';
  const base = `s3://${trail.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/`;
  const partitions: PartitionColumns = { date: 'timestamp' };
  let location: string;
  let template: string;
  const ref: Partial<CloudTrailTable> = {};
  if (organization) {
    partitions.account = 'account';
    partitions.region = 'region';
    location = `${base}${trail.organizationId}/`;
    template = `${location}\${account}/${folder}/\${region}/\${timestamp}`;
  } else if (regions.length > 1) {
    partitions.region = 'region';
    ref.fixedAccount = trail.account;
    location = `${base}${trail.account}/${folder}/`;
    template = `${location}\${region}/\${timestamp}`;
  } else {
    ref.fixedAccount = trail.account;
    ref.fixedRegion = regions[0];
    location = `${base}${trail.account}/${folder}/${regions[0]}/`;
    template = `${location}\${timestamp}`;
  }
  return { ...ref, database, table, partitions, regions, accounts, location, template, startDate, serde: options.serde ?? 'json', ...(options.insights && { insights: true }) };
}

/** `CREATE DATABASE IF NOT EXISTS`. */
export function createDatabaseDdl(database: string): string {
  return `CREATE DATABASE IF NOT EXISTS \`${assertIdentifier(database, 'database')}\``;
}

const SERDES = {
  json: 'org.apache.hive.hcatalog.data.JsonSerDe',
  cloudtrail: 'com.amazon.emr.hive.serde.CloudTrailSerde',
} as const;

function ddlString(value: string): string {
  // Validated above: no quotes or backslashes can be in here; double any quote all the same.
  return `'${value.replace(/'/g, "''")}'`;
}

/** `CREATE EXTERNAL TABLE IF NOT EXISTS` with partition projection. */
export function createTableDdl(table: CloudTrailTable): string {
  const columns = CLOUDTRAIL_COLUMNS.map((column) => `  ${column.name} ${hiveType(column)}`).join(',\n');
  const partitionList: string[] = [];
  const properties: Array<[string, string]> = [['projection.enabled', 'true']];
  if (table.partitions.account) {
    partitionList.push(`\`${table.partitions.account}\` string`);
    properties.push(['projection.account.type', 'enum'], ['projection.account.values', (table.accounts ?? []).join(',')]);
  }
  if (table.partitions.region) {
    partitionList.push(`\`${table.partitions.region}\` string`);
    properties.push(['projection.region.type', 'enum'], ['projection.region.values', (table.regions ?? []).join(',')]);
  }
  partitionList.push(`\`${table.partitions.date}\` string`);
  properties.push(
    ['projection.timestamp.type', 'date'],
    ['projection.timestamp.format', 'yyyy/MM/dd'],
    ['projection.timestamp.interval', '1'],
    ['projection.timestamp.interval.unit', 'DAYS'],
    ['projection.timestamp.range', `${table.startDate},NOW`],
    ['storage.location.template', table.template],
  );
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${assertIdentifier(table.database, 'database')}\`.\`${assertIdentifier(table.table, 'table')}\` (`,
    columns,
    ')',
    `PARTITIONED BY (${partitionList.join(', ')})`,
    `ROW FORMAT SERDE '${SERDES[table.serde]}'`,
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${ddlString(table.location)}`,
    'TBLPROPERTIES (',
    properties.map(([key, value]) => `  ${ddlString(key)}=${ddlString(value)}`).join(',\n'),
    ')',
  ].join('\n');
}

export interface SetupStatement {
  sql: string;
  /** One line for the confirmation dialog. */
  purpose: string;
}

export interface AthenaSetupPlan {
  table: CloudTrailTable;
  /** Run in order (each with StartQueryExecution); all are idempotent (IF NOT EXISTS). */
  statements: SetupStatement[];
  /** What will exist afterwards, for the confirmation: nothing is created in S3, no data is copied. */
  creates: Array<{ kind: 'database' | 'table'; name: string; detail: string }>;
  /** Facts the user should know before confirming. */
  notes: string[];
}

/**
 * What setting Athena up for a trail involves: the statements to run (after ONE confirmation) and
 * what they create. Pure; src/aws/athena.ts runs them.
 */
export function athenaSetupPlan(trail: TrailLocation, options: AthenaTableOptions = {}): AthenaSetupPlan {
  const table = cloudTrailTable(trail, options);
  const qualified = `${table.database}.${table.table}`;
  const partitions = [table.partitions.account, table.partitions.region, table.partitions.date].filter((name): name is string => name !== undefined);
  return {
    table,
    statements: [
      { sql: createDatabaseDdl(table.database), purpose: `Create the Glue database ${table.database} (if it does not exist).` },
      { sql: createTableDdl(table), purpose: `Create the table ${qualified} over ${table.location} (if it does not exist).` },
    ],
    creates: [
      { kind: 'database', name: table.database, detail: 'AWS Glue Data Catalog database (metadata only)' },
      {
        kind: 'table',
        name: qualified,
        detail: `external table over ${table.location}, partitions ${partitions.join(', ')} projected from ${table.startDate} to today${table.regions && table.partitions.region ? ` in ${table.regions.length} region(s)` : ''}${table.accounts && table.partitions.account ? ` for ${table.accounts.length} account(s)` : ''}`,
      },
    ],
    notes: [
      'Only metadata is created (in the AWS Glue Data Catalog): the logs stay where they are, nothing is copied or changed in S3.',
      'DDL statements are free; each query is billed by the data it scans ($5 per TB, 10 MB minimum). CloudTrail Lens always limits queries to the partitions of the time range.',
      'Queries need a result location (the workgroup\'s, or one you give) and s3:GetObject / s3:ListBucket on the log bucket.',
    ],
  };
}

/** The DescribeTrails fields a table needs (structurally the SDK's Trail). */
export interface DescribedTrail {
  Name?: string;
  TrailARN?: string;
  S3BucketName?: string;
  S3KeyPrefix?: string;
  HomeRegion?: string;
  IsMultiRegionTrail?: boolean;
  IsOrganizationTrail?: boolean;
}

/**
 * Where a trail's logs are, from DescribeTrails. An organization trail also needs the organization
 * id (DescribeTrails does not give it: AWS Organizations DescribeOrganization does, or the user).
 */
export function trailLocationOf(trail: DescribedTrail, options: { organizationId?: string; account?: string } = {}): TrailLocation {
  const account = options.account ?? /^arn:[^:]+:cloudtrail:[^:]*:(\d{12}):/.exec(trail.TrailARN ?? '')?.[1];
  if (!trail.S3BucketName) throw new Error(`The trail ${trail.Name ?? '?'} delivers to no S3 bucket.`);
  if (!account) throw new Error(`The account of the trail ${trail.Name ?? '?'} is unknown (no TrailARN).`);
  if (trail.IsOrganizationTrail && !options.organizationId) throw new Error(`${trail.Name ?? 'The trail'} is an organization trail: its logs are under AWSLogs/<organization id>/ — give the organization id (o-…).`);
  const location: TrailLocation = { trailName: trail.Name ?? 'trail', bucket: trail.S3BucketName, account, multiRegion: trail.IsMultiRegionTrail === true };
  if (trail.S3KeyPrefix) location.prefix = trail.S3KeyPrefix;
  if (trail.HomeRegion) location.homeRegion = trail.HomeRegion;
  if (trail.IsOrganizationTrail && options.organizationId) location.organizationId = options.organizationId;
  return location;
}
