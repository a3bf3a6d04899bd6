/**
 * EventQuery -> Athena SQL, checked on a real SQL engine: DuckDB holds every fixture record (as the
 * Hive JSON SerDe would present it) plus hostile synthetic ones; the generated WHERE clause must
 * select exactly what compileOfflineFilter selects in memory (a superset for the filters marked
 * inexact, and then exactly after the local re-check), and the partition predicates must never
 * lose a row.
 */
import { strict as assert } from 'node:assert';
import { planOfflineQuery } from '../../src/core/archive/plan';
import { compileOfflineFilter } from '../../src/core/archive/plan';
import { dayFolder } from '../../src/core/archive/keys';
import { ResultReader } from '../../src/core/athena/results';
import { buildAthenaQuery, escapeLike, filterSql, selectList, sqlString, simpleCase, translateFilter } from '../../src/core/athena/sql';
import type { EventQuery } from '../../src/core/events/query';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { fixtureRecords, hostileRecords, HOSTILE_VALUES, type AnyRecord } from '../support/endpoint/athena-records';
import { AthenaDuckDb, toDuckDbSql } from '../support/endpoint/athena-sql';

const NOW = Date.UTC(2026, 0, 1);
const TABLE = { database: 'lens', table: 'events', partitions: { date: 'timestamp', region: 'region', account: 'account' } };

describe('athena sql: literals and patterns', () => {
  it('doubles quotes and writes control characters as chr()', () => {
    assert.equal(sqlString("O'Brien"), "'O''Brien'");
    assert.equal(sqlString("'; DROP TABLE x; --"), "'''; DROP TABLE x; --'");
    assert.equal(sqlString('a\nb'), "('a' || chr(10) || 'b')");
    assert.equal(sqlString('nul\u0000'), "('nul' || chr(0))");
    assert.equal(sqlString('\u2028'), 'chr(8232)');
    assert.equal(sqlString(''), "''");
    assert.equal(sqlString('日本語 🚀'), "'日本語 🚀'");
    assert.throws(() => sqlString('\ud800x'), /lone surrogate/);
  });

  it('escapes LIKE wildcards and the escape character', () => {
    assert.equal(escapeLike('100%'), '100\\%');
    assert.equal(escapeLike('a_b'), 'a\\_b');
    assert.equal(escapeLike('a\\b'), 'a\\\\b');
    assert.equal(escapeLike('%_\\'), '\\%\\_\\\\');
  });

  it('knows which letters SQL lower() may fold differently from JavaScript', () => {
    assert.equal(simpleCase('ÜBER'), true);
    assert.equal(simpleCase('日本語'), true);
    assert.equal(simpleCase('Straße'), false);
    assert.equal(simpleCase('ΟΔΟΣ'), false);
    assert.equal(simpleCase('İstanbul'), false);
  });

  it('puts no value into the SQL unquoted: every hostile value stays inside one literal', () => {
    for (const value of HOSTILE_VALUES) {
      if (value.includes('\ud800')) continue;
      const queries: EventQuery[] = [
        { attributes: { EventName: [value], Username: [value], ResourceName: [value], ResourceType: [value], EventSource: [value], AccessKeyId: [value], EventId: [value] } },
        { userAgent: value, text: value, errorCodes: [value, `${value}*`], sourceIps: [value] },
      ];
      for (const query of queries) {
        const sql = buildAthenaQuery(TABLE, query, { now: NOW }).sql;
        // Strip every literal: what is left must not contain the value's dangerous parts.
        const outside = sql.replace(/'(?:[^']|'')*'/g, "''");
        assert.ok(!outside.includes('DROP TABLE'), value);
        // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
        assert.ok(!/[\u0000\u2028\r]/.test(sql), `raw control character in SQL for ${JSON.stringify(value)}`);
        assert.ok(!outside.includes('\n\n'), value);
      }
    }
  });

  it('renames only function calls for DuckDB, never text inside literals or identifiers', () => {
    assert.equal(toDuckDbSql("SELECT transform(x, y -> y) , 'transform(' , \"regexp_like\" FROM t WHERE regexp_like(a, 'b')"), "SELECT list_transform(x, y -> y) , 'transform(' , \"regexp_like\" FROM t WHERE regexp_matches(a, 'b')");
  });
});

