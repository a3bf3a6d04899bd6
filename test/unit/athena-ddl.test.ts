/**
 * The CloudTrail table DDL with partition projection (AWS's documented layout and columns), the
 * setup plan shown before anything is created, result pages back to records, and the cost estimate.
 */
import { strict as assert } from 'node:assert';
import { MB, MINIMUM_BILLED_BYTES, TB, athenaQueryCost, formatBytes, formatUsd, isBilled } from '../../src/core/athena/cost';
import { athenaSetupPlan, cloudTrailTable, createTableDdl, toIdentifier, trailLocationOf } from '../../src/core/athena/ddl';
import { ResultReader, recordFromColumns } from '../../src/core/athena/results';

const TRAIL = { trailName: 'Management-Events', bucket: 'aws-cloudtrail-logs-111122223333-ead919ec', account: '111122223333', homeRegion: 'us-east-1' };

describe('athena: table DDL and setup plan', () => {
  it('one account and region: date projection under …/CloudTrail/<region>/', () => {
    const table = cloudTrailTable(TRAIL, { startDate: '2020/01/01' });
    assert.equal(table.table, 'cloudtrail_management_events');
    assert.equal(table.location, 's3://aws-cloudtrail-logs-111122223333-ead919ec/AWSLogs/111122223333/CloudTrail/us-east-1/');
    assert.equal(table.template, `${table.location}\${timestamp}`);
    assert.deepEqual(table.partitions, { date: 'timestamp' });
    const ddl = createTableDdl(table);
    assert.match(ddl, /^CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail_lens`\.`cloudtrail_management_events` \(/);
    assert.match(ddl, /useridentity STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING, accesskeyid: STRING, username: STRING, onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>, sessioncontext: STRUCT<attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>, sessionissuer: STRUCT</);
    assert.match(ddl, /resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>/);
    assert.match(ddl, /PARTITIONED BY \(`timestamp` string\)/);
    assert.match(ddl, /ROW FORMAT SERDE 'org\.apache\.hive\.hcatalog\.data\.JsonSerDe'\nSTORED AS INPUTFORMAT 'com\.amazon\.emr\.cloudtrail\.CloudTrailInputFormat'/);
    for (const property of ["'projection.enabled'='true'", "'projection.timestamp.type'='date'", "'projection.timestamp.format'='yyyy/MM/dd'", "'projection.timestamp.interval'='1'", "'projection.timestamp.interval.unit'='DAYS'", "'projection.timestamp.range'='2020/01/01,NOW'"]) assert.ok(ddl.includes(property), property);
    assert.ok(ddl.includes(`'storage.location.template'='s3://aws-cloudtrail-logs-111122223333-ead919ec/AWSLogs/111122223333/CloudTrail/us-east-1/\${timestamp}'`));
    assert.match(createTableDdl(cloudTrailTable(TRAIL, { serde: 'cloudtrail' })), /ROW FORMAT SERDE 'com\.amazon\.emr\.hive\.serde\.CloudTrailSerde'/);
  });

  it('multi-region and organization trails: region (and account) enum partitions', () => {
    const multi = cloudTrailTable({ ...TRAIL, prefix: '/logs/prod/', multiRegion: true }, { regions: ['us-east-1', 'eu-west-1'] });
    assert.equal(multi.location, 's3://aws-cloudtrail-logs-111122223333-ead919ec/logs/prod/AWSLogs/111122223333/CloudTrail/');
    assert.deepEqual(multi.partitions, { date: 'timestamp', region: 'region' });
    assert.match(createTableDdl(multi), /'projection\.region\.type'='enum',\n {2}'projection\.region\.values'='us-east-1,eu-west-1'/);
    const org = cloudTrailTable({ ...TRAIL, organizationId: 'o-a1b2c3d4e5' }, { accounts: ['111122223333', '444455556666'] });
    assert.equal(org.location, 's3://aws-cloudtrail-logs-111122223333-ead919ec/AWSLogs/o-a1b2c3d4e5/');
    assert.equal(org.template, 's3://aws-cloudtrail-logs-111122223333-ead919ec/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}');
    const ddl = createTableDdl(org);
    assert.match(ddl, /PARTITIONED BY \(`account` string, `region` string, `timestamp` string\)/);
    assert.match(ddl, /'projection\.account\.values'='111122223333,444455556666'/);
    assert.ok(org.regions && org.regions.length > 15);
    const insights = cloudTrailTable(TRAIL, { insights: true });
    assert.match(insights.location, /\/CloudTrail-Insight\/us-east-1\/$/);
    assert.equal(insights.table, 'cloudtrail_insights_management_events');
  });

  it('refuses anything that could break out of a DDL string', () => {
    assert.throws(() => cloudTrailTable({ ...TRAIL, prefix: "x'; DROP TABLE y; --" }), /unsupported characters/);
    assert.throws(() => cloudTrailTable({ ...TRAIL, prefix: 'a/${timestamp}' }), /unsupported characters/);
    assert.throws(() => cloudTrailTable({ ...TRAIL, prefix: 'a\\b' }), /unsupported characters/);
    assert.throws(() => cloudTrailTable({ ...TRAIL, bucket: 'Bad_Bucket' }), /not a valid bucket/);
    assert.throws(() => cloudTrailTable({ ...TRAIL, account: '12' }), /12 digits/);
    assert.throws(() => cloudTrailTable(TRAIL, { table: 'x"y' }), /lower-case letters/);
    assert.throws(() => cloudTrailTable(TRAIL, { regions: ["us-east-1'"] }), /not a region/);
    assert.throws(() => cloudTrailTable(TRAIL, { accounts: ['444455556666'] }), /only organization trails/);
    assert.equal(toIdentifier('Prod Trail (EU) ü', 'cloudtrail_'), 'cloudtrail_prod_trail_eu');
  });

  it('lists the statements and what they create, for one confirmation', () => {
    const plan = athenaSetupPlan({ ...TRAIL, multiRegion: true }, { database: 'security_logs' });
    assert.deepEqual(plan.statements.map((statement) => statement.sql.split('\n')[0]), ['CREATE DATABASE IF NOT EXISTS `security_logs`', 'CREATE EXTERNAL TABLE IF NOT EXISTS `security_logs`.`cloudtrail_management_events` (']);
    assert.deepEqual(plan.creates.map((item) => [item.kind, item.name]), [['database', 'security_logs'], ['table', 'security_logs.cloudtrail_management_events']]);
    assert.ok(plan.notes.some((note) => /nothing is copied/.test(note)));
  });

  it('finds a trail\'s location from DescribeTrails', () => {
    const location = trailLocationOf({ Name: 'org', TrailARN: 'arn:aws:cloudtrail:us-east-1:210987654321:trail/org', S3BucketName: 'b-logs', S3KeyPrefix: 'p', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true }, { organizationId: 'o-abcdefghij' });
    assert.deepEqual(location, { trailName: 'org', bucket: 'b-logs', account: '210987654321', multiRegion: true, prefix: 'p', homeRegion: 'us-east-1', organizationId: 'o-abcdefghij' });
    assert.throws(() => trailLocationOf({ Name: 'org', TrailARN: 'arn:aws:cloudtrail:us-east-1:210987654321:trail/org', S3BucketName: 'b', IsOrganizationTrail: true }), /organization id/);
  });
});

describe('athena: results and cost', () => {
  it('skips the header row of the first page only, maps columns back to the record', () => {
    const reader = new ResultReader();
    const columns = ['eventname', 'useridentity.sessioncontext.sessionissuer.username', 'readonly', 'requestparameters', 'resources.arn', 'resources.type', 'n'];
    const meta = { ColumnInfo: columns.map((name) => ({ Name: name, Label: name })) };
    const header = { Data: columns.map((name) => ({ VarCharValue: name })) };
    const row = { Data: [{ VarCharValue: 'AssumeRole' }, { VarCharValue: 'Admin' }, { VarCharValue: 'false' }, { VarCharValue: '{"roleArn":"arn:aws:iam::1:role/x"}' }, { VarCharValue: '["arn:a",null]' }, { VarCharValue: '["AWS::IAM::Role","AWS::X"]' }, {}] };
    const first = reader.read({ ResultSet: { ResultSetMetadata: meta, Rows: [header, row] } });
    assert.equal(first.length, 1);
    const item = first[0];
    assert.ok(item && 'record' in item);
    assert.deepEqual(item.record, { eventName: 'AssumeRole', userIdentity: { sessionContext: { sessionIssuer: { userName: 'Admin' } } }, readOnly: false, requestParameters: { roleArn: 'arn:aws:iam::1:role/x' }, resources: [{ ARN: 'arn:a', type: 'AWS::IAM::Role' }, { type: 'AWS::X' }] });
    assert.equal(item.row.eventName, 'AssumeRole');
    assert.deepEqual(item.row.resources, [{ type: 'AWS::IAM::Role', name: 'arn:a' }]);
    // A later page whose first row looks like the header is data.
    assert.equal(reader.read({ ResultSet: { Rows: [header] } }).length, 1);
    assert.deepEqual(recordFromColumns(new Map([['requestparameters', 'not json']])), { requestParameters: 'not json' });
  });

  it('estimates the charge: $5/TB, rounded up to the MB, 10 MB minimum; DDL and failures free', () => {
    assert.deepEqual(athenaQueryCost(0), { scannedBytes: 0, billedBytes: MINIMUM_BILLED_BYTES, usd: (10 * MB * 5) / TB });
    assert.equal(athenaQueryCost(10 * MB + 1).billedBytes, 11 * MB);
    assert.equal(athenaQueryCost(TB).usd, 5);
    assert.equal(athenaQueryCost(123, { billed: false }).usd, 0);
    assert.equal(isBilled('DDL', 'SUCCEEDED'), false);
    assert.equal(isBilled('DML', 'FAILED'), false);
    assert.equal(isBilled('DML', 'CANCELLED'), true);
    assert.equal(formatBytes(1536), '1.50 KB');
    assert.equal(formatUsd(athenaQueryCost(0).usd), '$0.000048');
    assert.equal(formatUsd(12.345), '$12.35');
  });
});
