/**
 * What went wrong talking to AWS, as a kind with a next step. Pure: the caller passes the facts of
 * the error (name/code, message, HTTP status) and the context (operation, profile); `errorFacts`
 * reads them off any thrown value without knowing the SDK.
 *
 * Every message that leaves here went through `redact`.
 */
import { redact } from '../redact';
import { shellQuote, type ProfileKind } from './profiles';

export type AwsErrorKind =
  /** The caller cancelled (AbortSignal). Never shown. */
  | 'cancelled'
  /** No credentials for the profile (missing profile, keys, MFA callback, …). */
  | 'no-credentials'
  /** The SSO (IAM Identity Center) or `aws login` session must be renewed in a browser. */
  | 'sso-expired'
  /** Temporary credentials (session token) expired. */
  | 'credentials-expired'
  /** Keys the service does not recognise, or a wrong secret. */
  | 'invalid-credentials'
  /** The machine's clock is too far off for request signing. */
  | 'clock-skew'
  /** Signed in, but not allowed: `missingAction` names the IAM action. */
  | 'access-denied'
  /** Connection refused, DNS failure, timeout, TLS failure. */
  | 'unreachable'
  /** The request itself is wrong (InvalidLookupAttributesException, InvalidTimeRangeException, …). */
  | 'invalid-input'
  /** The named resource does not exist (TrailNotFoundException, NoSuchBucket, …). */
  | 'not-found'
  /** Rate limited. Retried and paced; never surfaced as a failure. */
  | 'throttled'
  /** The service failed (5xx). Retried; surfaced only after the retries. */
  | 'service'
  | 'unknown';

/** What is known about a failure, from the thrown value and from the call that failed. */
export interface ErrorFacts {
  /** Error name or service error code (`AccessDeniedException`, `CredentialsProviderError`, …). */
  readonly name?: string;
  /** A Node system error code (`ECONNREFUSED`) or a second code from the service. */
  readonly code?: string;
  readonly message?: string;
  readonly httpStatus?: number;
  /** The IAM action of the call: `cloudtrail:LookupEvents`. */
  readonly operation?: string;
  readonly profile?: string;
  readonly profileKind?: ProfileKind;
  readonly region?: string;
  /** The endpoint the call went to, when it was not AWS's default. */
  readonly endpoint?: string;
}

export interface AwsErrorInfo {
  readonly kind: AwsErrorKind;
  /** One sentence for the user. */
  readonly message: string;
  /** What to do about it. */
  readonly next: string;
  /** For `access-denied`: the IAM action that is missing (`cloudtrail:LookupEvents`). */
  readonly missingAction?: string;
  /** A terminal command that fixes it (`aws sso login --profile dev`); the UI may offer to run it. */
  readonly command?: string;
  /** The service's (redacted, shortened) own words. */
  readonly detail?: string;
  /** Worth retrying automatically. */
  readonly retry: RetryClass;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly profile?: string;
  readonly region?: string;
  readonly operation?: string;
}

export type RetryClass = 'throttle' | 'transient' | 'none';

/** The error every function of the AWS layer rejects with. */
export class AwsError extends Error implements AwsErrorInfo {
  override readonly name = 'AwsError';
  readonly kind: AwsErrorKind;
  readonly next: string;
  readonly missingAction?: string;
  readonly command?: string;
  readonly detail?: string;
  readonly retry: RetryClass;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly profile?: string;
  readonly region?: string;
  readonly operation?: string;

  constructor(info: AwsErrorInfo) {
    super(info.message);
    this.kind = info.kind;
    this.next = info.next;
    this.missingAction = info.missingAction;
    this.command = info.command;
    this.detail = info.detail;
    this.retry = info.retry;
    this.code = info.code;
    this.httpStatus = info.httpStatus;
    this.profile = info.profile;
    this.region = info.region;
    this.operation = info.operation;
  }

  toJSON(): AwsErrorInfo & { name: string } {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      next: this.next,
      missingAction: this.missingAction,
      command: this.command,
      detail: this.detail,
      retry: this.retry,
      code: this.code,
      httpStatus: this.httpStatus,
      profile: this.profile,
      region: this.region,
      operation: this.operation,
    };
  }
}

const SHORT_PROBLEM: Readonly<Partial<Record<string, string>>> = {
  'sso-expired': 'SSO sign-in needed',
  'no-credentials': 'no credentials',
  'credentials-expired': 'credentials expired',
  'invalid-credentials': 'credentials not accepted',
  'clock-skew': 'clock out of sync',
  'access-denied': 'access denied',
  unreachable: 'unreachable',
  service: 'AWS error',
};

