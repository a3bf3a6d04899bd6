/**
 * The two other services a posture scan calls, on the same port, told apart by the credential
 * scope of the SigV4 header (as AWS tells them apart by host name):
 *
 * - EC2 (`ec2`), query protocol: `POST /` with `Action=DescribeRegions&Version=2016-11-15`
 *   (`AllRegions`, `RegionName.N`) → `DescribeRegionsResponse` XML. Per account: the 17 regions
 *   enabled by default, plus the opt-in regions the account enabled (444455556666: ap-south-2).
 * - S3 (`s3`), REST-XML, path-style only (`forcePathStyle: true` in the SDK): `GET /` ListBuckets
 *   (`max-buckets`, `continuation-token`; `BucketRegion` when a parameter is given, as AWS does),
 *   `GET /<bucket>?policyStatus | ?publicAccessBlock | ?logging | ?location`.
 *
 * Errors are each service's own: EC2 `<Response><Errors><Error>` (UnauthorizedOperation 403,
 * RequestExpired 400 for expired temporary credentials, RequestLimitExceeded 503), S3 `<Error>`
 * (AccessDenied 403 — "no identity-based policy" for the denied key, "no resource-based policy"
 * for another account's bucket, "explicit deny" for a bucket policy, plain "Access Denied" for an
 * ExpectedBucketOwner mismatch —, NoSuchBucket, NoSuchBucketPolicy,
 * NoSuchPublicAccessBlockConfiguration 404, PermanentRedirect 301 with `x-amz-bucket-region` when
 * the request is signed for another region, ExpiredToken 400, SlowDown 503). Faults (latency,
 * failNext, deny, expire, throttleNext) apply by operation name as for CloudTrail.
 */
import { AWS_REGIONS } from '../../../src/core/aws/regions';
import { REGIONS, SECOND_ACCOUNT_ID, type EndpointAccessKey } from './accounts';
import type { AuthResult } from './auth';
import type { BucketState, BucketStore } from './buckets';
import type { FaultController, RequestLogEntry } from './faults';
import { escapeXml } from './sts';

export type ExtraService = 'ec2' | 's3';

export interface ServiceReply {
  status: number;
  contentType: string;
  body: string;
  errorCode?: string;
  headers?: Record<string, string>;
}

export interface ServiceCaller {
  accessKeyId: string;
  key?: EndpointAccessKey;
  accountId: string;
  region: string;
  principalArn: string;
}

export interface ServiceRequest {
  method: string;
  url: URL;
  /** Lower-case header names. */
  header(name: string): string | undefined;
  body: string;
  requestId: string;
}

export interface ServiceDeps {
  buckets: BucketStore;
  faults: FaultController;
  identify(accessKeyId: string, region: string): ServiceCaller;
  /** Takes a token from the (account, region) bucket of non-LookupEvents calls; false = throttled. */
  allow(accountId: string, region: string): boolean;
}

const OPT_IN = new Set(AWS_REGIONS.filter((region) => region.optIn).map((region) => region.id));
/** Opt-in regions each account enabled. */
const OPTED_IN: Readonly<Record<string, readonly string[]>> = { [SECOND_ACCOUNT_ID]: ['ap-south-2'] };

/** What EC2 DescribeRegions knows for an account: every region with its opt-in status. */
export function regionsOf(accountId: string): Array<{ name: string; optInStatus: 'opt-in-not-required' | 'opted-in' | 'not-opted-in' }> {
  const opted = new Set(OPTED_IN[accountId] ?? []);
  return REGIONS.map((name) => ({ name, optInStatus: !OPT_IN.has(name) ? 'opt-in-not-required' : opted.has(name) ? 'opted-in' : 'not-opted-in' }));
}

/** The regions enabled for an account (DescribeRegions with AllRegions=false). */
export function enabledRegionsOf(accountId: string): string[] {
  return regionsOf(accountId)
    .filter((region) => region.optInStatus !== 'not-opted-in')
    .map((region) => region.name);
}

