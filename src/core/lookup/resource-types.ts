/**
 * What a resource identifier says about the resource: its CloudTrail resource type (the
 * `ResourceType` of LookupEvents' `Resources`, the AWS Config names such as
 * `AWS::EC2::SecurityGroup`), its service, whether the service is global (events in us-east-1),
 * and which names event history is likely to list it under.
 *
 * Sources (formats):
 *  - ARN syntax: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and
 *    https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html
 *  - EC2 ids: prefix + 8 or 17 hex characters,
 *    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
 *  - Resource names in event history: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Resource.html
 *    ("i-1234567" for an EC2 instance: EC2 resources are listed by id, not by ARN).
 *  - Global services log to us-east-1:
 *    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
 */

/** EC2 (and VPC) id prefixes → resource type. Longer prefixes first where one extends another. */
export const EC2_ID_PREFIXES: ReadonlyArray<readonly [prefix: string, resourceType: string, label: string]> = [
  ['tgw-attach', 'AWS::EC2::TransitGatewayAttachment', 'transit gateway attachment'],
  ['eipalloc', 'AWS::EC2::EIP', 'Elastic IP'],
  ['eipassoc', 'AWS::EC2::EIPAssociation', 'Elastic IP association'],
  ['subnet', 'AWS::EC2::Subnet', 'subnet'],
  ['snap', 'AWS::EC2::Snapshot', 'EBS snapshot'],
  ['vpce', 'AWS::EC2::VPCEndpoint', 'VPC endpoint'],
  ['dopt', 'AWS::EC2::DHCPOptions', 'DHCP options'],
  ['sgr', 'AWS::EC2::SecurityGroupRule', 'security group rule'],
  ['ami', 'AWS::EC2::Ami', 'AMI'],
  ['vol', 'AWS::EC2::Volume', 'EBS volume'],
  ['eni', 'AWS::EC2::NetworkInterface', 'network interface'],
  ['vpc', 'AWS::EC2::VPC', 'VPC'],
  ['igw', 'AWS::EC2::InternetGateway', 'internet gateway'],
  ['nat', 'AWS::EC2::NatGateway', 'NAT gateway'],
  ['rtb', 'AWS::EC2::RouteTable', 'route table'],
  ['acl', 'AWS::EC2::NetworkAcl', 'network ACL'],
  ['tgw', 'AWS::EC2::TransitGateway', 'transit gateway'],
  ['pcx', 'AWS::EC2::VPCPeeringConnection', 'VPC peering connection'],
  ['vgw', 'AWS::EC2::VPNGateway', 'VPN gateway'],
  ['cgw', 'AWS::EC2::CustomerGateway', 'customer gateway'],
  ['vpn', 'AWS::EC2::VPNConnection', 'VPN connection'],
  ['key', 'AWS::EC2::KeyPair', 'key pair'],
  ['lt', 'AWS::EC2::LaunchTemplate', 'launch template'],
  ['fl', 'AWS::EC2::FlowLog', 'flow log'],
  ['sg', 'AWS::EC2::SecurityGroup', 'security group'],
  ['i', 'AWS::EC2::Instance', 'EC2 instance'],
];

/** ARN resource-type segment of EC2 ARNs (`arn:aws:ec2:…:security-group/sg-…`). */
const EC2_ARN_TYPES: Readonly<Record<string, readonly [resourceType: string, label: string]>> = {
  instance: ['AWS::EC2::Instance', 'EC2 instance'],
  'security-group': ['AWS::EC2::SecurityGroup', 'security group'],
  'security-group-rule': ['AWS::EC2::SecurityGroupRule', 'security group rule'],
  vpc: ['AWS::EC2::VPC', 'VPC'],
  subnet: ['AWS::EC2::Subnet', 'subnet'],
  volume: ['AWS::EC2::Volume', 'EBS volume'],
  snapshot: ['AWS::EC2::Snapshot', 'EBS snapshot'],
  image: ['AWS::EC2::Ami', 'AMI'],
  'network-interface': ['AWS::EC2::NetworkInterface', 'network interface'],
  'internet-gateway': ['AWS::EC2::InternetGateway', 'internet gateway'],
  natgateway: ['AWS::EC2::NatGateway', 'NAT gateway'],
  'route-table': ['AWS::EC2::RouteTable', 'route table'],
  'network-acl': ['AWS::EC2::NetworkAcl', 'network ACL'],
  'launch-template': ['AWS::EC2::LaunchTemplate', 'launch template'],
  'key-pair': ['AWS::EC2::KeyPair', 'key pair'],
  'vpc-endpoint': ['AWS::EC2::VPCEndpoint', 'VPC endpoint'],
  'transit-gateway': ['AWS::EC2::TransitGateway', 'transit gateway'],
  'vpc-peering-connection': ['AWS::EC2::VPCPeeringConnection', 'VPC peering connection'],
  'vpc-flow-log': ['AWS::EC2::FlowLog', 'flow log'],
  'elastic-ip': ['AWS::EC2::EIP', 'Elastic IP'],
};

