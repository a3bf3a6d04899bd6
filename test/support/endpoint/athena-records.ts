/**
 * Records for the Athena/SQL and archive tests: every real fixture record (test/fixtures/events,
 * labelled, endpoint — each file as it is, gzip or not, any JSON shape) and hostile synthetic
 * records carrying quotes, LIKE wildcards, backslashes, unicode, line breaks and NUL bytes in the
 * fields the filters read.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fixturePath } from '../fixtures';

export type AnyRecord = Record<string, unknown>;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Records of a file in any shape: {Records}, {Events}, an array, JSON Lines (panther rows carry the record under `log`), one record. */
export function recordsOfText(text: string): AnyRecord[] {
  const unwrap = (value: unknown): AnyRecord[] => {
    if (Array.isArray(value)) return value.flatMap(unwrap);
    if (value === null || typeof value !== 'object') return [];
    const object = value as AnyRecord;
    if (Array.isArray(object.Records)) return object.Records as AnyRecord[];
    if (Array.isArray(object.Events)) return (object.Events as AnyRecord[]).map((event) => (typeof event.CloudTrailEvent === 'string' ? (JSON.parse(event.CloudTrailEvent) as AnyRecord) : event));
    if (object.log !== null && typeof object.log === 'object' && 'expected_result' in object) return [object.log as AnyRecord];
    return [object];
  };
  try {
    return unwrap(JSON.parse(text));
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => unwrap(JSON.parse(line)));
  }
}

export interface FixtureRecord {
  /** Path below test/fixtures. */
  file: string;
  record: AnyRecord;
}

/** Every record of the real fixture sets. */
export function fixtureRecords(sets: readonly string[] = ['events', 'labelled', 'endpoint/events']): FixtureRecord[] {
  const out: FixtureRecord[] = [];
  for (const set of sets) {
    const root = fixturePath(set);
    for (const path of walk(root)) {
      if (!/\.(json|jsonl)(\.gz)?$/.test(path)) continue;
      let data = readFileSync(path);
      if (path.endsWith('.gz')) data = gunzipSync(data);
      for (const record of recordsOfText(data.toString('utf8'))) out.push({ file: path.slice(fixturePath().length + 1), record });
    }
  }
  return out;
}

/** Values that break naive SQL, LIKE patterns, JSON, terminals and spreadsheets. */
export const HOSTILE_VALUES: readonly string[] = [
  "O'Brien",
  "''",
  "'; DROP TABLE cloudtrail; --",
  '100%',
  '%',
  '_',
  'a_b',
  'a%b_c\\d',
  '\\',
  '\\%',
  'back\\slash',
  '"quoted"',
  'ÜBER-Straße',
  'über',
  '日本語のユーザー',
  'emoji 🚀 user',
  'ΟΔΟΣ',
  'İstanbul',
  'line\nbreak',
  'tab\there',
  'cr\rlf',
  'nul\u0000byte',
  'sep\u2028line',
  '${timestamp}',
  '*',
  '?',
  '[abc]',
  '.*',
];

/** Synthetic records carrying the hostile values in the fields the filters read. */
export function hostileRecords(): AnyRecord[] {
  return HOSTILE_VALUES.map((value, index) => {
    const time = new Date(Date.UTC(2024, 0, 1 + index, 12, index % 60, index % 60)).toISOString().replace('.000', '');
    return {
      eventVersion: '1.09',
      eventTime: time,
      eventID: `hostile-${index}-${value}`,
      eventSource: index % 2 === 0 ? 'iam.amazonaws.com' : `${value}.amazonaws.com`,
      eventName: value,
      awsRegion: 'us-east-1',
      sourceIPAddress: index % 3 === 0 ? value : `10.${index}.0.1`,
      userAgent: `agent ${value} end`,
      errorCode: index % 2 === 0 ? value : `${value}Exception`,
      errorMessage: value,
      readOnly: index % 2 === 0,
      recipientAccountId: '111122223333',
      eventType: 'AwsApiCall',
      eventCategory: 'Management',
      userIdentity: {
        type: index % 3 === 0 ? 'IAMUser' : index % 3 === 1 ? 'AssumedRole' : 'FederatedUser',
        userName: value,
        arn: index % 3 === 1 ? `arn:aws:sts::111122223333:assumed-role/${value}/session-${index}` : `arn:aws:iam::111122223333:user/${value}`,
        principalId: `AIDA${index}:${value}`,
        accessKeyId: `AKIAHOSTILE${String(index).padStart(9, '0')}`,
        accountId: '111122223333',
        sessionContext: index % 3 === 1 ? { sessionIssuer: { type: 'Role', userName: value, arn: `arn:aws:iam::111122223333:role/${value}` } } : undefined,
      },
      requestParameters: { bucketName: value, nested: { list: [value, index] } },
      responseElements: index % 4 === 0 ? null : { result: value },
      resources: index % 2 === 0 ? [{ type: `AWS::Test::${value}`, ARN: `arn:aws:s3:::${value}` }] : undefined,
    };
  });
}
