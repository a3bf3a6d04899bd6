/**
 * The identifier recogniser against real formats from the AWS documentation (each row cites its
 * page) and near-misses that must not match.
 */
import { strict as assert } from 'node:assert';
import { homeRegionOf, recognise, type Recognised } from '../../src/core/lookup/recognise';
import { arnOfNamed, isBucketName, resolveArnResource } from '../../src/core/lookup/resource-types';

interface Row {
  readonly text: string;
  readonly kind: Recognised['kind'];
  readonly value: string;
  readonly resourceType?: string;
  readonly region?: string;
  readonly account?: string;
  readonly service?: string;
  readonly attribute?: Recognised['attribute'];
  /** ResourceName values, in order. */
  readonly lookup?: readonly string[];
  readonly global?: boolean;
}

// Each group cites the documentation page the formats come from.
const DOCUMENTED: readonly Row[] = [
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html — prefix + 8 or 17 hex characters
  { text: 'i-1234567890abcdef0', kind: 'resource-id', value: 'i-1234567890abcdef0', resourceType: 'AWS::EC2::Instance', service: 'ec2', lookup: ['i-1234567890abcdef0'] },
  { text: 'i-1a2b3c4d', kind: 'resource-id', value: 'i-1a2b3c4d', resourceType: 'AWS::EC2::Instance' },
  { text: 'sg-0123456789abcdef0', kind: 'resource-id', value: 'sg-0123456789abcdef0', resourceType: 'AWS::EC2::SecurityGroup' },
  { text: 'sg-1a2b3c4d', kind: 'resource-id', value: 'sg-1a2b3c4d', resourceType: 'AWS::EC2::SecurityGroup' },
  { text: 'vpc-0a1b2c3d4e5f60718', kind: 'resource-id', value: 'vpc-0a1b2c3d4e5f60718', resourceType: 'AWS::EC2::VPC' },
  { text: 'subnet-0bb1c79de31234567', kind: 'resource-id', value: 'subnet-0bb1c79de31234567', resourceType: 'AWS::EC2::Subnet' },
  { text: 'ami-0abcdef1234567890', kind: 'resource-id', value: 'ami-0abcdef1234567890', resourceType: 'AWS::EC2::Ami' },
  { text: 'vol-049df61146c4d7901', kind: 'resource-id', value: 'vol-049df61146c4d7901', resourceType: 'AWS::EC2::Volume' },
  { text: 'eni-e5aa89a3', kind: 'resource-id', value: 'eni-e5aa89a3', resourceType: 'AWS::EC2::NetworkInterface' },
  { text: 'snap-1234567890abcdef0', kind: 'resource-id', value: 'snap-1234567890abcdef0', resourceType: 'AWS::EC2::Snapshot' },
  { text: 'igw-c0a643a9', kind: 'resource-id', value: 'igw-c0a643a9', resourceType: 'AWS::EC2::InternetGateway' },
  { text: 'tgw-attach-0b5a8a3b1c2d3e4f5', kind: 'resource-id', value: 'tgw-attach-0b5a8a3b1c2d3e4f5', resourceType: 'AWS::EC2::TransitGatewayAttachment' },

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
  { text: 'arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Jane', kind: 'arn', value: 'arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Jane', resourceType: 'AWS::IAM::User', account: '123456789012', service: 'iam', global: true, lookup: ['Jane', 'arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Jane'] },
  { text: 'arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access', kind: 'arn', value: 'arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access', resourceType: 'AWS::IAM::Role', lookup: ['S3Access', 'arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access'] },
  { text: 'arn:aws:iam::123456789012:group/Developers', kind: 'arn', value: 'arn:aws:iam::123456789012:group/Developers', resourceType: 'AWS::IAM::Group' },
  { text: 'arn:aws:iam::123456789012:policy/UsersManageOwnCredentials', kind: 'arn', value: 'arn:aws:iam::123456789012:policy/UsersManageOwnCredentials', resourceType: 'AWS::IAM::Policy', lookup: ['arn:aws:iam::123456789012:policy/UsersManageOwnCredentials', 'UsersManageOwnCredentials'] },
  { text: 'arn:aws:iam::aws:policy/AdministratorAccess', kind: 'arn', value: 'arn:aws:iam::aws:policy/AdministratorAccess', resourceType: 'AWS::IAM::Policy', account: undefined },
  { text: 'arn:aws:iam::123456789012:instance-profile/Webserver', kind: 'arn', value: 'arn:aws:iam::123456789012:instance-profile/Webserver', resourceType: 'AWS::IAM::InstanceProfile' },
  { text: 'arn:aws:sts::123456789012:assumed-role/Accounting-Role/Mary', kind: 'arn', value: 'arn:aws:sts::123456789012:assumed-role/Accounting-Role/Mary', attribute: 'Username', lookup: ['Mary'] },
  { text: 'arn:aws:sts::123456789012:federated-user/Bob', kind: 'arn', value: 'arn:aws:sts::123456789012:federated-user/Bob', attribute: 'Username', lookup: ['Bob'] },

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html — partitions
  { text: 'arn:aws-cn:iam::123456789012:role/deploy', kind: 'arn', value: 'arn:aws-cn:iam::123456789012:role/deploy', resourceType: 'AWS::IAM::Role' },
  { text: 'arn:aws-us-gov:s3:::gov-bucket', kind: 'arn', value: 'arn:aws-us-gov:s3:::gov-bucket', resourceType: 'AWS::S3::Bucket', lookup: ['gov-bucket'] },
  { text: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0e9801d129EXAMPLE', kind: 'arn', value: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0e9801d129EXAMPLE', resourceType: 'AWS::EC2::VPC', region: 'us-east-1', lookup: ['vpc-0e9801d129EXAMPLE'] },

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html, .../VirtualHosting.html
  { text: 'arn:aws:s3:::amzn-s3-demo-bucket', kind: 'arn', value: 'arn:aws:s3:::amzn-s3-demo-bucket', resourceType: 'AWS::S3::Bucket', service: 's3', lookup: ['amzn-s3-demo-bucket'] },
  { text: 'arn:aws:s3:::amzn-s3-demo-bucket/*', kind: 'arn', value: 'arn:aws:s3:::amzn-s3-demo-bucket/*', resourceType: 'AWS::S3::Bucket', lookup: ['amzn-s3-demo-bucket'] },
  { text: 's3://amzn-s3-demo-bucket/photos/puppy.jpg', kind: 'bucket', value: 'amzn-s3-demo-bucket', resourceType: 'AWS::S3::Bucket' },
  { text: 'https://amzn-s3-demo-bucket.s3.us-west-2.amazonaws.com/puppy.png', kind: 'bucket', value: 'amzn-s3-demo-bucket', region: 'us-west-2' },
  { text: 'https://s3.us-west-2.amazonaws.com/amzn-s3-demo-bucket/puppy.jpg', kind: 'bucket', value: 'amzn-s3-demo-bucket', region: 'us-west-2' },

  // https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id (key id, key ARN, alias name, alias ARN)
  { text: 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', kind: 'arn', value: 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', resourceType: 'AWS::KMS::Key', region: 'us-east-2', account: '111122223333', lookup: ['arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', '1234abcd-12ab-34cd-56ef-1234567890ab'] },
  { text: 'arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias', kind: 'arn', value: 'arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias', resourceType: 'AWS::KMS::Key', lookup: ['alias/ExampleAlias', 'arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias'] },
  { text: 'KmsKeyId: alias/ExampleAlias', kind: 'name', value: 'alias/ExampleAlias', resourceType: 'AWS::KMS::Key' },
  { text: 'KeyId: 1234abcd-12ab-34cd-56ef-1234567890ab', kind: 'resource-id', value: '1234abcd-12ab-34cd-56ef-1234567890ab', resourceType: 'AWS::KMS::Key' },
  // https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
  { text: 'mrk-1234abcd12ab34cd56ef1234567890ab', kind: 'resource-id', value: 'mrk-1234abcd12ab34cd56ef1234567890ab', resourceType: 'AWS::KMS::Key' },

  // https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html (function ARNs, qualified and unqualified)
  { text: 'arn:aws:lambda:us-west-2:123456789012:function:my-function', kind: 'arn', value: 'arn:aws:lambda:us-west-2:123456789012:function:my-function', resourceType: 'AWS::Lambda::Function', region: 'us-west-2', lookup: ['my-function', 'arn:aws:lambda:us-west-2:123456789012:function:my-function'] },
  { text: 'arn:aws:lambda:us-west-2:123456789012:function:my-function:1', kind: 'arn', value: 'arn:aws:lambda:us-west-2:123456789012:function:my-function:1', resourceType: 'AWS::Lambda::Function', lookup: ['my-function', 'arn:aws:lambda:us-west-2:123456789012:function:my-function'] },

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/arn-format.html (tables, streams)
  { text: 'arn:aws:dynamodb:us-west-2:123456789012:table/Books', kind: 'arn', value: 'arn:aws:dynamodb:us-west-2:123456789012:table/Books', resourceType: 'AWS::DynamoDB::Table', lookup: ['Books', 'arn:aws:dynamodb:us-west-2:123456789012:table/Books'] },
  { text: 'arn:aws:dynamodb:us-west-2:123456789012:table/Books/stream/2015-05-11T21:21:33.291', kind: 'arn', value: 'arn:aws:dynamodb:us-west-2:123456789012:table/Books/stream/2015-05-11T21:21:33.291', resourceType: 'AWS::DynamoDB::Table', lookup: ['Books', 'arn:aws:dynamodb:us-west-2:123456789012:table/Books'] },

  // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html ("The following is the format of a trail ARN")
  { text: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail', kind: 'arn', value: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail', resourceType: 'AWS::CloudTrail::Trail', region: 'us-east-2', lookup: ['arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail', 'MyTrail'] },

  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.ARN.Constructing.html
  { text: 'arn:aws:rds:us-east-2:123456789012:db:my-mysql-instance-1', kind: 'arn', value: 'arn:aws:rds:us-east-2:123456789012:db:my-mysql-instance-1', resourceType: 'AWS::RDS::DBInstance', lookup: ['my-mysql-instance-1', 'arn:aws:rds:us-east-2:123456789012:db:my-mysql-instance-1'] },
  { text: 'arn:aws:rds:us-east-2:123456789012:cluster:my-aurora-cluster-1', kind: 'arn', value: 'arn:aws:rds:us-east-2:123456789012:cluster:my-aurora-cluster-1', resourceType: 'AWS::RDS::DBCluster' },

  // https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html (SNS, SQS), https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
  { text: 'arn:aws:sns:us-east-2:123456789012:MyTopic', kind: 'arn', value: 'arn:aws:sns:us-east-2:123456789012:MyTopic', resourceType: 'AWS::SNS::Topic', lookup: ['arn:aws:sns:us-east-2:123456789012:MyTopic', 'MyTopic'] },
  { text: 'arn:aws:sqs:us-east-2:123456789012:MyQueue', kind: 'arn', value: 'arn:aws:sqs:us-east-2:123456789012:MyQueue', resourceType: 'AWS::SQS::Queue' },
  { text: 'https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue', kind: 'resource-id', value: 'https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue', resourceType: 'AWS::SQS::Queue', region: 'us-east-2', account: '123456789012', lookup: ['arn:aws:sqs:us-east-2:123456789012:MyQueue', 'MyQueue'] },

  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html (name + six random characters)
  { text: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3', kind: 'arn', value: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3', resourceType: 'AWS::SecretsManager::Secret', lookup: ['arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3', 'MyTestDatabaseSecret'] },

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes (AKIA, ASIA), https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
  { text: 'AKIAIOSFODNN7EXAMPLE', kind: 'access-key-id', value: 'AKIAIOSFODNN7EXAMPLE', attribute: 'AccessKeyId' },
  { text: 'ASIAIOSFODNN7EXAMPLE', kind: 'access-key-id', value: 'ASIAIOSFODNN7EXAMPLE', attribute: 'AccessKeyId' },

  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html (eventID)
  { text: '"eventID": "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",', kind: 'event-id', value: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c', attribute: 'EventId' },

  // Names in context: CloudFormation (YAML/JSON), Terraform, CDK
  { text: '      RoleName: deploy-role', kind: 'name', value: 'deploy-role', resourceType: 'AWS::IAM::Role', global: true },
  { text: '"TableName": "Books",', kind: 'name', value: 'Books', resourceType: 'AWS::DynamoDB::Table' },
  { text: '  function_name = "thumbnailer"', kind: 'name', value: 'thumbnailer', resourceType: 'AWS::Lambda::Function' },
  { text: "    bucketName: 'amzn-s3-demo-logs',", kind: 'bucket', value: 'amzn-s3-demo-logs', resourceType: 'AWS::S3::Bucket' },
  { text: '  S3BucketName: audit-bucket', kind: 'bucket', value: 'audit-bucket' },
  { text: 'TrailName: management-events', kind: 'name', value: 'management-events', resourceType: 'AWS::CloudTrail::Trail' },
  { text: '  DBInstanceIdentifier: orders-db', kind: 'name', value: 'orders-db', resourceType: 'AWS::RDS::DBInstance' },
];

function check(row: Row, found: Recognised | undefined): void {
  assert.ok(found, `"${row.text}" is recognised`);
  assert.equal(found.kind, row.kind, `kind of ${row.text}`);
  assert.equal(found.value, row.value, `value of ${row.text}`);
  if ('resourceType' in row) assert.equal(found.resourceType, row.resourceType, `resource type of ${row.text}`);
  if ('region' in row) assert.equal(found.region, row.region, `region of ${row.text}`);
  if ('account' in row) assert.equal(found.account, row.account, `account of ${row.text}`);
  if (row.service) assert.equal(found.service, row.service);
  if (row.attribute) assert.equal(found.attribute, row.attribute);
  if (row.lookup) assert.deepEqual(found.lookupValues, row.lookup, `lookup values of ${row.text}`);
  if (row.global !== undefined) assert.equal(found.global ?? false, row.global);
}

describe('lookup: recognise identifiers', () => {
  describe('documented formats', () => {
    for (const row of DOCUMENTED) {
      it(row.text.trim(), () => {
        const all = recognise(row.text);
        assert.equal(all.length, 1, `one identifier in "${row.text}": ${JSON.stringify(all.map((item) => item.value))}`);
        check(row, all[0]);
        assert.equal(row.text.slice(all[0].start, all[0].end).includes(row.value) || all[0].kind === 'bucket' || all[0].kind === 'event-id', true);
      });
    }
  });

  describe('near-misses that must not match', () => {
    const NEAR_MISSES: readonly [string, string][] = [
      ['sg-1234567', 'sg- with 7 hex digits'],
      ['sg-123456789', 'sg- with 9 hex digits'],
      ['sg-1234567890abcdef', 'sg- with 16 hex digits'],
      ['sg-1234567890abcdef01', 'sg- with 18 hex digits'],
      ['sg-ABCDEF12', 'upper-case hex'],
      ['sg-1234567G', 'not hex'],
      ['SG-12345678', 'upper-case prefix'],
      ['i-12345', 'i- too short'],
      ['xsg-12345678', 'part of a longer word'],
      ['sg-12345678_x', 'continues with an underscore'],
      ['sg-', 'prefix only'],
      ['arn:aws:', 'partial ARN'],
      ['arn:aws:iam::123456789012:', 'ARN without a resource'],
      ['arn:aws:iam:123456789012:role/x', 'ARN missing the region field'],
      ['arn:aws:iam::12345678901:role/x', 'account of 11 digits'],
      ['arn:aws:iam::${AWS::AccountId}:role/deploy', 'CloudFormation placeholder'],
      ['arn:aws:s3:::${BucketName}/*', 'placeholder bucket'],
      ['arn:aws:iam::123456789012:role/*', 'wildcard'],
      ['arn:aws:lambda:us-east-1x:123456789012:function:f', 'bad region'],
      ['arn:foo:iam::123456789012:role/x', 'unknown partition'],
      ['alice@example.com', 'e-mail address'],
      ['mail bob.smith@corp.example.org today', 'e-mail in a sentence'],
      ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'git SHA-1'],
      ['commit 3f786850e387550fdab836ed7e6dc881de23001b', 'git SHA in a sentence'],
      ['cdc73f9d-aea9-11e3-9d5a-835b769c0d9c', 'a bare UUID'],
      ['request 1234abcd-12ab-34cd-56ef-1234567890ab failed', 'a UUID without context'],
      ['123456789012', 'an account id'],
      ['AKIAIOSFODNN7EXAMPL', 'access key of 19 characters'],
      ['AKIAIOSFODNN7EXAMPLE1', 'access key of 21 characters'],
      ['AIDAJQABLZS4A3QDU576Q', 'an IAM user unique id (AIDA)'],
      ['akiaiosfodnn7example', 'lower-case access key'],
      ['s3://Not_A_Bucket/x', 'invalid bucket name'],
      ['s3://192.168.5.4/x', 'bucket formatted as an IP address'],
      ['RoleName: !Ref RoleNameParameter', 'CloudFormation reference'],
      ['role_name = var.role_name', 'Terraform reference'],
      ['  bucket = aws_s3_bucket.logs.id', 'Terraform attribute reference'],
      ['Description: the sg-group and i-node', 'words that start like ids'],
      ['mrk-1234abcd12ab34cd56ef1234567890a', 'mrk- with 31 hex digits'],
    ];
    for (const [text, why] of NEAR_MISSES) {
      it(`${why}: ${text}`, () => {
        assert.deepEqual(recognise(text), [], `nothing in "${text}"`);
      });
    }
  });

  describe('context', () => {
    it('reads UUIDs as event ids only after an event-id key, or when asked to', () => {
      assert.equal(recognise('EventId=cdc73f9d-aea9-11e3-9d5a-835b769c0d9c')[0]?.kind, 'event-id');
      assert.equal(recognise('event id: CDC73F9D-AEA9-11E3-9D5A-835B769C0D9C')[0]?.value, 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c');
      assert.equal(recognise('cdc73f9d-aea9-11e3-9d5a-835b769c0d9c', { uuidsAreEventIds: true })[0]?.kind, 'event-id');
      assert.equal(recognise('kms_key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"', { uuidsAreEventIds: true })[0]?.kind, 'resource-id');
    });

    it('knows Terraform name attributes from the enclosing resource block', () => {
      const hcl = [
        'resource "aws_iam_role" "deploy" {',
        '  name = "deploy-role"',
        '  assume_role_policy = jsonencode({ Version = "2012-10-17" })',
        '}',
        'resource "aws_s3_bucket" "logs" {',
        '  bucket = "audit-logs-111122223333"',
        '  tags = { name = "not-a-resource" }',
        '}',
        'locals {',
        '  name = "outside"',
        '}',
      ].join('\n');
      const found = recognise(hcl);
      assert.deepEqual(
        found.map((item) => [item.value, item.resourceType]),
        [
          ['deploy-role', 'AWS::IAM::Role'],
          ['audit-logs-111122223333', 'AWS::S3::Bucket'],
        ],
      );
      const offset = hcl.indexOf('deploy-role') + 3;
      assert.equal(recognise(hcl, { offset })[0]?.resourceType, 'AWS::IAM::Role');
      assert.deepEqual(recognise(hcl, { offset: hcl.indexOf('outside') + 2 }), []);
      const cluster = 'resource "aws_db_instance" "db" {\n  identifier = "orders"\n}';
      assert.equal(recognise(cluster)[0]?.resourceType, 'AWS::RDS::DBInstance');
    });

    it('reads unquoted values in YAML but not in code when told so', () => {
      assert.equal(recognise('bucketName: props.bucket')[0]?.value, 'props.bucket');
      assert.deepEqual(recognise('bucketName: props.bucket', { unquotedValues: false }), []);
      assert.equal(recognise("bucketName: 'logs-bucket',", { unquotedValues: false })[0]?.value, 'logs-bucket');
    });

    it('with an offset, returns only the identifier under it (the ARN, not the id inside it)', () => {
      const line = 'SecurityGroups: [sg-0123456789abcdef0, arn:aws:ec2:us-east-1:123456789012:security-group/sg-0fedcba9876543210]';
      assert.deepEqual(recognise(line, { offset: line.indexOf('sg-0123') + 5 }).map((item) => item.value), ['sg-0123456789abcdef0']);
      const arnAt = line.indexOf('sg-0fed') + 2;
      const underArn = recognise(line, { offset: arnAt });
      assert.equal(underArn.length, 1);
      assert.equal(underArn[0].kind, 'arn');
      assert.deepEqual(underArn[0].lookupValues, ['sg-0fedcba9876543210']);
      assert.deepEqual(recognise(line, { offset: 3 }), []);
      // The end of a token counts (the cursor right after it).
      assert.equal(recognise('x sg-0123456789abcdef0', { offset: 22 })[0]?.value, 'sg-0123456789abcdef0');
    });

    it('looks only at the line of the offset in a multi-line document (CRLF too)', () => {
      const text = 'a: sg-0123456789abcdef0\r\nb: i-1234567890abcdef0\r\n';
      const offset = text.indexOf('i-12');
      assert.deepEqual(recognise(text, { offset }).map((item) => item.value), ['i-1234567890abcdef0']);
      assert.deepEqual(recognise(text).map((item) => item.value), ['sg-0123456789abcdef0', 'i-1234567890abcdef0']);
    });

    it('an id inside a malformed ARN is still the id', () => {
      const found = recognise('arn:aws:ec2:us-east-1x:123456789012:instance/i-1234567890abcdef0');
      assert.deepEqual(found.map((item) => [item.kind, item.value]), [['resource-id', 'i-1234567890abcdef0']]);
    });

    it('trims sentence punctuation after an ARN and reports exact spans', () => {
      const text = 'See arn:aws:iam::123456789012:role/deploy.';
      const [found] = recognise(text);
      assert.equal(found.value, 'arn:aws:iam::123456789012:role/deploy');
      assert.equal(text.slice(found.start, found.end), found.value);
    });

    it('finds several identifiers in a selection, in order', () => {
      const text = '{"groupId":"sg-0123456789abcdef0","instanceId":"i-1234567890abcdef0","bucketName":"amzn-s3-demo-bucket"}';
      assert.deepEqual(recognise(text).map((item) => item.kind), ['resource-id', 'resource-id', 'bucket']);
    });
  });

  describe('helpers', () => {
    it('homeRegionOf: the ARN region, else us-east-1 (or the partition global region) for global services', () => {
      assert.equal(homeRegionOf(recognise('arn:aws:iam::123456789012:role/deploy')[0]), 'us-east-1');
      assert.equal(homeRegionOf(recognise('arn:aws-cn:iam::123456789012:role/deploy')[0]), 'cn-north-1');
      assert.equal(homeRegionOf(recognise('arn:aws-us-gov:iam::123456789012:role/deploy')[0]), 'us-gov-west-1');
      assert.equal(homeRegionOf(recognise('arn:aws:lambda:eu-west-1:123456789012:function:f')[0]), 'eu-west-1');
      assert.equal(homeRegionOf(recognise('sg-0123456789abcdef0')[0]), undefined);
    });

    it('isBucketName follows the S3 naming rules', () => {
      for (const good of ['amzn-s3-demo-bucket', 'docexamplebucket1', 'log-delivery-march-2020', 'my-hosted-content', 'a.b.c']) assert.ok(isBucketName(good), good);
      for (const bad of ['doc_example_bucket', 'DocExampleBucket', 'doc-example-bucket-', 'ab', 'a'.repeat(64), 'my..bucket', '192.168.5.4', 'xn--bucket', 'sthree-bucket', 'bucket-s3alias', 'bucket--ol-s3']) {
        assert.ok(!isBucketName(bad), bad);
      }
    });

    it('resolveArnResource keeps unknown services lookable by ARN and name', () => {
      const resolved = resolveArnResource('arn:aws:states:us-east-1:123456789012:stateMachine:orders', 'states', 'stateMachine:orders');
      assert.deepEqual(resolved?.lookupNames, ['arn:aws:states:us-east-1:123456789012:stateMachine:orders', 'orders']);
    });

    it('arnOfNamed builds ARNs only when the account (and region, for regional types) are known', () => {
      assert.equal(arnOfNamed('AWS::IAM::Role', 'deploy', { account: '111122223333' }), 'arn:aws:iam::111122223333:role/deploy');
      assert.equal(arnOfNamed('AWS::CloudTrail::Trail', 'main', { account: '111122223333', region: 'us-east-1' }), 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main');
      assert.equal(arnOfNamed('AWS::CloudTrail::Trail', 'main', { account: '111122223333' }), undefined);
      assert.equal(arnOfNamed('AWS::IAM::Role', 'deploy', {}), undefined);
      assert.equal(arnOfNamed('AWS::S3::Bucket', 'b', { account: '111122223333' }), undefined);
    });

    it('is fast on a large document (one line scanned per offset)', () => {
      const text = `${'Resources:\n  X:\n    Properties:\n      GroupId: sg-0123456789abcdef0\n'.repeat(20_000)}`;
      const started = Date.now();
      for (let i = 0; i < 1000; i++) recognise(text, { offset: text.length - 10 });
      assert.ok(Date.now() - started < 2000, `1000 hovers took ${Date.now() - started} ms`);
    });
  });
});
