/**
 * Local archive search over real CloudTrail log files on disk (the demo workspace's copies, and an
 * S3-like layout of gzipped delivery files made from real records), with the same filters as in
 * memory; damaged files reported and skipped, nothing else lost.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { newArchiveStats, readLogFile, searchArchive, type ArchiveItem, type ArchiveStats } from '../../src/archive';
import { compileOfflineFilter, planOfflineQuery } from '../../src/core/archive/plan';
import type { EventQuery } from '../../src/core/events/query';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { fixtureRecords, recordsOfText } from '../support/endpoint/athena-records';
import { fixturePath } from '../support/fixtures';

const NOW = Date.UTC(2026, 0, 1);
const DEMO = fixturePath('demo-workspace', 'cloudtrail-logs');
const TRAILSCRAPER = 'trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz';

async function search(dir: string, query: EventQuery, options: { stats?: ArchiveStats; signal?: AbortSignal; regions?: string[] } = {}): Promise<{ rows: Array<Extract<ArchiveItem, { row: unknown }>>; errors: Array<{ file: string; message: string }>; stats: ArchiveStats }> {
  const stats = options.stats ?? newArchiveStats();
  const rows: Array<Extract<ArchiveItem, { row: unknown }>> = [];
  const errors: Array<{ file: string; message: string }> = [];
  for await (const item of searchArchive(dir, query, { ...options, stats, now: NOW })) {
    if ('error' in item) errors.push(item.error);
    else rows.push(item);
  }
  return { rows, errors, stats };
}

/** Every record of the demo folder, read without the streaming code. */
function demoRecords(): Array<{ file: string; record: CloudTrailRecord }> {
  return fixtureRecords(['demo-workspace/cloudtrail-logs']).map((item) => ({ file: item.file.replace('demo-workspace/cloudtrail-logs/', ''), record: item.record }));
}

const key = (record: CloudTrailRecord): string => JSON.stringify([record.eventID ?? null, record.eventTime ?? null, record.eventName ?? null, record.requestID ?? null]);

