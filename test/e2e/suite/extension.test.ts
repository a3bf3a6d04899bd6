/**
 * CloudTrail Lens inside a real VS Code: it activates, contributes its commands, opens the search
 * panel and shows its view. Runs in the extension host (see ./index.ts and test/e2e/run.mjs).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { recordTimings, requestScreenshot, skipOrFail } from './harness';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const CONTAINER_COMMAND = 'workbench.view.extension.cloudtrailLens';
const SEARCH_TITLE = 'CloudTrail: Search Events';
const SEARCH_VIEW_TYPE = 'cloudtrailLens.search';

interface Timings {
  readonly moduleLoadedAt: number;
  readonly activateMs: number;
}
interface CloudTrailLensApi {
  readonly timings: Timings;
}
interface CommandContribution {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function contributedCommands(extension: vscode.Extension<unknown>): CommandContribution[] {
  const manifest = extension.packageJSON as { contributes?: { commands?: unknown } };
  const commands = manifest.contributes?.commands;
  assert.ok(Array.isArray(commands), 'package.json contributes.commands is an array');
  return commands.map((entry: unknown, index) => {
    assert.ok(entry && typeof entry === 'object', `contributes.commands[${index}] is an object`);
    const { command, title, category } = entry as Record<string, unknown>;
    assert.equal(typeof command, 'string', `contributes.commands[${index}].command`);
    assert.equal(typeof title, 'string', `contributes.commands[${index}].title`);
    return { command: command as string, title: title as string, category: typeof category === 'string' ? category : undefined };
  });
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

describe('CloudTrail Lens in VS Code', function () {
  let extension: vscode.Extension<CloudTrailLensApi>;

  before(function () {
    const found = vscode.extensions.getExtension<CloudTrailLensApi>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is loaded (extensionDevelopmentPath points at the repository)`);
    extension = found;
  });

  it('activates and reports how long activate() took', async function () {
    const alreadyActive = extension.isActive;
    const started = performance.now();
    const api = await extension.activate();
    const activateWallMs = performance.now() - started;
    assert.equal(extension.isActive, true);
    assert.ok(api && typeof api === 'object', 'activate() returns the API object');
    const { activateMs, moduleLoadedAt } = api.timings;
    assert.equal(typeof activateMs, 'number');
    assert.ok(Number.isFinite(activateMs) && activateMs >= 0, `activateMs is a duration (${activateMs})`);
    assert.ok(Number.isFinite(moduleLoadedAt), 'moduleLoadedAt is a timestamp');
    recordTimings({
      activateMs,
      // ext.activate() as seen by another extension: loading dist/extension.js plus activate()
      // (0 when something, e.g. a restored view, activated it before the test ran).
      activateWallMs: alreadyActive ? 0 : activateWallMs,
      alreadyActive,
      vscodeVersion: vscode.version,
      uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
      remoteName: vscode.env.remoteName ?? '',
    });
    console.log(`      activate(): ${activateMs.toFixed(1)} ms inside, ${activateWallMs.toFixed(1)} ms via ext.activate()`);
  });

  it('registers every contributed command', async function () {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = contributedCommands(extension).map((entry) => entry.command);
    for (const id of ['cloudtrailLens.searchEvents', 'cloudtrailLens.refreshTrails', 'cloudtrailLens.showLog']) {
      assert.ok(contributed.includes(id), `package.json contributes ${id}`);
    }
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed commands without a handler after activation');
  });

  it('puts every command in the "CloudTrail" category', function () {
    const outside = contributedCommands(extension).filter((entry) => entry.category !== 'CloudTrail');
    assert.deepEqual(
      outside.map((entry) => `${entry.command} (${entry.category ?? 'no category'})`),
      [],
      'commands outside the CloudTrail category',
    );
  });

  it('opens the search panel as a webview tab', async function () {
    await vscode.commands.executeCommand('cloudtrailLens.searchEvents');
    const tab = await waitFor(`a "${SEARCH_TITLE}" tab`, () => allTabs().find((candidate) => candidate.label === SEARCH_TITLE));
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the search tab is a webview');
    // VS Code prefixes the view type of extension webviews (mainThreadWebview-<viewType>).
    assert.ok(tab.input.viewType.endsWith(SEARCH_VIEW_TYPE), `view type ${tab.input.viewType}`);
    assert.equal(tab.isActive, true, 'the search tab is the active one');
  });

  it('shows the CloudTrail Lens view with its welcome content or its profiles', async function () {
    await vscode.commands.executeCommand(CONTAINER_COMMAND);
    await vscode.commands.executeCommand('notifications.clearAll');
    const shot = await requestScreenshot('workbench', {
      waitFor: [
        // The activity bar entry is selected and the Trails view shows its welcome text (no
        // profiles) or the profiles (the harness passes the local endpoint's AWS config files).
        '.activitybar .action-item.checked [aria-label^="CloudTrail Lens"]',
        '[id="workbench.view.extension.cloudtrailLens"] .welcome-view-content, [id="workbench.view.extension.cloudtrailLens"] .monaco-list-row',
        // The search panel's webview frame is in the editor area.
        '.part.editor iframe.webview, .webview.ready',
      ],
      settleMs: 500,
    });
    if (shot) console.log(`      screenshot: ${shot.path}`);
    else skipOrFail(this, 'no harness that takes screenshots (desktop VS Code)');
  });
});
