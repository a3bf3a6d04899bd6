/**
 * The local CloudTrail endpoint with the AWS SDK for JavaScript v3 (the client the extension uses), over
 * real HTTP: paging, the modeled exception classes, throttling, STS, fault injection, the raw wire format.
 */
import {
  AccessDeniedException,
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  InvalidEventCategoryException,
  InvalidHomeRegionException,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  ListTagsCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  MaximumNumberOfTrailsExceededException,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  ThrottlingException,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  UpdateTrailCommand,
  paginateLookupEvents,
} from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as assert from 'node:assert/strict';
import { DEFAULT_ACCOUNT_ID, DEFAULT_KEY, DENIED_KEY, type EndpointAccessKey, EXPIRED_KEY, SECOND_ACCOUNT_ID, SECOND_KEY } from '../support/endpoint/accounts';
import { type Endpoint, startEndpoint } from '../support/endpoint/server';
import { callCloudTrail, control, rawPost, signedHeaders } from '../support/endpoint/testing';

function credentials(key: EndpointAccessKey): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken && { sessionToken: key.sessionToken }) };
}

function cloudtrail(endpoint: Endpoint, options: { key?: EndpointAccessKey; region?: string; maxAttempts?: number } = {}): CloudTrailClient {
  return new CloudTrailClient({
    endpoint: endpoint.url,
    region: options.region ?? 'us-east-1',
    credentials: credentials(options.key ?? DEFAULT_KEY),
    maxAttempts: options.maxAttempts ?? 1,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  assert.fail('expected the call to fail');
}

describe('local CloudTrail endpoint × AWS SDK v3', function () {
  this.timeout(60_000);
  let endpoint: Endpoint;
  let client: CloudTrailClient;

  before(async () => {
    endpoint = await startEndpoint({ rate: 1000, burst: 1000 });
    client = cloudtrail(endpoint);
  });

  after(async () => {
    client?.destroy();
    await endpoint?.close();
  });

  afterEach(() => {
    endpoint.faults.reset();
  });

  it('pages LookupEvents with paginateLookupEvents, newest first, like the seeded data', async () => {
    const expected = endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1').filter((event) => event.EventSource === 's3.amazonaws.com');
    assert.ok(expected.length > 100, `s3 events: ${expected.length}`);
    const ids: string[] = [];
    let pages = 0;
    const input: LookupEventsCommandInput = { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }] };
    for await (const page of paginateLookupEvents({ client, pageSize: 50 }, input)) {
      pages++;
      for (const event of page.Events ?? []) {
        ids.push(event.EventId!);
        assert.ok(event.EventTime instanceof Date);
      }
    }
    assert.deepEqual(
      ids,
      expected.map((event) => event.EventId),
    );
    assert.equal(pages, Math.ceil(expected.length / 50));
  });

  it('serves every lookup attribute, Insights events and the 90-day window', async () => {
    const all = endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1');
    const sample = all.find((event) => event.Resources.length > 0 && event.Username && event.AccessKeyId && event.ReadOnly === 'false')!;
    const lookup = async (key: NonNullable<LookupEventsCommandInput['LookupAttributes']>[number]['AttributeKey'], value: string): Promise<string[]> => {
      const out = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }], MaxResults: 50 }));
      return (out.Events ?? []).map((event) => event.EventId!);
    };
    assert.deepEqual(await lookup('EventId', sample.EventId), [sample.EventId]);
    assert.ok((await lookup('EventName', sample.EventName!)).includes(sample.EventId));
    assert.ok((await lookup('Username', sample.Username!)).length > 0);
    assert.ok((await lookup('AccessKeyId', sample.AccessKeyId!)).length > 0);
    assert.ok((await lookup('ResourceType', sample.Resources[0].ResourceType)).length > 0);
    assert.ok((await lookup('ResourceName', sample.Resources[0].ResourceName)).length > 0);
    assert.ok((await lookup('ReadOnly', 'false')).length > 0);
    const insights = await client.send(new LookupEventsCommand({ EventCategory: 'insight' }));
    assert.equal(insights.Events?.length, 5);
    for (const event of insights.Events ?? []) assert.equal((JSON.parse(event.CloudTrailEvent!) as { eventType: string }).eventType, 'AwsCloudTrailInsight');
    const oldest = all.at(-1)!.EventTime;
    assert.ok(Date.now() / 1000 - oldest < 90 * 86_400, 'everything within 90 days');
    const recent = await client.send(new LookupEventsCommand({ StartTime: new Date(Date.now() - 3600_000) }));
    assert.ok((recent.Events?.length ?? 0) > 0, 'events in the last hour');
  });

  it('maps errors to the modeled exception classes', async () => {
    const attr = { AttributeKey: 'EventName' as const, AttributeValue: 'ConsoleLogin' };
    const two = await rejection(client.send(new LookupEventsCommand({ LookupAttributes: [attr, { AttributeKey: 'Username', AttributeValue: 'root' }] })));
    assert.ok(two instanceof InvalidLookupAttributesException, two.name);
    assert.equal(two.$metadata?.httpStatusCode, 400);
    assert.ok(
      (await rejection(client.send(new LookupEventsCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - 1000) })))) instanceof InvalidTimeRangeException,
    );
    assert.ok((await rejection(client.send(new LookupEventsCommand({ MaxResults: 51 })))) instanceof InvalidMaxResultsException);
    assert.ok((await rejection(client.send(new LookupEventsCommand({ EventCategory: 'management' as 'insight' })))) instanceof InvalidEventCategoryException);
    const page = await client.send(new LookupEventsCommand({ LookupAttributes: [attr], MaxResults: 1 }));
    assert.ok(page.NextToken);
    const reused = await rejection(client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSigninToken' }], NextToken: page.NextToken })));
    assert.ok(reused instanceof InvalidNextTokenException, reused.name);
    const missing = await rejection(client.send(new GetTrailStatusCommand({ Name: 'no-such-trail' })));
    assert.ok(missing instanceof TrailNotFoundException);
    assert.equal(missing.message, `Unknown trail: arn:aws:cloudtrail:us-east-1:${DEFAULT_ACCOUNT_ID}:trail/no-such-trail for the user: ${DEFAULT_ACCOUNT_ID}`);
  });

  it('reads trails, selectors (basic and advanced), insights and tags', async () => {
    const list = await client.send(new ListTrailsCommand({}));
    assert.equal(list.Trails?.length, 9);
    const east2 = cloudtrail(endpoint, { region: 'us-east-2' });
    try {
      const own = await east2.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
      assert.deepEqual(own.trailList?.map((trail) => trail.Name).sort(), ['MultiRegion2CloudTrail', 'test-cloudtrail']);
      const advanced = await east2.send(new GetEventSelectorsCommand({ TrailName: 'test-cloudtrail' }));
      assert.equal(advanced.EventSelectors, undefined);
      assert.deepEqual(advanced.AdvancedEventSelectors?.[0]?.FieldSelectors?.find((field) => field.Field === 'readOnly')?.Equals, ['false']);
    } finally {
      east2.destroy();
    }
    const basic = await client.send(new GetEventSelectorsCommand({ TrailName: 'MultiRegion1CloudTrail' }));
    assert.equal(basic.EventSelectors?.[0]?.ReadWriteType, 'All');
    const insights = await client.send(new GetInsightSelectorsCommand({ TrailName: 'MultiRegion1CloudTrail' }));
    assert.deepEqual(insights.InsightSelectors?.map((selector) => selector.InsightType), ['ApiCallRateInsight', 'ApiErrorRateInsight']);
    const arn = `arn:aws:cloudtrail:us-east-1:${DEFAULT_ACCOUNT_ID}:trail/MultiRegion1CloudTrail`;
    const tags = await client.send(new ListTagsCommand({ ResourceIdList: [arn] }));
    assert.deepEqual(tags.ResourceTagList?.[0]?.TagsList?.find((tag) => tag.Key === 'Environment')?.Value, 'production');
    const status = await client.send(new GetTrailStatusCommand({ Name: 'SingleCloudTrail' }));
    assert.ok(status.LatestDeliveryTime instanceof Date);
    const second = cloudtrail(endpoint, { key: SECOND_KEY, region: 'eu-west-1' });
    try {
      const shadows = await second.send(new DescribeTrailsCommand({}));
      const org = shadows.trailList?.find((trail) => trail.IsOrganizationTrail);
      assert.ok(org?.TrailARN);
      assert.equal((await second.send(new GetTrailStatusCommand({ Name: org.TrailARN }))).IsLogging, true);
    } finally {
      second.destroy();
    }
  });

  it('writes in the home region only, with the real errors', async () => {
    const west = cloudtrail(endpoint, { region: 'us-west-1' });
    try {
      const created = await west.send(new CreateTrailCommand({ Name: 'sdk-trail', S3BucketName: 'sdk-bucket', EnableLogFileValidation: true }));
      assert.equal(created.TrailARN, `arn:aws:cloudtrail:us-west-1:${DEFAULT_ACCOUNT_ID}:trail/sdk-trail`);
      assert.ok((await rejection(west.send(new CreateTrailCommand({ Name: 'sdk-trail', S3BucketName: 'sdk-bucket' })))) instanceof TrailAlreadyExistsException);
      await west.send(new StartLoggingCommand({ Name: 'sdk-trail' }));
      await west.send(new PutEventSelectorsCommand({ TrailName: 'sdk-trail', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }));
      const wrong = await rejection(client.send(new UpdateTrailCommand({ Name: created.TrailARN, IsMultiRegionTrail: true })));
      assert.ok(wrong instanceof InvalidHomeRegionException, wrong.name);
      assert.equal((await client.send(new GetTrailStatusCommand({ Name: created.TrailARN }))).IsLogging, true);
      assert.ok((await rejection(client.send(new CreateTrailCommand({ Name: 'sixth-trail', S3BucketName: 'sdk-bucket' })))) instanceof MaximumNumberOfTrailsExceededException);
      await west.send(new DeleteTrailCommand({ Name: 'sdk-trail' }));
      assert.ok((await rejection(west.send(new GetTrailStatusCommand({ Name: 'sdk-trail' })))) instanceof TrailNotFoundException);
    } finally {
      west.destroy();
    }
  });

  it('throttles LookupEvents per account and region as AWS does (2/s), and the SDK recognises it', async () => {
    const limited = await startEndpoint();
    const fast = cloudtrail(limited);
    const other = cloudtrail(limited, { region: 'eu-west-1' });
    try {
      const burst = await Promise.allSettled(Array.from({ length: 10 }, () => fast.send(new LookupEventsCommand({ MaxResults: 1 }))));
      const accepted = burst.filter((result) => result.status === 'fulfilled').length;
      const refused = burst.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error & { $metadata?: { httpStatusCode?: number } }] : []));
      // Burst 2, plus what refills (2/s) while the ten requests arrive.
      assert.ok(accepted >= 2 && accepted <= 4, `accepted ${accepted} of a burst of 10`);
      for (const error of refused) {
        assert.ok(error instanceof ThrottlingException, error.name);
        assert.equal(error.message, 'Rate exceeded');
        assert.equal(error.$metadata?.httpStatusCode, 400);
      }
      // Another region is another bucket; other operations have their own, generous limit.
      await other.send(new LookupEventsCommand({ MaxResults: 1 }));
      await Promise.all(Array.from({ length: 20 }, () => fast.send(new DescribeTrailsCommand({}))));
      assert.equal(limited.state.counters.throttled, refused.length);
    } finally {
      fast.destroy();
      other.destroy();
      await limited.close();
    }
  });

  it('accepts about rate × seconds + burst LookupEvents under a sustained flood', async () => {
    const limited = await startEndpoint();
    try {
      const started = Date.now();
      let accepted = 0;
      let refused = 0;
      while (Date.now() - started < 2_000) {
        const response = await callCloudTrail(limited.url, 'LookupEvents', { MaxResults: 1 });
        if (response.status === 200) accepted++;
        else {
          assert.equal(response.body.__type, 'ThrottlingException');
          refused++;
        }
      }
      const seconds = (Date.now() - started) / 1000;
      assert.ok(accepted >= 2 * seconds && accepted <= 2 * seconds + 3, `accepted ${accepted} in ${seconds.toFixed(2)} s, refused ${refused}`);
      assert.ok(refused > accepted);
    } finally {
      await limited.close();
    }
  });

  it('lets the SDK retry throttles to success', async () => {
    const limited = await startEndpoint({ rate: 4, burst: 1 });
    const retrying = cloudtrail(limited, { maxAttempts: 10 });
    try {
      const results = await Promise.all(Array.from({ length: 2 }, () => retrying.send(new LookupEventsCommand({ MaxResults: 5 }))));
      assert.ok(results.every((result) => result.Events?.length === 5));
      assert.ok(limited.state.counters.throttled >= 1);
    } finally {
      retrying.destroy();
      await limited.close();
    }
  });

  it('answers STS GetCallerIdentity for each key on the same port', async () => {
    const identity = async (key: EndpointAccessKey): Promise<{ Account?: string; Arn?: string }> => {
      const sts = new STSClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1 });
      try {
        return await sts.send(new GetCallerIdentityCommand({}));
      } finally {
        sts.destroy();
      }
    };
    const own = (await identity(DEFAULT_KEY)) as { Account?: string; Arn?: string; UserId?: string };
    assert.deepEqual([own.Account, own.Arn, own.UserId], [DEFAULT_ACCOUNT_ID, DEFAULT_KEY.arn, DEFAULT_KEY.userId]);
    assert.equal((await identity(SECOND_KEY)).Account, SECOND_ACCOUNT_ID);
    assert.equal((await identity(DENIED_KEY)).Account, '777788889999');
    assert.equal((await identity({ ...DEFAULT_KEY, accessKeyId: 'AKIANOTKNOWNEXAMPLE1' })).Account, DEFAULT_ACCOUNT_ID);
    const expired = await rejection(identity(EXPIRED_KEY));
    assert.equal(expired.name, 'ExpiredToken');
    assert.equal(expired.message, 'The security token included in the request is expired');
  });

  it('denies CloudTrail to the denied key and expires the expired one', async () => {
    const denied = cloudtrail(endpoint, { key: DENIED_KEY });
    const expired = cloudtrail(endpoint, { key: EXPIRED_KEY });
    try {
      const error = await rejection(denied.send(new LookupEventsCommand({})));
      assert.ok(error instanceof AccessDeniedException, error.name);
      assert.match(error.message, /^User: arn:aws:iam::777788889999:user\/no-cloudtrail-access is not authorized to perform: cloudtrail:LookupEvents on resource: arn:aws:cloudtrail:us-east-1:777788889999:trail\/\*/);
      const trail = await rejection(denied.send(new GetTrailStatusCommand({ Name: 'management-events' })));
      assert.match(trail.message, /cloudtrail:GetTrailStatus on resource: arn:aws:cloudtrail:us-east-1:777788889999:trail\/management-events/);
      const stale = await rejection(expired.send(new DescribeTrailsCommand({})));
      assert.equal(stale.name, 'ExpiredTokenException');
      assert.equal(stale.message, 'The security token included in the request is expired');
    } finally {
      denied.destroy();
      expired.destroy();
    }
  });

  describe('fault injection', () => {
    it('adds latency', async () => {
      endpoint.faults.setLatency(300, 'DescribeTrails');
      const started = Date.now();
      await client.send(new DescribeTrailsCommand({}));
      const slow = Date.now() - started;
      const quick = Date.now();
      await client.send(new ListTrailsCommand({}));
      const fast = Date.now() - quick;
      assert.ok(slow >= 290, `DescribeTrails took ${slow} ms`);
      assert.ok(slow - fast >= 150, `ListTrails took ${fast} ms, DescribeTrails ${slow} ms`);
    });

    it('fails the next calls with 500/503, which the SDK retries', async () => {
      endpoint.faults.failNext(1, { status: 503, operation: 'LookupEvents' });
      const unavailable = await rejection(client.send(new LookupEventsCommand({ MaxResults: 1 })));
      assert.equal(unavailable.name, 'ServiceUnavailable');
      assert.equal(unavailable.$metadata?.httpStatusCode, 503);
      endpoint.faults.failNext(2, { status: 500 });
      const since = endpoint.state.log.lastSeq;
      const retrying = cloudtrail(endpoint, { maxAttempts: 3 });
      try {
        await retrying.send(new ListTrailsCommand({}));
      } finally {
        retrying.destroy();
      }
      const calls = endpoint.state.log.where({ since });
      assert.deepEqual(
        calls.map((entry) => entry.status),
        [500, 500, 200],
      );
      assert.equal(calls[0].errorCode, 'InternalFailure');
    });

    it('is controlled over HTTP from loopback: deny, expire, throttle, count', async () => {
      await control(endpoint.url, 'POST', '/__faults', { deny: { operation: 'DescribeTrails' }, expire: SECOND_KEY.accessKeyId, throttleNext: { count: 1, operation: 'GetTrailStatus' } });
      const denied = await rejection(client.send(new DescribeTrailsCommand({})));
      assert.ok(denied instanceof AccessDeniedException);
      assert.match(denied.message, /is not authorized to perform: cloudtrail:DescribeTrails on resource:/);
      const second = cloudtrail(endpoint, { key: SECOND_KEY });
      try {
        assert.equal((await rejection(second.send(new ListTrailsCommand({})))).name, 'ExpiredTokenException');
      } finally {
        second.destroy();
      }
      assert.ok((await rejection(client.send(new GetTrailStatusCommand({ Name: 'SingleCloudTrail' })))) instanceof ThrottlingException);
      await client.send(new GetTrailStatusCommand({ Name: 'SingleCloudTrail' }));
      await control(endpoint.url, 'DELETE', '/__faults');
      await client.send(new DescribeTrailsCommand({}));
      const requests = (await control(endpoint.url, 'GET', '/__requests?limit=5')) as { counters: { total: number; throttled: number; byErrorCode: Record<string, number> }; log: Array<{ operation: string }> };
      assert.ok(requests.counters.total >= 5);
      assert.ok(requests.counters.byErrorCode.AccessDeniedException >= 1);
      assert.equal(requests.log.at(-1)?.operation, 'DescribeTrails');
    });
  });

  describe('wire format', () => {
    it('answers awsJson1_1 with a request id, and errors with __type and message', async () => {
      const ok = await callCloudTrail(endpoint.url, 'GetTrailStatus', { Name: 'SingleCloudTrail' });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['content-type'], 'application/x-amz-json-1.1');
      assert.match(String(ok.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
      assert.equal(typeof ok.body.LatestDeliveryTime, 'number');
      const bad = await callCloudTrail(endpoint.url, 'LookupEvents', { MaxResults: 0 });
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body), ['__type', 'message']);
      assert.equal(bad.body.__type, 'InvalidMaxResultsException');
      const unknown = await callCloudTrail(endpoint.url, 'NoSuchOperation', {});
      assert.equal(unknown.body.__type, 'UnknownOperationException');
    });

    it('rejects a missing or garbled Authorization header the way AWS does', async () => {
      const target = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails' };
      const missing = await rawPost(endpoint.url, target, '{}');
      assert.equal(missing.status, 400);
      assert.deepEqual(JSON.parse(missing.body), { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
      const garbled = await rawPost(endpoint.url, { ...target, authorization: 'AWS4-HMAC-SHA256 garbage', 'x-amz-date': '20260101T000000Z' }, '{}');
      assert.equal(garbled.status, 400);
      assert.equal((JSON.parse(garbled.body) as { __type: string }).__type, 'IncompleteSignatureException');
      const wrongService = signedHeaders(endpoint.url, '{}', { service: 's3', headers: target });
      assert.match((await rawPost(endpoint.url, wrongService, '{}')).body, /Credential should be scoped to correct service: 'cloudtrail'/);
      const stale = signedHeaders(endpoint.url, '{}', { headers: target, now: new Date(Date.now() - 20 * 60_000) });
      assert.match((await rawPost(endpoint.url, stale, '{}')).body, /InvalidSignatureException.*Signature expired/);
    });

    it('answers STS in XML, by the signing service', async () => {
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const headers = signedHeaders(endpoint.url, body, { service: 'sts', key: SECOND_KEY, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
      const response = await rawPost(endpoint.url, headers, body);
      assert.equal(response.status, 200);
      assert.match(response.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
      assert.match(response.body, new RegExp(`<Account>${SECOND_ACCOUNT_ID}</Account>`));
    });

    it('gives the same data for the same seed', async () => {
      const now = Date.now();
      const [a, b, c] = await Promise.all([startEndpoint({ now }), startEndpoint({ now }), startEndpoint({ now, seed: 'another-seed' })]);
      try {
        const first = (e: Endpoint): string[] => e.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1').slice(0, 200).map((event) => `${event.EventId}@${event.EventTime}`);
        assert.deepEqual(first(a), first(b));
        assert.notDeepEqual(first(a), first(c));
        assert.equal(a.state.eventCount(DEFAULT_ACCOUNT_ID, 'us-east-1'), c.state.eventCount(DEFAULT_ACCOUNT_ID, 'us-east-1'));
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });
  });
});