describe('archive search (files on disk)', function () {
  this.timeout(60_000);

  it('finds every record of the demo archives: gzip delivery object, {"Records"}, arrays, JSON Lines', async () => {
    const all = demoRecords();
    const { rows, errors, stats } = await search(DEMO, {});
    assert.deepEqual(errors, []);
    assert.equal(rows.length, all.length);
    assert.deepEqual(rows.map((item) => key(item.record)).sort(), all.map((item) => key(item.record)).sort());
    assert.equal(stats.files, 6);
    assert.equal(stats.filesRead, 6);
    assert.ok(stats.bytesRead > 1_000_000 && stats.charsParsed > stats.bytesRead);
    // The delivery object comes first (files with a delivery name are read newest first, before the others).
    assert.equal(rows[0]?.file, TRAILSCRAPER);
  });

  it('selects exactly what the in-memory filter selects, for many queries', async () => {
    const all = demoRecords();
    const queries: EventQuery[] = [
      { time: { start: Date.UTC(2021, 11, 2, 22, 12), end: Date.UTC(2021, 11, 2, 22, 14) } },
      { errorsOnly: true },
      { errorCodes: ['AccessDenied*', 'NoSuch*'] },
      { attributes: { EventSource: ['s3'] }, access: 'read' },
      { attributes: { EventName: ['StopLogging', 'CreateUser', 'ConsoleLogin'] } },
      { attributes: { Username: ['root'] } },
      { riskyOnly: 'high' },
      { riskyOnly: 'medium', text: 'cloudtrail' },
      { sourceIps: ['10.0.0.0/8', '192.0.2.0/24'] },
      { userAgent: 'console' },
      { text: 'exfil' },
      { time: { start: Date.UTC(2017, 0, 1), end: Date.UTC(2018, 0, 1) } },
    ];
    for (const query of queries) {
      const predicate = compileOfflineFilter(planOfflineQuery(query, { now: NOW }));
      const expected = all.filter(({ record }) => predicate(toRow(record), record)).map(({ record }) => key(record));
      const { rows } = await search(DEMO, query);
      assert.deepEqual(rows.map((item) => key(item.record)).sort(), expected.sort(), JSON.stringify(query));
    }
    const risky = await search(DEMO, { riskyOnly: 'high' });
    assert.ok(risky.rows.some((item) => item.row.eventName === 'StopLogging'));
  });

  it('skips delivery files outside the time range without opening them, and other regions', async () => {
    const late = await search(DEMO, { time: { start: Date.UTC(2020, 0, 1) } });
    assert.equal(late.stats.filesSkipped, 1);
    assert.ok(!late.rows.some((item) => item.file === TRAILSCRAPER));
    const old = await search(DEMO, { time: { start: Date.UTC(2017, 11, 11), end: Date.UTC(2017, 11, 12) } });
    assert.equal(old.rows.length, 2);
    const regions = await search(DEMO, {}, { regions: ['us-east-1'] });
    assert.equal(regions.stats.filesSkipped, 1);
    assert.ok(regions.rows.every((item) => item.row.region === 'us-east-1'));
  });

  it('stops at the limit and when cancelled', async () => {
    const limited = await search(DEMO, { limit: 5 });
    assert.equal(limited.rows.length, 5);
    assert.equal(limited.stats.stopped, 'limit');
    const controller = new AbortController();
    const stats = newArchiveStats();
    let seen = 0;
    for await (const item of searchArchive(DEMO, {}, { signal: controller.signal, stats })) {
      if ('row' in item && ++seen === 3) controller.abort();
    }
    assert.equal(stats.stopped, 'cancelled');
    assert.ok(seen < 50);
  });

  describe('an S3-like archive with damaged files', () => {
    let dir: string;
    let intact: string[];

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ctl-archive-'));
      cpSync(DEMO, join(dir, 'demo'), { recursive: true });
      // Delivery files made from real records (the opensearch delivery file), in the S3 layout.
      const records = recordsOfText(readFileSync(fixturePath('demo-workspace', 'cloudtrail-logs', 'opensearch-catalog', 'raw-large-samples.json'), 'utf8'));
      const folder = join(dir, 'AWSLogs', '347283850106', 'CloudTrail', 'eu-west-1', '2021', '12', '02');
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < 4; i++) {
        const part = records.slice(i * 200, (i + 1) * 200);
        writeFileSync(join(folder, `347283850106_CloudTrail_eu-west-1_20211202T22${String(15 + i).padStart(2, '0')}Z_part${i}.json.gz`), gzipSync(JSON.stringify({ Records: part })));
      }
      intact = [];
      // Damage: a truncated gzip, a truncated JSON, garbage, an empty file, a JSON Lines file with one bad line, a digest (ignored).
      const gz = readFileSync(join(DEMO, TRAILSCRAPER));
      writeFileSync(join(dir, 'truncated.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
      const json = readFileSync(join(DEMO, 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json'), 'utf8');
      writeFileSync(join(dir, 'truncated.json'), json.slice(0, Math.floor(json.length * 0.7)));
      writeFileSync(join(dir, 'garbage.json'), 'this is not JSON {{{ \u0000');
      writeFileSync(join(dir, 'empty.json'), '');
      writeFileSync(join(dir, 'lines.jsonl'), `{"eventID":"L1","eventTime":"2024-01-01T00:00:00Z","eventName":"A"}\n{broken\n{"eventID":"L2","eventTime":"2024-01-01T00:00:01Z","eventName":"B"}\n`);
      writeFileSync(join(dir, 'not-gzip.json.gz'), '{"Records":[{"eventID":"plain","eventName":"C","eventTime":"2024-01-01T00:00:02Z"}]}');
      const digestFolder = join(dir, 'AWSLogs', '347283850106', 'CloudTrail-Digest', 'eu-west-1', '2021', '12', '02');
      mkdirSync(digestFolder, { recursive: true });
      writeFileSync(join(digestFolder, '347283850106_CloudTrail-Digest_eu-west-1_x_20211202T221500Z.json.gz'), gzipSync('{"digestStartTime":"…"}'));
      intact = [...demoRecords().map(({ record }) => key(record)), ...records.map((record) => key(record as CloudTrailRecord))];
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reports each damaged file, keeps the complete records before the damage, loses nothing else', async () => {
      const { rows, errors, stats } = await search(dir, {});
      const files = new Set(errors.map((error) => error.file));
      assert.deepEqual([...files].sort(), ['garbage.json', 'lines.jsonl', 'truncated.json', 'truncated.json.gz']);
      assert.match(errors.find((error) => error.file === 'truncated.json.gz')?.message ?? '', /damaged gzip|truncated/);
      assert.match(errors.find((error) => error.file === 'truncated.json')?.message ?? '', /truncated: the file ends/);
      const found = new Set(rows.map((item) => key(item.record)));
      for (const record of intact) assert.ok(found.has(record), `lost ${record}`);
      const ids = rows.map((item) => item.record.eventID);
      assert.ok(ids.includes('L1') && ids.includes('L2') && ids.includes('plain'));
      const createUser = rows.filter((item) => item.file === 'truncated.json');
      assert.ok(createUser.length >= 1, 'complete records before the truncation are kept');
      assert.equal(stats.filesIgnored, 1, 'the digest file');
      assert.equal(stats.filesWithErrors, 4);
    });

    it('reads one file given directly', async () => {
      const items = [];
      for await (const item of readLogFile(join(DEMO, TRAILSCRAPER))) items.push(item);
      assert.equal(items.length, 2);
      const records = recordsOfText(gunzipSync(readFileSync(join(DEMO, TRAILSCRAPER))).toString('utf8'));
      assert.deepEqual(items, records.map((record) => ({ record })));
      const single = await search(join(DEMO, TRAILSCRAPER), {});
      assert.equal(single.rows.length, 2);
      assert.equal(single.rows[0]?.file, TRAILSCRAPER.split('/').pop());
    });

    it('reports a folder that does not exist', async () => {
      const { errors, rows } = await search(join(dir, 'missing'), {});
      assert.equal(rows.length, 0);
      assert.match(errors[0]?.message ?? '', /cannot open/);
    });
  });
});