describe('athena sql: partition pruning and limits', () => {
  it('bounds the delivery-date partition by the time range plus the delivery slack, and adds region/account partitions', () => {
    const start = Date.UTC(2025, 2, 10, 23, 30);
    const end = Date.UTC(2025, 2, 12, 8);
    const query = buildAthenaQuery(TABLE, { time: { start, end }, attributes: { EventName: ['StopLogging'] }, limit: 10 }, { now: NOW, regions: ['us-east-1', 'eu-west-1'], accounts: ['111122223333'] });
    assert.deepEqual(query.partitions, [`"timestamp" >= '2025/03/10'`, `"timestamp" <= '2025/03/13'`, `"region" IN ('us-east-1', 'eu-west-1')`, `"account" IN ('111122223333')`]);
    assert.match(query.sql, /LIMIT 10$/);
    assert.match(query.sql, /ORDER BY eventtime DESC/);
    assert.match(query.sql, /replace\(substr\(eventtime, 1, 19\), ' ', 'T'\) >= '2025-03-10T23:30:00'/);
  });

  it('does not push LIMIT when a filter is re-checked locally, and warns without a time range', () => {
    const query = buildAthenaQuery(TABLE, { text: 'backdoor', limit: 5 }, { now: NOW });
    assert.equal(query.sqlLimit, undefined);
    assert.equal(query.limit, 5);
    assert.doesNotMatch(query.sql, /LIMIT/);
    assert.ok(query.warnings.some((warning) => /every day/.test(warning)));
  });

  it('answers FALSE when the table holds another region', () => {
    const query = buildAthenaQuery({ ...TABLE, partitions: { date: 'timestamp' }, fixedRegion: 'us-east-1' }, { time: { preset: '7d' } }, { now: NOW, regions: ['eu-west-1'] });
    assert.ok(query.partitions.includes('FALSE'));
  });

  it('marks what SQL cannot decide exactly', () => {
    assert.equal(translateFilter({ kind: 'risk', minLevel: 'high' }).sql, undefined);
    assert.equal(translateFilter({ kind: 'text', value: 'say "hi"' }).sql, undefined);
    assert.equal(translateFilter({ kind: 'attribute', attribute: 'EventName', values: ['Straße'] }).exact, false);
    assert.equal(translateFilter({ kind: 'attribute', attribute: 'EventName', values: ['ÜBER'] }).exact, true);
    assert.equal(translateFilter({ kind: 'errors', codes: ['AccessDenied*'] }).exact, false);
    assert.equal(translateFilter({ kind: 'sourceIp', values: ['AWS Internal'] }).exact, true);
    assert.equal(translateFilter({ kind: 'sourceIp', values: ['10.0.0.0/8'] }).exact, false);
  });
});

