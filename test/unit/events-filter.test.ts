import { strict as assert } from 'node:assert';
import { compileFilter, compileLocalFilter, createDeduper, narrows, recordContainsText, type EventPredicate } from '../../src/core/events/filter';
import { cidrContains, isWorldCidr, parseCidr, parseIp } from '../../src/core/events/ip';
import { planQuery, type LocalFilter } from '../../src/core/events/planner';
import { toRow, type CloudTrailRecord, type EventResource, type EventRow } from '../../src/core/events/record';
import type { RiskFlag } from '../../src/core/events/risk';
import { loadRecords } from '../support/fixtures';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

interface Event {
  row: EventRow;
  record: CloudTrailRecord;
}

function ev(record: CloudTrailRecord, extra: { resources?: EventResource[]; username?: string } = {}): Event {
  return { row: toRow(record, extra), record };
}

const alice = ev({
  eventID: 'E1',
  eventTime: '2025-06-15T11:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  readOnly: false,
  sourceIPAddress: '203.0.113.7',
  userAgent: 'aws-cli/2.15.0 Python/3.11',
  errorCode: 'AccessDenied',
  errorMessage: 'User: arn:aws:iam::111122223333:user/alice is not authorized',
  userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accessKeyId: 'AKIAALICE0000000000', accountId: '111122223333' },
  requestParameters: { userName: 'bob' },
});
const role = ev(
  {
    eventID: 'E2',
    eventTime: '2025-06-15T10:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    readOnly: true,
    sourceIPAddress: '2001:db8::42',
    userAgent: '[Boto3/1.34 Python/3.12]',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/session-7',
      accessKeyId: 'ASIAROLE000000000000',
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'Deployer', arn: 'arn:aws:iam::111122223333:role/Deployer' } },
    },
    requestParameters: { bucketName: 'prod-data', key: 'secrets/ÜBER.txt' },
    resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::prod-data/secrets/ÜBER.txt' }, { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::prod-data' }],
  },
);
const login = ev({
  eventID: 'E3',
  eventTime: '2025-06-15T09:00:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  sourceIPAddress: '198.51.100.20',
  userAgent: 'Mozilla/5.0',
  userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
  additionalEventData: { MFAUsed: 'No' },
  responseElements: { ConsoleLogin: 'Success' },
});
const service = ev({
  eventID: 'E4',
  eventTime: '2025-06-10T09:00:00Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'Decrypt',
  readOnly: 'true',
  sourceIPAddress: 'cloudtrail.amazonaws.com',
  userAgent: 'cloudtrail.amazonaws.com',
  userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
  errorCode: 'Client.UnauthorizedOperation',
});
const insight = ev({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', eventTime: '2025-06-15T08:00:00Z', insightDetails: { eventName: 'DeleteBucket', eventSource: 's3.amazonaws.com' } });
const lookup = ev(
  { eventID: 'E6', eventTime: '2025-06-15T07:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'TerminateInstances', userIdentity: { type: 'IAMUser', userName: 'carol' } },
  { resources: [{ type: 'AWS::EC2::Instance', name: 'i-0abc' }], username: 'carol' },
);
const ALL = [alice, role, login, service, insight, lookup];

function ids(predicate: EventPredicate): string[] {
  return ALL.filter(({ row, record }) => predicate(row, record)).map(({ row }) => row.eventId || row.eventName);
}

function only(filter: LocalFilter, options = {}): string[] {
  return ids(compileLocalFilter(filter, options));
}

describe('core/events/ip: addresses and CIDR blocks', () => {
  it('parses IPv4 (with leading zeros as anonymised data has them), IPv6 and IPv4-mapped IPv6', () => {
    assert.equal(parseIp('225.178.039.250')?.family, 4);
    assert.equal(parseIp('::ffff:10.1.2.3')?.family, 4);
    assert.equal(parseIp('2001:db8::1')?.family, 6);
    assert.equal(parseIp('[2001:db8::1]')?.family, 6);
    assert.equal(parseIp('fe80::1%eth0')?.family, 6);
    for (const bad of ['', 'AWS Internal', '1.2.3', '1.2.3.256', '1.2.3.4.5', '::1::2', '12345::', 'cloudtrail.amazonaws.com', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it('matches CIDR blocks across IPv4 and IPv4-mapped IPv6', () => {
    const block = parseCidr('10.0.0.0/8');
    assert.ok(block && cidrContains(block, parseIp('10.200.1.1')!));
    assert.ok(block && cidrContains(block, parseIp('::ffff:10.9.9.9')!));
    assert.ok(block && !cidrContains(block, parseIp('11.0.0.1')!));
    const v6 = parseCidr('2001:db8::/32');
    assert.ok(v6 && cidrContains(v6, parseIp('2001:db8:ffff::1')!));
    assert.ok(v6 && !cidrContains(v6, parseIp('2001:db9::1')!));
    assert.ok(v6 && !cidrContains(v6, parseIp('10.0.0.1')!));
    const odd = parseCidr('192.168.1.77/26');
    assert.ok(odd && cidrContains(odd, parseIp('192.168.1.64')!) && !cidrContains(odd, parseIp('192.168.1.128')!));
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0/x'), undefined);
  });

  it('recognises world-open blocks, including anonymised ones like 208.236.235.254/0', () => {
    for (const world of ['0.0.0.0/0', '::/0', '208.236.235.254/0']) assert.ok(isWorldCidr(world), world);
    for (const not of ['0.0.0.0', '10.0.0.0/8', '0.0.0.0/1', 'nope/0']) assert.ok(!isWorldCidr(not), not);
  });
});

describe('core/events/filter: every local filter', () => {
  it('EventId, EventName, EventSource, AccessKeyId: case-insensitive equality', () => {
    assert.deepEqual(only({ kind: 'attribute', attribute: 'EventId', values: ['e2', 'E3'] }), ['E2', 'E3']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'EventName', values: ['consolelogin'] }), ['E3']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'EventSource', values: ['S3.amazonaws.com'] }), ['E2', 'DeleteBucket']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'AccessKeyId', values: ['ASIAROLE000000000000'] }), ['E2']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'AccessKeyId', values: [''] }), [], 'an empty key never matches keyless events');
  });

  it('Username: user name, role name, session name, role/session, root, LookupEvents name', () => {
    for (const name of ['Deployer', 'session-7', 'Deployer/session-7', 'DEPLOYER']) {
      assert.deepEqual(only({ kind: 'attribute', attribute: 'Username', values: [name] }), ['E2'], name);
    }
    assert.deepEqual(only({ kind: 'attribute', attribute: 'Username', values: ['alice'] }), ['E1']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'Username', values: ['root'] }), ['E3']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'Username', values: ['carol'] }), ['E6']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'Username', values: ['bob'] }), [], 'a request parameter is not the caller');
  });

  it('ResourceName: full ARN, last segment, LookupEvents resources, request parameters as a fallback', () => {
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceName', values: ['arn:aws:s3:::prod-data'] }), ['E2']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceName', values: ['PROD-DATA'] }), ['E2']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceName', values: ['i-0abc'] }), ['E6']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceName', values: ['bob'] }), ['E1'], 'no resource list: request parameters');
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceName', values: ['prod'] }), [], 'no substring matches');
  });

  it('ResourceType and ReadOnly (a record without readOnly counts as a write)', () => {
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ResourceType', values: ['aws::s3::bucket'] }), ['E2']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ReadOnly', values: ['true'] }), ['E2', 'E4']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'ReadOnly', values: ['false'] }), ['E1', 'E3', 'DeleteBucket', 'E6']);
    assert.deepEqual(only({ kind: 'attribute', attribute: 'EventName', values: [] }), [], 'an empty list matches nothing');
  });

  it('errors only, exact codes, and prefix codes', () => {
    assert.deepEqual(only({ kind: 'errors', codes: [] }), ['E1', 'E4']);
    assert.deepEqual(only({ kind: 'errors', codes: ['accessdenied'] }), ['E1']);
    assert.deepEqual(only({ kind: 'errors', codes: ['Client.*'] }), ['E4']);
    assert.deepEqual(only({ kind: 'errors', codes: ['AccessDenied*', 'Client.UnauthorizedOperation'] }), ['E1', 'E4']);
    assert.deepEqual(only({ kind: 'errors', codes: ['Throttling'] }), []);
  });

  it('source IP: exact v4, CIDR v4, v6 CIDR, service names; garbage never matches', () => {
    assert.deepEqual(only({ kind: 'sourceIp', values: ['203.0.113.7'] }), ['E1']);
    assert.deepEqual(only({ kind: 'sourceIp', values: ['198.51.100.0/24', '203.0.113.0/24'] }), ['E1', 'E3']);
    assert.deepEqual(only({ kind: 'sourceIp', values: ['2001:db8::/32'] }), ['E2']);
    assert.deepEqual(only({ kind: 'sourceIp', values: ['2001:0db8:0000::0042'] }), ['E2'], 'IPv6 compared by value, not text');
    assert.deepEqual(only({ kind: 'sourceIp', values: ['CloudTrail.amazonaws.com'] }), ['E4']);
    assert.deepEqual(only({ kind: 'sourceIp', values: ['0.0.0.0/0'] }), ['E1', 'E3']);
    assert.deepEqual(only({ kind: 'sourceIp', values: ['not an ip'] }), []);
  });

  it('user agent: case-insensitive substring', () => {
    assert.deepEqual(only({ kind: 'userAgent', value: 'AWS-CLI/2' }), ['E1']);
    assert.deepEqual(only({ kind: 'userAgent', value: 'boto3' }), ['E2']);
    assert.deepEqual(only({ kind: 'userAgent', value: '' }).length, ALL.length);
  });

  it('free text: any value of the record, case-insensitive (Unicode too), regex characters literal, keys not searched', () => {
    assert.deepEqual(only({ kind: 'text', value: 'not authorized' }), ['E1']);
    assert.deepEqual(only({ kind: 'text', value: 'über.TXT' }), ['E2']);
    assert.deepEqual(only({ kind: 'text', value: '[boto3/' }), ['E2'], 'regex metacharacters are literal');
    assert.deepEqual(only({ kind: 'text', value: 'MFAUsed' }), [], 'keys are not searched');
    assert.deepEqual(only({ kind: 'text', value: 'i-0abc' }), ['E6'], 'LookupEvents resources are searched');
    assert.deepEqual(only({ kind: 'text', value: '111122223333' }), ['E1', 'E2', 'E3']);
    assert.ok(recordContainsText({ a: [1, { b: true }] }, 'TRUE'));
    assert.ok(!recordContainsText(null, 'x'));
  });

  it('Insights category and time range', () => {
    assert.deepEqual(only({ kind: 'category', category: 'insight' }), ['DeleteBucket']);
    assert.deepEqual(only({ kind: 'time', start: Date.UTC(2025, 5, 15, 9), end: Date.UTC(2025, 5, 15, 10) }), ['E2', 'E3']);
  });

  it('risky only: by level, with the default assessor or an injected one', () => {
    assert.deepEqual(only({ kind: 'risk', minLevel: 'high' }), ['E3'], 'root console login without MFA');
    assert.ok(only({ kind: 'risk', minLevel: 'low' }).includes('E1'), 'the denied CreateAccessKey is flagged');
    const flag: RiskFlag = { id: 'x', level: 'high', title: 't', reason: 'r', source: 'builtin' };
    assert.deepEqual(only({ kind: 'risk', minLevel: 'high' }, { riskOf: (row: EventRow) => (row.eventId === 'E6' ? [flag] : []) }), ['E6']);
  });
});