/** A few words for an error kind, where a whole sentence does not fit (tree descriptions, pickers). */
export function shortProblem(kind: string | undefined): string | undefined {
  return kind === undefined || !Object.prototype.hasOwnProperty.call(SHORT_PROBLEM, kind) ? undefined : SHORT_PROBLEM[kind];
}

export function isAwsError(value: unknown): value is AwsError {
  return value instanceof AwsError;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && (typeof value === 'object' || typeof value === 'function') ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads name, code, message and HTTP status off a thrown value (an SDK ServiceException, a
 * CredentialsProviderError, a Node system error, an AggregateError, an AbortError, a string…),
 * looking through `cause` and `errors` for the system error code.
 */
export function errorFacts(error: unknown): Pick<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'> {
  if (typeof error === 'string') return { message: error };
  const top = record(error);
  if (!top) return { message: String(error) };
  const metadata = record(top.$metadata);
  const response = record(top.$response);
  const status = metadata?.httpStatusCode ?? response?.statusCode;
  let code = text(top.code) ?? text(top.Code) ?? text(top.errno);
  // Network failures may be wrapped: look one or two levels down for a system code.
  for (const inner of [record(top.cause), ...(Array.isArray(top.errors) ? top.errors.map(record) : [])]) {
    if (code) break;
    code = text(inner?.code) ?? text(record(inner?.cause)?.code);
  }
  return {
    name: text(top.name) ?? text(top.Code) ?? text(top.__type),
    code,
    message: text(top.message) ?? text(top.Message) ?? (Array.isArray(top.errors) ? text(record(top.errors[0])?.message) : undefined),
    httpStatus: typeof status === 'number' ? status : undefined,
  };
}

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const EXPIRED_NAMES = new Set(['ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired']);
const INVALID_CREDENTIAL_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AuthFailure',
  'InvalidToken',
]);
const CLOCK_NAMES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
const DENIED_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'NotAuthorized',
  'Forbidden',
  'InsufficientDependencyServiceAccessPermissionException',
]);
const SERVICE_NAMES = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceFailure',
  'ServiceException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'EPROTO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_|ERR_SSL_|ERR_OSSL_)/;
/** Network codes worth another attempt (the others — DNS, TLS — will fail the same way again). */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNREFUSED', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

const SSO_EXPIRED = /SSO session (associated with this profile )?(has expired|is invalid)|SSO session token .*(not found|invalid)|Token is expired|sso.*(token|session).*expired|Value not present for .* in SSO Token|Session token not found or invalid|aws sso login/i;
const LOGIN_EXPIRED = /re-authenticate using aws login|Failed to load a token for session/i;
const EXPIRED_MESSAGE = /security token included in the request is expired|token has expired|credentials have expired|ExpiredToken/i;
const INVALID_MESSAGE = /security token included in the request is invalid|signature we calculated does not match|access key id you provided does not exist|not a valid key=value pair|InvalidClientTokenId/i;
const CLOCK_MESSAGE = /Signature expired|Signature not yet current|RequestTimeTooSkewed|request time.*too (skewed|far)|clock skew/i;
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b|socket hang up|connect timeout|timed out|Connection timed out/i;
const ABORT_MESSAGE = /^(Request aborted|The operation was aborted|This operation was aborted|Aborted)\.?$/i;

const DENIED_ACTION = [
  /not authorized to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)/i,
  /no (?:identity|resource)-based policy allows the ([A-Za-z0-9-]+:[A-Za-z0-9*]+) action/i,
  /(?:permission|access) (?:to|for) (?:perform )?([a-z0-9-]+:[A-Z][A-Za-z0-9]+)/,
];
const DENY_REASON = /with an explicit deny in (?:a|an) ([a-z -]+?(?:policy|boundary))/i;

const MAX_DETAIL = 500;

