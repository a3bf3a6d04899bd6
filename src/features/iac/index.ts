/**
 * IaC checks in the editor: trails defined in CloudFormation, Terraform and CDK files are checked
 * with the posture rules as you type. One diagnostic collection (Problems panel, rule id as code,
 * linked to docs/rules.md), a CodeLens above each trail, quick fixes and fix-all, and the
 * "Scan Workspace for Trail Issues" command. Everything here only reads files (fixes are edits
 * the user applies), so it works in untrusted workspaces. The parsers load on first use.
 */
import * as vscode from 'vscode';
import type { AwsServices } from '../../aws';
import type { Logger } from '../../shared/log';
import type { ActiveProfile } from '../status';
import { IacCodeActionProvider } from './actions';
import { IacAnalyzer, type DocumentResult } from './analyzer';
import { TrailCodeLensProvider } from './codelens';
import { toDiagnostics } from './diagnostics';
import { findTrailInWorkspace, isFindTrailRequest } from './find';
import { LiveTrails } from './live';
import { scanWorkspace } from './scan';
import { IacCommands, IacSettings, readConfig, type IacConfig } from './settings';

/** Documents the IaC checks look at. Terraform files without a Terraform extension installed are plain text: matched by pattern. */
export const IAC_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'json' },
  { language: 'jsonc' },
  { language: 'terraform' },
  { language: 'hcl' },
  { pattern: '**/*.tf' },
  { language: 'typescript' },
];

export interface IacServices {
  readonly log: Logger;
  /** With these, the CodeLens shows the deployed trail of the same name (Code ↔ live). */
  readonly aws?: AwsServices;
  readonly active?: ActiveProfile;
}

export function register(context: vscode.ExtensionContext, services: IacServices): void {
  const log = services.log;
  let config: IacConfig = readConfig();
  const diagnostics = vscode.languages.createDiagnosticCollection('cloudtrail-lens-iac');
  const analyzer = new IacAnalyzer(log, __dirname);
  // Nothing is read until a lens above a trail asks (never at activation).
  const live = services.aws && services.active ? new LiveTrails({ log, aws: services.aws, active: services.active }) : undefined;
  const lenses = new TrailCodeLensProvider(analyzer, () => config, live);

  const publish = (result: DocumentResult): void => {
    if (!config.enabled) return;
    diagnostics.set(result.uri, toDiagnostics(result, config, context.extensionUri));
  };

  const consider = (doc: vscode.TextDocument, delay?: number): void => {
    if (!config.enabled || !IacAnalyzer.relevant(doc)) return;
    analyzer.schedule(doc, delay);
  };

  context.subscriptions.push(
    diagnostics,
    analyzer,
    lenses,
    ...(live ? [live] : []),
    analyzer.onDidAnalyze(publish),
    analyzer.onDidClear((uri) => diagnostics.delete(uri)),
    vscode.workspace.onDidOpenTextDocument((doc) => consider(doc, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      consider(e.document);
      // A Terraform file without trails (variables.tf, locals.tf) decides values of its folder's trails.
      if (e.document.uri.path.endsWith('.tf') || e.document.uri.path.endsWith('.tfvars')) {
        const folder = vscode.Uri.joinPath(e.document.uri, '..').toString();
        for (const other of vscode.workspace.textDocuments) {
          if (other !== e.document && other.uri.path.endsWith('.tf') && vscode.Uri.joinPath(other.uri, '..').toString() === folder) consider(other);
        }
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(IacSettings.section)) return;
      config = readConfig();
      if (!config.enabled) diagnostics.clear();
      else for (const doc of vscode.workspace.textDocuments) consider(doc, 0);
      lenses.refresh();
    }),
    vscode.languages.registerCodeLensProvider(IAC_SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(IAC_SELECTOR, new IacCodeActionProvider(analyzer, () => config), IacCodeActionProvider.metadata),
    vscode.commands.registerCommand(IacCommands.applyFix, async (edit: vscode.WorkspaceEdit, uri?: vscode.Uri, version?: number) => {
      const doc = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : undefined;
      if (doc && version !== undefined && doc.version !== version) {
        void vscode.window.showWarningMessage('The file changed since the fix was computed; try again.');
        return false;
      }
      return vscode.workspace.applyEdit(edit);
    }),
    vscode.commands.registerCommand(IacCommands.showProblems, () => vscode.commands.executeCommand('workbench.actions.view.problems')),
    vscode.commands.registerCommand(IacCommands.findTrail, async (request: unknown) => {
      if (!isFindTrailRequest(request)) return undefined;
      try {
        return await findTrailInWorkspace(analyzer, log, request);
      } catch (error) {
        log.error('iac: find trail failed', error);
        void vscode.window.showErrorMessage(`Finding the trail in the workspace failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(IacCommands.scanWorkspace, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'CloudTrail: scanning the workspace for trail issues', cancellable: true }, async (progress, token) => {
        if (!config.enabled) {
          void vscode.window.showInformationMessage('IaC checks are turned off (cloudtrailLens.iac.enabled).');
          return;
        }
        try {
          const summary = await scanWorkspace(analyzer, log, publish, progress, token);
          const what = `${summary.trails} trail${summary.trails === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'}, ${summary.failing} failing check${summary.failing === 1 ? '' : 's'}`;
          void vscode.window.showInformationMessage(summary.cancelled ? `Scan cancelled (${what} so far).` : `CloudTrail scan: ${what}.`);
        } catch (error) {
          log.error('iac scan failed', error);
          void vscode.window.showErrorMessage(`CloudTrail scan failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    ),
  );
  // Documents already open when the extension activates.
  for (const doc of vscode.workspace.textDocuments) consider(doc, 0);
}
