/**
 * The panel's host logic without VS Code (src/features/search/session.ts): hostile messages are
 * dropped, searches stream back in throttled batches, a re-created webview gets a replay, and the
 * actions on a result (record, CLI, open, compare, export, pivot, fix) are built from the host's
 * own copy, never from what the webview says.
 */
import { strict as assert } from 'node:assert';
import { AwsError } from '../../src/core/aws/errors';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { exportContent, SearchSession, type SessionHost } from '../../src/features/search/session';
import type { HostMessage, SearchRequest } from '../../src/shared/protocol';
import { fakeLookup, NOW, record, sleep, type FakeOptions } from './search-support';

interface Recorder extends SessionHost {
  posted: HostMessage[];
  opened: Array<{ title: string; json: string }>;
  diffs: Array<[string, string]>;
  copied: string[];
  saved: Array<{ name: string; format: string; content: string }>;
  fixed: AwsError[];
  warnings: string[];
  of<T extends HostMessage['type']>(type: T): Array<Extract<HostMessage, { type: T }>>;
}

function recorder(): Recorder {
  const host: Recorder = {
    posted: [],
    opened: [],
    diffs: [],
    copied: [],
    saved: [],
    fixed: [],
    warnings: [],
    post: (message) => host.posted.push(JSON.parse(JSON.stringify(message)) as HostMessage),
    init: () => Promise.resolve({ profiles: [{ name: 'dev' }], regions: [{ id: 'us-east-1', name: 'N. Virginia' }], defaultProfile: 'dev', defaultRegion: 'us-east-1' }),
    openJson: (title, json) => {
      host.opened.push({ title, json });
      return Promise.resolve();
    },
    diff: (left, right) => {
      host.diffs.push([left.title, right.title]);
      return Promise.resolve();
    },
    copy: (text) => {
      host.copied.push(text);
      return Promise.resolve();
    },
    save: (name, format, content) => {
      host.saved.push({ name, format, content });
      return Promise.resolve(name);
    },
    runFix: (error) => host.fixed.push(error),
    of: <T extends HostMessage['type']>(type: T) => host.posted.filter((message): message is Extract<HostMessage, { type: T }> => message.type === type),
  };
  return host;
}

function session(fake: FakeOptions, host = recorder()): { session: SearchSession; host: Recorder } {
  const { lookup } = fakeLookup(fake);
  const s = new SearchSession(host, { lookup, log: { info: () => undefined, debug: () => undefined, warn: (line) => host.warnings.push(line) }, now: () => NOW, intervalMs: 30 }, undefined);
  return { session: s, host };
}

const request: SearchRequest = { profiles: ['dev'], regions: ['us-east-1'], query: { time: { preset: '7d' } } };

