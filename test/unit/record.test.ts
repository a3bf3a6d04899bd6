import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseEventTime, parseRecord, toRow, userName, type CloudTrailRecord } from '../../src/core/events/record';
import { fixturePath, loadRecords } from '../support/fixtures';

describe('core/events/record', () => {
  const real = loadRecords('events', 'awsdocs-user-guide');

  it('reads every real documentation record into a row without throwing', () => {
    assert.ok(real.length >= 20, `expected the documentation records, got ${real.length}`);
    for (const { file, record } of real) {
      const row = toRow(record);
      assert.equal(typeof row.eventName, 'string', file);
      assert.ok(Number.isFinite(row.time), file);
    }
  });

  it('names an IAM user by userName and keeps the access key id', () => {
    const { record } = real.find(({ record }) => record.eventName === 'StartInstances')!;
    const row = toRow(record);
    assert.equal(row.user, 'Alice');
    assert.equal(row.accessKeyId, 'EXAMPLE_KEY_ID');
    assert.equal(row.eventSource, 'ec2.amazonaws.com');
    assert.equal(row.region, 'us-east-2');
    assert.equal(row.time, Date.UTC(2014, 2, 6, 21, 22, 54));
    assert.equal(row.account, '123456789012');
  });

  it('names an assumed role as role/session, as the console does', () => {
    assert.equal(
      userName({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin' } },
      }),
      'Admin/alice',
    );
    assert.equal(userName({ type: 'Root', arn: 'arn:aws:iam::123456789012:root' }), 'root');
    assert.equal(userName({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }), 'cloudtrail.amazonaws.com');
    assert.equal(userName(undefined), '');
  });

  it('marks Insights events by category', () => {
    const insights = real.filter(({ file }) => file.includes('insight'));
    assert.ok(insights.length > 0);
    for (const { record } of insights) assert.equal(toRow(record).category, 'insight');
  });

  it('reads the CloudTrailEvent strings of a real LookupEvents response', () => {
    const response = JSON.parse(readFileSync(fixturePath('api', 'lookup-events__01__lookupevents-response.json'), 'utf8')) as {
      Events: Array<{ EventId: string; Username: string; CloudTrailEvent: string; Resources?: Array<{ ResourceType?: string; ResourceName: string }> }>;
    };
    assert.ok(response.Events.length > 0);
    for (const event of response.Events) {
      const parsed = parseRecord(event.CloudTrailEvent);
      assert.ok('record' in parsed, 'error' in parsed ? parsed.error : '');
      const row = toRow(parsed.record, {
        eventId: event.EventId,
        username: event.Username,
        resources: (event.Resources ?? []).map((resource) => ({ type: resource.ResourceType, name: resource.ResourceName })),
      });
      assert.equal(row.user, event.Username);
      assert.ok(row.eventName.length > 0);
    }
  });

  it('survives odd records: wrong types, missing fields, not JSON', () => {
    const odd: CloudTrailRecord = { eventTime: 'yesterday', eventName: 42 as unknown as string, userIdentity: 'x' as unknown as Record<string, unknown>, resources: 'nope', readOnly: 'maybe' };
    const row = toRow(odd);
    assert.equal(row.time, 0);
    assert.equal(row.eventName, '42');
    assert.equal(row.user, '');
    assert.deepEqual(row.resources, []);
    assert.equal(row.readOnly, undefined);
    assert.ok('error' in parseRecord('{"truncated": '));
    assert.ok('error' in parseRecord('[1,2]'));
  });

  it('parses times as ISO text or epoch seconds or milliseconds', () => {
    assert.equal(parseEventTime('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(parseEventTime(1_700_000_000), 1_700_000_000_000);
    assert.equal(parseEventTime(1_700_000_000_123), 1_700_000_000_123);
    assert.equal(parseEventTime(Number.NaN), 0);
  });
});

describe('core/events/record: Insights', () => {
  it('takes an Insights event name and source from insightDetails', () => {
    const row = toRow({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', insightDetails: { eventName: 'CompleteLifecycleAction', eventSource: 'autoscaling.amazonaws.com' } });
    assert.equal(row.eventName, 'CompleteLifecycleAction');
    assert.equal(row.eventSource, 'autoscaling.amazonaws.com');
    assert.equal(row.category, 'insight');
  });
});
