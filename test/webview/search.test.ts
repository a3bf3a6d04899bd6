import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { toRow, type EventRow } from '../../src/core/events/record';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { loadRecords } from '../support/fixtures';
import { findChromium, requireTool } from '../support/tools';
import { launch, openPanel, screenshotDir, startServer, type WebviewPage } from './harness';

const init = { profiles: ['dev', 'prod'], regions: ['us-east-1', 'eu-west-1'], defaultProfile: 'prod', defaultRegion: 'us-east-1' };

function syntheticRows(count: number): EventRow[] {
  const base = Date.UTC(2026, 10, 1);
  return Array.from({ length: count }, (_, i) => ({
    ...toRow({ eventName: `Event${i % 97}`, eventSource: 'ec2.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: `10.0.${i % 250}.1` }),
    eventId: `id-${i}`,
    time: base + i * 1000,
  }));
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
    await panel.close();
  });

  it('says ready first, then renders the form from init', async () => {
    await panel.page.waitForFunction(() => (window as unknown as { __sent: unknown[] }).__sent.length > 0);
    assert.deepEqual((await panel.sent())[0], { type: 'ready' });
    await panel.post({ type: 'init', init });
    await panel.page.locator('form.query').waitFor();
    const options = await panel.page.locator('#profile vscode-option').allTextContents();
    assert.deepEqual(options.map((text) => text.trim()), ['dev', 'prod']);
    assert.match(await panel.page.locator('.hint').textContent() ?? '', /us-east-1/);
  });

  it('sends a search the host accepts, and saves it for a reload', async () => {
    await panel.post({ type: 'init', init });
    await panel.page.locator('#attribute-value').waitFor();
    await panel.page.evaluate(() => {
      const field = document.querySelector('#attribute-value') as HTMLElement & { value: string };
      field.value = 'DeleteTrail';
    });
    await panel.page.locator('#run').click();
    const search = (await panel.sent()).find((message) => message.type === 'search');
    assert.ok(search, 'a search message was sent');
    const parsed = parseWebviewMessage(search);
    assert.equal(parsed.type, 'search');
    if (parsed.type === 'search') {
      assert.deepEqual(parsed.query.profiles, ['prod']);
      assert.deepEqual(parsed.query.attributes, { EventName: 'DeleteTrail' });
    }
    const state = await panel.page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): unknown } }).acquireVsCodeApi().getState());
    assert.deepEqual((state as { query: { attributes: unknown } }).query.attributes, { EventName: 'DeleteTrail' });
  });

  it('restores the saved query after a reload', async () => {
    await panel.close();
    const query = { profiles: ['dev'], regions: ['eu-west-1'], time: { preset: '7d' }, attributes: { Username: 'alice' }, limit: 1000 };
    panel = await openPanel(browser, origin, { query });
    await panel.post({ type: 'init', init });
    await panel.page.locator('#attribute-value').waitFor();
    const restored = await panel.page.evaluate(() => ({
      profile: (document.querySelector('#profile') as HTMLElement & { value: string }).value,
      key: (document.querySelector('#attribute-key') as HTMLElement & { value: string }).value,
      value: (document.querySelector('#attribute-value') as HTMLElement & { value: string }).value,
    }));
    assert.deepEqual(restored, { profile: 'dev', key: 'Username', value: 'alice' });
  });

  it('streams pages of real records into the table and shows a row in detail', async () => {
    await panel.post({ type: 'init', init });
    const rows = loadRecords('events', 'awsdocs-user-guide').map(({ record }) => toRow(record));
    await panel.post({ type: 'rows', rows: rows.slice(0, 10) });
    await panel.post({ type: 'rows', rows: rows.slice(10) });
    await panel.post({ type: 'progress', running: false, fetched: rows.length, message: `${rows.length} events` });
    await panel.page.waitForFunction((count) => document.querySelector('.table')?.getAttribute('aria-rowcount') === String(count), rows.length);
    await panel.page.locator('.table-row').first().click();
    assert.match((await panel.page.locator('.detail').textContent()) ?? '', /"eventName"/);
    await panel.page.screenshot({ path: join(screenshotDir, 'webview-search.png') });
  });

  it('renders HTML and script payloads in event fields as inert text', async () => {
    await panel.post({ type: 'init', init });
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const row = { ...toRow({ eventName: payload, userAgent: payload, sourceIPAddress: '"><svg onload=window.__pwned=3>' }), eventId: 'evil' };
    await panel.post({ type: 'rows', rows: [row] });
    await panel.post({ type: 'error', message: payload, next: payload });
    const cell = panel.page.locator('.table-cell[data-column="eventName"]').first();
    await cell.waitFor();
    assert.equal(await cell.textContent(), payload);
    await cell.click();
    assert.equal(await panel.page.locator('.detail img, .detail script, .table img, .banner img').count(), 0);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match((await panel.page.locator('.banner').textContent()) ?? '', /<img src=x/);
  });

  it('keeps 50,000 rows virtual and sorts them', async () => {
    await panel.post({ type: 'init', init });
    // Built inside the page: sending 50,000 rows through Playwright's own serializer takes seconds.
    const template = syntheticRows(1)[0];
    await panel.page.evaluate((row) => {
      const rows = Array.from({ length: 50_000 }, (_, i) => ({ ...row, eventId: `id-${i}`, eventName: `Event${i % 97}`, time: row.time + i * 1000 }));
      window.postMessage({ type: 'rows', rows }, '*');
    }, template);
    await panel.page.waitForFunction(() => document.querySelector('.table')?.getAttribute('aria-rowcount') === '50000');
    const rendered = await panel.page.locator('.table-row').count();
    assert.ok(rendered < 200, `only the rows in view exist in the DOM (found ${rendered})`);
    await panel.page.locator('.table-header-cell[data-column="time"]').click();
    await panel.page.waitForFunction(() => document.querySelector('.table-header-cell[data-column="time"]')?.getAttribute('aria-sort') === 'descending');
    // Time sorts newest first: the row at the top is the last one sent.
    await panel.page.waitForFunction(
      (expected) => document.querySelector('.table-row[aria-rowindex="1"]:not([hidden]) .table-cell[data-column="eventName"]')?.textContent === expected,
      `Event${49_999 % 97}`,
    );
    await panel.page.locator('.table-viewport').evaluate((element) => {
      element.scrollTop = 22 * 25_000;
    });
    await panel.page.waitForFunction(() => Array.from(document.querySelectorAll('.table-row:not([hidden])')).some((row) => row.getAttribute('aria-rowindex') === '25001'));
  });
});
