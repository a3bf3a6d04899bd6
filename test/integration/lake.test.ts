/**
 * CloudTrail Lake through the real @aws-sdk/client-cloudtrail over real HTTP, against the local
 * endpoint (SQL on DuckDB over the seeded events): the stores each account lists, translated
 * queries checked against the endpoint's own data, paging, CancelQuery, the errors a user meets,
 * and `cloudtrail-lens events --lake STORE` (the bundled dist/cli.js).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listEventDataStores, newLakeStats, runLakeQuery, type LakeItem, type LakeStats } from '../../src/aws/lake';
import { AwsLayer } from '../../src/aws/layer';
import { compileOfflineFilter, planOfflineQuery } from '../../src/core/archive/plan';
import { AwsError } from '../../src/core/aws/errors';
import type { EventQuery } from '../../src/core/events/query';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { DEFAULT_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint } from '../support/endpoint';
import { LAKE_STORE_ID } from '../support/endpoint/lake';
import { runEventsCli } from '../support/endpoint/testing';
import { projectRoot } from '../support/fixtures';

const STORE_ARN = `arn:aws:cloudtrail:us-east-1:${DEFAULT_ACCOUNT_ID}:eventdatastore/${LAKE_STORE_ID}`;
const EVER = { start: Date.UTC(2000, 0, 1), end: Date.UTC(2100, 0, 1) };

describe('cloudtrail lake against the local endpoint (real SDK)', function () {
  this.timeout(120_000);
  let endpoint: Endpoint;
  let dir: string;
  let layer: AwsLayer;
  let env: Record<string, string>;
  const target = { profile: 'ctl-default', region: 'us-east-1' };

  before(async () => {
    endpoint = await startEndpoint({ otherRate: 1000, otherBurst: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'ctl-lake-it-'));
    const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
    env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    layer = new AwsLayer({ env });
  });

  after(async () => {
    layer?.dispose();
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Every seeded CloudTrail event of the default account, any region: what the store holds. */
  function stored(): CloudTrailRecord[] {
    const out: CloudTrailRecord[] = [];
    for (const events of endpoint.state.dataset.events.get(DEFAULT_ACCOUNT_ID)?.values() ?? []) for (const event of events) if (!event.insight) out.push(JSON.parse(event.cloudTrailEvent) as CloudTrailRecord);
    return out;
  }

  function expectedIds(query: EventQuery): string[] {
    const predicate = compileOfflineFilter(planOfflineQuery(query, { now: Date.now() }));
    return stored()
      .filter((record) => predicate(toRow(record), record))
      .map((record) => String(record.eventID))
      .sort();
  }

  async function run(query: EventQuery, options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<{ items: LakeItem[]; stats: LakeStats }> {
    const stats = newLakeStats();
    const items: LakeItem[] = [];
    for await (const item of runLakeQuery(layer, target, { store: STORE_ARN, query }, { pollMs: 20, stats, ...options })) items.push(item);
    return { items, stats };
  }

  const ids = (items: LakeItem[]): string[] => items.flatMap((item) => ('record' in item ? [String(item.record.eventID)] : [])).sort();

  /** The most frequent event name in the store (a query with a good number of matches). */
  function commonEventName(): string {
    const counts = new Map<string, number>();
    for (const record of stored()) counts.set(String(record.eventName), (counts.get(String(record.eventName)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).find(([, count]) => count < 900)?.[0] ?? '';
  }

  it('lists the default account’s one ENABLED store, and none for the second account', async () => {
    const stores = await listEventDataStores(layer, target);
    assert.deepEqual(stores.map((store) => store.id), [LAKE_STORE_ID]);
    assert.equal(stores[0]?.arn, STORE_ARN);
    assert.deepEqual(await listEventDataStores(layer, { profile: 'ctl-second', region: 'us-east-1' }), []);
  });

  it('returns exactly the seeded matches, across pages, with the data scanned', async () => {
    const name = commonEventName();
    const query: EventQuery = { time: EVER, attributes: { EventName: [name] } };
    const { items, stats } = await run(query, { pageSize: 7 });
    const expected = expectedIds(query);
    assert.ok(expected.length > 7, `${expected.length} events named ${name}`);
    assert.deepEqual(ids(items), expected);
    assert.equal(stats.state, 'FINISHED');
    assert.ok(stats.pages > 1);
    assert.ok(stats.scannedBytes > 0);
    assert.equal(stats.matched, expected.length);
    // Filters Lake does not translate are applied locally to what it returns.
    const user = toRow(stored()[0] ?? {}).user;
    const mixed: EventQuery = { time: EVER, attributes: { Username: [user] }, text: user.slice(0, 3) };
    assert.deepEqual(ids((await run(mixed)).items), expectedIds(mixed));
  });

  it('cancels a running query with CancelQuery when the signal aborts', async () => {
    const started = Date.now();
    endpoint.faults.setLatency(10_000, 'LakeQueryRun');
    try {
      const controller = new AbortController();
      const stats = newLakeStats();
      const seen: LakeItem[] = [];
      for await (const item of runLakeQuery(layer, target, { store: STORE_ARN, query: { time: EVER } }, { pollMs: 20, stats, signal: controller.signal })) {
        seen.push(item);
        if ('progress' in item) setTimeout(() => controller.abort(), 100);
      }
      assert.ok(seen.length > 0);
      assert.ok(Date.now() - started < 5_000);
      assert.equal(stats.state, 'CANCELLED');
      assert.ok(endpoint.state.log.recent(50).some((entry) => entry.operation === 'CancelQuery'));
    } finally {
      endpoint.faults.reset();
    }
  });

  it('names the problem: an unknown store, a store of another account', async () => {
    await assert.rejects(async () => {
      for await (const _ of runLakeQuery(layer, target, { store: 'a1b2c3d4-0000-0000-0000-000000000000', query: { time: EVER } }, { pollMs: 20 })) {
        // nothing
      }
    }, (error: unknown) => error instanceof AwsError && /not found/.test(error.message));
    await assert.rejects(async () => {
      for await (const _ of runLakeQuery(layer, { profile: 'ctl-second', region: 'us-east-1' }, { store: STORE_ARN, query: { time: EVER } }, { pollMs: 20 })) {
        // nothing
      }
    }, AwsError);
  });

  describe('cloudtrail-lens events --lake (dist/cli.js)', () => {
    const cli = join(projectRoot, 'dist', 'cli.js');
    const cliRun = (args: readonly string[]) => runEventsCli(cli, args, { ...env, AWS_ENDPOINT_URL: endpoint.url });

    it('returns exactly the seeded matches of --event-name, with Lake stats', async () => {
      assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
      const name = commonEventName();
      const result = await cliRun(['--profile', 'ctl-default', '--lake', LAKE_STORE_ID, '--event-name', name, '--start', '2000-01-01T00:00:00Z', '--end', '2100-01-01T00:00:00Z', '--format', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const output = JSON.parse(result.stdout) as { events: Array<{ eventID: string }>; stats: Record<string, unknown> };
      assert.deepEqual(Object.keys(output.stats), ['queryId', 'state', 'scannedBytes', 'rows', 'matched', 'elapsedMs']);
      assert.equal(output.stats.state, 'FINISHED');
      assert.deepEqual(output.events.map((event) => event.eventID).sort(), expectedIds({ time: EVER, attributes: { EventName: [name] } }));
    });

    it('fails with exit 1 for the second account (no stores) and exit 2 for a malformed store', async () => {
      const second = await cliRun(['--profile', 'ctl-second', '--lake', LAKE_STORE_ID, '--event-name', 'x']);
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /not found/i);
      const bad = await cliRun(['--lake', 'x; DROP TABLE y']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--lake/);
      const both = await cliRun(['--lake', LAKE_STORE_ID, '--athena', '--trail', 't']);
      assert.equal(both.code, 2);
    });
  });
});
