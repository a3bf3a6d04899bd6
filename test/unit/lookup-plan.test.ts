/** Lookup plans (attribute, values, regions, notes), LookupEvents events → items, the write filter, merging and the UI text. */
import { strict as assert } from 'node:assert';
import type { RiskFlag } from '../../src/core/events/risk';
import { assessRisk } from '../../src/core/events/risk';
import { toRow } from '../../src/core/events/record';
import { eventPickFields, hoverSummary, pickTitle, plainText, recordDocument, riskBadge, searchArgument } from '../../src/core/lookup/format';
import { isWriteEvent, mergeNewestFirst, planForRecognised, planForValue, toLookupItem, type LookupEventLike, type LookupItem } from '../../src/core/lookup/plan';
import { recognise } from '../../src/core/lookup/recognise';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const H = 3_600_000;
const ACTIVE = { profile: 'default', region: 'eu-west-1' };

function first(text: string) {
  const [found] = recognise(text);
  assert.ok(found, text);
  return found;
}

function wire(record: Record<string, unknown>, extra: Partial<LookupEventLike> = {}): LookupEventLike {
  return {
    EventId: String(record.eventID),
    EventName: String(record.eventName),
    EventTime: new Date(String(record.eventTime)),
    EventSource: String(record.eventSource),
    CloudTrailEvent: JSON.stringify(record),
    ...extra,
  };
}

const AUTHORIZE = {
  eventVersion: '1.08',
  eventTime: new Date(NOW - 3 * H).toISOString(),
  eventSource: 'ec2.amazonaws.com',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventID: '11111111-1111-4111-8111-111111111111',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.5',
  readOnly: false,
  userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
  requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
  recipientAccountId: '111122223333',
};

const DESCRIBE = { ...AUTHORIZE, eventID: '22222222-2222-4222-8222-222222222222', eventName: 'DescribeSecurityGroups', readOnly: true, eventTime: new Date(NOW - 1 * H).toISOString() };

