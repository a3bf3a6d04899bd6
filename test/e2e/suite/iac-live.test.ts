/**
 * Code ↔ live inside a real VS Code, against the local CloudTrail endpoint (test/e2e/run.mjs): a
 * template defining a trail with the name of a seeded trail of 111122223333 (the active profile
 * "default") gets the "live:" CodeLens and "Search events for this trail"; "Find in Workspace IaC"
 * on a Trails tree node opens the file that defines it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CloudTrailLensApi } from '../../../src/extension';
import type { TrailsTestHooks } from '../../../src/features/trails';
import type { TrailsNode } from '../../../src/features/trails/model';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const FIND_COMMAND = 'cloudtrailLens.findTrailInIac';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(150);
  }
}

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AuditTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: MultiRegion1CloudTrail
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      S3BucketName: cloudtrail-bucket-111122223333
  NotDeployed:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: not-deployed-anywhere
      IsLogging: true
      S3BucketName: cloudtrail-bucket-111122223333
`;

const TERRAFORM = `resource "aws_cloudtrail" "legacy" {
  name           = "nosetest"
  s3_bucket_name = "nosetest-bucket"
}
`;

function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

describe('IaC code ↔ live', function () {
  this.timeout(90_000);
  let hooks: TrailsTestHooks;
  let dir: string;

  before(async function () {
    const extension = vscode.extensions.getExtension<CloudTrailLensApi>(EXTENSION_ID);
    assert.ok(extension);
    const api = await extension.activate();
    const found = api.testing?.trails;
    assert.ok(found, 'test hooks in test mode');
    hooks = found;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens a workspace folder');
    assert.ok(process.env.AWS_ENDPOINT_URL, 'the harness passes AWS_ENDPOINT_URL');
    dir = path.join(folder.uri.fsPath, 'iac-live');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'live-trail.yaml'), TEMPLATE);
    fs.mkdirSync(path.join(dir, 'tf'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tf', 'main.tf'), TERRAFORM);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the deployed trail of the same name above the definition, with a search of its events', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'live-trail.yaml')));
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the live CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return all.some((l) => l.command?.title.startsWith('live: ') && !l.command.title.includes('?')) ? all : undefined;
    });
    const auditLine = doc.getText().split('\n').findIndex((line) => line.startsWith('  AuditTrail:'));
    const live = lenses.filter((l) => l.command?.title.startsWith('live'));
    assert.equal(live.length, 1, `one live lens (NotDeployed has none): ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.equal(live[0].range.start.line, auditLine);
    assert.equal(live[0].command?.title, 'live: logging ✓ · validation ✓ · multi-region ✓');

    const search = lenses.find((l) => l.command?.title === 'Search events for this trail');
    assert.ok(search, 'a search lens');
    assert.equal(search.range.start.line, auditLine);
    assert.equal(search.command?.command, 'cloudtrailLens.searchEvents');
    assert.deepEqual(search.command?.arguments, [
      { profile: 'default', region: 'us-east-1', attributes: { ResourceName: ['arn:aws:cloudtrail:us-east-1:111122223333:trail/MultiRegion1CloudTrail'] } },
    ]);

    // The setting turns it off.
    const config = vscode.workspace.getConfiguration('cloudtrailLens.iac');
    await config.update('showLive', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('no live CodeLens', async () => {
        const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
        return all.length > 0 && !all.some((l) => l.command?.title.startsWith('live')) ? true : undefined;
      });
    } finally {
      await config.update('showLive', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Terraform: the live lens of a trail that is not logging', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'tf', 'main.tf')));
    await vscode.window.showTextDocument(doc);
    const title = await waitFor('the live CodeLens on main.tf', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return all.map((l) => l.command?.title ?? '').find((t) => t.startsWith('live: ') && !t.includes('?'));
    });
    assert.equal(title, 'live: logging ✗ · validation ✗ · multi-region ✗');
  });

  it('Find in Workspace IaC opens the definition of a Trails tree trail', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(FIND_COMMAND), `${FIND_COMMAND} is registered`);
    const provider = hooks.provider;
    const roots = (await provider.getChildren()) ?? [];
    let profileNode: TrailsNode | undefined;
    for (const node of roots) if (labelOf(await provider.getTreeItem(node)) === 'default') profileNode = node;
    assert.ok(profileNode && profileNode.kind === 'profile', 'profile default in the tree');
    await provider.getChildren(profileNode);
    await hooks.whenLoaded('default');
    const trailNode = await waitFor('trail MultiRegion1CloudTrail under default', async () => {
      for (const child of (await provider.getChildren(profileNode)) ?? []) {
        const item = await provider.getTreeItem(child);
        if (child.kind === 'trail' && labelOf(item) === 'MultiRegion1CloudTrail') {
          assert.match(String(item.contextValue), /^trail\b/, 'the context menu entry shows on trail nodes');
          return child;
        }
      }
      return undefined;
    });
    await hooks.run(FIND_COMMAND, trailNode);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.fsPath, path.join(dir, 'live-trail.yaml'));
    assert.equal(editor.document.lineAt(editor.selection.start.line).text, '  AuditTrail:');

    // Terraform: the trail named by `name`.
    const nosetest = ((await provider.getChildren(profileNode)) ?? []).find((n) => n.kind === 'trail' && n.trailKey.endsWith('/nosetest'));
    assert.ok(nosetest);
    await hooks.run(FIND_COMMAND, nosetest);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(dir, 'tf', 'main.tf'));
  });
});
