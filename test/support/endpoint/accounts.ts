/**
 * The example accounts of the local CloudTrail endpoint, and the access keys that reach them.
 *
 * Every key is fake (AWS documentation style) and exists only so that clients can sign requests:
 * the endpoint reads the access key id from the SigV4 credential scope and never verifies the signature.
 * Any access key id that is not listed here lands in the default account.
 *
 * | profile      | account      | access key id          | what it is for                                              |
 * |--------------|--------------|------------------------|-------------------------------------------------------------|
 * | ctl-default  | 111122223333 | AKIAIOSFODNN7EXAMPLE   | 9 trails, thousands of events in us-east-1, some elsewhere  |
 * | ctl-second   | 444455556666 | AKIAI44QH8DHBEXAMPLE   | a different trail set (incl. an organization trail), events |
 * | ctl-denied   | 777788889999 | AKIADENIEDEXAMPLE001   | STS works; every CloudTrail call is AccessDeniedException   |
 * | ctl-expired  | 111122223333 | ASIAEXPIREDEXAMPLE01   | every call (STS too) answers ExpiredToken(Exception)        |
 */

export interface EndpointAccessKey {
  /** The profile name used in generated AWS config files. */
  readonly profile: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary (ASIA…) credentials; clients send it as X-Amz-Security-Token. */
  readonly sessionToken?: string;
  /** What STS GetCallerIdentity answers for this key. */
  readonly arn: string;
  readonly userId: string;
  /** Behaviour of the key: normal, denied for every CloudTrail call, or expired for every call. */
  readonly behaviour: 'normal' | 'access-denied' | 'expired';
}

/** The account unknown access keys land in: trails and thousands of events in us-east-1. */
export const DEFAULT_ACCOUNT_ID = '111122223333';
/** A second account with a different trail set (an organization trail among them) and its own events. */
export const SECOND_ACCOUNT_ID = '444455556666';
/** An account whose key may call STS but gets AccessDeniedException for every CloudTrail call. */
export const DENIED_ACCOUNT_ID = '777788889999';
/** The (unreachable) management account that owns the organization trail the second account sees. */
export const ORG_MANAGEMENT_ACCOUNT_ID = '210987654321';

export const DEFAULT_KEY: EndpointAccessKey = {
  profile: 'ctl-default',
  accountId: DEFAULT_ACCOUNT_ID,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/ctl-developer`,
  userId: 'AIDAJDPLRKLG7UEXAMPLE',
  behaviour: 'normal',
};

export const SECOND_KEY: EndpointAccessKey = {
  profile: 'ctl-second',
  accountId: SECOND_ACCOUNT_ID,
  accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  arn: `arn:aws:iam::${SECOND_ACCOUNT_ID}:user/security-auditor`,
  userId: 'AIDAI23HXD2O5EXAMPLE',
  behaviour: 'normal',
};

export const DENIED_KEY: EndpointAccessKey = {
  profile: 'ctl-denied',
  accountId: DENIED_ACCOUNT_ID,
  accessKeyId: 'AKIADENIEDEXAMPLE001',
  secretAccessKey: 'DeniedDeniedDeniedDeniedDeniedEXAMPLEKEY',
  arn: `arn:aws:iam::${DENIED_ACCOUNT_ID}:user/no-cloudtrail-access`,
  userId: 'AIDADENIEDUSEREXAMPLE',
  behaviour: 'access-denied',
};

export const EXPIRED_KEY: EndpointAccessKey = {
  profile: 'ctl-expired',
  accountId: DEFAULT_ACCOUNT_ID,
  accessKeyId: 'ASIAEXPIREDEXAMPLE01',
  secretAccessKey: 'ExpiredExpiredExpiredExpiredExEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXPIREDEXAMPLESESSIONTOKENctlExpiredSessionTokenEXAMPLE==',
  arn: `arn:aws:sts::${DEFAULT_ACCOUNT_ID}:assumed-role/ctl-sso-role/expired-session`,
  userId: 'AROAEXPIREDROLEEXAMPLE:expired-session',
  behaviour: 'expired',
};

/** Every key the endpoint knows, in profile order. */
export const ACCESS_KEYS: readonly EndpointAccessKey[] = [DEFAULT_KEY, SECOND_KEY, DENIED_KEY, EXPIRED_KEY];

/** What STS answers for an access key id the endpoint does not know (it lands in the default account). */
export function unknownKeyIdentity(accessKeyId: string): { arn: string; userId: string; accountId: string } {
  return { arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/ctl-unknown-key`, userId: `AIDA${accessKeyId.slice(4, 20).padEnd(16, 'X')}`, accountId: DEFAULT_ACCOUNT_ID };
}

/** The regions the endpoint answers for (multi-region trails appear as shadow trails in each). */
export const REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-central-1', 'me-south-1', 'sa-east-1',
];

export interface AwsConfigFilesOptions {
  /** Written as `endpoint_url` in every profile (honoured by the AWS SDK for JavaScript v3 and AWS CLI ≥ 2.13). */
  endpointUrl?: string;
  /** Region of every profile (default us-east-1). */
  region?: string;
  /** Which keys get a profile (default: all of ACCESS_KEYS); `[default]` is always the default account. */
  keys?: readonly EndpointAccessKey[];
}

/** The text of an AWS config file and a shared credentials file with one profile per example key. */
export function awsConfigFiles(options: AwsConfigFilesOptions = {}): { config: string; credentials: string } {
  const region = options.region ?? 'us-east-1';
  const keys = options.keys ?? ACCESS_KEYS;
  const config: string[] = [];
  const credentials: string[] = [];
  const endpoint = options.endpointUrl ? [`endpoint_url = ${options.endpointUrl}`] : [];
  const profiles: Array<[string, EndpointAccessKey]> = [['default', DEFAULT_KEY], ...keys.map((key): [string, EndpointAccessKey] => [key.profile, key])];
  for (const [name, key] of profiles) {
    config.push(name === 'default' ? '[default]' : `[profile ${name}]`, `region = ${region}`, 'output = json', ...endpoint, '');
    credentials.push(`[${name}]`, `aws_access_key_id = ${key.accessKeyId}`, `aws_secret_access_key = ${key.secretAccessKey}`);
    if (key.sessionToken) credentials.push(`aws_session_token = ${key.sessionToken}`);
    credentials.push('');
  }
  return { config: config.join('\n'), credentials: credentials.join('\n') };
}
