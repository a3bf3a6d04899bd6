/**
 * The Trails tree inside a real VS Code, against the local CloudTrail endpoint that
 * test/e2e/run.mjs starts (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE with the example
 * profiles, AWS_ENDPOINT_URL). It reads the tree through the extension's test hooks
 * (`activate().testing.trails`, present only in test mode): the TreeDataProvider VS Code itself
 * uses, `whenLoaded`, `run` (a tree command on a node, as a context menu runs it), `setConfirm`
 * and `setSaveTarget` (a modal and a save dialog cannot be clicked from inside the extension host).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CloudTrailLensApi } from '../../../src/extension';
import type { TrailsTestHooks } from '../../../src/features/trails';
import type { TrailsNode } from '../../../src/features/trails/model';
import { requestScreenshot, skipOrFail } from './harness';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const CONTAINER_COMMAND = 'workbench.view.extension.cloudtrailLens';

function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

function iconOf(item: vscode.TreeItem): { id: string; color?: string } {
  const icon = item.iconPath;
  assert.ok(icon instanceof vscode.ThemeIcon, `${labelOf(item)} has a codicon`);
  return { id: icon.id, color: icon.color?.id };
}

function tooltipOf(item: vscode.TreeItem): string {
  const tooltip = item.tooltip;
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
}

describe('Trails tree', function () {
  this.timeout(90_000);
  let hooks: TrailsTestHooks;
  let provider: vscode.TreeDataProvider<TrailsNode>;

  const item = async (node: TrailsNode): Promise<vscode.TreeItem> => provider.getTreeItem(node);
  const children = async (node?: TrailsNode): Promise<TrailsNode[]> => (await provider.getChildren(node)) ?? [];
  const find = async (parent: TrailsNode | undefined, label: string | RegExp): Promise<TrailsNode> => {
    for (const child of await children(parent)) {
      const text = labelOf(await item(child));
      if (typeof label === 'string' ? text === label : label.test(text)) return child;
    }
    throw new Error(`no child ${String(label)} under ${parent ? labelOf(await item(parent)) : 'the root'}`);
  };
  const profile = (name: string): Promise<TrailsNode> => find(undefined, name);
  const trail = async (profileName: string, name: string): Promise<TrailsNode> => find(await profile(profileName), name);
  /** The check node of a rule under a trail (the rule id is the description). */
  const check = async (parent: TrailsNode, ruleId: string): Promise<{ node: TrailsNode; item: vscode.TreeItem }> => {
    for (const child of await children(parent)) {
      const it = await item(child);
      if (typeof it.description === 'string' && it.description.split(' · ')[0] === ruleId) return { node: child, item: it };
    }
    throw new Error(`no ${ruleId} check under ${labelOf(await item(parent))}`);
  };

  before(async function () {
    const extension = vscode.extensions.getExtension<CloudTrailLensApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is loaded`);
    const api = await extension.activate();
    const found = api.testing?.trails;
    assert.ok(found, 'the extension exposes its test hooks in test mode (ExtensionMode.Test)');
    hooks = found;
    provider = hooks.provider;
    assert.ok(process.env.AWS_ENDPOINT_URL, 'the harness passes AWS_ENDPOINT_URL (the local endpoint)');
    await vscode.commands.executeCommand(CONTAINER_COMMAND);
  });

  it('lists every profile of the config files, with account ids', async function () {
    const roots = await children();
    const labels = await Promise.all(roots.map(async (node) => labelOf(await item(node))));
    for (const name of ['default', 'ctl-default', 'ctl-second', 'ctl-denied', 'ctl-expired']) assert.ok(labels.includes(name), `profile ${name} in ${labels.join(', ')}`);
    // Account ids arrive from STS in the background once the view lists the profiles.
    const deadline = Date.now() + 10_000;
    let description = '';
    while (Date.now() < deadline) {
      description = String((await item(await profile('ctl-second'))).description ?? '');
      if (description.includes('444455556666')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(description, /444455556666/);
  });

  it('reads every profile when expanded, side by side, with roll-ups and statuses', async function () {
    const roots = await children();
    const first = await Promise.all(roots.map((node) => children(node)));
    // Before the data arrives a profile shows "Loading…".
    assert.ok(first.some((kids) => kids.length === 1 && kids[0]?.kind === 'loading'), 'a loading child while reading');
    const started = Date.now();
    await Promise.all(roots.map(async (node) => hooks.whenLoaded(node.kind === 'message' ? '' : node.profile)));
    console.log(`      every profile read in ${Date.now() - started} ms`);

    const main = await item(await profile('ctl-default'));
    assert.match(String(main.description), /111122223333 .*\d+\/\d+/, 'account id and roll-up "passed/total"');

    const account = await find(await profile('ctl-default'), 'Account checks');
    assert.match(String((await item(account)).description), /^\d\/3$/);
    assert.equal(iconOf((await check(account, 'CloudTrail.1')).item).id, 'pass');
    assert.equal(iconOf((await check(account, 'CloudTrail.3')).item).id, 'pass');

    const nosetest = await trail('ctl-default', 'nosetest');
    const nosetestItem = await item(nosetest);
    assert.match(String(nosetestItem.description), /^us-east-1 · \d+\/11$/);
    const validation = await check(nosetest, 'CloudTrail.4');
    assert.deepEqual(iconOf(validation.item), { id: 'error', color: 'testing.iconFailed' });
    assert.match(String(validation.item.contextValue), /\bfix-validation\b/);
    const tooltip = tooltipOf(validation.item);
    for (const part of ['Fail', 'Result:', 'Why it matters:', 'How to fix:', 'update-trail', 'Security Hub control CloudTrail.4', 'cloudtrail-controls.html#cloudtrail-4']) assert.ok(tooltip.includes(part), `tooltip has ${part}`);
    assert.deepEqual(iconOf((await check(nosetest, 'CloudTrail.6')).item), { id: 'error', color: 'testing.iconFailed' }, 'nosetest-bucket is public');

    const multi = await trail('ctl-default', 'MultiRegion1CloudTrail');
    assert.match(String((await item(multi)).description), /multi-region/);
    assert.deepEqual(iconOf((await check(multi, 'CloudTrail.4')).item), { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(iconOf((await check(multi, 'CloudTrail.7')).item).id, 'pass');
    const tower = await trail('ctl-default', 'aws-controltower-BaselineCloudTrail');
    const towerBucket = await check(tower, 'CloudTrail.6');
    assert.deepEqual(iconOf(towerBucket.item), { id: 'question', color: 'list.warningForeground' });
    assert.match(tooltipOf(towerBucket.item), /another account/);
    assert.equal(iconOf((await check(tower, 'CTL.Insights')).item).id, 'info');

    const org = await trail('ctl-second', 'orgTrail');
    assert.match(String((await item(org)).description), /organization/);

    const denied = await children(await profile('ctl-denied'));
    const deniedLabels = await Promise.all(denied.map(async (node) => labelOf(await item(node))));
    assert.ok(deniedLabels.some((label) => /Access denied: cloudtrail:DescribeTrails/.test(label)), deniedLabels.join(' | '));
    assert.ok(deniedLabels.includes('Missing permission: cloudtrail:DescribeTrails'));
    assert.ok(deniedLabels.includes('Retry'));
    assert.match(String((await item(await profile('ctl-denied'))).description), /777788889999 .*access denied/);

    const expired = await children(await profile('ctl-expired'));
    const expiredLabels = await Promise.all(expired.map(async (node) => labelOf(await item(node))));
    assert.ok(expiredLabels.some((label) => /expired/.test(label)), expiredLabels.join(' | '));
    assert.ok(expiredLabels.includes('Retry'));
  });

  it('writes nothing when the confirmation is declined', async function () {
    let asked = 0;
    const restore = hooks.setConfirm(() => {
      asked++;
      return Promise.resolve(false);
    });
    try {
      const logging = await check(await trail('ctl-default', 'nosetest'), 'CTL.Logging');
      await hooks.run('cloudtrailLens.startTrailLogging', logging.node);
      assert.equal(asked, 1);
      await hooks.run('cloudtrailLens.refreshProfile', await profile('ctl-default'));
      assert.equal(iconOf((await check(await trail('ctl-default', 'nosetest'), 'CTL.Logging')).item).id, 'error', 'still not logging');
    } finally {
      restore.dispose();
    }
  });

  it('turns a check green after a confirmed remediation', async function () {
    const requests: Array<{ message: string; detail: string; action: string }> = [];
    const restore = hooks.setConfirm((request) => {
      requests.push(request);
      return Promise.resolve(true);
    });
    try {
      const validation = await check(await trail('ctl-default', 'nosetest'), 'CloudTrail.4');
      await hooks.run('cloudtrailLens.enableLogFileValidation', validation.node);
      assert.equal(requests.length, 1, 'asked once');
      const request = requests[0];
      assert.ok(request);
      assert.match(request.message, /Enable log file validation on trail "nosetest"/);
      assert.match(request.detail, /UpdateTrail \{"Name":"arn:aws:cloudtrail:us-east-1:111122223333:trail\/nosetest","EnableLogFileValidation":true\}/);
      assert.match(request.detail, /aws cloudtrail update-trail --name nosetest --enable-log-file-validation --region us-east-1 --profile ctl-default/);
      const after = await check(await trail('ctl-default', 'nosetest'), 'CloudTrail.4');
      assert.deepEqual(iconOf(after.item), { id: 'pass', color: 'testing.iconPassed' }, 'CloudTrail.4 passes after the fix');
      assert.doesNotMatch(String(after.item.contextValue), /fix-validation/);
    } finally {
      restore.dispose();
    }
  });

  it('exports the posture report as JSON (the CLI\'s shape) and Markdown', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-e2e-report-'));
    try {
      for (const name of ['posture.json', 'posture.md']) {
        const target = vscode.Uri.file(path.join(dir, name));
        const restore = hooks.setSaveTarget(() => Promise.resolve(target));
        try {
          await hooks.run('cloudtrailLens.exportPostureReport', await profile('ctl-default'));
        } finally {
          restore.dispose();
        }
      }
      const report = JSON.parse(fs.readFileSync(path.join(dir, 'posture.json'), 'utf8')) as { profiles: Array<{ profile: string; account: string | null; error: string | null; trails: Array<{ name: string; checks: Record<string, { status: string }> }> }> };
      const byName = new Map(report.profiles.map((p) => [p.profile, p]));
      assert.deepEqual([...byName.keys()].sort(), ['ctl-default', 'ctl-denied', 'ctl-expired', 'ctl-second', 'default']);
      assert.equal(byName.get('ctl-default')?.account, '111122223333');
      assert.equal(byName.get('ctl-default')?.trails.find((t) => t.name === 'nosetest')?.checks['CloudTrail.4']?.status, 'pass', 'the remediation shows in the report');
      assert.match(byName.get('ctl-denied')?.error ?? '', /Access denied/);
      const markdown = fs.readFileSync(path.join(dir, 'posture.md'), 'utf8');
      assert.match(markdown, /^# CloudTrail posture report/);
      assert.match(markdown, /## Profile `ctl-second` — account 444455556666/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the expanded tree (screenshot trails.png)', async function () {
    await vscode.commands.executeCommand(CONTAINER_COMMAND);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // A wider side bar, so that descriptions (account · roll-up, region · badges) show: with the
    // (empty) editor part active, shrinking it widens the side bar.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    const view = hooks.view;
    const main = await profile('ctl-default');
    await view.reveal(main, { expand: true, focus: true });
    const account = await find(main, 'Account checks');
    await view.reveal(account, { expand: true });
    const nosetest = await trail('ctl-default', 'nosetest');
    await view.reveal(nosetest, { expand: true, select: true, focus: true });
    await view.reveal(await profile('ctl-denied'), { expand: true });
    const shot = await requestScreenshot('trails', {
      waitFor: ['[id="workbench.view.extension.cloudtrailLens"] .monaco-list-row', '[id="workbench.view.extension.cloudtrailLens"] .codicon-error'],
      settleMs: 800,
    });
    if (shot) console.log(`      screenshot: ${shot.path}`);
    else skipOrFail(this, 'the harness cannot take screenshots here');
  });
});