/** The service a request is signed for (the credential scope), without validating anything else. */
export function scopeService(authorization: string | undefined): string | undefined {
  const match = /Credential=[^/,\s]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/.exec(authorization ?? '');
  return match?.[1];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------------------ EC2

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function ec2Error(code: string, message: string, status: number, requestId: string): ServiceReply {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  return { status, contentType: 'text/xml;charset=UTF-8', body, errorCode: code };
}

function describeRegions(params: URLSearchParams, caller: ServiceCaller, requestId: string): ServiceReply {
  const all = params.get('AllRegions') === 'true';
  const named = [...params.entries()].filter(([key]) => /^RegionName\.\d+$/.test(key)).map(([, value]) => value);
  let regions = regionsOf(caller.accountId).filter((region) => all || region.optInStatus !== 'not-opted-in');
  if (named.length > 0) {
    const unknownName = named.find((name) => !REGIONS.includes(name));
    if (unknownName) return ec2Error('InvalidParameterValue', `Invalid region: ${unknownName}`, 400, requestId);
    regions = regions.filter((region) => named.includes(region.name));
  }
  const items = regions
    .map((region) => `        <item>\n            <regionName>${region.name}</regionName>\n            <regionEndpoint>ec2.${region.name}.amazonaws.com</regionEndpoint>\n            <optInStatus>${region.optInStatus}</optInStatus>\n        </item>`)
    .join('\n');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRegionsResponse xmlns="${EC2_NS}">\n    <requestId>${requestId}</requestId>\n    <regionInfo>\n${items}\n    </regionInfo>\n</DescribeRegionsResponse>\n`;
  return { status: 200, contentType: 'text/xml;charset=UTF-8', body };
}

async function handleEc2(request: ServiceRequest, auth: Extract<AuthResult, { ok: true }>, deps: ServiceDeps, entry: Partial<RequestLogEntry>): Promise<ServiceReply> {
  const params = new URLSearchParams(request.body);
  const operation = params.get('Action') ?? '';
  entry.operation = operation || '(none)';
  if (request.method !== 'POST') return ec2Error('InvalidAction', 'EC2 requests are POST / with a form body.', 400, request.requestId);
  const caller = deps.identify(auth.scope.accessKeyId, auth.scope.region);
  Object.assign(entry, { accessKeyId: caller.accessKeyId, accountId: caller.accountId, region: caller.region });
  const latency = deps.faults.latencyFor(operation);
  if (latency > 0) await sleep(latency);
  if (caller.key?.behaviour === 'expired' || deps.faults.isExpired(caller.accessKeyId)) return ec2Error('RequestExpired', 'Request has expired.', 400, request.requestId);
  const failure = deps.faults.takeFailure(operation);
  if (failure) return failure === 503 ? ec2Error('Unavailable', 'The service is unavailable. Please try again shortly.', 503, request.requestId) : ec2Error('InternalError', 'An internal error has occurred.', 500, request.requestId);
  if (operation !== 'DescribeRegions') return ec2Error('InvalidAction', `The action ${operation || '(none)'} is not valid for this web service.`, 400, request.requestId);
  if (caller.key?.behaviour === 'access-denied' || deps.faults.isDenied(operation, caller.accessKeyId)) {
    return ec2Error(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${caller.principalArn} is not authorized to perform: ec2:${operation} because no identity-based policy allows the ec2:${operation} action`,
      403,
      request.requestId,
    );
  }
  if (deps.faults.takeThrottle(operation) || !deps.allow(caller.accountId, caller.region)) {
    entry.throttled = true;
    return ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503, request.requestId);
  }
  return describeRegions(params, caller, request.requestId);
}

