/**
 * The local CloudTrail endpoint, driven by the real AWS CLI v2 over real HTTP: if the CLI is happy with
 * the wire protocol, paging and errors, the extension's SDK calls will be too.
 */
import * as assert from 'node:assert/strict';
import { DEFAULT_ACCOUNT_ID, DEFAULT_KEY, SECOND_ACCOUNT_ID } from '../support/endpoint/accounts';
import { type Endpoint, startEndpoint } from '../support/endpoint/server';
import { type AwsConfigDir, type CliResult, makeAwsConfigDir, runAws } from '../support/endpoint/testing';
import { findAwsCliV2, requireTool } from '../support/tools';

interface CliEvent {
  EventId: string;
  EventName?: string;
  EventTime: string;
  Username?: string;
  CloudTrailEvent: string;
}

describe('local CloudTrail endpoint × AWS CLI v2', function () {
  this.timeout(120_000);
  let aws: string;
  let endpoint: Endpoint;
  let config: AwsConfigDir;

  /** The CLI against `target`, JSON output, no pager, the temporary profiles. */
  function cli(args: readonly string[], options: { target?: Endpoint; env?: Record<string, string> } = {}): Promise<CliResult> {
    const target = options.target ?? endpoint;
    return runAws(aws, ['--endpoint-url', target.url, '--no-cli-pager', '--output', 'json', ...args], { ...config.env, ...options.env });
  }

  async function json<T>(args: readonly string[], options: { target?: Endpoint; env?: Record<string, string> } = {}): Promise<T> {
    const result = await cli(args, options);
    assert.equal(result.code, 0, `aws ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return (result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout)) as T;
  }

  before(async function () {
    aws = requireTool(this, 'AWS CLI v2', findAwsCliV2(), 'apt-get install awscli (Debian 12 ships AWS CLI v2 as `awscli`)');
    // A high LookupEvents rate for the paging tests; the throttling tests start their own endpoint.
    endpoint = await startEndpoint({ rate: 1000, burst: 1000 });
    config = makeAwsConfigDir();
  });

  after(async () => {
    await endpoint?.close();
    config?.cleanup();
  });

  it('describes trails with and without shadow trails', async () => {
    const [all, own, second] = await Promise.all([
      json<{ trailList: Array<{ Name: string; HomeRegion: string; TrailARN: string }> }>(['cloudtrail', 'describe-trails']),
      json<{ trailList: Array<{ Name: string; HomeRegion: string }> }>(['cloudtrail', 'describe-trails', '--no-include-shadow-trails']),
      json<{ trailList: Array<{ Name: string; IsOrganizationTrail: boolean; TrailARN: string }> }>(['cloudtrail', 'describe-trails', '--profile', 'ctl-second']),
    ]);
    const names = all.trailList.map((trail) => trail.Name);
    assert.deepEqual(names.sort(), ['MultiRegion1CloudTrail', 'MultiRegion2CloudTrail', 'SingleCloudTrail', 'aws-controltower-BaselineCloudTrail', 'nosetest']);
    const shadow = all.trailList.find((trail) => trail.Name === 'MultiRegion2CloudTrail');
    assert.equal(shadow?.HomeRegion, 'us-east-2');
    assert.equal(shadow?.TrailARN, `arn:aws:cloudtrail:us-east-2:${DEFAULT_ACCOUNT_ID}:trail/MultiRegion2CloudTrail`);
    assert.ok(own.trailList.every((trail) => trail.HomeRegion === 'us-east-1'));
    assert.ok(!own.trailList.some((trail) => trail.Name === 'MultiRegion2CloudTrail'));
    // Another profile, another account: its own trails and the organization trail it belongs to.
    assert.deepEqual(second.trailList.map((trail) => trail.Name).sort(), ['S3-DataEvents', 'orgTrail', 'skunk-trails']);
    assert.ok(second.trailList.some((trail) => trail.IsOrganizationTrail && trail.TrailARN.includes(':210987654321:')));
    assert.ok(second.trailList.every((trail) => trail.TrailARN.includes(`:${SECOND_ACCOUNT_ID}:`) || trail.IsOrganizationTrail));
  });

  it('gets trail status, by name at home and by ARN for a shadow trail', async () => {
    const [single, shadow, stopped] = await Promise.all([
      json<{ IsLogging: boolean; LatestDeliveryTime: string; TimeLoggingStarted: string }>(['cloudtrail', 'get-trail-status', '--name', 'SingleCloudTrail']),
      json<{ IsLogging: boolean }>(['cloudtrail', 'get-trail-status', '--name', `arn:aws:cloudtrail:us-east-2:${DEFAULT_ACCOUNT_ID}:trail/MultiRegion2CloudTrail`]),
      json<{ IsLogging: boolean; LatestDeliveryError: string }>(['cloudtrail', 'get-trail-status', '--name', 'Default', '--region', 'eu-west-1']),
    ]);
    assert.equal(single.IsLogging, true);
    const delivered = Date.parse(single.LatestDeliveryTime);
    assert.ok(Date.now() - delivered < 60 * 60_000 && Date.now() - delivered > 0, `recent delivery: ${single.LatestDeliveryTime}`);
    assert.equal(shadow.IsLogging, true);
    assert.equal(stopped.IsLogging, false);
    assert.equal(stopped.LatestDeliveryError, 'NoSuchBucket');
  });

  it('pages lookup-events with --max-items/--page-size and resumes with --starting-token, matching the seeded data', async () => {
    const seeded = endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1');
    assert.ok(seeded.length > 5000, `seeded ${seeded.length}`);
    const since = endpoint.state.log.lastSeq;
    const first = await json<{ Events: CliEvent[]; NextToken: string }>(['cloudtrail', 'lookup-events', '--max-items', '420', '--page-size', '50']);
    assert.equal(first.Events.length, 420);
    assert.deepEqual(
      first.Events.map((event) => event.EventId),
      seeded.slice(0, 420).map((event) => event.EventId),
    );
    assert.equal(endpoint.state.log.where({ operation: 'LookupEvents', since }).length, 9);
    assert.ok(first.NextToken, 'the CLI hands back a token to resume from');
    const second = await json<{ Events: CliEvent[] }>(['cloudtrail', 'lookup-events', '--max-items', '130', '--page-size', '50', '--starting-token', first.NextToken]);
    assert.deepEqual(
      second.Events.map((event) => event.EventId),
      seeded.slice(420, 550).map((event) => event.EventId),
    );
    // Newest first, EventTime as the CLI prints timestamps, CloudTrailEvent as the record's JSON text.
    const times = first.Events.map((event) => Date.parse(event.EventTime));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] >= times[i]);
    assert.equal(Date.parse(first.Events[0].EventTime) / 1000, seeded[0].EventTime);
    const record = JSON.parse(first.Events[0].CloudTrailEvent) as { eventID: string; recipientAccountId: string };
    assert.equal(record.eventID, first.Events[0].EventId);
    assert.equal(record.recipientAccountId, DEFAULT_ACCOUNT_ID);
  });

  it('auto-paginates a filtered lookup to the end', async () => {
    const expected = endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1').filter((event) => event.EventSource === 'iam.amazonaws.com');
    assert.ok(expected.length > 150, `iam events: ${expected.length}`);
    const since = endpoint.state.log.lastSeq;
    const result = await json<{ Events: CliEvent[] }>(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=iam.amazonaws.com']);
    assert.deepEqual(
      result.Events.map((event) => event.EventId),
      expected.map((event) => event.EventId),
    );
    assert.equal(endpoint.state.log.where({ operation: 'LookupEvents', since }).length, Math.ceil(expected.length / 50));
  });

  it('filters by time range and by user on the server', async () => {
    const seeded = endpoint.state.events(DEFAULT_ACCOUNT_ID, 'us-east-1');
    const end = seeded[100].EventTime;
    const start = end - 3 * 3600;
    const user = seeded.find((event) => event.Username && event.Username !== 'root')!.Username!;
    const [windowed, byUser] = await Promise.all([
      json<{ Events: CliEvent[] }>(['cloudtrail', 'lookup-events', '--start-time', String(start), '--end-time', String(end), '--max-items', '120']),
      json<{ Events: CliEvent[] }>(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=Username,AttributeValue=${user}`, '--max-items', '60']),
    ]);
    const expected = seeded.filter((event) => event.EventTime >= start && event.EventTime <= end).slice(0, 120);
    assert.deepEqual(
      windowed.Events.map((event) => event.EventId),
      expected.map((event) => event.EventId),
    );
    assert.ok(byUser.Events.length > 0 && byUser.Events.every((event) => event.Username === user));
  });

  it('refuses two lookup attributes with InvalidLookupAttributesException (exit 254)', async () => {
    const result = await cli([
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=ConsoleLogin',
      'AttributeKey=Username,AttributeValue=root',
    ]);
    assert.equal(result.code, 254, result.stderr);
    assert.match(result.stderr, /An error occurred \(InvalidLookupAttributesException\) when calling the LookupEvents operation: You cannot specify more than one lookup attribute/);
  });

  it('answers the real errors: unknown trail, access denied, expired credentials', async () => {
    const [missing, denied, expired, deniedIdentity, unknownKey] = await Promise.all([
      cli(['cloudtrail', 'get-trail-status', '--name', 'no-such-trail']),
      cli(['cloudtrail', 'lookup-events', '--max-items', '1', '--profile', 'ctl-denied']),
      cli(['cloudtrail', 'describe-trails', '--profile', 'ctl-expired']),
      json<{ Account: string }>(['sts', 'get-caller-identity', '--profile', 'ctl-denied']),
      json<{ Account: string }>(['sts', 'get-caller-identity'], { env: { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNEXAMPLE12', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'eu-west-1' } }),
    ]);
    assert.equal(missing.code, 254);
    assert.match(missing.stderr, new RegExp(`\\(TrailNotFoundException\\).*Unknown trail: arn:aws:cloudtrail:us-east-1:${DEFAULT_ACCOUNT_ID}:trail/no-such-trail for the user: ${DEFAULT_ACCOUNT_ID}`));
    assert.equal(denied.code, 254);
    assert.match(denied.stderr, /\(AccessDeniedException\).*User: arn:aws:iam::777788889999:user\/no-cloudtrail-access is not authorized to perform: cloudtrail:LookupEvents on resource: /);
    assert.equal(expired.code, 254);
    assert.match(expired.stderr, /\(ExpiredTokenException\).*The security token included in the request is expired/);
    assert.equal(deniedIdentity.Account, '777788889999');
    assert.equal(unknownKey.Account, DEFAULT_ACCOUNT_ID);
  });

  it('creates, starts, updates and deletes a trail in its home region only', async () => {
    const created = await json<{ TrailARN: string }>(['cloudtrail', 'create-trail', '--name', 'cli-trail', '--s3-bucket-name', 'cli-bucket', '--region', 'ap-south-1']);
    assert.equal(created.TrailARN, `arn:aws:cloudtrail:ap-south-1:${DEFAULT_ACCOUNT_ID}:trail/cli-trail`);
    await json(['cloudtrail', 'start-logging', '--name', 'cli-trail', '--region', 'ap-south-1']);
    const wrongRegion = await cli(['cloudtrail', 'update-trail', '--name', created.TrailARN, '--enable-log-file-validation', '--region', 'us-east-1']);
    assert.equal(wrongRegion.code, 254);
    assert.match(wrongRegion.stderr, /\(InvalidHomeRegionException\)/);
    const status = await json<{ IsLogging: boolean }>(['cloudtrail', 'get-trail-status', '--name', created.TrailARN]);
    assert.equal(status.IsLogging, true);
    const full = await cli(['cloudtrail', 'create-trail', '--name', 'one-too-many', '--s3-bucket-name', 'cli-bucket']);
    assert.match(full.stderr, /\(MaximumNumberOfTrailsExceededException\)/);
    await json(['cloudtrail', 'delete-trail', '--name', 'cli-trail', '--region', 'ap-south-1']);
    const gone = await cli(['cloudtrail', 'get-trail', '--name', 'cli-trail', '--region', 'ap-south-1']);
    assert.match(gone.stderr, /\(TrailNotFoundException\)/);
  });

  describe('throttling', () => {
    it('answers ThrottlingException "Rate exceeded" to a burst when retries are off', async () => {
      const slow = await startEndpoint({ rate: 0.2, burst: 1 });
      try {
        const env = { AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard' };
        const results = await Promise.all([1, 2, 3, 4].map(() => cli(['cloudtrail', 'lookup-events', '--max-items', '5'], { target: slow, env })));
        const throttled = results.filter((result) => result.code !== 0);
        assert.ok(throttled.length >= 2, `throttled ${throttled.length} of 4`);
        for (const result of throttled) {
          assert.equal(result.code, 254);
          assert.match(result.stderr, /An error occurred \(ThrottlingException\) when calling the LookupEvents operation \(reached max retries: 0\): Rate exceeded/);
        }
        assert.equal(slow.state.counters.throttled, throttled.length);
      } finally {
        await slow.close();
      }
    });

    it('lets the CLI page through throttles with its own retries at the real rate of 2/s', async () => {
      const real = await startEndpoint();
      try {
        const result = await json<{ Events: CliEvent[] }>(['cloudtrail', 'lookup-events', '--max-items', '250', '--page-size', '50'], {
          target: real,
          env: { AWS_MAX_ATTEMPTS: '10', AWS_RETRY_MODE: 'standard' },
        });
        assert.equal(result.Events.length, 250);
        const requests = real.state.log.where({ operation: 'LookupEvents' });
        assert.equal(requests.filter((entry) => entry.status === 200).length, 5);
        assert.ok(real.state.counters.throttled >= 1, 'the CLI was throttled at least once and retried');
      } finally {
        await real.close();
      }
    });
  });

  it('answers STS GetCallerIdentity on the same port for each profile', async () => {
    const identity = await json<{ Account: string; Arn: string; UserId: string }>(['sts', 'get-caller-identity', '--profile', 'ctl-default']);
    assert.deepEqual(identity, { UserId: DEFAULT_KEY.userId, Account: DEFAULT_ACCOUNT_ID, Arn: DEFAULT_KEY.arn });
  });
});