describe('lookup: plans', () => {
  it('a regional id: the active region, writes only, ResourceName', () => {
    const plan = planForRecognised(first('sg-0123456789abcdef0'), ACTIVE);
    assert.equal(plan.attribute, 'ResourceName');
    assert.deepEqual(plan.values, ['sg-0123456789abcdef0']);
    assert.deepEqual(plan.regions, ['eu-west-1']);
    assert.equal(plan.writesOnly, true);
    assert.equal(plan.resourceType, 'AWS::EC2::SecurityGroup');
    assert.equal(plan.subject, 'security group sg-0123456789abcdef0');
    assert.deepEqual(plan.notes, []);
  });

  it('a global service (IAM): the active region and us-east-1, with a note', () => {
    const plan = planForRecognised(first('arn:aws:iam::111122223333:role/deploy'), ACTIVE, { account: '111122223333' });
    assert.deepEqual(plan.regions, ['eu-west-1', 'us-east-1']);
    assert.deepEqual(plan.values, ['deploy', 'arn:aws:iam::111122223333:role/deploy']);
    assert.match(plan.notes.join(' '), /IAM is a global service: its events are recorded in us-east-1/);
    assert.deepEqual(planForRecognised(first('arn:aws:iam::111122223333:role/deploy'), { profile: 'p', region: 'us-east-1' }).regions, ['us-east-1']);
  });

  it("an ARN's own region wins, and another account is pointed out", () => {
    const plan = planForRecognised(first('arn:aws:lambda:us-west-2:444455556666:function:thumbnailer'), ACTIVE, { account: '111122223333' });
    assert.deepEqual(plan.regions, ['us-west-2']);
    assert.match(plan.notes.join(' '), /region us-west-2/);
    assert.match(plan.notes.join(' '), /account 444455556666.*account 111122223333/);
  });

  it('a name in context gains its ARN when the account is known', () => {
    const plan = planForRecognised(first('TrailName: management-events'), { profile: 'p', region: 'us-east-1' }, { account: '111122223333' });
    assert.deepEqual(plan.values, ['management-events', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events']);
    assert.deepEqual(planForRecognised(first('TrailName: management-events'), ACTIVE).values, ['management-events']);
  });

  it('access keys, event ids and sessions use their own attribute and keep reads', () => {
    const key = planForRecognised(first('AKIAIOSFODNN7EXAMPLE'), ACTIVE);
    assert.equal(key.attribute, 'AccessKeyId');
    assert.equal(key.writesOnly, false);
    const session = planForRecognised(first('arn:aws:sts::123456789012:assumed-role/Admin/mary'), ACTIVE);
    assert.equal(session.attribute, 'Username');
    assert.deepEqual(session.values, ['mary']);
  });

  it('palette values: one attribute, one value, the active region, all events', () => {
    const plan = planForValue('user', 'alice', ACTIVE);
    assert.deepEqual([plan.attribute, plan.values, plan.regions, plan.writesOnly], ['Username', ['alice'], ['eu-west-1'], false]);
    assert.equal(planForValue('eventId', 'x', ACTIVE).attribute, 'EventId');
    assert.equal(planForValue('eventName', 'StopLogging', ACTIVE).attribute, 'EventName');
    assert.equal(planForValue('accessKey', 'AKIAIOSFODNN7EXAMPLE', ACTIVE, { writesOnly: true }).writesOnly, true);
  });
});

describe('lookup: events', () => {
  it('toLookupItem parses the record and keeps LookupEvents fields', () => {
    const item = toLookupItem(wire(AUTHORIZE, { ReadOnly: 'false', Username: 'alice', Resources: [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: 'sg-0123456789abcdef0' }] }), 'eu-west-1');
    assert.equal(item.row.eventName, 'AuthorizeSecurityGroupIngress');
    assert.equal(item.row.user, 'alice');
    assert.equal(item.row.sourceIp, '203.0.113.5');
    assert.deepEqual(item.row.resources, [{ type: 'AWS::EC2::SecurityGroup', name: 'sg-0123456789abcdef0' }]);
    assert.equal(item.readOnly, 'false');
    assert.equal(item.region, 'eu-west-1');
  });

  it('a missing or malformed CloudTrailEvent still gives an item from the event fields', () => {
    const item = toLookupItem({ EventId: 'e1', EventName: 'DeleteTrail', EventTime: new Date(NOW), ReadOnly: 'false', CloudTrailEvent: '{not json' }, 'us-east-1');
    assert.equal(item.row.eventId, 'e1');
    assert.equal(item.row.eventName, 'DeleteTrail');
    assert.equal(item.row.time, NOW);
    assert.equal(item.row.region, 'us-east-1');
    const bare = toLookupItem({ EventId: 'e2', EventTime: NOW / 1000 }, 'us-east-1');
    assert.equal(bare.row.time, NOW);
  });

  it('isWriteEvent: LookupEvents ReadOnly, else the record, else the event name', () => {
    const authorize = toLookupItem(wire(AUTHORIZE), 'eu-west-1');
    const describe = toLookupItem(wire(DESCRIBE), 'eu-west-1');
    assert.equal(isWriteEvent(authorize), true);
    assert.equal(isWriteEvent(describe), false);
    assert.equal(isWriteEvent({ ...describe, readOnly: 'false' }), true);
    const unknown = (name: string): LookupItem => toLookupItem({ EventId: name, EventName: name, EventTime: NOW }, 'us-east-1');
    assert.equal(isWriteEvent(unknown('UpdateTrail')), true);
    assert.equal(isWriteEvent(unknown('GetTrailStatus')), false);
    assert.equal(isWriteEvent(unknown('ListBuckets')), false);
  });

  it('mergeNewestFirst deduplicates by region and event id and sorts newest first', () => {
    const a = toLookupItem(wire(AUTHORIZE), 'eu-west-1');
    const b = toLookupItem(wire(DESCRIBE), 'eu-west-1');
    const aElsewhere = { ...a, region: 'us-east-1' };
    const merged = mergeNewestFirst([a, b, a, aElsewhere]);
    assert.deepEqual(merged.map((item) => [item.row.eventName, item.region]), [
      ['DescribeSecurityGroups', 'eu-west-1'],
      ['AuthorizeSecurityGroupIngress', 'eu-west-1'],
      ['AuthorizeSecurityGroupIngress', 'us-east-1'],
    ]);
    assert.equal(mergeNewestFirst([a, b], 1).length, 1);
  });
});

describe('lookup: UI text', () => {
  const row = toRow(AUTHORIZE);
  const flags = assessRisk(row, AUTHORIZE);

  it('quick pick fields: event name; user · relative time; risk badge · source IP · region · error', () => {
    assert.ok(flags.length > 0, 'SSH opened to the world is flagged');
    const fields = eventPickFields(row, flags, NOW);
    assert.equal(fields.label, 'AuthorizeSecurityGroupIngress');
    assert.equal(fields.description, 'alice · 3 h ago');
    assert.match(fields.detail, /^\$\(warning\) High risk: .+ · 203\.0\.113\.5 · eu-west-1$/);
    assert.ok(fields.badge?.startsWith('High risk: '));
    assert.equal(fields.eventId, AUTHORIZE.eventID);

    const failed = toRow({ ...AUTHORIZE, errorCode: 'Client.UnauthorizedOperation', sourceIPAddress: '' });
    const plain = eventPickFields(failed, [], NOW);
    assert.equal(plain.detail, 'unknown source · eu-west-1 · failed: Client.UnauthorizedOperation');
    assert.equal(plain.badge, undefined);
  });

  it('attacker-controlled values cannot inject icons, line breaks or endless text', () => {
    const hostile = toRow({ ...AUTHORIZE, eventName: 'Evil$(alert)\nName', userIdentity: { type: 'IAMUser', userName: `$(sync~spin)${'x'.repeat(500)}` } });
    const fields = eventPickFields(hostile, [], NOW);
    assert.ok(!fields.label.includes('$('), fields.label);
    assert.ok(!fields.label.includes('\n'));
    assert.ok(!fields.description.includes('$('));
    assert.ok(fields.description.length < 120, `${fields.description.length}`);
    assert.equal(plainText('a\u2028b\u0007c'), 'a b c');
  });

  it('riskBadge names the most severe flag and how many more', () => {
    const low: RiskFlag = { id: 'a', level: 'low', title: 'Low thing', reason: '', source: 'builtin' };
    const high: RiskFlag = { id: 'b', level: 'high', title: 'Trail stopped', reason: '', source: 'builtin' };
    assert.equal(riskBadge([low, high]), 'High risk: Trail stopped (+1)');
    assert.equal(riskBadge([]), undefined);
  });

  it('hover summary: who, when, what; or what was searched', () => {
    const summary = hoverSummary({ row, flags }, { now: NOW, regions: ['eu-west-1'], exhausted: true, scanned: 10 });
    assert.equal(summary.headline, 'Last changed by alice, 3 h ago (AuthorizeSecurityGroupIngress)');
    assert.match(summary.detail ?? '', /^from 203\.0\.113\.5 · eu-west-1 · 2025-06-15 09:00:00 UTC$/);
    assert.ok(summary.badge);
    assert.equal(hoverSummary(undefined, { now: NOW, regions: ['eu-west-1', 'us-east-1'], exhausted: true, scanned: 3 }).headline, 'No changes in the last 90 days of event history (eu-west-1, us-east-1).');
    assert.equal(hoverSummary(undefined, { now: NOW, regions: ['eu-west-1'], exhausted: false, scanned: 100 }).headline, 'No change among the latest 100 events (eu-west-1).');
  });

  it('the search argument the search panel accepts, and the title', () => {
    const plan = planForRecognised(first('arn:aws:iam::111122223333:role/deploy'), ACTIVE);
    assert.deepEqual(searchArgument(plan, ACTIVE), { profile: 'default', region: 'eu-west-1', attributes: { ResourceName: ['deploy'] } });
    assert.deepEqual(searchArgument(planForValue('user', 'alice', ACTIVE), ACTIVE), { profile: 'default', region: 'eu-west-1', attributes: { Username: ['alice'] } });
    assert.equal(pickTitle(plan, ACTIVE), 'Who changed IAM role arn:aws:iam::111122223333:role/deploy? — default · eu-west-1, us-east-1');
    assert.equal(pickTitle(planForValue('user', 'alice', ACTIVE), ACTIVE), 'Events for user alice — default · eu-west-1');
  });

  it('the record document is pretty JSON', () => {
    assert.equal(recordDocument({ a: 1 }), '{\n  "a": 1\n}\n');
  });
});