// ------------------------------------------------------------------------------------------------ S3

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function s3Error(code: string, message: string, status: number, requestId: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}): ServiceReply {
  const fields = Object.entries(extra)
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${hostId(requestId)}</HostId></Error>`;
  return { status, contentType: 'application/xml', body, errorCode: code, headers };
}

function hostId(requestId: string): string {
  return Buffer.from(`ctl-endpoint/${requestId}`).toString('base64');
}

function xml(body: string): ServiceReply {
  return { status: 200, contentType: 'application/xml', body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

/** The S3 operation of a request (path-style), and its bucket. */
function s3Operation(method: string, url: URL): { operation: string; bucket?: string } {
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const slash = path.indexOf('/');
  const bucket = (slash < 0 ? path : path.slice(0, slash)) || undefined;
  const key = slash < 0 ? '' : path.slice(slash + 1);
  const has = (name: string): boolean => url.searchParams.has(name);
  if (!bucket) return { operation: method === 'GET' ? 'ListBuckets' : `${method}Service` };
  if (key !== '') return { operation: method === 'GET' ? 'GetObject' : `${method}Object`, bucket };
  const sub = has('policyStatus') ? 'BucketPolicyStatus' : has('publicAccessBlock') ? 'PublicAccessBlock' : has('logging') ? 'BucketLogging' : has('location') ? 'BucketLocation' : undefined;
  if (!sub) return { operation: method === 'GET' ? 'ListObjects' : `${method}Bucket`, bucket };
  const verb = method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : method === 'DELETE' ? 'Delete' : method;
  return { operation: `${verb}${sub}`, bucket };
}

/** The IAM action of an S3 operation (what AccessDenied messages name). */
function s3Action(operation: string): string {
  if (operation === 'ListBuckets') return 's3:ListAllMyBuckets';
  if (operation === 'GetPublicAccessBlock') return 's3:GetBucketPublicAccessBlock';
  if (operation === 'GetBucketLocation') return 's3:GetBucketLocation';
  return `s3:${operation}`;
}

const SUPPORTED_S3 = new Set(['ListBuckets', 'GetBucketPolicyStatus', 'GetPublicAccessBlock', 'GetBucketLogging', 'GetBucketLocation']);

function listBuckets(url: URL, caller: ServiceCaller, deps: ServiceDeps): ServiceReply {
  const params = url.searchParams;
  const parametrised = ['max-buckets', 'continuation-token', 'prefix', 'bucket-region'].some((name) => params.has(name));
  let buckets = deps.buckets.ownedBy(caller.accountId);
  const prefix = params.get('prefix');
  if (prefix) buckets = buckets.filter((bucket) => bucket.name.startsWith(prefix));
  const regionFilter = params.get('bucket-region');
  if (regionFilter) buckets = buckets.filter((bucket) => bucket.region === regionFilter);
  const after = params.get('continuation-token') ? Buffer.from(params.get('continuation-token') ?? '', 'base64url').toString('utf8') : undefined;
  if (after) buckets = buckets.filter((bucket) => bucket.name > after);
  const max = Math.max(1, Math.min(10_000, Number(params.get('max-buckets') ?? 10_000) || 10_000));
  const page = buckets.slice(0, max);
  const more = buckets.length > page.length;
  const last = page[page.length - 1];
  const items = page
    .map((bucket) => `<Bucket><Name>${escapeXml(bucket.name)}</Name><CreationDate>${new Date(bucket.created * 1000).toISOString()}</CreationDate>${parametrised ? `<BucketRegion>${bucket.region}</BucketRegion>` : ''}</Bucket>`)
    .join('');
  const token = more && last ? `<ContinuationToken>${Buffer.from(last.name).toString('base64url')}</ContinuationToken>` : '';
  const owner = `<Owner><ID>${Buffer.from(`canonical-${caller.accountId}`).toString('hex').padEnd(64, '0').slice(0, 64)}</ID></Owner>`;
  return xml(`<ListAllMyBucketsResult xmlns="${S3_NS}">${owner}<Buckets>${items}</Buckets>${token}${prefix ? `<Prefix>${escapeXml(prefix)}</Prefix>` : ''}</ListAllMyBucketsResult>`);
}

function bucketOperation(operation: string, bucket: BucketState, requestId: string): ServiceReply {
  switch (operation) {
    case 'GetBucketPolicyStatus':
      if (bucket.policyPublic === null) return s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, requestId, { BucketName: bucket.name });
      return xml(`<PolicyStatus xmlns="${S3_NS}"><IsPublic>${bucket.policyPublic}</IsPublic></PolicyStatus>`);
    case 'GetPublicAccessBlock': {
      const block = bucket.publicAccessBlock;
      if (!block) return s3Error('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404, requestId, { BucketName: bucket.name });
      const fields = (['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const).map((key) => `<${key}>${block[key]}</${key}>`).join('');
      return xml(`<PublicAccessBlockConfiguration xmlns="${S3_NS}">${fields}</PublicAccessBlockConfiguration>`);
    }
    case 'GetBucketLogging': {
      const logging = bucket.logging;
      const inner = logging ? `<LoggingEnabled><TargetBucket>${escapeXml(logging.targetBucket)}</TargetBucket><TargetPrefix>${escapeXml(logging.targetPrefix)}</TargetPrefix></LoggingEnabled>` : '';
      return xml(`<BucketLoggingStatus xmlns="http://doc.s3.amazonaws.com/2006-03-01">${inner}</BucketLoggingStatus>`);
    }
    default:
      // GetBucketLocation: empty for us-east-1, as S3 answers.
      return xml(`<LocationConstraint xmlns="${S3_NS}">${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`);
  }
}

async function handleS3(request: ServiceRequest, auth: Extract<AuthResult, { ok: true }>, deps: ServiceDeps, entry: Partial<RequestLogEntry>): Promise<ServiceReply> {
  const { operation, bucket: bucketName } = s3Operation(request.method, request.url);
  entry.operation = operation;
  const caller = deps.identify(auth.scope.accessKeyId, auth.scope.region);
  Object.assign(entry, { accessKeyId: caller.accessKeyId, accountId: caller.accountId, region: caller.region });
  const id = request.requestId;
  const latency = deps.faults.latencyFor(operation);
  if (latency > 0) await sleep(latency);
  if (caller.key?.behaviour === 'expired' || deps.faults.isExpired(caller.accessKeyId)) return s3Error('ExpiredToken', 'The provided token has expired.', 400, id);
  const failure = deps.faults.takeFailure(operation);
  if (failure) return failure === 503 ? s3Error('ServiceUnavailable', 'Please reduce your request rate.', 503, id) : s3Error('InternalError', 'We encountered an internal error. Please try again.', 500, id);
  if (!SUPPORTED_S3.has(operation)) return s3Error('NotImplemented', `The local endpoint does not implement ${operation}.`, 501, id);
  const action = s3Action(operation);
  const resource = bucketName ? `"arn:aws:s3:::${bucketName}"` : '"arn:aws:s3:::*"';
  if (caller.key?.behaviour === 'access-denied' || deps.faults.isDenied(operation, caller.accessKeyId)) {
    return s3Error('AccessDenied', `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`, 403, id);
  }
  if (deps.faults.takeThrottle(operation) || !deps.allow(caller.accountId, caller.region)) {
    entry.throttled = true;
    return s3Error('SlowDown', 'Please reduce your request rate.', 503, id);
  }
  if (operation === 'ListBuckets') return listBuckets(request.url, caller, deps);

  const bucket = bucketName ? deps.buckets.get(bucketName) : undefined;
  if (!bucket || !bucketName) return s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, id, { BucketName: bucketName ?? '' });
  if (operation !== 'GetBucketLocation' && bucket.region !== caller.region) {
    return s3Error(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      301,
      id,
      { Endpoint: `s3.${bucket.region}.amazonaws.com`, Bucket: bucket.name },
      { 'x-amz-bucket-region': bucket.region },
    );
  }
  const expected = request.header('x-amz-expected-bucket-owner');
  if (expected !== undefined && expected !== bucket.ownerAccountId) return s3Error('AccessDenied', 'Access Denied', 403, id);
  if (bucket.ownerAccountId !== caller.accountId) {
    return s3Error('AccessDenied', `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`, 403, id);
  }
  if (bucket.deniedOperations.includes(operation)) {
    return s3Error('AccessDenied', `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a resource-based policy`, 403, id);
  }
  return bucketOperation(operation, bucket, id);
}

// ------------------------------------------------------------------------------------------------ both

function authFailure(service: ExtraService, auth: Exclude<AuthResult, { ok: true }>, requestId: string): ServiceReply {
  if (service === 'ec2') {
    if (auth.code === 'MissingAuthenticationTokenException') return ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401, requestId);
    if (auth.code === 'InvalidSignatureException') return ec2Error('RequestExpired', 'Request has expired.', 400, requestId);
    return ec2Error('IncompleteSignature', auth.message, 400, requestId);
  }
  if (auth.code === 'MissingAuthenticationTokenException') return s3Error('AccessDenied', 'Access Denied', 403, requestId);
  if (auth.code === 'InvalidSignatureException') return s3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, requestId);
  return s3Error('AuthorizationHeaderMalformed', auth.message, 400, requestId);
}

/** Answers an EC2 or S3 request (the server routes here by the credential scope's service). */
export async function handleService(service: ExtraService, request: ServiceRequest, auth: AuthResult, deps: ServiceDeps, entry: Partial<RequestLogEntry>): Promise<ServiceReply> {
  entry.service = service;
  if (!auth.ok) return authFailure(service, auth, request.requestId);
  return service === 'ec2' ? handleEc2(request, auth, deps, entry) : handleS3(request, auth, deps, entry);
}