/** Services whose events CloudTrail records in us-east-1 (the partition's global region). */
export const GLOBAL_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'cloudfront', 'route53', 'organizations', 'waf', 'shield', 'account']);

/** The region where a partition's global services (IAM, …) deliver their events. */
export function globalRegionOf(partition: string | undefined): string {
  switch (partition) {
    case 'aws-cn':
      return 'cn-north-1';
    case 'aws-us-gov':
      return 'us-gov-west-1';
    default:
      return 'us-east-1';
  }
}

/** What a parsed ARN resolves to. */
export interface ArnResource {
  /** CloudTrail resource type, when known. */
  readonly resourceType?: string;
  /** A short human label of the type: "IAM role", "security group". */
  readonly label: string;
  /** The resource's own name or id (what CloudTrail lists for services that list names). */
  readonly name: string;
  /** ResourceName values to look up, most likely first (deduplicated, at most two). */
  readonly lookupNames: readonly string[];
  /** The LookupEvents attribute: principals (an STS assumed-role session) are looked up by Username. */
  readonly attribute: 'ResourceName' | 'Username';
}

function lastSegment(path: string): string {
  const parts = path.split('/').filter((part) => part !== '');
  return parts[parts.length - 1] ?? path;
}

function names(...values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => !!value))].slice(0, 2);
}

/** Splits `type/rest` or `type:rest` (whichever separator comes first) of an ARN's resource part. */
function splitType(resource: string): { type: string; rest: string } | undefined {
  const match = /^([A-Za-z0-9_.-]+)[/:](.+)$/.exec(resource);
  return match ? { type: match[1], rest: match[2] } : undefined;
}

/**
 * The resource an ARN names. `arn` is the whole ARN (used as a lookup name for services whose
 * events list ARNs); the other arguments are its parts. Returns undefined when the ARN is not a
 * resource one can look up (a wildcard pattern, a template placeholder).
 */
