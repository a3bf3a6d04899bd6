/**
 * Reading the SigV4 `Authorization` header the way AWS front ends do before any signature check:
 * which key signed, for which date, region and service. The signature itself is not verified.
 * Pure: no I/O.
 */

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export type AuthErrorCode = 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'InvalidSignatureException';

export type AuthResult =
  | { ok: true; scope: CredentialScope; signedHeaders: string[]; amzDate: string }
  | { ok: false; code: AuthErrorCode; message: string };

export interface AuthHeaders {
  authorization?: string;
  amzDate?: string;
  date?: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export function parseAuthorization(headers: AuthHeaders, nowMs?: number, maxSkewMs = 5 * 60_000): AuthResult {
  const header = headers.authorization?.trim();
  if (!header) return { ok: false, code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };

  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  const rest = space < 0 ? '' : header.slice(space + 1);
  const params = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const problems: string[] = [];
  if (algorithm !== ALGORITHM) {
    // Not SigV4 at all: AWS lists what a SigV4 header would need.
    problems.push(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  for (const required of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(required)) problems.push(`Authorization header requires '${required}' parameter.`);
  }
  const amzDate = headers.amzDate ?? (headers.date ? toAmzDate(headers.date) : undefined);
  if (!amzDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0) {
    return { ok: false, code: 'IncompleteSignatureException', message: `${problems.join(' ')} Authorization=${header}` };
  }

  const credential = params.get('Credential') ?? '';
  const parts = credential.split('/');
  if (parts.length !== 5) {
    return {
      ok: false,
      code: 'IncompleteSignatureException',
      message: `Credential should be scoped to a valid region. Credential should be scoped to correct service. Credential should be scoped with a valid terminator: 'aws4_request'. Authorization=${header}`,
    };
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!accessKeyId) return { ok: false, code: 'IncompleteSignatureException', message: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'` };
  if (terminator !== 'aws4_request') {
    return { ok: false, code: 'IncompleteSignatureException', message: `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. ` };
  }
  if (!REGION_PATTERN.test(region)) {
    return { ok: false, code: 'IncompleteSignatureException', message: `Credential should be scoped to a valid region, not '${region}'. ` };
  }
  if (!/^\d{8}$/.test(date)) {
    return { ok: false, code: 'IncompleteSignatureException', message: `Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601` };
  }
  const amzDateValue = amzDate ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDateValue)) {
    return { ok: false, code: 'IncompleteSignatureException', message: `Date must be in ISO-8601 'basic format'. Got '${amzDateValue}'. See http://en.wikipedia.org/wiki/ISO_8601` };
  }
  if (amzDateValue.slice(0, 8) !== date) {
    return {
      ok: false,
      code: 'InvalidSignatureException',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDateValue.slice(0, 8)}', from '${amzDateValue}'.`,
    };
  }
  if (nowMs !== undefined) {
    const signedAt = amzDateToMs(amzDateValue);
    if (Math.abs(nowMs - signedAt) > maxSkewMs) {
      const now = msToAmzDate(nowMs);
      const message =
        signedAt < nowMs
          ? `Signature expired: ${amzDateValue} is now earlier than ${msToAmzDate(nowMs - maxSkewMs)} (${now} - ${maxSkewMs / 60_000} min.)`
          : `Signature not yet current: ${amzDateValue} is still later than ${msToAmzDate(nowMs + maxSkewMs)} (${now} + ${maxSkewMs / 60_000} min.)`;
      return { ok: false, code: 'InvalidSignatureException', message };
    }
  }
  const signedHeaders = (params.get('SignedHeaders') ?? '').split(';').filter(Boolean);
  return { ok: true, scope: { accessKeyId, date, region, service }, signedHeaders, amzDate: amzDateValue };
}

/** `20240131T235959Z` -> epoch milliseconds. */
export function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function msToAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function toAmzDate(httpDate: string): string | undefined {
  const ms = Date.parse(httpDate);
  return Number.isNaN(ms) ? undefined : msToAmzDate(ms);
}
