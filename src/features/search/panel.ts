/**
 * The search panel's VS Code side: the webview (strict CSP, html.ts), and the editor actions the
 * session (session.ts) asks for — JSON documents, diffs, the clipboard, the save dialog, the
 * terminal fix of an expired sign-in. One panel at a time; it survives a window reload through the
 * serializer (index.ts), which hands back the state the webview saved.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { AwsServices } from '../../aws';
import type { AwsError } from '../../core/aws/errors';
import { AWS_REGIONS } from '../../core/aws/regions';
import type { Logger } from '../../shared/log';
import { DEFAULT_DATABASE } from '../../core/athena/ddl';
import type { AthenaDefaults, ExportFormat, HostMessage, PanelInit, PanelState, SearchRequest, SearchSource, TrailOption } from '../../shared/protocol';
import { archiveOpener, athenaOpener, athenaPlanOf, lakeOpener, athenaTarget, findTrail, trailOptions, type AthenaBackend } from './openers';
import type { ActiveProfile } from '../status';
import { runFixInTerminal } from '../status/errors';
import { searchHtml } from './html';
import { SearchSession, type SearchSummary } from './session';
import { PROFILE_KIND_LABELS } from '../../core/aws/profiles';

export interface SearchServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

/** globalState key of the remembered Athena settings. */
export const ATHENA_DEFAULTS_KEY = 'cloudtrailLens.search.athena';

/**
 * Folders picked for the Local logs source (or passed by a command), by id: the webview knows the
 * id and the folder's name, never the path. Kept for the window's life (a restored panel whose id
 * is unknown asks to pick the folder again).
 */
const folders = new Map<number, string>();
let folderCounter = 1;

/** Registers a folder for the Local logs source; the same path keeps its id. */
export function registerFolder(path: string): { folderId: number; name: string } {
  for (const [id, known] of folders) if (known === path) return { folderId: id, name: basename(path) || path };
  const folderId = folderCounter++;
  folders.set(folderId, path);
  return { folderId, name: basename(path) || path };
}

function folderPath(source: Extract<SearchSource, { kind: 'archive' }>): string {
  const path = folders.get(source.folderId);
  if (!path) throw new Error(`The folder ${source.name} is no longer known to this window: choose it again.`);
  return path;
}


export class SearchPanel {
  static current: SearchPanel | undefined;
  readonly session: SearchSession;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly services: SearchServices,
    restored: PanelState | undefined,
    private readonly memento?: vscode.Memento,
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
        pickFolder: () => this.pickFolder(),
        listTrails: (profile, region) => this.listTrails(profile, region),
        listStores: async (profile, region) => (await services.aws.listEventDataStores({ profile, region })).map((store) => ({ arn: store.arn, name: store.name })),
        createTable: (profile, region, source) => this.createTable(profile, region, source),
      },
      {
        lookup: (target, input, options) => services.aws.lookupEvents(target, input, options),
        log: services.log,
        sources: {
          archive: archiveOpener(folderPath),
          athena: athenaOpener(this.athenaBackend(), {}),
          lake: lakeOpener({ run: (target, input, options) => services.aws.runLakeQuery(target, input, options) }),
        },
      },
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
    const options = profiles.map((profile) => ({ name: profile.name, region: profile.region, kind: PROFILE_KIND_LABELS[profile.kind] || undefined }));
    const environment = aws.profiles.environmentProfile();
    if (!options.some((option) => option.name === environment)) options.unshift({ name: environment, region: undefined, kind: 'environment' });
    const target = active.current ?? (await active.ready.catch(() => undefined));
    return {
      profiles: options,
      regions: AWS_REGIONS.map((region) => ({ id: region.id, name: region.name })),
      defaultProfile: target?.profile ?? environment,
      defaultRegion: target?.region ?? 'us-east-1',
      athena: this.athenaDefaults(),
    };
  }

  private athenaBackend(): AthenaBackend {
    const aws = this.services.aws;
    return {
      describeTrails: (target) => aws.describeTrails(target),
      run: (target, input, options) => {
        // Remember what worked (pre-fills the form next time).
        void this.remember({ database: input.table.database, workgroup: input.workgroup ?? 'primary', ...(input.outputLocation && { outputLocation: input.outputLocation }) });
        return aws.runAthenaQuery(target, input, options);
      },
    };
  }

  private athenaDefaults(): AthenaDefaults {
    const saved = this.memento?.get<Partial<AthenaDefaults>>(ATHENA_DEFAULTS_KEY);
    const out: AthenaDefaults = {
      database: typeof saved?.database === 'string' && /^[a-z0-9_]{1,255}$/.test(saved.database) ? saved.database : DEFAULT_DATABASE,
      workgroup: typeof saved?.workgroup === 'string' && /^[a-zA-Z0-9._-]{1,128}$/.test(saved.workgroup) ? saved.workgroup : 'primary',
    };
    if (typeof saved?.outputLocation === 'string' && saved.outputLocation.startsWith('s3://')) out.outputLocation = saved.outputLocation;
    return out;
  }

  private async remember(defaults: AthenaDefaults): Promise<void> {
    await this.memento?.update(ATHENA_DEFAULTS_KEY, defaults);
  }

  private async pickFolder(): Promise<{ folderId: number; name: string } | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title: 'Search CloudTrail log files in a folder',
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Search this folder',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const uri = picked?.[0];
    if (!uri || uri.scheme !== 'file') return undefined;
    this.services.log.info(`search: local log folder ${uri.fsPath}`);
    return registerFolder(uri.fsPath);
  }

  private async listTrails(profile: string, region: string): Promise<TrailOption[]> {
    return trailOptions(await this.services.aws.describeTrails({ profile, region }));
  }

  /** Shows the setup statements and what they create in ONE modal confirmation, then runs them. */
  private async createTable(profile: string, region: string, source: Extract<SearchSource, { kind: 'athena' }>): Promise<string | undefined> {
    const trail = findTrail(await this.services.aws.describeTrails({ profile, region }), source.trail);
    const plan = athenaPlanOf(trail, source);
    const target = athenaTarget(profile, trail, region);
    const detail = [
      `Profile ${profile}, Athena in ${target.region}, workgroup ${source.workgroup ?? 'primary'}.`,
      '',
      'Creates:',
      ...plan.creates.map((item) => `• ${item.kind} ${item.name}: ${item.detail}`),
      '',
      ...plan.notes,
      '',
      'Statements:',
      ...plan.statements.map((statement) => statement.sql),
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(`Create the Athena table ${plan.table.database}.${plan.table.table} for the trail ${trail.Name ?? source.trail}?`, { modal: true, detail }, 'Create table');
    if (choice !== 'Create table') return undefined;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${plan.table.database}.${plan.table.table}…` }, () =>
      this.services.aws.athenaSetup(target, plan, { ...(source.workgroup && { workgroup: source.workgroup }), ...(source.outputLocation && { outputLocation: source.outputLocation }) }),
    );
    await this.remember({ database: plan.table.database, workgroup: source.workgroup ?? 'primary', ...(source.outputLocation && { outputLocation: source.outputLocation }) });
    this.services.log.info(`search: created the Athena table ${plan.table.database}.${plan.table.table} over ${plan.table.location}`);
    return `Created ${plan.table.database}.${plan.table.table} (metadata only: nothing was copied). Search to query it.`;
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
