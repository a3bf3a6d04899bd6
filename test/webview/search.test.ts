/**
 * The built search panel (dist/webview/search.js) in a real Chromium, under the CSP the extension
 * serves, with a recording acquireVsCodeApi: rendering, streaming, sorting, columns, the timeline,
 * the detail with its risk facts, pivots and the other messages, attacker-controlled payloads, and
 * 50,000 rows. Messages the webview sends are checked with the host's own validator.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { toRow } from '../../src/core/events/record';
import { assessRisk } from '../../src/core/events/risk';
import { SearchRun } from '../../src/features/search/runner';
import { parseWebviewMessage, type PanelInit, type PlanInfo, type SearchRequest, type SearchRow, type WebviewMessage } from '../../src/shared/protocol';
import { loadRecords } from '../support/fixtures';
import { findChromium, requireTool } from '../support/tools';
import { launch, openPanel, screenshotDir, startServer, type WebviewPage } from './harness';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const init: PanelInit = {
  profiles: [
    { name: 'dev', region: 'eu-west-1', kind: 'SSO' },
    { name: 'prod', region: 'us-east-1', kind: 'access keys' },
  ],
  regions: [
    { id: 'us-east-1', name: 'US East (N. Virginia)' },
    { id: 'eu-west-1', name: 'Europe (Ireland)' },
    { id: 'us-west-2', name: 'US West (Oregon)' },
  ],
  defaultProfile: 'prod',
  defaultRegion: 'us-east-1',
};

const request: SearchRequest = { profiles: ['prod'], regions: ['us-east-1', 'eu-west-1'], query: { time: { preset: '7d' }, attributes: { EventName: ['StopLogging'] }, errorsOnly: true } };

/** A real plan from the real planner (the runner's planInfo), for a fixed clock. */
function planFor(searchId: number, req: SearchRequest = request): PlanInfo {
  const run = new SearchRun(req, { lookup: () => (async function* () {})(), now: NOW });
  return run.planInfo(searchId);
}

/** Real records (Stratus Red Team detonations), with their real risk flags, spread over the last 7 days. */
function stratusRows(): SearchRow[] {
  return loadRecords('labelled', 'stratus-red-team').map(({ record }, i) => {
    const row = toRow(record);
    const risk = assessRisk(row, record);
    const out: SearchRow = { ...row, time: NOW - (i + 1) * 30 * 60_000, key: i, profile: 'prod', region: i % 2 ? 'eu-west-1' : 'us-east-1' };
    if (risk.length > 0) out.risk = risk;
    return out;
  });
}

async function sentOf<T extends WebviewMessage['type']>(panel: WebviewPage, type: T): Promise<Array<Extract<WebviewMessage, { type: T }>>> {
  return (await panel.sent()).filter((message): message is Extract<WebviewMessage, { type: T }> => message.type === type);
}

async function showResults(panel: WebviewPage, rows: SearchRow[], searchId = 1): Promise<void> {
  await panel.post({ type: 'init', init });
  await panel.page.locator('form.query').waitFor();
  await panel.post({ type: 'plan', plan: planFor(searchId) });
  await panel.post({ type: 'rows', searchId, rows });
  await panel.page.waitForFunction((count) => document.querySelector('.table')?.getAttribute('aria-rowcount') === String(count), rows.length);
}