describe('athena sql on DuckDB: the WHERE clause selects what compileFilter selects', function () {
  this.timeout(120_000);
  let db: AthenaDuckDb;
  let originals: AnyRecord[];
  /** Records as they come back from Athena (the select list mapped back): what the local re-check sees. */
  let returned: CloudTrailRecord[];
  const sample = new Map<string, string[]>();

  before(async () => {
    originals = [...fixtureRecords().map((item) => item.record), ...hostileRecords()];
    db = await AthenaDuckDb.create();
    await db.loadTable(
      'lens',
      'events',
      originals.map((record, index) => {
        const time = Date.parse(typeof record.eventTime === 'string' ? record.eventTime : '');
        // Delivered about 10 minutes later: the date folder is sometimes the next day.
        return {
          record,
          partitions: {
            __row: String(index),
            timestamp: Number.isFinite(time) ? dayFolder(time + 10 * 60_000) : '1970/01/01',
            region: typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1',
            account: typeof record.recipientAccountId === 'string' ? record.recipientAccountId : '000000000000',
          },
        };
      }),
      ['__row', 'timestamp', 'region', 'account'],
    );
    const all = await db.query(`SELECT "__row", ${selectList()} FROM "lens"."events" ORDER BY CAST("__row" AS INTEGER)`);
    const reader = new ResultReader();
    returned = [];
    for (const item of reader.read({ ResultSet: { ResultSetMetadata: { ColumnInfo: all.columns.map((name) => ({ Name: name })) }, Rows: all.rows.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })) } })) {
      if ('error' in item) throw new Error(item.error);
      delete item.record.__row;
      returned.push(item.record);
    }
    assert.equal(returned.length, originals.length);
    // Values seen in the data, to ask for.
    const add = (key: string, value: string): void => {
      if (value === '') return;
      const list = sample.get(key) ?? [];
      if (!list.includes(value)) list.push(value);
      sample.set(key, list);
    };
    for (const record of returned) {
      const row = toRow(record);
      if (row.category === 'insight') continue;
      add('EventName', row.eventName);
      add('EventSource', row.eventSource);
      add('Username', row.user);
      add('AccessKeyId', row.accessKeyId);
      add('EventId', row.eventId);
      add('errorCode', row.errorCode);
      add('sourceIp', row.sourceIp);
      for (const resource of row.resources) {
        add('ResourceName', resource.name);
        if (resource.type) add('ResourceType', resource.type);
      }
    }
  });

  after(() => db?.close());

  async function check(query: EventQuery): Promise<{ sql: number; expected: number }> {
    const plan = planOfflineQuery(query, { now: NOW });
    const filter = filterSql(plan);
    const predicate = compileOfflineFilter(plan);
    const result = await db.query(`SELECT "__row" FROM "lens"."events" WHERE ${filter.sql}`);
    const selected = new Set(result.rows.map((row) => Number(row[0])));
    const expected = new Set<number>();
    returned.forEach((record, index) => {
      if (predicate(toRow(record), record)) expected.add(index);
    });
    const label = JSON.stringify(query);
    const missing = [...expected].filter((index) => !selected.has(index));
    assert.deepEqual(missing.slice(0, 5).map((index) => returned[index]?.eventID), [], `SQL lost rows for ${label}`);
    if (filter.exact) {
      const extra = [...selected].filter((index) => !expected.has(index));
      assert.deepEqual(extra.slice(0, 5).map((index) => returned[index]?.eventID), [], `SQL selected more than the filter for ${label} (exact)`);
      // The same over the original records (fields outside the table aside, the filters read only table columns).
      const original = new Set<number>();
      originals.forEach((record, index) => {
        if (predicate(toRow(record), record)) original.add(index);
      });
      assert.deepEqual([...original].filter((index) => !selected.has(index)).slice(0, 3), [], `original records: SQL lost rows for ${label}`);
      assert.deepEqual([...selected].filter((index) => !original.has(index)).slice(0, 3), [], `original records: SQL selected more for ${label}`);
    }
    // Partition predicates never lose a row.
    const pruned = buildAthenaQuery(TABLE, query, { now: NOW });
    const withPartitions = await db.query(`SELECT "__row" FROM "lens"."events" WHERE ${[...pruned.partitions, `(${filter.sql})`].join(' AND ')}`);
    assert.equal(withPartitions.rows.length, result.rows.length, `partition pruning lost rows for ${label}`);
    return { sql: selected.size, expected: expected.size };
  }

  const first = (key: string, n = 1): string[] => (sample.get(key) ?? []).slice(0, n);

  it('time ranges (CloudTrail time forms, open ends, presets)', async () => {
    const year = (y: number): number => Date.UTC(y, 0, 1);
    let hits = 0;
    for (const time of [{ start: year(2020), end: year(2022) - 1 }, { start: Date.UTC(2021, 11, 2, 22, 11, 24), end: Date.UTC(2021, 11, 2, 22, 14, 0, 500) }, { start: year(2023) }, { end: year(2019) }, { preset: '90d' as const }]) {
      hits += (await check({ time })).expected;
    }
    assert.ok(hits > 100);
  });

  it('each lookup attribute, with values from the data, in other letter cases too', async () => {
    for (const key of ['EventName', 'EventSource', 'Username', 'AccessKeyId', 'EventId', 'ResourceName', 'ResourceType'] as const) {
      const values = first(key, 40);
      assert.ok(values.length > 0, key);
      for (let i = 0; i < values.length; i += 7) {
        const value = values[i] ?? '';
        const { expected } = await check({ attributes: { [key]: [value] } });
        assert.ok(expected > 0, `${key}=${value} matches nothing`);
        await check({ attributes: { [key]: [value.toUpperCase(), values[i + 1] ?? value] } });
      }
    }
    await check({ attributes: { Username: ['root'] } });
    await check({ attributes: { EventSource: ['s3'] } });
  });

  it('read-only / write, errors, error-code wildcards, source IPs and blocks, user agent', async () => {
    await check({ access: 'read' });
    await check({ access: 'write' });
    await check({ attributes: { ReadOnly: ['true'] }, access: 'write' });
    await check({ errorsOnly: true });
    await check({ errorCodes: first('errorCode', 3) });
    await check({ errorCodes: ['AccessDenied*', '*UnauthorizedOperation', 'no*such*'] });
    await check({ sourceIps: first('sourceIp', 4) });
    await check({ sourceIps: ['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32', 'AWS Internal', '0.0.0.0/0'] });
    await check({ sourceIps: ['203.0.113.0/25'] });
    await check({ userAgent: 'aws-cli' });
    await check({ userAgent: 'Mozilla/5.0 (' });
    await check({ userAgent: 'CONSOLE.amazonaws.com' });
  });

  it('free text and risk (narrowed by SQL, decided locally)', async () => {
    for (const text of ['AdministratorAccess', 'root', 'eu-west-1', '100', 'true', 'AWS service', 'i-0', 'mozilla']) await check({ text });
    await check({ riskyOnly: 'high' });
    await check({ riskyOnly: true, attributes: { EventSource: ['iam'] } });
  });

  it('Insights events only when asked for', async () => {
    const { expected } = await check({ insights: true });
    assert.ok(expected >= 5);
    await check({ insights: true, attributes: { EventName: ['CreateAccessKey', 'DescribeInstances'] } });
  });

  it('hostile values: quotes, wildcards, backslashes, unicode, line breaks, NUL', async () => {
    for (const value of HOSTILE_VALUES) {
      for (const query of [
        { attributes: { EventName: [value] } },
        { attributes: { Username: [value] } },
        { attributes: { ResourceName: [value] } },
        { attributes: { ResourceType: [`AWS::Test::${value}`] } },
        { attributes: { EventSource: [`${value}.amazonaws.com`] } },
        { errorCodes: [value] },
        { errorCodes: [`${value}*`, `*${value}`] },
        { userAgent: value },
        { sourceIps: [value] },
        { text: value },
      ] satisfies EventQuery[]) {
        const { expected, sql } = await check(query);
        assert.ok(sql >= expected);
        if ('attributes' in query && query.attributes && 'EventName' in query.attributes) assert.ok(expected >= 1, `the hostile record named ${JSON.stringify(value)} is found`);
      }
    }
  });

  it('random combinations of everything', async () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] ?? list[0] ?? (undefined as T);
    for (let i = 0; i < 60; i++) {
      const query: EventQuery = {};
      const attributes: NonNullable<EventQuery['attributes']> = {};
      for (const key of ['EventName', 'EventSource', 'Username', 'ResourceType', 'ResourceName', 'AccessKeyId'] as const) {
        if (random() < 0.25) attributes[key] = [pick(sample.get(key) ?? ['x']), ...(random() < 0.3 ? [pick(HOSTILE_VALUES)] : [])];
      }
      if (Object.keys(attributes).length > 0) query.attributes = attributes;
      if (random() < 0.3) query.access = random() < 0.5 ? 'read' : 'write';
      if (random() < 0.3) query.errorsOnly = true;
      if (random() < 0.2) query.errorCodes = [pick(sample.get('errorCode') ?? ['x']), 'Access*'];
      if (random() < 0.2) query.sourceIps = [pick(sample.get('sourceIp') ?? ['x']), '10.0.0.0/8'];
      if (random() < 0.2) query.userAgent = pick(['aws', 'console', 'Boto', '%', '_']);
      if (random() < 0.15) query.text = pick(['iam', 'root', 'amazonaws', '111122223333']);
      if (random() < 0.3) query.time = { start: Date.UTC(2017 + Math.floor(random() * 8), 0, 1), end: Date.UTC(2026, 0, 1) };
      if (random() < 0.1) query.insights = true;
      await check(query);
    }
  });
});