function shorten(message: string): string {
  const clean = redact(message.replace(/\s+/g, ' ').trim());
  return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL - 1)}…` : clean;
}

/** `cloudtrail:LookupEvents` from the service error's message, or undefined. */
export function missingActionFrom(message: string | undefined): string | undefined {
  if (!message) return undefined;
  for (const pattern of DENIED_ACTION) {
    const match = pattern.exec(message);
    if (match) return match[1];
  }
  return undefined;
}

/** Which retry an error deserves: `throttle` (paced, patient), `transient` (a few attempts) or none. */
export function retryClassOf(facts: Pick<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'>): RetryClass {
  const name = facts.name ?? '';
  const code = facts.code ?? '';
  if (THROTTLE_NAMES.has(name) || THROTTLE_NAMES.has(code) || facts.httpStatus === 429) return 'throttle';
  if (/^(Rate exceeded|Too many requests)/i.test(facts.message ?? '')) return 'throttle';
  if (name === 'AbortError' || code === 'ABORT_ERR') return 'none';
  if (TRANSIENT_CODES.has(code) || name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException') return 'transient';
  if (SERVICE_NAMES.has(name) || (facts.httpStatus !== undefined && facts.httpStatus >= 500 && facts.httpStatus <= 599)) return 'transient';
  if (/socket hang up|ECONNRESET/i.test(facts.message ?? '')) return 'transient';
  return 'none';
}

function where(facts: ErrorFacts): string {
  const parts = [facts.profile ? `profile "${facts.profile}"` : '', facts.region ?? ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function ssoCommand(facts: ErrorFacts, login: boolean): string {
  const profile = facts.profile && facts.profile !== 'default' ? ` --profile ${shellQuote(facts.profile)}` : '';
  return login ? `aws login${profile}` : `aws sso login${profile}`;
}

/** Turns the facts of a failure into a kind, a message and a next step. */
export function classifyAwsError(facts: ErrorFacts): AwsErrorInfo {
  const name = facts.name ?? '';
  const code = facts.code ?? '';
  const raw = facts.message ?? '';
  const detail = raw ? shorten(raw) : undefined;
  const retry = retryClassOf(facts);
  const base = {
    detail,
    retry,
    code: name && name !== 'Error' ? name : code || undefined,
    httpStatus: facts.httpStatus,
    profile: facts.profile,
    region: facts.region,
    operation: facts.operation,
  };
  const at = where(facts);
  const profileFlag = facts.profile && facts.profile !== 'default' ? ` --profile ${shellQuote(facts.profile)}` : '';

  if (name === 'AbortError' || code === 'ABORT_ERR' || ABORT_MESSAGE.test(raw)) {
    return { ...base, kind: 'cancelled', retry: 'none', message: 'Cancelled.', next: '' };
  }

  if (retry === 'throttle') {
    return {
      ...base,
      kind: 'throttled',
      message: `AWS is rate-limiting requests${at}.`,
      next: 'Requests are paced and retried automatically; wait a moment and try again if it persists.',
    };
  }

  const credentialError = name === 'CredentialsProviderError' || name === 'TokenProviderError';
  if (LOGIN_EXPIRED.test(raw)) {
    const command = ssoCommand(facts, true);
    return { ...base, kind: 'sso-expired', message: `The sign-in session${at} has expired.`, next: `Sign in again: run \`${command}\`.`, command };
  }
  if (SSO_EXPIRED.test(raw) || (name === 'UnauthorizedException' && facts.profileKind === 'sso')) {
    const command = ssoCommand(facts, false);
    return {
      ...base,
      kind: 'sso-expired',
      message: `The AWS SSO (IAM Identity Center) session${at} has expired or is not signed in.`,
      next: `Sign in again: run \`${command}\`.`,
      command,
    };
  }

  if (CLOCK_NAMES.has(name) || CLOCK_MESSAGE.test(raw)) {
    return {
      ...base,
      kind: 'clock-skew',
      retry: 'none',
      message: `AWS rejected the request signature because this computer's clock is off${at}.`,
      next: 'Synchronise the system clock (NTP) and try again.',
    };
  }

  if (EXPIRED_NAMES.has(name) || EXPIRED_NAMES.has(code) || EXPIRED_MESSAGE.test(raw)) {
    if (facts.profileKind === 'sso') {
      const command = ssoCommand(facts, false);
      return { ...base, kind: 'sso-expired', message: `The AWS SSO credentials${at} have expired.`, next: `Sign in again: run \`${command}\`.`, command };
    }
    const next =
      facts.profileKind === 'role'
        ? `Refresh the source credentials of the role profile${facts.profile ? ` "${facts.profile}"` : ''} and try again.`
        : facts.profileKind === 'process'
          ? 'The credential_process returned expired credentials: sign in with the tool it runs and try again.'
          : `Renew the temporary credentials (aws_session_token) of the profile${facts.profile ? ` "${facts.profile}"` : ''}, or use an SSO or role profile that refreshes itself.`;
    return { ...base, kind: 'credentials-expired', message: `The AWS credentials${at} have expired.`, next };
  }

  if (credentialError) {
    const mfa = /multi-factor authentication|MFA code/i.test(raw);
    const missingProfile = /Profile .* (could not be found|was not found)|Could not resolve credentials using profile/i.test(raw);
    const next = mfa
      ? `The profile needs an MFA code, which this tool cannot ask for: use \`aws sts get-session-token\`, an SSO profile, or a credential_process that prompts.`
      : missingProfile
        ? `Add the profile to ~/.aws/config (or AWS_CONFIG_FILE), e.g. with \`aws configure${profileFlag}\` or \`aws configure sso${profileFlag}\`.`
        : `Configure credentials: \`aws configure${profileFlag}\`, \`aws configure sso${profileFlag}\`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID.`;
    return { ...base, kind: 'no-credentials', retry: 'none', message: `No AWS credentials could be loaded${at}.`, next };
  }

  if (INVALID_CREDENTIAL_NAMES.has(name) || INVALID_CREDENTIAL_NAMES.has(code) || INVALID_MESSAGE.test(raw)) {
    return {
      ...base,
      kind: 'invalid-credentials',
      retry: 'none',
      message: `AWS does not accept the credentials${at}.`,
      next: `Check the access key of the profile (\`aws configure${profileFlag}\`)${facts.region ? `, and that region ${facts.region} is enabled for the account` : ''}${facts.endpoint ? `, and that ${facts.endpoint} knows these keys` : ''}.`,
    };
  }

  if (DENIED_NAMES.has(name) || DENIED_NAMES.has(code) || (facts.httpStatus === 403 && !name.startsWith('Invalid')) || /not authorized to perform/i.test(raw)) {
    const missingAction = missingActionFrom(raw) ?? facts.operation;
    const deny = DENY_REASON.exec(raw)?.[1];
    return {
      ...base,
      kind: 'access-denied',
      retry: 'none',
      missingAction,
      message: `Access denied${missingAction ? `: ${missingAction} is not allowed` : ''}${at}.`,
      next: deny
        ? `An explicit deny in a ${deny} blocks ${missingAction ?? 'this action'}: ask your AWS administrator.`
        : `Ask your AWS administrator to allow ${missingAction ?? 'this action'} for the identity of the profile, or use another profile.`,
    };
  }

  const network = NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || TLS_CODES.test(code) || name === 'TimeoutError' || name === 'RequestTimeout' || NETWORK_MESSAGE.test(raw);
  if (network) {
    const target = facts.endpoint ?? (facts.region ? `AWS in ${facts.region}` : 'AWS');
    const next = TLS_CODES.test(code)
      ? `The TLS certificate of ${target} is not trusted: check a proxy or set NODE_EXTRA_CA_CERTS.`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? facts.endpoint
          ? `Check the endpoint URL ${facts.endpoint} and your network.`
          : `Check the region name${facts.region ? ` "${facts.region}"` : ''}, your network and proxy settings.`
        : facts.endpoint
          ? `Check that ${facts.endpoint} is running and reachable (endpoint override: setting cloudtrailLens.endpointUrl, AWS_ENDPOINT_URL*, or the profile's endpoint_url).`
          : 'Check your network connection and proxy settings, then retry.';
    return { ...base, kind: 'unreachable', message: `Could not reach ${target}${code ? ` (${code})` : ''}.`, next };
  }

  if (/NotFound|^NoSuch/.test(name)) {
    return { ...base, kind: 'not-found', retry: 'none', message: `Not found${at}: ${detail ?? name}.`, next: 'Refresh, and check the name and the region.' };
  }

  if (/^Invalid\w*(Exception)?$|^Validation(Exception|Error)$|^MissingParameter|^ParameterValue|Unsupported\w*Exception$|^SerializationException$/.test(name)) {
    return {
      ...base,
      kind: 'invalid-input',
      retry: 'none',
      message: `AWS rejected the request${at}: ${detail ?? name}`,
      next: /TimeRange/.test(name)
        ? 'Use a start time before the end time, within the last 90 days.'
        : /LookupAttributes/.test(name)
          ? 'Search with one lookup attribute at a time and a non-empty value.'
          : /NextToken/.test(name)
            ? 'Start the search again (a page token is only valid with identical parameters).'
            : 'Change the request and try again.',
    };
  }

  if (retry === 'transient') {
    return { ...base, kind: 'service', message: `AWS had a problem answering${at}${facts.httpStatus ? ` (HTTP ${facts.httpStatus})` : ''}.`, next: 'Try again in a moment.' };
  }

  return {
    ...base,
    kind: 'unknown',
    message: `The AWS request failed${at}: ${detail ?? (name || 'unknown error')}`,
    next: 'Try again; if it persists, see the CloudTrail Lens log.',
  };
}

/** Classifies any thrown value (an AwsError is returned as it is). */
export function toAwsError(error: unknown, context: Omit<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'> = {}): AwsError {
  if (error instanceof AwsError) return error;
  return new AwsError(classifyAwsError({ ...errorFacts(error), ...context }));
}

/** The AbortError the layer rejects with when the caller's signal fires. */
export function cancelledError(context: Omit<ErrorFacts, 'name' | 'code' | 'message' | 'httpStatus'> = {}): AwsError {
  return new AwsError(classifyAwsError({ name: 'AbortError', message: 'Cancelled.', ...context }));
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base·2^attempt)].
 * `attempt` counts from 0 (the delay before the first retry).
 */
export function backoffDelay(attempt: number, options: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = options.baseMs ?? 100;
  const cap = options.capMs ?? 20_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}