async function until(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const data = (count: number, overrides: (i: number) => Partial<CloudTrailRecord> = () => ({})): FakeOptions => ({ data: { 'dev/us-east-1': Array.from({ length: count }, (_, i) => record(i, overrides(i))) } });

describe('search session: the panel host without VS Code', () => {
  it('drops malformed and hostile messages, logging them', async () => {
    const { session: s, host } = session(data(10));
    for (const message of [null, 'ready', { type: 'exec', command: 'id' }, { type: 'search', request: { profiles: ['x\n'], regions: ['us-east-1'], query: {} } }, { type: 'getRecord', key: -1 }, { type: '__proto__' }]) {
      await s.receive(message);
    }
    assert.equal(host.posted.length, 0);
    assert.equal(host.warnings.length, 6);
    assert.ok(host.warnings.every((line) => /ignored a malformed message/.test(line)));
  });

  it('answers ready with init, streams a search in throttled batches, then done', async () => {
    const { session: s, host } = session({ ...data(400), delayMs: 2 });
    await s.receive({ type: 'ready' });
    assert.equal(host.posted[0]?.type, 'init');
    await s.receive({ type: 'search', request });
    await until('done', () => host.of('done').length > 0);
    const [plan] = host.of('plan');
    assert.equal(plan?.plan.searchId, 1);
    assert.deepEqual(plan?.plan.request, request);
    const rows = host.of('rows').flatMap((message) => message.rows);
    assert.equal(rows.length, 400);
    assert.ok(host.of('rows').length < 8, `8 pages arrived in fewer batches (${host.of('rows').length})`);
    assert.equal(new Set(rows.map((row) => row.key)).size, 400);
    assert.ok(rows.every((row) => row.profile === 'dev' && !('json' in row)), 'rows carry no record');
    const last = host.of('progress').at(-1);
    assert.equal(last?.total.matched, 400);
    assert.equal(last?.running, false);
    assert.equal(host.of('done')[0]?.reason, 'complete');
    s.dispose();
  });

  it('replays the whole search to a re-created webview', async () => {
    const { session: s, host } = session(data(120));
    await s.receive({ type: 'ready' });
    await s.receive({ type: 'search', request });
    await until('done', () => host.of('done').length > 0);
    host.posted.length = 0;
    await s.receive({ type: 'ready' });
    assert.deepEqual(
      host.posted.map((message) => message.type),
      ['init', 'plan', 'rows', 'progress', 'done'],
    );
    assert.equal(host.of('rows')[0]?.rows.length, 120);
    assert.deepEqual(host.of('init')[0]?.init.state?.request, request, 'the form comes back too');
  });

  it('builds record, CLI command, documents and diffs from its own copy', async () => {
    const hostile = "x'; rm -rf ~; echo '";
    const { session: s, host } = session(data(3, (i) => (i === 1 ? { eventID: hostile } : {})));
    await s.receive({ type: 'ready' });
    await s.receive({ type: 'search', request });
    await until('done', () => host.of('done').length > 0);
    const rows = host.of('rows').flatMap((message) => message.rows);
    const evil = rows.find((row) => row.eventId === hostile);
    const other = rows.find((row) => row.eventId !== hostile);
    assert.ok(evil && other);
    await s.receive({ type: 'getRecord', key: evil.key });
    const [answer] = host.of('record');
    assert.equal((JSON.parse(answer?.json ?? '{}') as CloudTrailRecord).eventID, hostile);
    assert.match(answer?.cli ?? '', /--region us-east-1 --profile dev$/);
    assert.ok(answer?.cli.includes(`AttributeValue":"x'\\''; rm -rf ~; echo '\\''"`) || answer?.cli.includes("'\\''"), `the id is quoted for the shell: ${answer?.cli}`);
    await s.receive({ type: 'copyCli', key: evil.key });
    assert.equal(host.copied[0], answer?.cli);
    await s.receive({ type: 'openRecord', key: other.key });
    assert.match(host.opened[0]?.json ?? '', /^\{\n {2}"eventID"/, 'pretty JSON');
    await s.receive({ type: 'compare', keys: [other.key, evil.key] });
    assert.equal(host.diffs.length, 1);
    // A key the host never gave out does nothing.
    await s.receive({ type: 'openRecord', key: 999_999 });
    assert.equal(host.opened.length, 1);
  });

  it('exports JSON (the CLI’s document) and CSV (formula-safe), optionally a time range only', async () => {
    const { session: s, host } = session(data(20, (i) => (i === 0 ? { userAgent: '=HYPERLINK("http://evil")' } : {})));
    await s.receive({ type: 'ready' });
    await s.receive({ type: 'export', format: 'json' });
    assert.match(host.of('notice')[0]?.message ?? '', /Nothing to export/);
    await s.receive({ type: 'search', request });
    await until('done', () => host.of('done').length > 0);
    await s.receive({ type: 'export', format: 'json' });
    const json = JSON.parse(host.saved[0]?.content ?? '') as { events: CloudTrailRecord[]; stats: Record<string, number> };
    assert.equal(json.events.length, 20);
    assert.equal(json.events[0]?.eventID, 'ev-0', 'newest first');
    assert.deepEqual(Object.keys(json.stats), ['requests', 'pages', 'throttled', 'elapsedMs']);
    assert.match(host.saved[0]?.name ?? '', /^cloudtrail-events-\d{8}-\d{4}\.json$/);
    await s.receive({ type: 'export', format: 'csv', range: { start: NOW - 4.5 * 60_000, end: NOW } });
    const csv = host.saved[1]?.content ?? '';
    assert.equal(csv.trim().split('\r\n').length, 1 + 5, 'header and the 5 events in range');
    assert.ok(csv.includes(`'=HYPERLINK`), 'a formula is neutralised');
    assert.match(host.of('notice').at(-1)?.message ?? '', /Exported 5 events/);
  });

  it('pivots to a new search in the same scope, derived from the result itself', async () => {
    const { session: s, host } = session(data(30));
    await s.receive({ type: 'ready' });
    await s.receive({ type: 'search', request: { ...request, query: { ...request.query, errorsOnly: true, text: 'x' } } });
    await s.receive({ type: 'search', request });
    await until('done', () => host.of('done').length > 0);
    const row = host.of('rows').flatMap((message) => message.rows)[0];
    assert.ok(row);
    await s.receive({ type: 'pivot', key: row.key, field: 'user' });
    const [query] = host.of('query');
    assert.equal(query?.run, true);
    assert.deepEqual(query?.request, { profiles: ['dev'], regions: ['us-east-1'], query: { time: { preset: '7d' }, attributes: { Username: ['alice'] } } });
    await until('the pivot search', () => host.of('plan').some((message) => message.plan.searchId === 3));
    await s.receive({ type: 'pivot', key: row.key, field: 'sourceIp' });
    // The old key still belongs to the previous search's results: ignored, no new search.
    assert.equal(host.of('query').length, 1);
  });

  it('runs the fix command of a failed stream: the command comes from the host’s error only', async () => {
    const expired = new AwsError({ kind: 'sso-expired', message: 'The SSO session has expired.', next: 'Sign in again.', command: 'aws sso login --profile dev', retry: 'none', profile: 'dev' });
    const { session: s, host } = session({ data: { 'dev/eu-west-1': [record(1)] }, fail: { 'dev/us-east-1': { error: expired } } });
    await s.receive({ type: 'ready' });
    await s.receive({ type: 'search', request: { ...request, regions: ['us-east-1', 'eu-west-1'] } });
    await until('done', () => host.of('done').length > 0);
    const [failure] = host.of('streamError');
    assert.equal(failure?.failure.kind, 'sso-expired');
    assert.equal(failure?.failure.command, 'aws sso login --profile dev');
    assert.equal(host.of('rows').flatMap((message) => message.rows).length, 1, 'the other region’s results are there');
    await s.receive({ type: 'fix', streamId: 1 });
    assert.equal(host.fixed.length, 0, 'the healthy stream has nothing to fix');
    await s.receive({ type: 'fix', streamId: failure?.failure.streamId ?? -1 });
    assert.equal(host.fixed[0]?.command, 'aws sso login --profile dev');
    await s.receive({ type: 'retry' });
    await until('the retry', () => host.of('done').length > 1);
    assert.equal(host.of('rows').flatMap((message) => message.rows).length, 1);
  });

  it('runs a pre-filled search before the webview is ready, and resolves with a summary', async () => {
    const { session: s, host } = session(data(75));
    const summary = s.prefill(request, true);
    assert.ok(summary);
    const result = await summary;
    assert.equal(result.matched, 75);
    assert.equal(result.reason, 'complete');
    assert.equal(result.rows.length, 75);
    assert.equal(host.posted.length, 0, 'nothing posted to a webview that is not ready');
    await s.receive({ type: 'ready' });
    assert.deepEqual(host.of('init')[0]?.init.state?.request, request);
    assert.equal(host.of('rows')[0]?.rows.length, 75);
  });

  it('settles a pre-filled search that is replaced, or that cannot match anything', async () => {
    const { session: s } = session({ ...data(3000), delayMs: 5 });
    const first = s.prefill(request, true);
    const impossible = s.prefill({ ...request, query: { time: { start: NOW - 300 * 86_400_000, end: NOW - 200 * 86_400_000 } } }, true);
    assert.equal((await first)?.reason, 'cancelled');
    const settled = await impossible;
    assert.equal(settled?.reason, 'complete');
    assert.equal(settled?.matched, 0);
    s.dispose();
  });

  it('exportContent sorts newest first and keeps the stats keys of the CLI', () => {
    const items = [0, 1, 2].map((i) => ({ key: i, stream: 0, profile: 'dev', row: { ...toRow({}), time: i * 10, eventId: `e${i}` }, json: JSON.stringify({ eventID: `e${i}` }), risk: [] }));
    const json = JSON.parse(exportContent(items, 'json')) as { events: Array<{ eventID: string }> };
    assert.deepEqual(json.events.map((event) => event.eventID), ['e2', 'e1', 'e0']);
  });
});
