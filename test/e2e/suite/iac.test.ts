/**
 * IaC checks inside a real VS Code: diagnostics with the rule id as code, the CodeLens above a
 * trail, quick fixes that fix, re-analysis while typing, Terraform with its variables.tf, and
 * the workspace scan command. Skipped until src/features/iac is wired into extension.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requestScreenshot, skipOrFail } from './harness';

const EXTENSION_ID = 'cloudtrail-lens.cloudtrail-lens';
const SCAN_COMMAND = 'cloudtrailLens.scanWorkspace';
const SOURCE = 'CloudTrail Lens';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const TEMPLATE = `Resources:
  AuditTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: audit-bucket
      IsMultiRegionTrail: false
`;

describe('IaC checks in VS Code', function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes(SCAN_COMMAND)) skipOrFail(this, 'the IaC feature is not registered');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-iac-e2e-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows diagnostics with the rule id, a CodeLens, and quick fixes that fix', async () => {
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, TEMPLATE);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('CloudTrail diagnostics', () => {
      const d = ours(doc.uri);
      return d.some((x) => codeOf(x) === 'CloudTrail.4') ? d : undefined;
    });
    const validation = diags.find((d) => codeOf(d) === 'CloudTrail.4');
    assert.ok(validation);
    assert.ok(typeof validation.code === 'object' && validation.code.target.fragment === 'cloudtrail4');
    assert.ok(diags.some((d) => codeOf(d) === 'CloudTrail.1'));

    const lenses = await waitFor('CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l.some((x) => x.command?.title.startsWith('CloudTrail: ✗')) ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => /✗ log file validation/.test(t) && /✗ multi-region/.test(t)), titles.join(' | '));
    assert.ok(titles.includes('Fix all'), titles.join(' | '));
    await requestScreenshot('iac-codelens', { waitFor: ['.codelens-decoration'], settleMs: 500 });

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, validation.range, vscode.CodeActionKind.QuickFix.value);
    const add = actions.find((a) => a.title === 'Add EnableLogFileValidation: true');
    assert.ok(add?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(actions.some((a) => a.title === 'Ignore CloudTrail.4 for AuditTrail'));
    assert.ok(await vscode.workspace.applyEdit(add.edit));
    await waitFor('CloudTrail.4 to pass', () => (ours(doc.uri).some((d) => codeOf(d) === 'CloudTrail.4') ? undefined : true));
    assert.ok(doc.getText().includes('      EnableLogFileValidation: true\n'));
  });

  it('re-checks while typing', async () => {
    const file = path.join(dir, 'typing.yaml');
    fs.writeFileSync(file, TEMPLATE);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc);
    await waitFor('CloudTrail.1', () => (ours(doc.uri).some((d) => codeOf(d) === 'CloudTrail.1') ? true : undefined));
    const at = doc.getText().indexOf('IsMultiRegionTrail: false') + 'IsMultiRegionTrail: '.length;
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 5)), 'true'));
    await waitFor('CloudTrail.1 to pass after typing', () => (ours(doc.uri).some((d) => codeOf(d) === 'CloudTrail.1') ? undefined : true));
  });

  it('reads Terraform with its variables.tf', async () => {
    const folder = path.join(dir, 'tf');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'variables.tf'), 'variable "validate" {\n  default = false\n}\n');
    fs.writeFileSync(path.join(folder, 'main.tf'), 'resource "aws_cloudtrail" "t" {\n  name                       = "t"\n  is_multi_region_trail      = true\n  enable_log_file_validation = var.validate\n}\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(folder, 'main.tf')));
    await vscode.window.showTextDocument(doc);
    const d = await waitFor('Terraform diagnostic', () => ours(doc.uri).find((x) => codeOf(x) === 'CloudTrail.4'));
    assert.match(d.message, /variable validate's default/);
  });

  it('scans the workspace without failing', async () => {
    await vscode.commands.executeCommand(SCAN_COMMAND);
  });
});