describe('search panel webview in Chromium', function () {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let panel: WebviewPage;

  before(async function () {
    const chromium = requireTool(this, 'Chromium', findChromium(), 'install it with `apt-get install chromium` or set CHROME_PATH');
    ({ server, origin } = await startServer());
    browser = await launch(chromium);
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  beforeEach(async () => {
    panel = await openPanel(browser, origin);
  });

  afterEach(async () => {
    assert.deepEqual(panel.problems.filter((problem) => /Content Security Policy|Refused/i.test(problem)), [], 'no CSP violations');
    assert.deepEqual(panel.problems, [], 'no page errors');
    for (const message of await panel.sent()) parseWebviewMessage(message); // everything sent passes the host's validation
    await panel.close();
  });

  it('says ready first, then renders the form from init', async () => {
    await panel.page.waitForFunction(() => (window as unknown as { __sent: unknown[] }).__sent.length > 0);
    assert.deepEqual((await panel.sent())[0], { type: 'ready' });
    await panel.post({ type: 'init', init });
    await panel.page.locator('form.query').waitFor();
    const profiles = await panel.page.locator('#profiles vscode-option').evaluateAll((options) => options.map((option) => option.getAttribute('value')));
    assert.deepEqual(profiles, ['dev', 'prod']);
    assert.equal(await panel.page.locator('#regions vscode-option').count(), 3);
    assert.match((await panel.page.locator('[data-field="regions"] .field-hint').textContent()) ?? '', /IAM, STS and CloudFront .* us-east-1/);
    // All eight lookup attributes: seven fields and the read/write select.
    assert.equal(await panel.page.locator('vscode-textfield[id^="attr-"]').count(), 7);
    assert.equal(await panel.page.locator('#access').count(), 1);
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search-form.png') });
  });

  it('sends a search with several profiles, regions and filters, and saves it for a reload', async () => {
    await panel.post({ type: 'init', init });
    await panel.page.locator('#attr-EventName').waitFor();
    await panel.page.evaluate(() => {
      const set = (selector: string, value: unknown, property = 'value'): void => {
        (document.querySelector(selector) as unknown as Record<string, unknown>)[property] = value;
      };
      set('#profiles', ['dev', 'prod']);
      set('#regions', ['us-east-1', 'eu-west-1']);
      set('#time', '30d');
      set('#attr-EventName', 'DeleteTrail, StopLogging');
      set('#source-ips', '203.0.113.0/24');
      set('#user-agent', 'aws-cli');
      set('#access', 'write');
      set('#risky', 'medium');
      set('#errors-only', true, 'checked');
    });
    await panel.page.locator('#run').click();
    const [search] = await sentOf(panel, 'search');
    assert.ok(search, 'a search message was sent');
    const parsed = parseWebviewMessage(search);
    assert.equal(parsed.type, 'search');
    if (parsed.type !== 'search') return;
    assert.deepEqual(parsed.request.profiles, ['dev', 'prod']);
    assert.deepEqual(parsed.request.regions, ['us-east-1', 'eu-west-1']);
    assert.deepEqual(parsed.request.query.time, { preset: '30d' });
    assert.deepEqual(parsed.request.query.attributes, { EventName: ['DeleteTrail', 'StopLogging'] });
    assert.deepEqual(parsed.request.query.sourceIps, ['203.0.113.0/24']);
    assert.equal(parsed.request.query.userAgent, 'aws-cli');
    assert.equal(parsed.request.query.access, 'write');
    assert.equal(parsed.request.query.riskyOnly, 'medium');
    assert.equal(parsed.request.query.errorsOnly, true);
    const state = await panel.page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): unknown } }).acquireVsCodeApi().getState());
    assert.deepEqual((state as { request: SearchRequest }).request.query.attributes, { EventName: ['DeleteTrail', 'StopLogging'] });
  });

  it('restores the saved form and columns after a reload', async () => {
    await panel.close();
    const saved: SearchRequest = { profiles: ['dev'], regions: ['eu-west-1'], query: { time: { preset: '7d' }, attributes: { Username: ['alice', 'bob'] }, errorCodes: ['AccessDenied*'], errorsOnly: true, limit: 250 } };
    panel = await openPanel(browser, origin, { request: saved, columns: ['time', 'eventName', 'userAgent'] });
    await panel.post({ type: 'init', init });
    await panel.page.locator('#attr-Username').waitFor();
    const restored = await panel.page.evaluate(() => {
      const value = (selector: string): unknown => (document.querySelector(selector) as unknown as { value: unknown }).value;
      return { profiles: value('#profiles'), regions: value('#regions'), time: value('#time'), user: value('#attr-Username'), codes: value('#error-codes'), limit: value('#limit') };
    });
    assert.deepEqual(restored, { profiles: ['dev'], regions: ['eu-west-1'], time: '7d', user: 'alice, bob', codes: 'AccessDenied*', limit: '250' });
    const headers = await panel.page.locator('.table-header-cell').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')));
    assert.deepEqual(headers, ['time', 'eventName', 'userAgent']);
  });

  it('shows the plan, streams pages, progress per stream, and the run controls', async () => {
    const rows = stratusRows();
    await panel.post({ type: 'init', init });
    await panel.page.locator('form.query').waitFor();
    const plan = planFor(1);
    await panel.post({ type: 'plan', plan });
    assert.match((await panel.page.locator('.plan-server').textContent()) ?? '', /Sent to AWS: EventName = StopLogging/);
    assert.match((await panel.page.locator('.plan-local').textContent()) ?? '', /Failed calls only/);
    const streams = plan.streams.map((stream) => ({ ...stream, fetched: 0, matched: 0, requests: 0, pages: 0, throttled: 0, state: 'running' as const, more: true }));
    await panel.post({ type: 'rows', searchId: 1, rows: rows.slice(0, 10) });
    await panel.post({ type: 'progress', searchId: 1, running: true, total: { fetched: 50, matched: 10, requests: 1, pages: 1, throttled: 0 }, streams });
    await panel.page.waitForFunction(() => document.querySelector('.table')?.getAttribute('aria-rowcount') === '10');
    assert.ok(await panel.page.locator('#cancel').isVisible(), 'cancel shows while running');
    await panel.page.locator('#cancel').click();
    await panel.post({ type: 'rows', searchId: 1, rows: rows.slice(10) });
    // A stale message from an older search is ignored.
    await panel.post({ type: 'rows', searchId: 0, rows: stratusRows().map((row) => ({ ...row, key: row.key + 1000 })) });
    const finalStreams = streams.map((stream, i) => ({ ...stream, state: i === 0 ? ('paused' as const) : ('complete' as const), more: i === 0, pausedBy: i === 0 ? ('limit' as const) : undefined, fetched: 100, matched: 20 }));
    await panel.post({ type: 'progress', searchId: 1, running: false, total: { fetched: 200, matched: rows.length, requests: 4, pages: 4, throttled: 2 }, streams: finalStreams, completeBackTo: NOW - 3_600_000 });
    await panel.post({ type: 'done', searchId: 1, reason: 'limit', more: true, message: 'The newest 36 matches across all streams. Load more to go further back.' });
    await panel.page.waitForFunction((count) => document.querySelector('.table')?.getAttribute('aria-rowcount') === String(count), rows.length);
    const totals = (await panel.page.locator('.totals').textContent()) ?? '';
    assert.match(totals, new RegExp(`${rows.length} matched of 200 fetched`));
    assert.match(totals, /matched of 200 fetched · 4 requests · 4 pages · 2 throttles absorbed · complete back to/);
    assert.equal(await panel.page.locator('.stream').count(), 2);
    assert.match((await panel.page.locator('.stream-paused').textContent()) ?? '', /prod · us-east-1 20\/100 paused \(enough newer matches\)/);
    await panel.page.locator('#load-more').click();
    await panel.page.locator('#keep-going-to').evaluate((element) => {
      (element as unknown as { value: string }).value = '2500';
    });
    await panel.page.locator('#keep-going').click();
    const types = (await panel.sent()).map((message) => message.type);
    assert.ok(types.includes('cancel') && types.includes('loadMore'));
    assert.deepEqual(await sentOf(panel, 'keepGoing'), [{ type: 'keepGoing', upTo: 2500 }]);
  });

  it('sorts by a column and remembers the sort', async () => {
    const rows = stratusRows();
    await showResults(panel, rows);
    const firstName = () => panel.page.locator('.table-row[aria-rowindex="1"]:not([hidden]) .table-cell[data-column="eventName"]').textContent();
    // Default: newest first.
    assert.equal(await firstName(), rows[0]?.eventName);
    await panel.page.locator('.table-header-cell[data-column="eventName"]').click();
    const sortedNames = rows.map((row) => row.eventName.toLowerCase()).sort();
    await panel.page.waitForFunction((name) => document.querySelector('.table-row[aria-rowindex="1"]:not([hidden]) .table-cell[data-column="eventName"]')?.textContent?.toLowerCase() === name, sortedNames[0]);
    assert.equal(await panel.page.locator('.table-header-cell[data-column="eventName"]').getAttribute('aria-sort'), 'ascending');
    await panel.page.locator('.table-header-cell[data-column="risk"]').click();
    await panel.page.waitForFunction(() => document.querySelector('.table-row[aria-rowindex="1"]:not([hidden]) .risk-badge')?.textContent === 'High');
    const state = (await panel.page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): unknown } }).acquireVsCodeApi().getState())) as { sort: unknown };
    assert.deepEqual(state.sort, { column: 'risk', descending: true });
  });

  it('chooses columns and keeps the choice in the saved state', async () => {
    await showResults(panel, stratusRows());
    await panel.page.locator('#columns').click();
    await panel.page.locator('.column-menu vscode-checkbox[data-column="sourceIp"]').click();
    await panel.page.locator('.column-menu vscode-checkbox[data-column="userAgent"]').click();
    const headers = await panel.page.locator('.table-header-cell').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')));
    assert.ok(!headers.includes('sourceIp') && headers.includes('userAgent'), `columns now ${headers.join(', ')}`);
    assert.equal(await panel.page.locator('.table-row:not([hidden]) .table-cell[data-column="sourceIp"]').count(), 0);
    const state = (await panel.page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): unknown } }).acquireVsCodeApi().getState())) as { columns: string[] };
    assert.deepEqual(state.columns, headers);
  });

  it('narrows the table by dragging across the timeline, and offers to search that range', async () => {
    const rows = stratusRows();
    await showResults(panel, rows);
    const plot = panel.page.locator('.timeline-plot');
    const box = await plot.boundingBox();
    assert.ok(box);
    // The last 24 of the 7 days: the right seventh of the plot.
    await panel.page.mouse.move(box.x + box.width * (6 / 7), box.y + box.height / 2);
    await panel.page.mouse.down();
    await panel.page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
    await panel.page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 2 });
    await panel.page.mouse.up();
    const shown = Number(await panel.page.locator('.table').getAttribute('aria-rowcount'));
    const range = planFor(1).range;
    const expected = rows.filter((row) => row.time >= range.end - 86_400_000 && row.time <= range.end).length;
    assert.ok(shown > 0 && shown < rows.length, `narrowed to ${shown} of ${rows.length}`);
    assert.ok(Math.abs(shown - expected) <= 3, `about the rows of the last day (${shown} vs ${expected}; the drag starts within a pixel of it)`);
    assert.match((await panel.page.locator('.narrow-text').textContent()) ?? '', new RegExp(`${shown} of ${rows.length} events`));
    await panel.page.locator('#requery').click();
    const [search] = await sentOf(panel, 'search');
    assert.ok(search && 'start' in (search.request.query.time ?? {}), 'a search for the narrowed range');
    const time = search.request.query.time as { start: number; end: number };
    assert.ok(time.start >= range.start && time.end <= range.end + 1 && time.end - time.start < 26 * 3_600_000);
    await panel.page.locator('#export-csv').click();
    const [exported] = await sentOf(panel, 'export');
    assert.ok(exported?.range, 'export sends the narrowed range');
    await panel.page.locator('#clear-narrow').click();
    assert.equal(await panel.page.locator('.table').getAttribute('aria-rowcount'), String(rows.length));
  });

  it('shows a row in detail with its risk facts, and the actions send the right messages', async () => {
    const all = stratusRows();
    const found = [all.find((row) => row.eventName === 'StopLogging'), all.find((row) => row.eventName === 'GetPasswordData')];
    assert.ok(found[0] && found[1]);
    // A screenful, the two rows of interest the newest (on top: the table is virtual, rows out of view do not exist).
    const [stop, password] = [{ ...found[0], time: NOW - 60_000 }, { ...found[1], time: NOW - 120_000 }];
    const rows = [stop, password, ...all.filter((row) => row.key !== stop.key && row.key !== password.key).slice(0, 20)];
    await showResults(panel, rows);
    await panel.page.locator(`.table-row[data-key="${stop.key}"]`).click();
    await panel.page.locator('.detail-risk').waitFor();
    const risk = (await panel.page.locator('.detail-risk').textContent()) ?? '';
    assert.match(risk, /TA0005 Defense Evasion/, 'MITRE tactic');
    assert.match(risk, /Sigma rule/);
    assert.match(risk, /Rule author.*vitaliy0x1/, 'the Sigma author (Detection Rule License)');
    assert.match(risk, /Detection Rule License 1\.1/);
    assert.match(risk, /Seen in real attacks/);
    assert.match(risk, /Security implication/);
    assert.deepEqual(await sentOf(panel, 'getRecord'), [{ type: 'getRecord', key: stop.key }]);
    const record = { eventName: 'StopLogging', eventID: 'x', readOnly: false, requestParameters: { name: 'trail' }, count: 3, nothing: null };
    await panel.post({ type: 'record', searchId: 1, key: stop.key, json: JSON.stringify(record), cli: "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventId,AttributeValue=x --region us-east-1 --profile prod" });
    await panel.page.locator('.detail-json .json-key').first().waitFor();
    assert.ok((await panel.page.locator('.detail-json .json-string').count()) >= 2);
    assert.equal(await panel.page.locator('.detail-json .json-boolean').count(), 1);
    assert.equal(await panel.page.locator('.detail-json .json-number').count(), 1);
    assert.deepEqual(JSON.parse((await panel.page.locator('.detail-json').textContent()) ?? ''), record);
    assert.match((await panel.page.locator('.detail-cli').textContent()) ?? '', /^aws cloudtrail lookup-events/);

    await panel.page.locator('.detail-pivots [data-pivot="user"]').click();
    await panel.page.locator('.detail-pivots [data-pivot="eventName"]').click();
    await panel.page.locator('.detail-pivots [data-pivot="sourceIp"]').click();
    await panel.page.locator('#open-record').click();
    await panel.page.locator('#copy-cli').click();
    assert.deepEqual(await sentOf(panel, 'pivot'), [
      { type: 'pivot', key: stop.key, field: 'user' },
      { type: 'pivot', key: stop.key, field: 'eventName' },
      { type: 'pivot', key: stop.key, field: 'sourceIp' },
    ]);
    assert.deepEqual(await sentOf(panel, 'openRecord'), [{ type: 'openRecord', key: stop.key }]);
    assert.deepEqual(await sentOf(panel, 'copyCli'), [{ type: 'copyCli', key: stop.key }]);

    // Mark a second row (Ctrl-click) and compare the two.
    await panel.page.locator(`.table-row[data-key="${password.key}"]`).click({ modifiers: ['Control'] });
    await panel.page.locator('#compare:not([disabled])').click();
    const [compare] = await sentOf(panel, 'compare');
    assert.ok(compare);
    assert.deepEqual([...compare.keys].sort((a, b) => a - b), [stop.key, password.key].sort((a, b) => a - b));
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search.png') });
  });

  it('fills the form from the host (a pivot) and shows a revealed row in detail', async () => {
    const rows = stratusRows().slice(0, 20);
    await showResults(panel, rows);
    const pivot: SearchRequest = { profiles: ['dev'], regions: ['eu-west-1'], query: { time: { preset: '7d' }, attributes: { Username: ['christophe'] } } };
    await panel.post({ type: 'query', request: pivot, run: true });
    assert.equal(await panel.page.locator('#attr-Username').evaluate((element) => (element as unknown as { value: string }).value), 'christophe');
    assert.equal(await panel.page.locator('#attr-EventName').evaluate((element) => (element as unknown as { value: string }).value), '');
    const target = rows[3];
    await panel.post({ type: 'reveal', searchId: 1, key: target.key });
    await panel.page.locator('.detail-title').waitFor();
    assert.equal(await panel.page.locator('.detail-title').textContent(), target.eventName);
    assert.equal(await panel.page.locator(`.table-row[data-key="${target.key}"]`).getAttribute('aria-selected'), 'true');
    assert.deepEqual(await sentOf(panel, 'getRecord'), [{ type: 'getRecord', key: target.key }]);
  });

  it('applies risk updates (denial bursts) to rows already shown', async () => {
    const rows = stratusRows();
    const plain: SearchRow = { ...(rows[0]) };
    delete plain.risk;
    rows[0] = plain;
    await showResults(panel, rows);
    const burst = { id: 'builtin.access-denied-burst', level: 'high' as const, title: 'Burst of access denied', reason: '6 denied calls', tactic: 'TA0007 Discovery', source: 'builtin' as const };
    await panel.post({ type: 'risk', searchId: 1, updates: [{ key: plain.key, risk: [burst] }] });
    await panel.page.waitForFunction((key) => document.querySelector(`.table-row[data-key="${key}"] .risk-badge`)?.textContent === 'High', plain.key);
  });

  it('shows a failed stream with what to do, and its fix and retry send messages', async () => {
    await showResults(panel, stratusRows());
    await panel.post({
      type: 'streamError',
      searchId: 1,
      failure: { streamId: 1, profile: 'dev', region: 'eu-west-1', label: 'dev · eu-west-1', kind: 'sso-expired', message: 'The SSO session of profile "dev" has expired.', next: 'Sign in again.', command: 'aws sso login --profile dev' },
    });
    await panel.post({
      type: 'streamError',
      searchId: 1,
      failure: { streamId: 0, profile: 'prod', region: 'us-east-1', label: 'prod · us-east-1', kind: 'access-denied', message: 'Access denied.', next: 'Ask for the permission.', missingAction: 'cloudtrail:LookupEvents' },
    });
    const banners = panel.page.locator('.banner');
    assert.equal(await banners.count(), 2);
    assert.match((await banners.first().textContent()) ?? '', /dev · eu-west-1: The SSO session .* Sign in again\./);
    assert.match((await banners.nth(1).textContent()) ?? '', /cloudtrail:LookupEvents/);
    await banners.first().locator('vscode-button.fix').click();
    await panel.page.locator('#retry').click();
    assert.deepEqual(await sentOf(panel, 'fix'), [{ type: 'fix', streamId: 1 }]);
    assert.deepEqual(await sentOf(panel, 'retry'), [{ type: 'retry' }]);
    assert.equal((await panel.page.locator('table-row').count()) >= 0, true);
    assert.equal(await panel.page.locator('.table').getAttribute('aria-rowcount'), String(stratusRows().length), 'partial results stay');
  });

  it('renders HTML and script payloads in event fields as inert text', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const base = toRow({ eventName: payload, userAgent: payload, sourceIPAddress: '"><svg onload=window.__pwned=3>', eventTime: new Date(NOW - 60_000).toISOString() });
    const evil: SearchRow = {
      ...base,
      eventId: 'evil',
      key: 7,
      profile: payload,
      user: payload,
      resources: [{ type: payload, name: payload }],
      risk: [{ id: 'sigma.x', level: 'high', title: payload, reason: payload, tactic: payload, author: payload, url: `javascript:${payload}`, source: 'sigma' }],
    };
    await showResults(panel, [evil]);
    await panel.post({ type: 'streamError', searchId: 1, failure: { streamId: 0, profile: payload, region: 'us-east-1', label: payload, kind: 'service', message: payload, next: payload } });
    await panel.post({ type: 'notice', level: 'error', message: payload });
    const cell = panel.page.locator('.table-cell[data-column="eventName"]').first();
    assert.equal(await cell.textContent(), payload);
    await cell.click();
    await panel.post({ type: 'record', searchId: 1, key: 7, json: JSON.stringify({ eventName: payload, nested: { [payload]: payload } }), cli: payload });
    await panel.page.locator('.detail-json .json-key').first().waitFor();
    // Queried in the page's own DOM (Playwright locators would also see the components' shadow DOM icons).
    const made = await panel.page.evaluate(() => document.querySelectorAll('#app img, #app script, #app svg, #app a, #app iframe, #app [onerror], #app [onload]').length);
    assert.equal(made, 0, 'no element was made from an event field');
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match((await panel.page.locator('.banner').textContent()) ?? '', /<img src=x/);
    assert.match((await panel.page.locator('.detail-json').textContent()) ?? '', /<script>/);
  });

  it('keeps 50,000 rows virtual, sorts them and scrolls', async () => {
    await panel.post({ type: 'init', init });
    await panel.post({ type: 'plan', plan: planFor(1) });
    // Built inside the page: sending 50,000 rows through Playwright's own serializer takes seconds.
    const template = { ...toRow({ eventSource: 'ec2.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '10.0.0.1' }), profile: 'prod' };
    await panel.page.evaluate(
      ({ row, now }) => {
        for (let batch = 0; batch < 10; batch++) {
          const rows = Array.from({ length: 5000 }, (_, j) => {
            const i = batch * 5000 + j;
            return { ...row, key: i, eventId: `id-${i}`, eventName: `Event${i % 97}`, time: now - 7 * 86_400_000 + i * 10_000 };
          });
          window.postMessage({ type: 'rows', searchId: 1, rows }, '*');
        }
      },
      { row: template, now: NOW },
    );
    await panel.page.waitForFunction(() => document.querySelector('.table')?.getAttribute('aria-rowcount') === '50000');
    const rendered = await panel.page.locator('.table-row').count();
    assert.ok(rendered < 200, `only the rows in view exist in the DOM (found ${rendered})`);
    // Newest first by default: the last row sent is on top.
    await panel.page.waitForFunction((expected) => document.querySelector('.table-row[aria-rowindex="1"]:not([hidden]) .table-cell[data-column="eventName"]')?.textContent === expected, `Event${49_999 % 97}`);
    await panel.page.locator('.table-header-cell[data-column="time"]').click();
    await panel.page.waitForFunction(() => document.querySelector('.table-row[aria-rowindex="1"]:not([hidden]) .table-cell[data-column="eventName"]')?.textContent === 'Event0');
    await panel.page.locator('.table-viewport').evaluate((element) => {
      element.scrollTop = 22 * 25_000;
    });
    await panel.page.waitForFunction(() => Array.from(document.querySelectorAll('.table-row:not([hidden])')).some((row) => row.getAttribute('aria-rowindex') === '25001'));
  });
});
