import * as vscode from 'vscode';
import { Commands, Views } from '../../shared/commands';
import type { Logger } from '../../shared/log';

/**
 * The Trails view. Until a profile's trails are loaded it has no nodes, so VS Code shows the
 * welcome content from package.json (next steps: search, configure a profile, read the practices).
 */
class TrailsProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function register(context: vscode.ExtensionContext, services: { log: Logger }): void {
  const provider = new TrailsProvider();
  const view = vscode.window.createTreeView(Views.trails, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(
    provider,
    view,
    vscode.commands.registerCommand(Commands.refreshTrails, () => {
      services.log.debug('trails: refresh');
      provider.refresh();
    }),
  );
}
