/**
 * The search panel inside a real VS Code, against the local CloudTrail endpoint the harness starts
 * (test/e2e/run.mjs: AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL). The panel is
 * driven through its command: a pre-filled argument with `run: true` searches at once and resolves
 * with a summary; the webview renders the streamed rows, and the harness takes `search.png`.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { requestScreenshot, skipOrFail } from './harness';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const SEARCH_COMMAND = 'cloudtrailLens.searchEvents';
const EXPORT_COMMAND = 'cloudtrailLens.exportSearchResults';
const OPEN_EVENT_COMMAND = 'cloudtrailLens.openEvent';

interface Row {
  key: number;
  eventId: string;
  eventName: string;
  errorCode: string;
  region: string;
  risk?: Array<{ id: string; level: string }>;
}

interface SearchSummary {
  reason: string;
  message: string;
  matched: number;
  fetched: number;
  requests: number;
  failures: Array<{ profile: string; region: string; kind: string; message: string; next: string }>;
  rows: Row[];
}

describe('Search panel in VS Code', function () {
  this.timeout(90_000);

  before(async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    if (!process.env.AWS_ENDPOINT_URL) skipOrFail(this, 'the harness did not start the local endpoint');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('finds the seeded events with two filters over two regions, flags them, and the panel shows them', async function () {
    const summary = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, {
      profile: 'ctl-default',
      regions: ['us-east-1', 'eu-west-1'],
      attributes: { EventName: 'GetPasswordData' },
      query: { time: { preset: '30d' }, errorsOnly: true },
      run: true,
    });
    assert.ok(summary, 'the command resolves with the search summary when asked to run');
    assert.equal(summary.reason, 'complete', summary.message);
    assert.deepEqual(summary.failures, []);
    // Stratus Red Team's ec2-get-password-data detonation: 30 denied GetPasswordData calls in eu-west-1.
    assert.equal(summary.matched, 30);
    assert.equal(summary.requests, 2, 'EventName went to LookupEvents: one request per region');
    assert.ok(summary.rows.every((row) => row.eventName === 'GetPasswordData' && row.errorCode !== '' && row.region === 'eu-west-1'));
    assert.ok(
      summary.rows.every((row) => row.risk?.some((flag) => flag.id === 'builtin.access-denied-burst' && flag.level === 'high')),
      'a burst of denials by one principal is flagged high',
    );

    const exported = (await vscode.commands.getCommands(true)).includes(EXPORT_COMMAND);
    assert.ok(exported, `${EXPORT_COMMAND} is registered`);

    // Show the newest in detail (as a lookup's "open event" does), then the README's screenshot.
    const first = summary.rows[0];
    assert.ok(first);
    await vscode.commands.executeCommand(OPEN_EVENT_COMMAND, { profile: 'ctl-default', region: 'eu-west-1', eventId: first.eventId });
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    const shot = await requestScreenshot('search', {
      waitFor: ['.table-row .risk-badge.risk-high', '.timeline:not([hidden]) .timeline-bars', '.detail-risk', '.detail-json .json-key'],
      settleMs: 600,
    });
    if (shot) console.log(`      screenshot: ${shot.path}`);
  });

  it('opens pre-filled from a tree node without running, and ignores an invalid argument', async () => {
    const filled = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, { profile: 'ctl-second', region: 'eu-west-1', label: 'a tree node', contextValue: 'trail' });
    assert.equal(filled, undefined, 'only filled, not run');
    const ignored = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, { region: 'not-a-region', run: true });
    assert.equal(ignored, undefined);
    const tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => candidate.label === 'CloudTrail: Search Events');
    assert.ok(tab, 'the panel is open');
  });

  it('keeps the other region’s results when one profile is denied', async () => {
    const summary = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, {
      profiles: ['ctl-default', 'ctl-denied'],
      region: 'eu-west-1',
      attributes: { EventName: ['GetPasswordData'] },
      query: { time: { preset: '30d' } },
      run: true,
    });
    assert.ok(summary);
    assert.equal(summary.matched, 30);
    assert.equal(summary.failures.length, 1);
    assert.equal(summary.failures[0]?.profile, 'ctl-denied');
    assert.equal(summary.failures[0]?.kind, 'access-denied');
    assert.match(summary.failures[0]?.next ?? '', /cloudtrail:LookupEvents/);
  });
});
