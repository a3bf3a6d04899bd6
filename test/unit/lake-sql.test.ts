/**
 * EventQuery -> CloudTrail Lake SQL, checked on DuckDB: a table named like an event data store, with
 * Lake's types (eventTime a timestamp, readOnly a boolean), holds every fixture record plus hostile
 * ones; the generated SQL (the whole statement, FROM the store id) must select a superset of what
 * compileOfflineFilter selects — exactly that when the translation is exact — and the rows it
 * returns must rebuild into records the local filter reads as it reads the originals.
 */
import { strict as assert } from 'node:assert';
import { compileOfflineFilter, planOfflineQuery } from '../../src/core/archive/plan';
import { buildLakeQuery, eventDataStoreId, lakeFilterSql, lakeSelectList, recordFromLakeRow, translateLakeFilter } from '../../src/core/athena/lake';
import type { EventQuery } from '../../src/core/events/query';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { fixtureRecords, hostileRecords, HOSTILE_VALUES, type AnyRecord } from '../support/endpoint/athena-records';
import { AthenaDuckDb } from '../support/endpoint/athena-sql';

const NOW = Date.UTC(2026, 0, 1);
const STORE = 'a1b2c3d4-5678-4e8f-8bd1-000000000001';
const ARN = `arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/${STORE}`;

describe('lake sql: statement shape and hostile values', () => {
  it('takes a store id or ARN and refuses anything that is not one', () => {
    assert.equal(eventDataStoreId(ARN), STORE);
    assert.equal(eventDataStoreId(STORE), STORE);
    for (const bad of ['', 'x; DROP TABLE y', 'a b', `${STORE}"`, 'arn:aws:s3:::bucket/x']) assert.throws(() => eventDataStoreId(bad), /not an event data store/);
  });

  it('selects every field FROM the store, bounded by eventTime, newest first', () => {
    const query = buildLakeQuery(ARN, { time: { start: Date.UTC(2025, 2, 10, 23, 30), end: Date.UTC(2025, 2, 12, 8) }, attributes: { EventName: ['StopLogging'] }, limit: 10 }, { now: NOW });
    assert.match(query.sql, new RegExp(`\\nFROM ${STORE}\\n`));
    assert.match(query.sql, /eventTime >= '2025-03-10 23:30:00' AND eventTime < '2025-03-12 08:00:01'/);
    assert.match(query.sql, /lower\(eventName\) = 'stoplogging'/);
    assert.match(query.sql, /ORDER BY eventTime DESC\nLIMIT 10$/);
    assert.ok(query.filter.exact);
    assert.ok(!lakeSelectList().includes('insightdetails'));
    assert.match(buildLakeQuery(STORE, {}, { now: NOW }).warnings.join(' '), /No time range/);
  });

  it('writes readOnly as a boolean and leaves resources and free text to the local check', () => {
    assert.equal(translateLakeFilter({ kind: 'attribute', attribute: 'ReadOnly', values: ['true'] }).sql, 'readOnly = true');
    assert.equal(translateLakeFilter({ kind: 'attribute', attribute: 'ReadOnly', values: ['false'] }).sql, 'coalesce(readOnly, false) = false');
    assert.equal(translateLakeFilter({ kind: 'attribute', attribute: 'ResourceName', values: ['x'] }).sql, undefined);
    assert.equal(translateLakeFilter({ kind: 'text', value: 'x' }).sql, undefined);
    assert.equal(buildLakeQuery(STORE, { text: 'x', limit: 5 }, { now: NOW }).sqlLimit, undefined);
  });

  it('puts no value into the SQL unquoted', () => {
    for (const value of HOSTILE_VALUES) {
      if (value.includes('\ud800')) continue;
      const queries: EventQuery[] = [
        { attributes: { EventName: [value], Username: [value], EventSource: [value], AccessKeyId: [value], EventId: [value] } },
        { userAgent: value, errorCodes: [value, `${value}*`], sourceIps: [value] },
      ];
      for (const query of queries) {
        const sql = buildLakeQuery(STORE, query, { now: NOW }).sql;
        const outside = sql.replace(/'(?:[^']|'')*'/g, "''");
        assert.ok(!outside.includes('DROP TABLE'), value);
        // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
        assert.ok(!/[\u0000\u2028\r]/.test(sql), `raw control character in SQL for ${JSON.stringify(value)}`);
      }
    }
  });
});

