/**
 * The search panel's VS Code side: the webview (strict CSP, html.ts), and the editor actions the
 * session (session.ts) asks for — JSON documents, diffs, the clipboard, the save dialog, the
 * terminal fix of an expired sign-in. One panel at a time; it survives a window reload through the
 * serializer (index.ts), which hands back the state the webview saved.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { AwsServices } from '../../aws';
import type { AwsError } from '../../core/aws/errors';
import { AWS_REGIONS } from '../../core/aws/regions';
import type { Logger } from '../../shared/log';
import type { ExportFormat, HostMessage, PanelInit, PanelState, SearchRequest } from '../../shared/protocol';
import type { ActiveProfile } from '../status';
import { runFixInTerminal } from '../status/errors';
import { searchHtml } from './html';
import { SearchSession, type SearchSummary } from './session';

export interface SearchServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

const KIND_LABEL: Record<string, string> = { static: 'access keys', sso: 'SSO', role: 'role', process: 'credential process', 'web-identity': 'web identity', login: 'console login' };

export class SearchPanel {
  static current: SearchPanel | undefined;
  readonly session: SearchSession;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly services: SearchServices,
    restored: PanelState | undefined,
  ) {
    SearchPanel.current = this;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'cloudtrail-lens.svg');
    this.session = new SearchSession(
      {
        post: (message) => this.post(message),
        init: () => this.init(),
        openJson: (title, json) => this.openJson(title, json),
        diff: (left, right) => this.diff(left, right),
        copy: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
        save: (name, format, content) => this.save(name, format, content),
        runFix: (error: AwsError) => runFixInTerminal(error, services.aws),
      },
      { lookup: (target, input, options) => services.aws.lookupEvents(target, input, options), log: services.log },
      restored,
    );
    panel.webview.html = searchHtml({
      cspSource: panel.webview.cspSource,
      asset: (path) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.session.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Fills the form; with `run`, searches at once and resolves with the outcome. */
  prefill(request: SearchRequest, run: boolean): Promise<SearchSummary> | undefined {
    return this.session.prefill(request, run);
  }

  dispose(): void {
    if (SearchPanel.current === this) SearchPanel.current = undefined;
    this.session.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async init(): Promise<Omit<PanelInit, 'state'>> {
    const { aws, active } = this.services;
    const profiles = await aws.listProfiles().catch(() => []);
    const options = profiles.map((profile) => ({ name: profile.name, region: profile.region, kind: KIND_LABEL[profile.kind] }));
    const environment = aws.profiles.environmentProfile();
    if (!options.some((option) => option.name === environment)) options.unshift({ name: environment, region: undefined, kind: 'environment' });
    const target = active.current ?? (await active.ready.catch(() => undefined));
    return {
      profiles: options,
      regions: AWS_REGIONS.map((region) => ({ id: region.id, name: region.name })),
      defaultProfile: target?.profile ?? environment,
      defaultRegion: target?.region ?? 'us-east-1',
    };
  }

  private async openJson(_title: string, json: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: json });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  private async diff(left: { title: string; json: string }, right: { title: string; json: string }): Promise<void> {
    const [a, b] = await Promise.all([vscode.workspace.openTextDocument({ language: 'json', content: left.json }), vscode.workspace.openTextDocument({ language: 'json', content: right.json })]);
    await vscode.commands.executeCommand('vscode.diff', a.uri, b.uri, `${left.title} ↔ ${right.title}`, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  private async save(name: string, format: ExportFormat, content: string): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      title: 'Export CloudTrail events',
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: 'Export',
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
    this.services.log.info(`search: exported ${format.toUpperCase()} to ${uri.toString(true)}`);
    void vscode.window.showInformationMessage(`Exported CloudTrail events to ${vscode.workspace.asRelativePath(uri)}.`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.window.showTextDocument(uri);
    });
    return vscode.workspace.asRelativePath(uri);
  }
}
