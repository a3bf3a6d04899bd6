/**
 * Input validation for the palette lookups: a malformed value gets a message that says what is
 * wrong before any request is made (VS Code shows it under the input box), and a well-formed
 * value comes back normalised (trimmed, the case LookupEvents expects).
 *
 * Formats:
 *  - Access key ids: `AKIA` (long-term) or `ASIA` (temporary, STS) + 16 characters, upper-case
 *    letters and digits; 20 in all. IAM unique id prefixes:
 *    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
 *  - Event ids: a UUID (CloudTrail's `eventID`, e.g. `8f4a5c2e-1b3d-4e5f-9a8b-7c6d5e4f3a2b`).
 *  - User names: IAM user and role-session names (letters, digits, `+=,.@_-`), `root`, federated
 *    and Identity Center user names (which may be e-mail addresses).
 *  - Event names: API action names (`UpdateTrail`, `ConsoleLogin`).
 */
import { isBucketName } from './resource-types';

export type Validation =
  | { readonly ok: true; readonly value: string; /** Shown as information: what the input was read as. */ readonly note?: string }
  | { readonly ok: false; readonly message: string };

/** LookupEvents' AttributeValue limit. */
export const MAX_ATTRIBUTE_VALUE = 2000;

function invalid(message: string): Validation {
  return { ok: false, message };
}

function controlCharacters(value: string): boolean {
  return /[\p{Cc}\u2028\u2029]/u.test(value);
}

export function validateAccessKeyId(input: string): Validation {
  const value = input.trim();
  if (value === '') return invalid('Enter an access key id: AKIA… (long-term) or ASIA… (temporary), 20 characters.');
  if (/^[A-Za-z0-9/+]{40}$/.test(value) && !/^(AKIA|ASIA)/i.test(value)) {
    return invalid('This looks like a SECRET access key. Never paste it anywhere: enter the access key ID (AKIA… or ASIA…) instead.');
  }
  const upper = value.toUpperCase();
  if (!/^(AKIA|ASIA)/.test(upper)) {
    if (/^(AIDA|AROA|AGPA|ANPA|AIPA)/.test(upper)) return invalid(`${value.slice(0, 4)}… is a unique id of a user, role, group or policy, not an access key id: access key ids start with AKIA or ASIA.`);
    return invalid('An access key id starts with AKIA (long-term key) or ASIA (temporary key).');
  }
  if (!/^[A-Z0-9]+$/.test(upper)) return invalid('An access key id has only letters A–Z and digits 0–9.');
  if (upper.length !== 20) return invalid(`An access key id has 20 characters; this one has ${upper.length}.`);
  if (upper !== value) return { ok: true, value: upper, note: `Looking up ${upper} (access key ids are upper case).` };
  return { ok: true, value: upper };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function validateEventId(input: string): Validation {
  const value = input.trim().replace(/^["']|["']$/g, '');
  if (value === '') return invalid('Enter an event id: a UUID such as 8f4a5c2e-1b3d-4e5f-9a8b-7c6d5e4f3a2b (the eventID of the record).');
  const lower = value.toLowerCase();
  if (UUID.test(lower)) return { ok: true, value: lower };
  if (/^[0-9a-f]{32}$/.test(lower)) return invalid('An event id is a UUID with hyphens: 8-4-4-4-12 hexadecimal digits.');
  if (/^[0-9a-f-]+$/.test(lower)) return invalid(`An event id is a UUID: 8-4-4-4-12 hexadecimal digits (36 characters); this one has ${lower.length}.`);
  return invalid('An event id is a UUID: 8-4-4-4-12 hexadecimal digits, e.g. 8f4a5c2e-1b3d-4e5f-9a8b-7c6d5e4f3a2b.');
}

/**
 * Event history's Username: an IAM user, a role session name, a federated or Identity Center
 * user, or `root`. A principal ARN is read as the name it carries.
 */
export function validateUsername(input: string): Validation {
  const value = input.trim();
  if (value === '') return invalid('Enter a user name: an IAM user, a role session name, or root.');
  if (controlCharacters(value)) return invalid('A user name cannot contain control characters or line breaks.');
  const arn = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(user|assumed-role|federated-user)\/(.+)$/.exec(value);
  if (arn) {
    const name = arn[3].split('/').pop() ?? '';
    if (name === '') return invalid('This ARN has no user or session name at its end.');
    const what = arn[2] === 'assumed-role' ? 'role session name' : arn[2] === 'user' ? 'IAM user name' : 'federated user name';
    return { ok: true, value: name, note: `Looking up the ${what} "${name}" from the ARN (event history lists users by name).` };
  }
  if (/^arn:/.test(value)) return invalid('Event history lists users by name: enter the user name, or an IAM user / assumed-role ARN.');
  if (value.length > 128) return invalid('A user name has at most 128 characters.');
  if (/\s/.test(value) && !/@/.test(value)) return invalid('IAM user and session names have no spaces.');
  return { ok: true, value };
}

export function validateEventName(input: string): Validation {
  const value = input.trim();
  if (value === '') return invalid('Enter an event name: the API action, such as UpdateTrail or ConsoleLogin.');
  const colon = /^([a-z0-9-]+(?:\.amazonaws\.com)?):([A-Za-z][A-Za-z0-9_]*)$/.exec(value);
  if (colon) return { ok: true, value: colon[2], note: `Looking up ${colon[2]} (the event name without its service).` };
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) return invalid('An event name is an API action: letters and digits only, such as StopLogging or PutBucketPolicy.');
  if (value.length > 128) return invalid('An event name has at most 128 characters.');
  if (/^[a-z]/.test(value)) return { ok: true, value, note: 'Event names are case-sensitive and usually start with a capital letter (StopLogging).' };
  return { ok: true, value };
}

/** A resource name, id or ARN (what event history's ResourceName holds). */
export function validateResourceName(input: string): Validation {
  const value = input.trim();
  if (value === '') return invalid('Enter a resource name, id or ARN: sg-0123456789abcdef0, my-bucket, arn:aws:iam::123456789012:role/deploy.');
  if (controlCharacters(value)) return invalid('A resource name cannot contain control characters or line breaks.');
  if (value.length > MAX_ATTRIBUTE_VALUE) return invalid(`A resource name has at most ${MAX_ATTRIBUTE_VALUE} characters.`);
  if (/^arn:[^:]*(:[^:]*){0,3}$/.test(value)) return invalid('This ARN is incomplete: arn:partition:service:region:account-id:resource.');
  if (value.startsWith('s3://')) {
    const bucket = value.slice(5).split('/')[0];
    if (!isBucketName(bucket)) return invalid(`"${bucket}" is not a valid S3 bucket name.`);
    return { ok: true, value: bucket, note: `Looking up the bucket "${bucket}".` };
  }
  return { ok: true, value };
}
