/**
 * The Source selector of the search panel (dist/webview/search.js in a real Chromium): each source
 * shows its own fields, the folder is known by the host's id and name only, Athena asks the host
 * for the trails and for the table, and every request it sends passes the host's validation.
 * Progress of local logs and Athena shows files/bytes and state/data scanned/cost.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { toRow } from '../../src/core/events/record';
import { SourceRun } from '../../src/features/search/sources';
import { parseWebviewMessage, type PanelInit, type SearchRequest, type WebviewMessage } from '../../src/shared/protocol';
import { findChromium, requireTool } from '../support/tools';
import { launch, openPanel, screenshotDir, startServer, type WebviewPage } from './harness';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const init: PanelInit = {
  profiles: [{ name: 'prod', region: 'us-east-1', kind: 'access keys' }],
  regions: [
    { id: 'us-east-1', name: 'US East (N. Virginia)' },
    { id: 'eu-west-1', name: 'Europe (Ireland)' },
  ],
  defaultProfile: 'prod',
  defaultRegion: 'us-east-1',
  athena: { database: 'cloudtrail_lens', workgroup: 'primary', outputLocation: 's3://athena-results-111122223333/lens/' },
};
const ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/MultiRegion1CloudTrail';
const LAKE_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/a1b2c3d4-5678-4e8f-8bd1-111122223333';

async function sentOf<T extends WebviewMessage['type']>(panel: WebviewPage, type: T): Promise<Array<Extract<WebviewMessage, { type: T }>>> {
  return (await panel.sent()).filter((message): message is Extract<WebviewMessage, { type: T }> => message.type === type);
}

async function chooseSource(panel: WebviewPage, kind: string): Promise<void> {
  await panel.page.locator('#source').evaluate((element, value) => {
    (element as unknown as { value: string }).value = value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
  }, kind);
}

async function lastSearch(panel: WebviewPage): Promise<SearchRequest> {
  await panel.page.waitForFunction(() => (window as unknown as { __sent: Array<{ type: string }> }).__sent.some((message) => message.type === 'search'));
  const searches = await sentOf(panel, 'search');
  const parsed = parseWebviewMessage(searches[searches.length - 1]);
  assert.equal(parsed.type, 'search');
  return parsed.type === 'search' ? parsed.request : { profiles: [], regions: [], query: {} };
}

describe('search panel webview: the Source selector', function () {
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
    await panel.post({ type: 'init', init });
    await panel.page.locator('form.query').waitFor();
  });

  afterEach(async () => {
    assert.deepEqual(panel.problems, [], 'no page errors or CSP violations');
    for (const message of await panel.sent()) parseWebviewMessage(message);
    await panel.close();
  });

  it('defaults to Event history: no source fields, a plain request', async () => {
    assert.equal(await panel.page.locator('.source-archive').isHidden(), true);
    assert.equal(await panel.page.locator('.source-athena').isHidden(), true);
    await panel.page.locator('#run').click();
    const request = await lastSearch(panel);
    assert.equal(request.source, undefined);
    assert.deepEqual(request.query.time, { preset: '24h' });
  });

  it('Local log folder: asks the host for a folder, shows its name only, hides regions, sends the folder id', async () => {
    await chooseSource(panel, 'archive');
    assert.equal(await panel.page.locator('.source-archive').isVisible(), true);
    assert.equal(await panel.page.locator('[data-field="regions"]').isHidden(), true);
    await panel.page.locator('#run').click();
    assert.match((await panel.page.locator('.form-error').textContent()) ?? '', /Choose a folder/);
    await panel.page.locator('#choose-folder').click();
    assert.equal((await sentOf(panel, 'pickFolder')).length, 1);
    await panel.post({ type: 'folder', folder: { folderId: 4, name: 'cloudtrail-logs' } });
    await panel.page.waitForFunction(() => document.querySelector('#folder-name')?.textContent === 'cloudtrail-logs');
    assert.equal(await panel.page.locator('#folder-name').textContent(), 'cloudtrail-logs');
    await panel.page.locator('#time').evaluate((element) => {
      (element as unknown as { value: string }).value = 'all';
    });
    await panel.page.locator('#run').click();
    const request = await lastSearch(panel);
    assert.deepEqual(request.source, { kind: 'archive', folderId: 4, name: 'cloudtrail-logs' });
    assert.equal(request.query.time, undefined, 'all time');
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search-source-archive.png') });
  });

  it('Athena: lists the profile’s trails, pre-fills the remembered settings, sends createTable and a valid search', async () => {
    await chooseSource(panel, 'athena');
    assert.equal(await panel.page.locator('.source-athena').isVisible(), true);
    await panel.page.waitForFunction(() => (window as unknown as { __sent: Array<{ type: string }> }).__sent.some((message) => message.type === 'listTrails'));
    assert.deepEqual((await sentOf(panel, 'listTrails'))[0], { type: 'listTrails', profile: 'prod', region: 'us-east-1' });
    await panel.post({ type: 'trails', profile: 'prod', trails: [{ name: 'MultiRegion1CloudTrail', arn: ARN, homeRegion: 'us-east-1', organization: false, bucket: 'cloudtrail-bucket' }] });
    await panel.page.waitForFunction((arn) => document.querySelector(`#athena-trail vscode-option[value="${arn}"]`) !== null, ARN);
    assert.equal(await panel.page.locator('#athena-trail vscode-option').count(), 1);
    assert.equal(await panel.page.locator('#athena-database').evaluate((element) => (element as unknown as { value: string }).value), 'cloudtrail_lens');
    assert.equal(await panel.page.locator('#athena-output').evaluate((element) => (element as unknown as { value: string }).value), 's3://athena-results-111122223333/lens/');
    await panel.page.locator('#athena-create').click();
    const [create] = await sentOf(panel, 'createTable');
    assert.deepEqual(create, { type: 'createTable', profile: 'prod', region: 'us-east-1', source: { kind: 'athena', trail: ARN, database: 'cloudtrail_lens', workgroup: 'primary', outputLocation: 's3://athena-results-111122223333/lens/' } });
    await panel.page.locator('#time').evaluate((element) => {
      (element as unknown as { value: string }).value = '30d';
    });
    await panel.page.locator('#run').click();
    const request = await lastSearch(panel);
    assert.equal(request.source?.kind, 'athena');
    assert.deepEqual(request.query.time, { preset: '30d' });
    // A bad result location is caught in the form (and by the host if it were sent).
    await panel.page.locator('#athena-output').evaluate((element) => {
      (element as unknown as { value: string }).value = 'https://evil.example/';
    });
    await panel.page.locator('#run').click();
    assert.match((await panel.page.locator('.form-error').textContent()) ?? '', /Result location/);
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search-source-athena.png') });
  });

  it('CloudTrail Lake: offered only when the profile has event data stores; sends the chosen store', async () => {
    const sourceValues = (): Promise<Array<string | null>> => panel.page.locator('#source vscode-option').evaluateAll((options) => options.map((option) => option.getAttribute('value')));
    await panel.page.waitForFunction(() => (window as unknown as { __sent: Array<{ type: string }> }).__sent.some((message) => message.type === 'listStores'));
    assert.deepEqual((await sentOf(panel, 'listStores'))[0], { type: 'listStores', profile: 'prod', region: 'us-east-1' });
    // No stores (the usual case): no Lake option, nothing said.
    await panel.post({ type: 'stores', profile: 'prod', stores: [] });
    assert.deepEqual(await sourceValues(), ['history', 'archive', 'athena']);
    assert.equal(await panel.page.locator('.source-lake').isHidden(), true);
    // An answer for another profile changes nothing.
    await panel.post({ type: 'stores', profile: 'other', stores: [{ arn: LAKE_ARN, name: 'all-events' }] });
    assert.deepEqual(await sourceValues(), ['history', 'archive', 'athena']);
    await panel.post({ type: 'stores', profile: 'prod', stores: [{ arn: LAKE_ARN, name: 'all-events' }] });
    await panel.page.waitForFunction(() => document.querySelector('#source vscode-option[value="lake"]') !== null);
    assert.deepEqual(await sourceValues(), ['history', 'archive', 'athena', 'lake']);
    await chooseSource(panel, 'lake');
    assert.equal(await panel.page.locator('.source-lake').isVisible(), true);
    assert.equal(await panel.page.locator('.source-athena').isHidden(), true);
    await panel.page.locator('#time').evaluate((element) => {
      (element as unknown as { value: string }).value = '30d';
    });
    await panel.page.locator('#run').click();
    const request = await lastSearch(panel);
    assert.deepEqual(request.source, { kind: 'lake', store: LAKE_ARN, name: 'all-events' });
    assert.deepEqual(request.query.time, { preset: '30d' });
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search-source-lake.png') });
    // The stores went away (listed again as none): the option goes, the form falls back to Event history.
    await panel.post({ type: 'stores', profile: 'prod', stores: [] });
    await panel.page.waitForFunction(() => document.querySelector('#source vscode-option[value="lake"]') === null);
    assert.equal(await panel.page.locator('.source-lake').isHidden(), true);
  });

  it('shows a trail listing error, and the progress of each source (files / bytes; state / scanned / cost)', async () => {
    await chooseSource(panel, 'athena');
    await panel.page.waitForFunction(() => (window as unknown as { __sent: Array<{ type: string }> }).__sent.some((message) => message.type === 'listTrails'));
    await panel.post({ type: 'trails', profile: 'prod', trails: [], error: 'Access denied: cloudtrail:DescribeTrails' });
    await panel.page.waitForFunction(() => /Access denied/.test(document.querySelector('#trail-hint')?.textContent ?? ''));
    assert.match((await panel.page.locator('#trail-hint').textContent()) ?? '', /Access denied/);

    const request = { profiles: ['prod'], regions: ['us-east-1'], query: {}, source: { kind: 'archive' as const, folderId: 1, name: 'logs' } };
    const run = new SourceRun(request, async function* () {}, { lookup: () => (async function* () {})(), now: NOW });
    await panel.post({ type: 'plan', plan: run.planInfo(1) });
    const record = { eventID: 'e1', eventTime: '2019-01-01T00:00:00Z', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', awsRegion: 'us-east-1' };
    await panel.post({ type: 'rows', searchId: 1, rows: [{ ...toRow(record), key: 0, profile: 'prod' }] });
    await panel.post({
      type: 'progress',
      searchId: 1,
      running: true,
      total: { fetched: 1, matched: 1, requests: 0, pages: 0, throttled: 0 },
      streams: [],
      source: { kind: 'archive', files: 6, filesRead: 2, filesSkipped: 1, bytesRead: 263_058, records: 100, errors: 1, fileErrors: [{ file: 'bad.json.gz', message: '<img src=x onerror=alert(1)> damaged gzip' }] },
    });
    await panel.page.locator('.file-error').waitFor();
    const totals = (await panel.page.locator('.totals').textContent()) ?? '';
    assert.match(totals, /1 matched · 2 of 6 files read \(256\.\d KB\) · 1 skipped/);
    assert.equal(await panel.page.locator('.file-error').count(), 1);
    assert.match((await panel.page.locator('.file-error').textContent()) ?? '', /bad\.json\.gz.*<img src=x/);
    assert.equal(await panel.page.locator('#app img').count(), 0, 'file errors are text');

    await panel.post({ type: 'progress', searchId: 1, running: false, total: { fetched: 3, matched: 3, requests: 1, pages: 0, throttled: 0 }, streams: [], source: { kind: 'athena', state: 'SUCCEEDED', scannedBytes: 5 * 1024 * 1024, billedBytes: 10 * 1024 * 1024, costUsd: 0.0000477, rows: 3, queryExecutionId: 'q' } });
    await panel.page.waitForFunction(() => /Athena SUCCEEDED/.test(document.querySelector('.totals')?.textContent ?? ''));
    assert.match((await panel.page.locator('.totals').textContent()) ?? '', /Athena SUCCEEDED · 5\.00 MB scanned · about \$0\.000048 \(billed 10\.0 MB\) · 3 matched of 3 rows/);
  });
});
