/**
 * The search feature: "CloudTrail: Search Events" (optionally pre-filled: `{ profile?, region?,
 * attributes?, query?, run? }` — the Trails tree passes `{ profile, region }`), "CloudTrail: Export
 * Search Results", and the serializer that brings the panel back after a window reload.
 */
import * as vscode from 'vscode';
import { Commands, WebviewTypes } from '../../shared/commands';
import { parsePanelState } from '../../shared/protocol';
import { parseSearchArgument, requestFromArgument, type SearchArgument } from './args';
import { registerFolder, SearchPanel, type SearchServices } from './panel';
import type { SearchSummary } from './session';

export const EXPORT_COMMAND = 'cloudtrailLens.exportSearchResults';
/**
 * Shows one event in the panel: `{ profile, region, eventId }` (a lookup result, a hover). Not in the
 * palette; other features call it when it exists (src/features/lookup).
 */
export const OPEN_EVENT_COMMAND = 'cloudtrailLens.openEvent';
export type { SearchSummary } from './session';

function openPanel(context: vscode.ExtensionContext, services: SearchServices): SearchPanel {
  if (SearchPanel.current) {
    SearchPanel.current.reveal();
    return SearchPanel.current;
  }
  const panel = vscode.window.createWebviewPanel(WebviewTypes.search, 'CloudTrail: Search Events', vscode.ViewColumn.Active, { enableScripts: true });
  return new SearchPanel(panel, context.extensionUri, services, undefined, context.globalState);
}

async function searchCommand(context: vscode.ExtensionContext, services: SearchServices, raw: unknown): Promise<SearchSummary | undefined> {
  let argument: SearchArgument | undefined;
  try {
    argument = parseSearchArgument(raw);
  } catch (error) {
    services.log.warn(`search: ignored the command's argument (${error instanceof Error ? error.message : String(error)})`);
  }
  const panel = openPanel(context, services);
  if (!argument) return undefined;
  const target = services.active.current ?? (await services.active.ready);
  try {
    const given = argument.source;
    // A folder named by its path (a trusted caller): registered; the webview gets its id and name only.
    const source = given?.kind === 'archive' ? { kind: 'archive' as const, ...registerFolder(given.folder), ...(given.byRegion && { byRegion: true }) } : given;
    const request = requestFromArgument(argument, { profile: target.profile, region: target.region, query: source?.kind === 'archive' ? {} : { time: { preset: '24h' } } }, source);
    return await panel.prefill(request, argument.run);
  } catch (error) {
    services.log.warn(`search: ignored the command's argument (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** Reveals the event in the current results, or searches for it by id (all 90 days) and then reveals it. */
async function openEventCommand(context: vscode.ExtensionContext, services: SearchServices, raw: unknown): Promise<void> {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const eventId = typeof value.eventId === 'string' && value.eventId.length > 0 && value.eventId.length <= 256 ? value.eventId : undefined;
  if (!eventId) return;
  let argument: SearchArgument | undefined;
  try {
    argument = parseSearchArgument({ profile: value.profile, region: value.region, attributes: { EventId: [eventId] }, query: { time: { preset: '90d' } }, run: true });
  } catch (error) {
    services.log.warn(`search: openEvent: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const panel = openPanel(context, services);
  if (panel.session.reveal(eventId) || !argument) return;
  const target = services.active.current ?? (await services.active.ready);
  await panel.prefill(requestFromArgument(argument, { profile: target.profile, region: target.region, query: {} }), true);
  panel.session.reveal(eventId);
}

async function exportCommand(): Promise<void> {
  const session = SearchPanel.current?.session;
  if (!session || session.results.length === 0) {
    void vscode.window.showInformationMessage('No search results to export. Run "CloudTrail: Search Events" first.');
    return;
  }
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'JSON', description: '{ "events": [ …records… ], "stats": … } — the CLI’s format', format: 'json' as const },
      { label: 'CSV', description: 'one row per event, risk columns included; safe to open in a spreadsheet', format: 'csv' as const },
    ],
    { title: `Export ${session.results.length.toLocaleString('en-US')} CloudTrail events` },
  );
  if (choice) await session.export(choice.format);
}

export function register(context: vscode.ExtensionContext, services: SearchServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.searchEvents, (argument?: unknown) => searchCommand(context, services, argument)),
    vscode.commands.registerCommand(EXPORT_COMMAND, exportCommand),
    vscode.commands.registerCommand(OPEN_EVENT_COMMAND, (argument?: unknown) => openEventCommand(context, services, argument)),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.search, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        SearchPanel.current?.dispose();
        new SearchPanel(panel, context.extensionUri, services, parsePanelState(state), context.globalState);
        return Promise.resolve();
      },
    }),
    { dispose: () => SearchPanel.current?.dispose() },
  );
}
