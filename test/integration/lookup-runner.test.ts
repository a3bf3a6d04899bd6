/**
 * The lookup runner (src/features/lookup/runner.ts, no vscode) with the real AWS SDK over real
 * HTTP against the local CloudTrail endpoint at AWS's LookupEvents limit (2 requests/second).
 * The resources looked up are picked from the endpoint's own seeded events, not hard-coded.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsServices } from '../../src/aws';
import { planForRecognised, planForValue } from '../../src/core/lookup/plan';
import { recognise, type Recognised } from '../../src/core/lookup/recognise';
import { runLookup } from '../../src/features/lookup/runner';
import { DEFAULT_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint, type WireEvent } from '../support/endpoint';

const REGION = 'us-east-1';

interface Pick {
  readonly name: string;
  readonly type: string;
  /** Write events about it, newest first (what "who changed this?" must list). */
  readonly writes: WireEvent[];
  readonly all: WireEvent[];
}

/** Resources of the seeded history with at least `minWrites` write events, most written first. */
function resourcesWithWrites(events: readonly WireEvent[], accept: (type: string, name: string) => boolean, minWrites = 2): Pick[] {
  const byName = new Map<string, Pick>();
  for (const event of events) {
    for (const resource of event.Resources ?? []) {
      if (!accept(resource.ResourceType, resource.ResourceName)) continue;
      const pick = byName.get(resource.ResourceName) ?? { name: resource.ResourceName, type: resource.ResourceType, writes: [], all: [] };
      pick.all.push(event);
      if (event.ReadOnly === 'false') pick.writes.push(event);
      byName.set(resource.ResourceName, pick);
    }
  }
  return [...byName.values()].filter((pick) => pick.writes.length >= minWrites).sort((a, b) => b.writes.length - a.writes.length);
}

function only(text: string): Recognised {
  const found = recognise(text);
  assert.equal(found.length, 1, `one identifier in ${text}`);
  return found[0];
}

