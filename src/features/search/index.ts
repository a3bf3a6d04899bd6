import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Commands, WebviewTypes } from '../../shared/commands';
import type { Logger } from '../../shared/log';
import { parseQuery, parseWebviewMessage, type HostMessage, type PanelState, type WebviewMessage } from '../../shared/protocol';
import { searchHtml } from './html';

/**
 * The search panel host. One panel at a time (the command reveals it); the panel survives a window
 * reload through the serializer, which hands back the state the webview saved with setState.
 */
class SearchPanel {
  static current: SearchPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly restored: PanelState | undefined,
  ) {
    SearchPanel.current = this;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'cloudtrail-lens.svg');
    panel.webview.html = searchHtml({
      cspSource: panel.webview.cspSource,
      asset: (path) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    let message: WebviewMessage;
    try {
      message = parseWebviewMessage(raw);
    } catch (error) {
      // The webview is untrusted input: a malformed message is logged and dropped.
      this.log.warn(`search panel: ignored a malformed message (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', init: { profiles: [], regions: [], state: this.restored } });
        break;
      case 'search':
        this.log.info(`search requested: ${message.query.profiles.length} profile(s), ${message.query.regions.length} region(s)`);
        this.post({ type: 'error', message: 'No AWS profile is configured.', next: 'Create one with `aws configure` or `aws configure sso`.' });
        break;
      case 'cancel':
      case 'openRecord':
        break;
    }
  }

  dispose(): void {
    if (SearchPanel.current === this) SearchPanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

/** The state a webview saved is untrusted too: keep only a query that validates. */
function restoredState(value: unknown): PanelState | undefined {
  if (value === null || typeof value !== 'object' || !('query' in value)) return undefined;
  try {
    return { query: parseQuery(value.query) };
  } catch {
    return undefined;
  }
}

export function register(context: vscode.ExtensionContext, services: { log: Logger }): void {
  const { extensionUri } = context;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.searchEvents, () => {
      if (SearchPanel.current) {
        SearchPanel.current.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(WebviewTypes.search, 'CloudTrail: Search Events', vscode.ViewColumn.Active, {
        enableScripts: true,
      });
      new SearchPanel(panel, extensionUri, services.log, undefined);
    }),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.search, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        new SearchPanel(panel, extensionUri, services.log, restoredState(state));
        return Promise.resolve();
      },
    }),
    { dispose: () => SearchPanel.current?.dispose() },
  );
}
