/**
 * Beyond 90 days inside a real VS Code: the search command with a source — the demo workspace's
 * real CloudTrail log archives (a folder named by the command; the webview sees its id and name
 * only), and Athena over a seeded trail on the local endpoint the harness starts (its table made
 * by `cloudtrail-lens events --create-table`, the same setup plan the panel confirms).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { skipOrFail } from './harness';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const SEARCH_COMMAND = 'cloudtrailLens.searchEvents';
const OUTPUT = 's3://athena-results-111122223333/cloudtrail-lens/';

interface Row {
  eventId: string;
  eventName: string;
  eventSource: string;
  region: string;
  time: number;
  risk?: Array<{ id: string; level: string }>;
}

interface SearchSummary {
  reason: string;
  message: string;
  matched: number;
  failures: Array<{ kind: string; message: string }>;
  rows: Row[];
  source?: { kind: string; files?: number; filesRead?: number; bytesRead?: number; state?: string; scannedBytes?: number; costUsd?: number };
}

describe('Search panel sources in VS Code (local logs, Athena)', function () {
  this.timeout(120_000);
  let extensionPath = '';

  before(async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    extensionPath = extension.extensionPath;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('searches the demo workspace’s log archives: rows from the files, older than Event history keeps, with risk flags', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) skipOrFail(this, 'no workspace folder is open');
    const summary = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, {
      source: { kind: 'archive', folder: join(folder.uri.fsPath, 'cloudtrail-logs') },
      query: { attributes: { EventSource: 'iam.amazonaws.com' } },
      run: true,
    });
    assert.ok(summary, 'the command resolves with the summary');
    assert.equal(summary.reason, 'complete', summary.message);
    assert.ok(summary.matched > 0);
    assert.ok(summary.rows.every((row) => row.eventSource === 'iam.amazonaws.com'));
    assert.ok(summary.rows.some((row) => row.time < Date.now() - 90 * 86_400_000), 'beyond 90 days');
    assert.ok(summary.rows.some((row) => (row.risk ?? []).length > 0), 'risk flags from the same catalogue');
    assert.equal(summary.source?.kind, 'archive');
    assert.ok((summary.source?.filesRead ?? 0) >= 6 && (summary.source?.bytesRead ?? 0) > 0, JSON.stringify(summary.source));
  });

  it('searches Athena over a seeded trail on the local endpoint: the seeded events, data scanned and cost reported', async function () {
    if (!process.env.AWS_ENDPOINT_URL) skipOrFail(this, 'the harness did not start the local endpoint');
    // The table, as the panel's confirmed "Create table" makes it (same plan), through the CLI.
    await new Promise<void>((resolve, reject) => {
      execFile('node', [join(extensionPath, 'dist', 'cli.js'), 'events', '--profile', 'ctl-default', '--region', 'us-east-1', '--athena', '--trail', 'MultiRegion1CloudTrail', '--output-location', OUTPUT, '--create-table', '--limit', '1', '--format', 'json'], { env: process.env }, (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve()));
    });
    const summary = await vscode.commands.executeCommand<SearchSummary | undefined>(SEARCH_COMMAND, {
      profile: 'ctl-default',
      region: 'us-east-1',
      source: { kind: 'athena', trail: 'MultiRegion1CloudTrail', outputLocation: OUTPUT },
      query: { time: { preset: '30d' }, attributes: { EventSource: 'iam.amazonaws.com' } },
      run: true,
    });
    assert.ok(summary);
    assert.deepEqual(summary.failures, []);
    assert.ok(summary.reason === 'complete' || summary.reason === 'limit', summary.message);
    assert.ok(summary.matched > 0, summary.message);
    assert.ok(summary.rows.every((row) => row.eventSource === 'iam.amazonaws.com' && row.region === 'us-east-1'));
    assert.equal(summary.source?.kind, 'athena');
    assert.equal(summary.source?.state, 'SUCCEEDED');
    assert.ok((summary.source?.scannedBytes ?? 0) > 0, 'data scanned reported');
    assert.ok((summary.source?.costUsd ?? 0) > 0, 'estimated cost reported');
  });
});
