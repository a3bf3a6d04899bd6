import * as assert from 'node:assert/strict';
import { ApiError } from '../support/endpoint/errors';
import { type CloudTrailRecord, type StoredEvent, compareNewestFirst, lookupPage, resourcesOf, toStoredEvent, toWireEvent, usernameOf } from '../support/endpoint/events';
import { parseLookupInput, runLookup } from '../support/endpoint/lookup';
import { NextTokenCodec } from '../support/endpoint/token';
import type { JsonObject } from '../support/endpoint/trails';

const NOW = 1_800_000_000;
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

function record(i: number, overrides: CloudTrailRecord = {}): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/user${i % 3}`, userName: `user${i % 3}`, accessKeyId: `AKIA${String(i % 2).padStart(16, '0')}` },
    eventTime: new Date((NOW - 1000 + Math.floor(i / 2)) * 1000).toISOString(),
    eventSource: i % 2 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
    eventName: i % 2 ? 'GetBucketAcl' : 'CreateUser',
    awsRegion: REGION,
    requestParameters: i % 2 ? { bucketName: `bucket-${i % 4}` } : { userName: `new-${i}` },
    eventID: `id-${String(i).padStart(3, '0')}`,
    readOnly: i % 2 === 1,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

const EVENTS: StoredEvent[] = Array.from({ length: 120 }, (_, i) => toStoredEvent(record(i), i)!).sort(compareNewestFirst);

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof ApiError && error.code === code && error.status === 400);
}

describe('endpoint LookupEvents', () => {
  it('derives the LookupEvents fields from a record', () => {
    const event = EVENTS.find((e) => e.eventId === 'id-007')!;
    assert.deepEqual(
      { ...toWireEvent(event), CloudTrailEvent: undefined },
      {
        EventId: 'id-007',
        EventName: 'GetBucketAcl',
        ReadOnly: 'true',
        AccessKeyId: 'AKIA0000000000000001',
        EventTime: NOW - 1000 + 3,
        EventSource: 's3.amazonaws.com',
        Username: 'user1',
        Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'bucket-3' }],
        CloudTrailEvent: undefined,
      },
    );
    assert.equal(JSON.parse(event.cloudTrailEvent).eventID, 'id-007');
  });

  it('names users as event history does', () => {
    assert.equal(usernameOf({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::1:root' } }), 'root');
    assert.equal(usernameOf({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Admin/alice@example.com' } }), 'alice@example.com');
    assert.equal(usernameOf({ userIdentity: { type: 'FederatedUser', arn: 'arn:aws:sts::1:federated-user/bob' } }), 'bob');
    assert.equal(usernameOf({ userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' } }), undefined);
  });

  it('lists resources from the record or its request parameters', () => {
    assert.deepEqual(resourcesOf({ resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::logs' }, { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::logs/a' }] }), [
      { ResourceType: 'AWS::S3::Bucket', ResourceName: 'logs' },
    ]);
    assert.deepEqual(resourcesOf({ eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'my-trail' } }), [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: 'my-trail' }]);
    assert.deepEqual(resourcesOf({ eventSource: 'ec2.amazonaws.com', requestParameters: { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } } }), [
      { ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-1' },
      { ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-2' },
    ]);
  });

  it('leaves data events out of event history and keeps Insights events apart', () => {
    assert.equal(toStoredEvent({ ...record(1), managementEvent: false, eventCategory: 'Data' }, 0), undefined);
    const insight = toStoredEvent({ eventVersion: '1.07', eventTime: '2024-01-01T00:00:00Z', eventID: 'x', eventType: 'AwsCloudTrailInsight', insightDetails: { eventName: 'PutObject', eventSource: 's3.amazonaws.com' } }, 0)!;
    assert.equal(insight.insight, true);
    assert.equal(insight.eventName, 'PutObject');
    assert.equal(insight.eventSource, 's3.amazonaws.com');
  });

  it('pages newest first without gaps or repeats', () => {
    const seen: string[] = [];
    let cursor;
    let pages = 0;
    do {
      const page = lookupPage(EVENTS, { startSec: NOW - 90 * 86_400, endSec: NOW, insight: false, maxResults: 7, ...(cursor && { cursor }) });
      seen.push(...page.events.map((e) => e.eventId));
      cursor = page.next;
      pages++;
    } while (cursor);
    assert.equal(pages, Math.ceil(120 / 7));
    assert.deepEqual(seen, EVENTS.map((e) => e.eventId));
    for (let i = 1; i < EVENTS.length; i++) assert.ok(EVENTS[i - 1].time >= EVENTS[i].time);
  });

  it('filters by each lookup attribute and by time', () => {
    const page = (input: JsonObject): StoredEvent[] => lookupPage(EVENTS, { ...parseLookupInput(input, ACCOUNT, REGION, NOW).query, maxResults: 50 }).events;
    const one = (key: string, value: string): StoredEvent[] => page({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] });
    assert.deepEqual(one('EventId', 'id-042').map((e) => e.eventId), ['id-042']);
    assert.equal(one('EventName', 'CreateUser').length, 50);
    assert.ok(one('ReadOnly', 'true').every((e) => e.readOnly === 'true'));
    assert.ok(one('Username', 'user2').every((e) => e.username === 'user2'));
    assert.equal(one('ResourceType', 'AWS::IAM::User').length, 50);
    assert.deepEqual(one('ResourceName', 'new-10').map((e) => e.eventId), ['id-010']);
    assert.ok(one('EventSource', 's3.amazonaws.com').every((e) => e.eventSource === 's3.amazonaws.com'));
    assert.ok(one('AccessKeyId', 'AKIA0000000000000001').every((e) => e.accessKeyId === 'AKIA0000000000000001'));
    const windowed = page({ StartTime: NOW - 1000 + 10, EndTime: NOW - 1000 + 12 });
    assert.deepEqual(windowed.map((e) => e.time), [NOW - 988, NOW - 988, NOW - 989, NOW - 989, NOW - 990, NOW - 990]);
  });

  it('answers the real validation errors', () => {
    const parse = (input: JsonObject): unknown => parseLookupInput(input, ACCOUNT, REGION, NOW);
    const attr = (key: string, value: string): JsonObject => ({ AttributeKey: key, AttributeValue: value });
    expectCode(() => parse({ LookupAttributes: [attr('EventName', 'a'), attr('Username', 'b')] }), 'InvalidLookupAttributesException');
    expectCode(() => parse({ LookupAttributes: [attr('Region', 'a')] }), 'InvalidLookupAttributesException');
    expectCode(() => parse({ LookupAttributes: [attr('EventName', '')] }), 'InvalidLookupAttributesException');
    expectCode(() => parse({ LookupAttributes: [attr('ReadOnly', 'yes')] }), 'InvalidLookupAttributesException');
    expectCode(() => parse({ EventCategory: 'insight', LookupAttributes: [attr('Username', 'a')] }), 'InvalidLookupAttributesException');
    expectCode(() => parse({ StartTime: NOW, EndTime: NOW - 1 }), 'InvalidTimeRangeException');
    expectCode(() => parse({ MaxResults: 0 }), 'InvalidMaxResultsException');
    expectCode(() => parse({ MaxResults: 51 }), 'InvalidMaxResultsException');
    expectCode(() => parse({ EventCategory: 'management' }), 'InvalidEventCategoryException');
    expectCode(() => parse({ StartTime: '2024-01-01' }), 'SerializationException');
    assert.doesNotThrow(() => parse({ EventCategory: 'insight', LookupAttributes: [attr('EventSource', 's3.amazonaws.com')] }));
    assert.equal((parse({}) as ReturnType<typeof parseLookupInput>).query.maxResults, 50);
  });

  it('accepts a NextToken only with the parameters it came from', () => {
    const tokens = new NextTokenCodec('t');
    const input: JsonObject = { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }], MaxResults: 10 };
    const first = runLookup(EVENTS, parseLookupInput(input, ACCOUNT, REGION, NOW), tokens);
    const token = first.NextToken;
    assert.ok(token);
    const second = runLookup(EVENTS, parseLookupInput({ ...input, MaxResults: 20, NextToken: token }, ACCOUNT, REGION, NOW), tokens);
    assert.equal(second.Events.length, 20);
    assert.notEqual(second.Events[0].EventId, first.Events[0].EventId);
    expectCode(() => runLookup(EVENTS, parseLookupInput({ NextToken: token }, ACCOUNT, REGION, NOW), tokens), 'InvalidNextTokenException');
    expectCode(() => runLookup(EVENTS, parseLookupInput({ ...input, NextToken: 'garbage' }, ACCOUNT, REGION, NOW), tokens), 'InvalidNextTokenException');
  });
});