export function resolveArnResource(arn: string, service: string, resource: string): ArnResource | undefined {
  const pattern = (text: string): boolean => /[*?]|\$\{|\{\{/.test(text);
  // An S3 object ARN (`bucket/*`, as policies write it) still names its bucket.
  if (pattern(service === 's3' && !resource.startsWith('accesspoint/') ? resource.split('/')[0] : resource)) return undefined;
  const typed = splitType(resource);
  switch (service) {
    case 'iam': {
      if (resource === 'root') return { label: 'account root user', name: 'root', lookupNames: ['root'], attribute: 'Username' };
      if (!typed) return undefined;
      const name = lastSegment(typed.rest);
      const types: Record<string, readonly [string, string]> = {
        role: ['AWS::IAM::Role', 'IAM role'],
        user: ['AWS::IAM::User', 'IAM user'],
        group: ['AWS::IAM::Group', 'IAM group'],
        policy: ['AWS::IAM::Policy', 'IAM policy'],
        'instance-profile': ['AWS::IAM::InstanceProfile', 'instance profile'],
        'oidc-provider': ['AWS::IAM::OIDCProvider', 'OIDC provider'],
        'saml-provider': ['AWS::IAM::SAMLProvider', 'SAML provider'],
        'server-certificate': ['AWS::IAM::ServerCertificate', 'server certificate'],
        mfa: ['AWS::IAM::VirtualMFADevice', 'MFA device'],
      };
      const known = types[typed.type];
      if (!known) return { label: `IAM ${typed.type}`, name, lookupNames: names(arn, name), attribute: 'ResourceName' };
      // Policies (and providers) are listed by ARN; users, roles, groups by name (and by ARN in AssumeRole-like events).
      const byArn = typed.type === 'policy' || typed.type.endsWith('-provider');
      return { resourceType: known[0], label: known[1], name, lookupNames: byArn ? names(arn, name) : names(name, arn), attribute: 'ResourceName' };
    }
    case 'sts': {
      // arn:aws:sts::123456789012:assumed-role/RoleName/SessionName — a principal: its session name is the Username.
      if (typed?.type === 'assumed-role') {
        const [role, session] = typed.rest.split('/');
        if (!role || !session) return undefined;
        return { label: `session of role ${role}`, name: session, lookupNames: [session], attribute: 'Username' };
      }
      if (typed?.type === 'federated-user') return { label: 'federated user', name: typed.rest, lookupNames: [typed.rest], attribute: 'Username' };
      return undefined;
    }
    case 's3': {
      // arn:aws:s3:::bucket[/key]; access points carry a region and account: arn:aws:s3:region:acct:accesspoint/name.
      if (typed?.type === 'accesspoint') return { resourceType: 'AWS::S3::AccessPoint', label: 'S3 access point', name: lastSegment(typed.rest), lookupNames: names(arn), attribute: 'ResourceName' };
      const bucket = resource.split('/')[0];
      if (!isBucketName(bucket)) return undefined;
      return { resourceType: 'AWS::S3::Bucket', label: 'S3 bucket', name: bucket, lookupNames: [bucket], attribute: 'ResourceName' };
    }
    case 'ec2': {
      if (!typed) return undefined;
      const known = EC2_ARN_TYPES[typed.type];
      const id = lastSegment(typed.rest);
      // EC2 resources are listed by id in event history.
      if (known) return { resourceType: known[0], label: known[1], name: id, lookupNames: [id], attribute: 'ResourceName' };
      return { label: `EC2 ${typed.type}`, name: id, lookupNames: names(id, arn), attribute: 'ResourceName' };
    }
    case 'lambda': {
      if (!typed) return undefined;
      const name = typed.rest.split(':')[0];
      if (typed.type === 'function') {
        // Unqualified ARN: a version or alias qualifier (":1", ":$LATEST", ":prod") is dropped.
        const unqualified = arn.split(':').slice(0, 7).join(':');
        return { resourceType: 'AWS::Lambda::Function', label: 'Lambda function', name, lookupNames: names(name, unqualified), attribute: 'ResourceName' };
      }
      if (typed.type === 'layer') return { resourceType: 'AWS::Lambda::LayerVersion', label: 'Lambda layer', name, lookupNames: names(arn, name), attribute: 'ResourceName' };
      return { label: `Lambda ${typed.type}`, name, lookupNames: names(arn, name), attribute: 'ResourceName' };
    }
    case 'dynamodb': {
      if (typed?.type !== 'table') return typed ? { label: `DynamoDB ${typed.type}`, name: lastSegment(typed.rest), lookupNames: names(arn), attribute: 'ResourceName' } : undefined;
      const table = typed.rest.split('/')[0];
      const tableArn = arn.slice(0, arn.indexOf(':table/') + ':table/'.length + table.length);
      return { resourceType: 'AWS::DynamoDB::Table', label: 'DynamoDB table', name: table, lookupNames: names(table, tableArn), attribute: 'ResourceName' };
    }
    case 'kms': {
      if (typed?.type === 'key') return { resourceType: 'AWS::KMS::Key', label: 'KMS key', name: typed.rest, lookupNames: names(arn, typed.rest), attribute: 'ResourceName' };
      if (typed?.type === 'alias') return { resourceType: 'AWS::KMS::Key', label: 'KMS alias', name: `alias/${typed.rest}`, lookupNames: names(`alias/${typed.rest}`, arn), attribute: 'ResourceName' };
      return undefined;
    }
    case 'cloudtrail': {
      if (typed?.type === 'trail') return { resourceType: 'AWS::CloudTrail::Trail', label: 'CloudTrail trail', name: typed.rest, lookupNames: names(arn, typed.rest), attribute: 'ResourceName' };
      if (typed?.type === 'eventdatastore') return { resourceType: 'AWS::CloudTrail::EventDataStore', label: 'event data store', name: typed.rest, lookupNames: names(arn), attribute: 'ResourceName' };
      if (typed?.type === 'channel') return { resourceType: 'AWS::CloudTrail::Channel', label: 'CloudTrail channel', name: typed.rest, lookupNames: names(arn), attribute: 'ResourceName' };
      return undefined;
    }
    case 'rds': {
      if (!typed) return undefined;
      const types: Record<string, readonly [string, string]> = {
        db: ['AWS::RDS::DBInstance', 'RDS DB instance'],
        cluster: ['AWS::RDS::DBCluster', 'RDS DB cluster'],
        snapshot: ['AWS::RDS::DBSnapshot', 'RDS DB snapshot'],
        'cluster-snapshot': ['AWS::RDS::DBClusterSnapshot', 'RDS cluster snapshot'],
        subgrp: ['AWS::RDS::DBSubnetGroup', 'RDS subnet group'],
        pg: ['AWS::RDS::DBParameterGroup', 'RDS parameter group'],
        'global-cluster': ['AWS::RDS::GlobalCluster', 'RDS global cluster'],
      };
      const known = types[typed.type];
      return { resourceType: known?.[0], label: known?.[1] ?? `RDS ${typed.type}`, name: typed.rest, lookupNames: names(typed.rest, arn), attribute: 'ResourceName' };
    }
    case 'sns': {
      // arn:aws:sns:region:acct:Topic (a subscription adds ":<uuid>").
      const [topic, subscription] = resource.split(':');
      if (subscription) return { resourceType: 'AWS::SNS::Subscription', label: 'SNS subscription', name: subscription, lookupNames: names(arn), attribute: 'ResourceName' };
      return { resourceType: 'AWS::SNS::Topic', label: 'SNS topic', name: topic, lookupNames: names(arn, topic), attribute: 'ResourceName' };
    }
    case 'sqs':
      return { resourceType: 'AWS::SQS::Queue', label: 'SQS queue', name: resource, lookupNames: names(arn, resource), attribute: 'ResourceName' };
    case 'secretsmanager': {
      if (typed?.type !== 'secret') return undefined;
      // The ARN ends with a hyphen and six random characters that the secret's name does not have.
      const name = typed.rest.replace(/-[A-Za-z0-9]{6}$/, '');
      return { resourceType: 'AWS::SecretsManager::Secret', label: 'secret', name, lookupNames: names(arn, name), attribute: 'ResourceName' };
    }
    case 'logs': {
      if (typed?.type !== 'log-group') return undefined;
      const group = typed.rest.replace(/:\*$/, '').split(':log-stream:')[0];
      return { resourceType: 'AWS::Logs::LogGroup', label: 'log group', name: group, lookupNames: names(group, arn.replace(/:\*$/, '')), attribute: 'ResourceName' };
    }
    case 'ssm': {
      if (typed?.type !== 'parameter') return undefined;
      // parameter/a/b is the parameter "/a/b" (or "a" for a name without a path).
      const name = typed.rest.includes('/') ? `/${typed.rest}` : typed.rest;
      return { resourceType: 'AWS::SSM::Parameter', label: 'SSM parameter', name, lookupNames: names(name, arn), attribute: 'ResourceName' };
    }
    case 'cloudformation': {
      if (typed?.type !== 'stack') return undefined;
      const name = typed.rest.split('/')[0];
      return { resourceType: 'AWS::CloudFormation::Stack', label: 'CloudFormation stack', name, lookupNames: names(arn, name), attribute: 'ResourceName' };
    }
    default: {
      const name = typed ? lastSegment(typed.rest) : resource;
      return { label: `${service}${typed ? ` ${typed.type}` : ''} resource`, name, lookupNames: names(arn, name), attribute: 'ResourceName' };
    }
  }
}

/** S3 general purpose bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export function isBucketName(value: string): boolean {
  if (value.length < 3 || value.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(value)) return false;
  if (value.includes('..')) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return false;
  if (/^(xn--|sthree-)/.test(value) || /(-s3alias|--ol-s3|\.mrap|--x-s3)$/.test(value)) return false;
  return true;
}

/**
 * Property names that name a resource, normalised (lower case, no `_`/`-`): CloudFormation
 * (`RoleName`), Terraform (`role_name`) and CDK (`roleName`) spellings all normalise alike.
 */
export const NAME_KEYS: Readonly<Record<string, readonly [resourceType: string, label: string, service: string]>> = {
  rolename: ['AWS::IAM::Role', 'IAM role', 'iam'],
  username: ['AWS::IAM::User', 'IAM user', 'iam'],
  iamusername: ['AWS::IAM::User', 'IAM user', 'iam'],
  tablename: ['AWS::DynamoDB::Table', 'DynamoDB table', 'dynamodb'],
  functionname: ['AWS::Lambda::Function', 'Lambda function', 'lambda'],
  bucket: ['AWS::S3::Bucket', 'S3 bucket', 's3'],
  bucketname: ['AWS::S3::Bucket', 'S3 bucket', 's3'],
  s3bucket: ['AWS::S3::Bucket', 'S3 bucket', 's3'],
  s3bucketname: ['AWS::S3::Bucket', 'S3 bucket', 's3'],
  trailname: ['AWS::CloudTrail::Trail', 'CloudTrail trail', 'cloudtrail'],
  dbinstanceidentifier: ['AWS::RDS::DBInstance', 'RDS DB instance', 'rds'],
  dbclusteridentifier: ['AWS::RDS::DBCluster', 'RDS DB cluster', 'rds'],
  clusteridentifier: ['AWS::RDS::DBCluster', 'RDS DB cluster', 'rds'],
  topicname: ['AWS::SNS::Topic', 'SNS topic', 'sns'],
  queuename: ['AWS::SQS::Queue', 'SQS queue', 'sqs'],
  loggroupname: ['AWS::Logs::LogGroup', 'log group', 'logs'],
  keyid: ['AWS::KMS::Key', 'KMS key', 'kms'],
  kmskeyid: ['AWS::KMS::Key', 'KMS key', 'kms'],
  kmskeyarn: ['AWS::KMS::Key', 'KMS key', 'kms'],
  targetkeyid: ['AWS::KMS::Key', 'KMS key', 'kms'],
  kmsmasterkeyid: ['AWS::KMS::Key', 'KMS key', 'kms'],
  aliasname: ['AWS::KMS::Key', 'KMS alias', 'kms'],
};

/**
 * Terraform resources whose generic `name` (or other) attribute is the resource's name:
 * `resource "aws_iam_role" "x" { name = "deploy" }`.
 */
export const TERRAFORM_NAME_ATTRIBUTES: Readonly<Record<string, readonly [attribute: string, resourceType: string, label: string, service: string]>> = {
  aws_iam_role: ['name', 'AWS::IAM::Role', 'IAM role', 'iam'],
  aws_iam_user: ['name', 'AWS::IAM::User', 'IAM user', 'iam'],
  aws_iam_group: ['name', 'AWS::IAM::Group', 'IAM group', 'iam'],
  aws_dynamodb_table: ['name', 'AWS::DynamoDB::Table', 'DynamoDB table', 'dynamodb'],
  aws_cloudtrail: ['name', 'AWS::CloudTrail::Trail', 'CloudTrail trail', 'cloudtrail'],
  aws_sns_topic: ['name', 'AWS::SNS::Topic', 'SNS topic', 'sns'],
  aws_sqs_queue: ['name', 'AWS::SQS::Queue', 'SQS queue', 'sqs'],
  aws_kms_alias: ['name', 'AWS::KMS::Key', 'KMS alias', 'kms'],
  aws_db_instance: ['identifier', 'AWS::RDS::DBInstance', 'RDS DB instance', 'rds'],
  aws_rds_cluster: ['cluster_identifier', 'AWS::RDS::DBCluster', 'RDS DB cluster', 'rds'],
  aws_secretsmanager_secret: ['name', 'AWS::SecretsManager::Secret', 'secret', 'secretsmanager'],
  aws_cloudwatch_log_group: ['name', 'AWS::Logs::LogGroup', 'log group', 'logs'],
  aws_lambda_function: ['function_name', 'AWS::Lambda::Function', 'Lambda function', 'lambda'],
  aws_s3_bucket: ['bucket', 'AWS::S3::Bucket', 'S3 bucket', 's3'],
};

/** The ARN of a named resource, for the types whose events list ARNs; undefined when a part is unknown. */
export function arnOfNamed(resourceType: string, name: string, where: { partition?: string; region?: string; account?: string }): string | undefined {
  const partition = where.partition ?? 'aws';
  const { region, account } = where;
  if (!account) return undefined;
  switch (resourceType) {
    case 'AWS::IAM::Role':
      return `arn:${partition}:iam::${account}:role/${name}`;
    case 'AWS::IAM::User':
      return `arn:${partition}:iam::${account}:user/${name}`;
    case 'AWS::CloudTrail::Trail':
      return region ? `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}` : undefined;
    case 'AWS::Lambda::Function':
      return region ? `arn:${partition}:lambda:${region}:${account}:function:${name}` : undefined;
    case 'AWS::DynamoDB::Table':
      return region ? `arn:${partition}:dynamodb:${region}:${account}:table/${name}` : undefined;
    case 'AWS::SNS::Topic':
      return region ? `arn:${partition}:sns:${region}:${account}:${name}` : undefined;
    case 'AWS::SQS::Queue':
      return region ? `arn:${partition}:sqs:${region}:${account}:${name}` : undefined;
    default:
      return undefined;
  }
}