describe('lookup runner against the local endpoint (real SDK, 2 requests/s)', function () {
  this.timeout(120_000);
  let endpoint: Endpoint;
  let dir: string;
  let aws: AwsServices;
  let events: WireEvent[];

  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'ctl-lookup-it-'));
    const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
    aws = new AwsServices({ env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') } });
    events = endpoint.state.events(DEFAULT_ACCOUNT_ID, REGION);
    assert.ok(events.length > 1000, 'the seeded history is there');
  });

  after(async () => {
    aws?.dispose();
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => endpoint.state.reset());

  it('finds every seeded write event of an EC2 resource, newest first, reads left out, within the limit', async () => {
    const [pick] = resourcesWithWrites(events, (type, name) => type.startsWith('AWS::EC2::') && recognise(name).length === 1 && name.length < 30);
    assert.ok(pick, 'the seeded data has an EC2 resource with writes');
    const resource = only(pick.name);
    assert.equal(resource.resourceType, pick.type);
    const plan = planForRecognised(resource, { profile: 'ctl-default', region: REGION });
    const progress: number[] = [];
    const started = Date.now();
    const outcome = await runLookup(aws, plan, 'ctl-default', { maxEvents: 500, maxPagesPerStream: 10, onProgress: (items) => progress.push(items.length) });
    const seconds = (Date.now() - started) / 1000;

    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.exhausted, true, 'read to the end of event history');
    assert.deepEqual(new Set(outcome.items.map((item) => item.row.eventId)), new Set(pick.writes.map((event) => event.EventId)));
    assert.equal(outcome.items.length, pick.writes.length);
    assert.equal(outcome.scanned, pick.all.length, 'the server filtered by ResourceName; reads were dropped locally');
    for (let i = 1; i < outcome.items.length; i++) assert.ok(outcome.items[i - 1].row.time >= outcome.items[i].row.time, 'newest first');
    for (const item of outcome.items) {
      assert.ok(item.row.eventName !== '' && item.row.time > 0);
      assert.ok(item.record.eventID, 'the record was parsed');
    }
    assert.ok(progress.length >= 1 && progress[progress.length - 1] === outcome.items.length, 'progress reported as pages arrived');

    const requests = endpoint.state.log.recent(1000).filter((entry) => entry.operation === 'LookupEvents');
    assert.equal(requests.length, outcome.pages);
    assert.equal(requests.filter((entry) => entry.throttled).length, 0, 'paced: no throttle');
    console.log(`      ${pick.type} ${pick.name}: ${outcome.items.length} writes of ${outcome.scanned} events, ${outcome.pages} page(s) in ${seconds.toFixed(1)} s`);
  });

  it('the hover question — only the newest change — costs one request per stream', async () => {
    const [pick] = resourcesWithWrites(events, (type, name) => type === 'AWS::EC2::Instance' && recognise(name).length === 1);
    assert.ok(pick);
    const plan = planForRecognised(only(pick.name), { profile: 'ctl-default', region: REGION }, { writesOnly: true });
    const outcome = await runLookup(aws, plan, 'ctl-default', { firstMatchOnly: true, maxEvents: 1, maxPagesPerStream: 2 });
    assert.equal(outcome.items.length, 1);
    assert.equal(outcome.items[0].row.eventId, pick.writes[0].EventId, 'the newest write');
    assert.equal(outcome.exhausted, true);
    assert.ok(outcome.pages <= 2);
  });

  it('an IAM user named in a template: looked up in us-east-1 from another active region', async () => {
    const [pick] = resourcesWithWrites(events, (type, name) => type === 'AWS::IAM::User' && /^[\w+=,.@-]+$/.test(name));
    assert.ok(pick, 'the seeded data has an IAM user with writes');
    const resource = only(`  UserName: ${pick.name}`);
    assert.equal(resource.resourceType, 'AWS::IAM::User');
    const plan = planForRecognised(resource, { profile: 'ctl-default', region: 'eu-west-1' });
    assert.deepEqual(plan.regions, ['eu-west-1', 'us-east-1']);
    const outcome = await runLookup(aws, plan, 'ctl-default', { maxEvents: 500, maxPagesPerStream: 10 });
    assert.deepEqual(outcome.failures, []);
    const fromUsEast1 = outcome.items.filter((item) => item.region === 'us-east-1').map((item) => item.row.eventId);
    assert.deepEqual(new Set(fromUsEast1), new Set(pick.writes.map((event) => event.EventId)));
  });

  it('palette lookups keep reads: by access key, by event name, by event id', async () => {
    const newest = events.find((event) => event.AccessKeyId && event.EventName);
    assert.ok(newest?.AccessKeyId && newest.EventName);
    const byKey = await runLookup(aws, planForValue('accessKey', newest.AccessKeyId, { profile: 'ctl-default', region: REGION }), 'ctl-default', { maxEvents: 20, maxPagesPerStream: 1 });
    assert.ok(byKey.items.length > 0);
    assert.ok(byKey.items.every((item) => item.row.accessKeyId === newest.AccessKeyId));
    assert.equal(byKey.items[0].row.eventId, events.find((event) => event.AccessKeyId === newest.AccessKeyId)?.EventId);

    const byId = await runLookup(aws, planForValue('eventId', newest.EventId, { profile: 'ctl-default', region: REGION }), 'ctl-default');
    assert.deepEqual(byId.items.map((item) => item.row.eventId), [newest.EventId]);

    const byName = await runLookup(aws, planForValue('eventName', newest.EventName, { profile: 'ctl-default', region: REGION }), 'ctl-default', { maxEvents: 10, maxPagesPerStream: 1 });
    assert.ok(byName.items.length > 0 && byName.items.every((item) => item.row.eventName === newest.EventName));
  });

  it('a stream that fails keeps its error; cancelling rejects at once', async () => {
    const denied = await runLookup(aws, planForValue('resource', 'sg-0123456789abcdef0', { profile: 'ctl-denied', region: REGION }), 'ctl-denied');
    assert.equal(denied.items.length, 0);
    assert.equal(denied.failures.length, 1);
    assert.equal(denied.failures[0].error.kind, 'access-denied');
    assert.equal(denied.exhausted, false);

    const controller = new AbortController();
    const running = runLookup(aws, planForValue('eventName', 'ConsoleLogin', { profile: 'ctl-default', region: REGION }), 'ctl-default', { signal: controller.signal, maxPagesPerStream: 50, maxEvents: 5000 });
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await assert.rejects(running, (error: unknown) => (error as { kind?: string }).kind === 'cancelled');
    assert.ok(Date.now() - started < 2000, 'stopped promptly');
  });
});