describe('lake sql on DuckDB: the statement selects what compileFilter selects', function () {
  this.timeout(120_000);
  let db: AthenaDuckDb;
  let originals: AnyRecord[];
  /** Records rebuilt from the store's rows: what the local re-check sees. */
  let returned: CloudTrailRecord[];

  const run = async (sql: string): Promise<Array<{ index: number; record: CloudTrailRecord }>> => {
    const withRow = sql.replace(/^SELECT\n/, 'SELECT "__row",\n').replace(new RegExp(`\\bFROM ${STORE}\\b`), `FROM main."${STORE}"`);
    const result = await db.query(withRow);
    return result.rows.map((row) => {
      const cells = result.columns.slice(1).map((name, i) => ({ [name]: row[i + 1] ?? null }));
      return { index: Number(row[0]), record: recordFromLakeRow(cells).record };
    });
  };

  before(async () => {
    // Lake holds proper timestamps only, and no Insights events.
    originals = [...fixtureRecords().map((item) => item.record), ...hostileRecords()].filter(
      (record) => typeof record.eventTime === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(record.eventTime) && toRow(record).category !== 'insight',
    );
    db = await AthenaDuckDb.create();
    await db.loadTable('staging', STORE, originals.map((record, index) => ({ record, partitions: { __row: String(index) } })), ['__row']);
    await db.run(`CREATE TABLE main."${STORE}" AS SELECT * REPLACE (TRY_CAST(replace(replace(eventtime, 'T', ' '), 'Z', '') AS TIMESTAMP) AS eventtime, (readonly = 'true') AS readonly) FROM staging."${STORE}"`);
    const all = await run(buildLakeQuery(STORE, {}, { now: NOW, order: 'none' }).sql);
    all.sort((a, b) => a.index - b.index);
    returned = all.map((item) => item.record);
    assert.equal(returned.length, originals.length);
    assert.ok(originals.length > 100);
  });

  after(() => db?.close());

  it('rebuilds the records: the fields the table shows are the originals', () => {
    returned.forEach((record, index) => {
      const original = toRow(originals[index] ?? {});
      const row = toRow(record);
      for (const key of ['eventId', 'eventName', 'eventSource', 'time', 'user', 'accessKeyId', 'sourceIp', 'region', 'errorCode', 'readOnly', 'userAgent'] as const) assert.deepEqual(row[key], original[key], `${key} of ${original.eventId}`);
      assert.deepEqual(row.resources, original.resources, `resources of ${original.eventId}`);
    });
  });

  async function check(query: EventQuery): Promise<number> {
    const plan = planOfflineQuery(query, { now: NOW });
    const filter = lakeFilterSql(plan);
    const predicate = compileOfflineFilter(plan);
    const built = buildLakeQuery(STORE, { ...query, limit: undefined }, { now: NOW, order: 'none' });
    const selected = new Set((await run(built.sql)).map((item) => item.index));
    const expected = new Set<number>();
    returned.forEach((record, index) => {
      if (predicate(toRow(record), record)) expected.add(index);
    });
    const label = JSON.stringify(query);
    assert.deepEqual([...expected].filter((index) => !selected.has(index)).slice(0, 5), [], `SQL lost rows for ${label}`);
    if (filter.exact) assert.deepEqual([...selected].filter((index) => !expected.has(index)).slice(0, 5), [], `SQL selected more for ${label} (exact)`);
    return expected.size;
  }

  it('time ranges, attributes, error codes, user agents, source IPs, read-only, hostile values', async () => {
    const values = (pick: (row: ReturnType<typeof toRow>) => string): string[] => [...new Set(returned.map((record) => pick(toRow(record))).filter((value) => value !== ''))].slice(0, 30);
    let hits = 0;
    const year = (y: number): number => Date.UTC(y, 0, 1);
    for (const time of [{ start: year(2020), end: year(2022) - 1 }, { start: Date.UTC(2021, 11, 2, 22, 11, 24), end: Date.UTC(2021, 11, 2, 22, 14, 0, 500) }, { start: year(2023) }, { end: year(2019) }]) hits += await check({ time });
    for (const value of values((row) => row.eventName).filter((_, i) => i % 5 === 0)) hits += await check({ attributes: { EventName: [value.toUpperCase()] } });
    for (const value of values((row) => row.eventSource).filter((_, i) => i % 5 === 0)) hits += await check({ attributes: { EventSource: [value] } });
    for (const value of values((row) => row.user).filter((_, i) => i % 5 === 0)) hits += await check({ attributes: { Username: [value] } });
    for (const value of values((row) => row.accessKeyId).slice(0, 4)) hits += await check({ attributes: { AccessKeyId: [value] } });
    for (const value of values((row) => row.eventId).slice(0, 4)) hits += await check({ attributes: { EventId: [value] } });
    for (const value of values((row) => row.errorCode).slice(0, 6)) hits += await check({ errorCodes: [value] });
    hits += await check({ errorCodes: ['AccessDenied*'] });
    hits += await check({ errorsOnly: true });
    for (const value of values((row) => row.sourceIp).slice(0, 6)) hits += await check({ sourceIps: [value] });
    hits += await check({ sourceIps: ['10.0.0.0/8'] });
    hits += await check({ userAgent: 'aws-cli' });
    hits += await check({ attributes: { ReadOnly: ['true'] } });
    hits += await check({ attributes: { ReadOnly: ['false'] } });
    for (const value of HOSTILE_VALUES) {
      if (value.includes('\ud800')) continue;
      await check({ attributes: { EventName: [value], Username: [value] } });
      await check({ userAgent: value, errorCodes: [value, `${value}*`], sourceIps: [value] });
      await check({ text: value, attributes: { ResourceName: [value] } });
    }
    assert.ok(hits > 100, String(hits));
  });
});
