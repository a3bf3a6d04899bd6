/**
 * Athena through the real @aws-sdk/client-athena over real HTTP, against the local endpoint (which
 * runs the SQL on DuckDB over its seeded events): the setup plan's DDL, translated queries checked
 * against the endpoint's own data, paging with the header row, data scanned and cost, raw SQL,
 * cancellation with StopQueryExecution, and the errors a user meets.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { newAthenaStats, runAthenaQuery, runAthenaSetup, type AthenaItem, type AthenaRunInput, type AthenaStats } from '../../src/aws/athena';
import { AwsLayer } from '../../src/aws/layer';
import { compileOfflineFilter, planOfflineQuery } from '../../src/core/archive/plan';
import { MINIMUM_BILLED_BYTES, TB } from '../../src/core/athena/cost';
import { athenaSetupPlan, type CloudTrailTable } from '../../src/core/athena/ddl';
import { AwsError } from '../../src/core/aws/errors';
import type { EventQuery } from '../../src/core/events/query';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { DEFAULT_ACCOUNT_ID, DEFAULT_KEY, SECOND_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint } from '../support/endpoint';

const OUTPUT = 's3://athena-results-111122223333/cloudtrail-lens/';

describe('athena against the local endpoint (real SDK)', function () {
  this.timeout(60_000);
  let endpoint: Endpoint;
  let dir: string;
  let layer: AwsLayer;
  let table: CloudTrailTable;
  const target = { profile: 'ctl-default', region: 'us-east-1' };

  before(async () => {
    endpoint = await startEndpoint({ otherRate: 1000, otherBurst: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'ctl-athena-it-'));
    const { config, credentials } = awsConfigFiles({ endpointUrl: endpoint.url });
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
    layer = new AwsLayer({ env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') } });
    const plan = athenaSetupPlan({ trailName: 'MultiRegion1CloudTrail', bucket: `cloudtrail-bucket-${DEFAULT_ACCOUNT_ID}`, account: DEFAULT_ACCOUNT_ID, homeRegion: 'us-east-1', multiRegion: true });
    table = plan.table;
    const done = await runAthenaSetup(layer, target, plan, { outputLocation: OUTPUT }, { pollMs: 20 });
    assert.equal(done.length, 2);
  });

  after(async () => {
    layer?.dispose();
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(input: Partial<AthenaRunInput>, options: { signal?: AbortSignal; pageSize?: number; stats?: AthenaStats } = {}): Promise<{ items: AthenaItem[]; stats: AthenaStats }> {
    const stats = options.stats ?? newAthenaStats();
    const items: AthenaItem[] = [];
    for await (const item of runAthenaQuery(layer, target, { table, outputLocation: OUTPUT, ...input }, { pollMs: 20, stats, ...options })) items.push(item);
    return { items, stats };
  }

  /** What the endpoint holds for the query, decided in memory with the same filter. */
  function expectedIds(query: EventQuery, regions: string[], now: number): string[] {
    const predicate = compileOfflineFilter(planOfflineQuery(query, { now }));
    const ids: string[] = [];
    for (const region of regions) {
      for (const wire of [...endpoint.state.events(DEFAULT_ACCOUNT_ID, region), ...endpoint.state.events(DEFAULT_ACCOUNT_ID, region, { insight: true })]) {
        const record = JSON.parse(wire.CloudTrailEvent) as CloudTrailRecord;
        if (predicate(toRow(record), record)) ids.push(wire.EventId);
      }
    }
    return ids.sort();
  }

  const rowsOf = (items: AthenaItem[]): Array<{ row: ReturnType<typeof toRow>; record: CloudTrailRecord }> => items.filter((item): item is { row: ReturnType<typeof toRow>; record: CloudTrailRecord } => 'row' in item);

  it('runs a translated query and returns exactly the matching events, newest first', async () => {
    const now = Date.now();
    const query: EventQuery = { time: { preset: '30d' }, attributes: { EventSource: ['iam'] }, access: 'write' };
    const { items, stats } = await run({ query, regions: ['us-east-1'], now });
    const rows = rowsOf(items);
    assert.equal(stats.state, 'SUCCEEDED');
    assert.ok(rows.length > 0);
    assert.deepEqual(rows.map(({ row }) => row.eventId).sort(), expectedIds(query, ['us-east-1'], now));
    for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]?.row.time ?? 0) >= (rows[i]?.row.time ?? 0));
    // The record comes back whole enough for the rows, risk flags and exports.
    const first = rows[0];
    assert.ok(first && first.row.eventSource === 'iam.amazonaws.com' && first.row.user !== '' && first.row.readOnly === false);
    assert.ok(items.some((item) => 'progress' in item && item.progress.state === 'SUCCEEDED'));
  });

  it('reports data scanned and the estimated cost; partition pruning scans less', async () => {
    const now = Date.now();
    const narrow = await run({ query: { time: { preset: '24h' } }, regions: ['us-east-1'], now });
    const wide = await run({ query: { time: { preset: '90d' } }, now });
    assert.ok(narrow.stats.scannedBytes > 0);
    assert.ok(wide.stats.scannedBytes > narrow.stats.scannedBytes * 5, `${wide.stats.scannedBytes} vs ${narrow.stats.scannedBytes}`);
    assert.equal(narrow.stats.billedBytes, MINIMUM_BILLED_BYTES);
    assert.equal(narrow.stats.costUsd, (MINIMUM_BILLED_BYTES / TB) * 5);
    assert.match(narrow.stats.sql ?? '', /"timestamp" >= '\d{4}\/\d{2}\/\d{2}'/);
    assert.equal(narrow.stats.outputLocation?.startsWith(OUTPUT), true);
  });

  it('pages through more than 1000 rows, header row first on the first page only', async () => {
    const now = Date.now();
    const query: EventQuery = { time: { preset: '90d' } };
    const { items, stats } = await run({ query, regions: ['us-east-1'], now }, { pageSize: 1000 });
    const rows = rowsOf(items);
    const expected = expectedIds(query, ['us-east-1'], now);
    assert.ok(expected.length > 2000, String(expected.length));
    assert.equal(rows.length, expected.length);
    assert.equal(stats.pages, Math.ceil((expected.length + 1) / 1000));
    assert.ok(!rows.some(({ record }) => record.eventID === 'eventid'));
  });

  it('stops after the query limit', async () => {
    const { items, stats } = await run({ query: { time: { preset: '90d' }, limit: 7 }, regions: ['us-east-1'] });
    assert.equal(rowsOf(items).length, 7);
    assert.match(stats.sql ?? '', /LIMIT 7$/);
  });

  it('accepts raw SQL and keeps its columns', async () => {
    const { items } = await run({ sql: `SELECT eventsource, count(*) AS n FROM "${table.database}"."${table.table}" WHERE "region" = 'us-east-1' GROUP BY eventsource ORDER BY n DESC` });
    const rows = rowsOf(items);
    assert.ok(rows.length > 3);
    assert.ok(rows[0] && typeof rows[0].record.n === 'string' && rows[0].row.eventSource !== '');
  });

  it('speaks the wire protocol: header row, NextToken, statistics, errors', async () => {
    const client = new AthenaClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { accessKeyId: DEFAULT_KEY.accessKeyId, secretAccessKey: DEFAULT_KEY.secretAccessKey } });
    try {
      const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({ QueryString: `SELECT eventid, eventname FROM ${table.database}.${table.table} WHERE "region" = 'us-east-1' LIMIT 5`, ResultConfiguration: { OutputLocation: OUTPUT } }));
      let state = 'QUEUED';
      await assert.rejects(client.send(new GetQueryResultsCommand({ QueryExecutionId })), /not yet finished/);
      while (state === 'QUEUED' || state === 'RUNNING') {
        const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
        state = QueryExecution?.Status?.State ?? '';
        if (state === 'SUCCEEDED') {
          assert.equal(QueryExecution?.StatementType, 'DML');
          assert.ok((QueryExecution?.Statistics?.DataScannedInBytes ?? 0) > 0);
          assert.ok(QueryExecution?.Status?.SubmissionDateTime instanceof Date);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const first = await client.send(new GetQueryResultsCommand({ QueryExecutionId, MaxResults: 3 }));
      assert.deepEqual(first.ResultSet?.Rows?.[0]?.Data?.map((datum) => datum.VarCharValue), ['eventid', 'eventname']);
      assert.equal(first.ResultSet?.Rows?.length, 3);
      assert.ok(first.NextToken);
      const second = await client.send(new GetQueryResultsCommand({ QueryExecutionId, MaxResults: 3, NextToken: first.NextToken }));
      assert.equal(second.ResultSet?.Rows?.length, 3);
      assert.equal(second.NextToken, undefined);
      await assert.rejects(client.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken: 'bm9wZQ==' })), /Invalid NextToken/);
      await assert.rejects(client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })), (error: Error) => error.name === 'InvalidRequestException' && /No output location/.test(error.message));
    } finally {
      client.destroy();
    }
  });

  it('cancels a running query with StopQueryExecution', async () => {
    endpoint.faults.setLatency(10_000, 'AthenaQueryRun');
    try {
      const controller = new AbortController();
      const stats = newAthenaStats();
      const started = Date.now();
      const items: AthenaItem[] = [];
      for await (const item of runAthenaQuery(layer, target, { table, outputLocation: OUTPUT, query: { time: { preset: '7d' } } }, { pollMs: 20, stats, signal: controller.signal })) {
        items.push(item);
        if ('progress' in item) setTimeout(() => controller.abort(), 100);
      }
      assert.ok(Date.now() - started < 5_000);
      assert.equal(stats.state, 'CANCELLED');
      assert.ok(endpoint.state.log.recent(50).some((entry) => entry.operation === 'StopQueryExecution' && entry.status === 200));
      // Leaving the loop early also stops the query.
      const early = newAthenaStats();
      for await (const item of runAthenaQuery(layer, target, { table, outputLocation: OUTPUT, query: {} }, { pollMs: 20, stats: early })) {
        if ('progress' in item) break;
      }
      assert.equal(early.state, 'CANCELLED');
    } finally {
      endpoint.faults.reset();
    }
  });

  it('reports failures as AwsErrors with a next step', async () => {
    await assert.rejects(run({ sql: 'SELECT nope FROM nowhere.at_all' }), (error: unknown) => error instanceof AwsError && error.kind === 'invalid-input' && /does not exist/.test(error.message));
    await assert.rejects(run({ sql: 'SELECT 1', outputLocation: undefined }), (error: unknown) => error instanceof AwsError && error.kind === 'invalid-input');
    endpoint.faults.denyOperation('StartQueryExecution');
    try {
      await assert.rejects(run({ query: {} }), (error: unknown) => error instanceof AwsError && error.kind === 'access-denied' && error.missingAction === 'athena:StartQueryExecution');
    } finally {
      endpoint.faults.reset();
    }
  });

  it('organization trails: account and region partitions', async () => {
    const plan = athenaSetupPlan({ trailName: 'orgTrail', bucket: 'c7n-vpc-flow-logs', account: SECOND_ACCOUNT_ID, organizationId: 'o-abcdefghij', homeRegion: 'us-east-1' }, { accounts: [SECOND_ACCOUNT_ID] });
    const second = { profile: 'ctl-second', region: 'eu-west-1' };
    await runAthenaSetup(layer, second, plan, { outputLocation: 's3://athena-results-444455556666/x/' }, { pollMs: 20 });
    const stats = newAthenaStats();
    let count = 0;
    for await (const item of runAthenaQuery(layer, second, { table: plan.table, outputLocation: 's3://athena-results-444455556666/x/', query: { time: { preset: '7d' }, errorsOnly: true }, regions: ['eu-west-1'], accounts: [SECOND_ACCOUNT_ID] }, { pollMs: 20, stats })) {
      if ('row' in item) {
        count++;
        assert.notEqual(item.row.errorCode, '');
        assert.equal(item.row.region, 'eu-west-1');
      }
    }
    assert.ok(count > 0);
    assert.match(stats.sql ?? '', /"account" IN \('444455556666'\)/);
  });
});