describe('core/events/filter: plans compiled into one predicate', () => {
  it('applies only the local part of a plan by default, and everything with includeServerSide', () => {
    const plan = planQuery({ attributes: { EventSource: ['s3'], Username: ['Deployer'] }, text: 'prod', time: { preset: '24h' } }, { now: NOW });
    assert.equal(plan.server?.attribute, 'Username');
    const local = compileFilter(plan);
    assert.deepEqual(ids(local), ['E2']);
    const offline = compileFilter(plan, { includeServerSide: true });
    assert.deepEqual(ids(offline), ['E2']);
    const wide = compileFilter(planQuery({ attributes: { Username: ['Deployer'] } }, { now: NOW }), { includeServerSide: true });
    assert.deepEqual(ids(wide), ['E2']);
  });

  it('matches everything for an empty plan and nothing for an impossible one', () => {
    assert.equal(ids(compileFilter(planQuery({}, { now: NOW }))).length, ALL.length);
    assert.deepEqual(ids(compileFilter(planQuery({ access: 'read', attributes: { ReadOnly: ['false'] } }, { now: NOW }))), []);
    assert.deepEqual(ids(compileFilter([{ kind: 'errors', codes: [] }, { kind: 'attribute', attribute: 'EventId', values: [] }])), []);
  });

  it('ANDs filters and ORs values within one attribute', () => {
    const predicate = compileFilter([
      { kind: 'attribute', attribute: 'EventName', values: ['CreateAccessKey', 'ConsoleLogin', 'Decrypt'] },
      { kind: 'errors', codes: [] },
      { kind: 'userAgent', value: 'cli' },
    ]);
    assert.deepEqual(ids(predicate), ['E1']);
  });

  it('knows when a new plan only narrows the previous one (re-filter the previous matches while typing)', () => {
    const p = (query: Parameters<typeof planQuery>[0]) => planQuery({ time: { preset: '24h' }, ...query }, { now: NOW });
    assert.ok(narrows(p({ text: 'back' }), p({ text: 'BACKDOOR' })));
    assert.ok(narrows(p({ text: 'back' }), p({ text: 'backdoor', errorsOnly: true })), 'an added filter narrows');
    assert.ok(narrows(p({ riskyOnly: 'low' }), p({ riskyOnly: 'high' })));
    assert.ok(narrows(p({ errorsOnly: true }), p({ errorCodes: ['AccessDenied'] })));
    assert.ok(narrows(p({ userAgent: 'aws' }), p({ userAgent: 'aws-cli' })));
    assert.ok(narrows(p({ attributes: { Username: ['a'], EventName: ['X', 'Y'] } }), p({ attributes: { Username: ['a'], EventName: ['x'] } })));
    assert.ok(!narrows(p({ text: 'backdoor' }), p({ text: 'back' })), 'a shorter text widens');
    assert.ok(!narrows(p({ text: 'a' }), p({})), 'dropping a filter widens');
    assert.ok(!narrows(p({ riskyOnly: 'high' }), p({ riskyOnly: 'low' })));
    assert.ok(!narrows(p({ attributes: { Username: ['a'] } }), p({ attributes: { Username: ['b'] } })), 'another server call');
    assert.ok(!narrows(p({ text: 'a' }), planQuery({ text: 'ab', time: { preset: '1h' } }, { now: NOW })), 'another time range');
    assert.ok(narrows(p({ text: 'a' }), p({ text: 'ab', sourceIps: ['10.0.0.0/8'] })));
  });

  it('deduplicates fanned-out streams by event id, never dropping id-less events', () => {
    const seen = createDeduper();
    const stream = [alice, role, alice, insight, insight, role];
    assert.deepEqual(
      stream.filter(({ row }) => seen(row)).map(({ row }) => row.eventId || '-'),
      ['E1', 'E2', '-', '-'],
    );
  });

  it('never throws on odd records (wrong types, missing fields, hostile nesting)', () => {
    let deep: unknown = 'needle';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const odd: CloudTrailRecord[] = [
      {},
      { eventName: 42 as unknown as string, userIdentity: 'x' as unknown as Record<string, unknown>, sourceIPAddress: { ip: 1 } as unknown as string },
      { requestParameters: deep, resources: 'nope', readOnly: 'maybe', userAgent: null as unknown as string },
      { userIdentity: { type: 'AssumedRole', arn: 7, sessionContext: [] }, errorCode: ['AccessDenied'] as unknown as string },
    ];
    const everything = compileFilter(
      planQuery(
        {
          attributes: { Username: ['u'], ResourceName: ['needle'], ResourceType: ['t'], AccessKeyId: ['k'], ReadOnly: ['true'], EventSource: ['s'], EventName: ['n'] },
          errorCodes: ['A*'],
          sourceIps: ['10.0.0.0/8', 'x'],
          userAgent: 'ua',
          text: 'needle',
          riskyOnly: 'low',
        },
        { now: NOW },
      ),
      { includeServerSide: true },
    );
    for (const record of odd) {
      const row = toRow(record);
      assert.doesNotThrow(() => everything(row, record));
      for (const filter of [
        { kind: 'text', value: 'needle' },
        { kind: 'attribute', attribute: 'ResourceName', values: ['needle'] },
        { kind: 'attribute', attribute: 'Username', values: ['u'] },
        { kind: 'sourceIp', values: ['::/0'] },
        { kind: 'risk', minLevel: 'low' },
      ] as LocalFilter[]) {
        assert.doesNotThrow(() => compileLocalFilter(filter)(row, record));
      }
    }
    assert.ok(recordContainsText(odd[2], 'NEEDLE'), 'deep nesting is searched without recursion');
  });

  it('works over real records: errors-only over the Stratus detonations', () => {
    const records = loadRecords('labelled', 'stratus-red-team');
    const errors = compileFilter([{ kind: 'errors', codes: ['*UnauthorizedOperation'] }]);
    const hits = records.filter(({ record }) => errors(toRow(record), record));
    assert.ok(hits.length >= 40, `got ${hits.length}`);
    assert.ok(hits.every(({ record }) => String(record.errorCode).endsWith('UnauthorizedOperation')));
  });
});
