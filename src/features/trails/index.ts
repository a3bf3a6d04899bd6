/**
 * The Trails view: every AWS profile of the config files, its account checks and its trails with
 * their best-practice checks (src/core/posture), the actions on them (copy ARN, console, recent
 * events, one-call remediations after a modal confirmation, fix snippets) and the posture report
 * export. ./model.ts decides what each node is and looks like (pure); this file fetches, caches,
 * and turns `NodeSpec`s into TreeItems.
 *
 * No AWS call at activation: profiles are listed (from the files) when the view is first shown,
 * account ids asked of STS then, and a profile's trails are read when it is expanded — all
 * profiles in parallel, each scan with a bounded number of requests in flight (src/aws/posture).
 */
import * as vscode from 'vscode';
import { AwsError, isAwsError, type AwsProfile, type AwsServices } from '../../aws';
import { toAwsError } from '../../core/aws/errors';
import { fixSnippets, type Remediation } from '../../core/posture/remediation';
import { evaluateProfile, exportPostureReport, type ProfilePosture, type ReportFormat } from '../../core/posture/report';
import { trailKey } from '../../core/posture/api';
import type { RuleId } from '../../core/posture/model';
import { RULES } from '../../core/posture/rules';
import { Commands, Views } from '../../shared/commands';
import type { Logger } from '../../shared/log';
import { IacCommands } from '../iac/settings';
import { runFixInTerminal, showAwsError, type ActiveProfile } from '../status';
import { trailsFeed } from './feed';
import {
  REMEDIATION_COMMANDS,
  TreeCommands,
  childrenOf,
  consoleUrl,
  findFinding,
  findTrail,
  nodeId,
  parentOf,
  postureOf,
  profileNode,
  remediationOf,
  specOf,
  type ProfileState,
  type ProfileView,
  type TrailsNode,
} from './model';

export interface TrailsServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

/** A confirmation before a write: resolves true only when the user chose `action`. */
export type Confirm = (request: { readonly message: string; readonly detail: string; readonly action: string }) => Promise<boolean>;

/** Where to save the posture report: the save dialog (undefined: cancelled). */
export type SaveTarget = (options: vscode.SaveDialogOptions) => Promise<vscode.Uri | undefined>;

const saveDialog: SaveTarget = async (options) => vscode.window.showSaveDialog(options);

/** The real confirmation: a modal warning with the exact API call in its detail. */
export const modalConfirm: Confirm = async ({ message, detail, action }) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;

/**
 * Test hooks, returned by `register` only when the extension runs in test mode
 * (`ExtensionMode.Test`, i.e. under an extensionTestsPath): never to other extensions in normal use,
 * since `setConfirm` bypasses the modal. The e2e suite reaches them through the extension's API
 * (`activate()`'s return value, `testing.trails`).
 */
export interface TrailsTestHooks {
  readonly view: vscode.TreeView<TrailsNode>;
  readonly provider: vscode.TreeDataProvider<TrailsNode>;
  /** Resolves when the profile's current read has finished (at once if none runs). */
  whenLoaded(profile: string): Promise<void>;
  /** Replaces the modal confirmation of remediations (until the returned disposable is disposed). */
  setConfirm(confirm: Confirm): vscode.Disposable;
  /** Replaces the save dialog of the report export (until the returned disposable is disposed). */
  setSaveTarget(pick: SaveTarget): vscode.Disposable;
  /** Runs a tree command on a node, as a context menu would. */
  run(command: string, node: TrailsNode): Promise<void>;
}

const ACCOUNT_CONCURRENCY = 4;

/** Profiles whose account may be asked of STS without prompts or programs running (see the status bar picker). */
function quietAccount(profile: AwsProfile | undefined): boolean {
  if (!profile) return true;
  if (profile.mfaSerial) return false;
  return profile.kind === 'static' || profile.kind === 'sso' || profile.kind === 'role' || profile.kind === 'web-identity' || profile.kind === 'login';
}

interface Entry {
  readonly node: Extract<TrailsNode, { kind: 'profile' }>;
  readonly profile?: AwsProfile;
  state: ProfileState;
  controller?: AbortController;
  loading?: Promise<void>;
}

class TrailsTree implements vscode.TreeDataProvider<TrailsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TrailsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private entries = new Map<string, Entry>();
  private listing: Promise<readonly string[]> | undefined;
  private listError: string | undefined;
  private readonly accountHints = new Map<string, string>();
  private generation = 0;

  constructor(private readonly services: TrailsServices) {}

  // -- TreeDataProvider ---------------------------------------------------------------------------

  getTreeItem(node: TrailsNode): vscode.TreeItem {
    const spec = specOf(node, this.viewOf(node));
    const collapsible =
      spec.collapsible === 'none' ? vscode.TreeItemCollapsibleState.None : spec.collapsible === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(spec.label, collapsible);
    item.id = node.id;
    if (spec.description !== undefined) item.description = spec.description;
    if (spec.tooltip !== undefined) {
      const tooltip = new vscode.MarkdownString(spec.tooltip, true);
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    if (spec.icon) item.iconPath = spec.icon.color ? new vscode.ThemeIcon(spec.icon.id, new vscode.ThemeColor(spec.icon.color)) : new vscode.ThemeIcon(spec.icon.id);
    item.contextValue = spec.contextValue;
    if (spec.command) item.command = { command: spec.command.command, title: spec.command.title, arguments: [node] };
    return item;
  }

  async getChildren(node?: TrailsNode): Promise<TrailsNode[]> {
    if (!node) return this.roots();
    const entry = node.kind === 'message' ? undefined : this.entries.get(node.profile);
    if (!entry) return [];
    if (node.kind === 'profile' && entry.state.kind === 'idle') void this.load(entry);
    return childrenOf(node, this.viewOf(node));
  }

  getParent(node: TrailsNode): TrailsNode | undefined {
    const parent = parentOf(node);
    if (parent?.kind === 'profile') return this.entries.get(parent.profile)?.node ?? parent;
    return parent;
  }

  // -- Data ---------------------------------------------------------------------------------------

  private viewOf(node: TrailsNode): ProfileView | undefined {
    if (node.kind === 'message') return undefined;
    const entry = this.entries.get(node.profile);
    if (!entry) return undefined;
    const hint = this.accountHints.get(node.profile) ?? this.services.aws.knownAccountId(entry.profile ?? node.profile);
    return { profile: node.profile, ...(hint ? { accountHint: hint } : {}), active: this.services.active.current?.profile === node.profile, state: entry.state };
  }

  private async roots(): Promise<TrailsNode[]> {
    try {
      const names = await (this.listing ??= this.listProfiles());
      return names.map((name) => this.entries.get(name)?.node ?? profileNode(name));
    } catch (error) {
      this.listing = undefined;
      this.listError = error instanceof Error ? error.message : String(error);
      this.services.log.warn(`trails: reading AWS profiles failed: ${this.listError}`);
      return [{ kind: 'message', id: nodeId('message', 'profiles'), text: 'Could not read the AWS profiles', detail: this.listError }];
    }
  }

  /** Profiles from the files, plus the environment's own (AWS_PROFILE / keys) when the files lack it. */
  private async listProfiles(): Promise<readonly string[]> {
    const aws = this.services.aws;
    const profiles = await aws.listProfiles();
    const names = profiles.map((p) => p.name);
    const environment = aws.profiles.environmentProfile();
    const envKeys = !!aws.profiles.env.AWS_ACCESS_KEY_ID?.trim();
    if (!names.includes(environment) && (envKeys || aws.profiles.env.AWS_PROFILE?.trim())) names.unshift(environment);
    const byName = new Map(profiles.map((p) => [p.name, p]));
    const next = new Map<string, Entry>();
    for (const name of names) next.set(name, this.entries.get(name) ?? { node: profileNode(name), profile: byName.get(name), state: { kind: 'idle' } });
    for (const [name, entry] of this.entries) if (!next.has(name)) entry.controller?.abort();
    this.entries = next;
    this.fetchAccountIds(names, byName);
    return names;
  }

  /** Account ids for the profile descriptions, a few at a time, in the background. */
  private fetchAccountIds(names: readonly string[], byName: ReadonlyMap<string, AwsProfile>): void {
    const generation = this.generation;
    const queue = names.filter((name) => !this.services.aws.knownAccountId(byName.get(name) ?? name) && quietAccount(byName.get(name)));
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (generation !== this.generation) return;
        try {
          const account = await this.services.aws.accountId(name);
          this.accountHints.set(name, account);
          const entry = this.entries.get(name);
          if (entry && generation === this.generation) this.changed.fire(entry.node);
        } catch {
          // Shown when the profile is expanded (with its next step); nothing to say here.
        }
      }
    };
    for (let i = 0; i < ACCOUNT_CONCURRENCY; i++) void worker();
  }

  /** Reads one profile (again): state loading → ready. Concurrent calls share the read. */
  load(entry: Entry, force = false): Promise<void> {
    if (entry.loading && !force) return entry.loading;
    entry.controller?.abort();
    const controller = new AbortController();
    entry.controller = controller;
    const previous = postureOf({ profile: entry.node.profile, active: false, state: entry.state });
    entry.state = previous ? { kind: 'loading', previous } : { kind: 'loading' };
    this.changed.fire(entry.node);
    const profile = entry.node.profile;
    const started = performance.now();
    const run = (async (): Promise<void> => {
      let posture: ProfilePosture;
      try {
        const scan = await this.services.aws.scanPosture(profile, { signal: controller.signal });
        posture = evaluateProfile(scan);
      } catch (error) {
        const failure = isAwsError(error) ? error : toAwsError(error);
        if (failure.kind === 'cancelled' || controller.signal.aborted) return;
        this.services.log.error(`trails: reading profile "${profile}" failed`, error);
        posture = evaluateProfile({
          profile,
          error: { kind: failure.kind, message: failure.message, next: failure.next, ...(failure.command ? { command: failure.command } : {}), ...(failure.missingAction ? { missingAction: failure.missingAction } : {}) },
          enabledRegions: [],
          regionSource: 'static',
          regionProblems: [],
          notes: [],
          trails: [],
          fetchedAt: new Date().toISOString(),
        });
      }
      if (controller.signal.aborted || this.entries.get(profile) !== entry) return;
      entry.state = { kind: 'ready', posture };
      trailsFeed.publish(profile, posture);
      if (posture.account) this.accountHints.set(profile, posture.account);
      const ms = Math.round(performance.now() - started);
      if (posture.error) this.services.log.info(`trails: profile "${profile}": ${posture.error.kind} (${ms} ms)`);
      else this.services.log.info(`trails: profile "${profile}" (${posture.account ?? '?'}): ${posture.trails.length} trails, ${posture.summary.passed}/${posture.summary.total} checks passed (${ms} ms)`);
      this.changed.fire(entry.node);
    })().finally(() => {
      if (entry.loading === run) entry.loading = undefined;
    });
    entry.loading = run;
    void vscode.window.withProgress({ location: { viewId: Views.trails } }, () => run);
    return run;
  }

  entry(profile: string): Entry | undefined {
    return this.entries.get(profile);
  }

  /** Every profile the view lists (reading the files if needed). */
  async allEntries(): Promise<Entry[]> {
    const names = await (this.listing ??= this.listProfiles());
    return names.map((name) => this.entries.get(name)).filter((entry): entry is Entry => !!entry);
  }

  /** Reads one profile again (or, when it was never read, the next time it is expanded). */
  refreshProfile(profile: string): Promise<void> {
    const entry = this.entries.get(profile);
    trailsFeed.refreshed(profile);
    if (!entry) return Promise.resolve();
    if (entry.state.kind === 'idle') {
      this.changed.fire(entry.node);
      return Promise.resolve();
    }
    return this.load(entry, true);
  }

  /** Forgets everything and lists the profiles again; expanded profiles are read again. */
  refreshAll(): void {
    this.generation++;
    for (const entry of this.entries.values()) {
      entry.controller?.abort();
      entry.loading = undefined;
      entry.state = { kind: 'idle' };
    }
    this.accountHints.clear();
    this.listing = undefined;
    trailsFeed.refreshed();
    this.changed.fire(undefined);
  }

  whenLoaded(profile: string): Promise<void> {
    return this.entries.get(profile)?.loading ?? Promise.resolve();
  }

  fire(node?: TrailsNode): void {
    this.changed.fire(node);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.controller?.abort();
    this.changed.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

function profileOf(node: unknown): string | undefined {
  return node && typeof node === 'object' && typeof (node as { profile?: unknown }).profile === 'string' ? (node as { profile: string }).profile : undefined;
}

function isNode(value: unknown): value is TrailsNode {
  return !!value && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { id?: unknown }).id === 'string';
}

/** The node's trail (trail nodes, and checks / notes under a trail) and its profile's posture. */
function trailContext(tree: TrailsTree, node: unknown): { profile: string; posture: ProfilePosture; trail: NonNullable<ReturnType<typeof findTrail>> } | undefined {
  if (!isNode(node) || node.kind === 'message') return undefined;
  const key = node.kind === 'trail' || node.kind === 'check' || node.kind === 'note' ? node.trailKey : undefined;
  if (key === undefined) return undefined;
  const entry = tree.entry(node.profile);
  const posture = entry ? postureOf({ profile: node.profile, active: false, state: entry.state }) : undefined;
  const trail = posture ? findTrail(posture, key) : undefined;
  return posture && trail ? { profile: node.profile, posture, trail } : undefined;
}

function describeCall(remediation: Remediation): string {
  return `${remediation.call.operation} ${JSON.stringify(remediation.call.input)}`;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function register(context: vscode.ExtensionContext, services: TrailsServices): TrailsTestHooks | undefined {
  const { log, aws } = services;
  const tree = new TrailsTree(services);
  const view = vscode.window.createTreeView(Views.trails, { treeDataProvider: tree, showCollapseAll: true });
  let confirm: Confirm = modalConfirm;
  let pickSaveTarget: SaveTarget = saveDialog;

  const remediate = async (ruleId: RuleId, node: unknown): Promise<void> => {
    const found = trailContext(tree, node);
    if (!found) return;
    const { profile, trail } = found;
    const remediation = remediationOf(trail, ruleId);
    if (!remediation) {
      void vscode.window.showInformationMessage(`Nothing to change: ${RULES[ruleId].title.toLowerCase()} already passes on trail "${trail.snapshot.name}", or it cannot be changed from this account.`);
      return;
    }
    const region = remediation.region ?? trail.snapshot.homeRegion ?? '';
    const account = found.posture.account ?? 'unknown account';
    const confirmed = await confirm({
      message: `${remediation.title} on trail "${trail.snapshot.name}"?`,
      detail: [
        `CloudTrail Lens will call, as profile "${profile}" (account ${account}) in ${region}:`,
        '',
        describeCall(remediation),
        '',
        `The same change with the AWS CLI:`,
        `${remediation.cli}${profile === 'default' ? '' : ` --profile ${profile}`}`,
      ].join('\n'),
      action: remediation.title,
    });
    if (!confirmed) {
      log.info(`trails: ${remediation.call.operation} on ${trail.snapshot.arn ?? trail.snapshot.name} not confirmed`);
      return;
    }
    log.info(`trails: ${describeCall(remediation)} in ${region} as profile "${profile}" (confirmed)`);
    try {
      await vscode.window.withProgress({ location: { viewId: Views.trails } }, () => aws.applyRemediation(profile, remediation));
    } catch (error) {
      await showAwsError(error, services, `${remediation.title} on trail "${trail.snapshot.name}"`);
      return;
    }
    await tree.refreshProfile(profile);
    const after = tree.entry(profile);
    const posture = after ? postureOf({ profile, active: false, state: after.state }) : undefined;
    const status = posture ? findFinding(posture, ruleId, trailKey(trail.snapshot))?.status : undefined;
    void vscode.window.showInformationMessage(`${remediation.title}: done on trail "${trail.snapshot.name}"${status ? ` (${ruleId}: ${status})` : ''}.`);
  };

  const copyFix = async (node: unknown, format: 'cloudformation' | 'terraform'): Promise<void> => {
    if (!isNode(node) || node.kind !== 'check') return;
    const snippets = fixSnippets(node.ruleId);
    if (!snippets) return;
    await vscode.env.clipboard.writeText(snippets[format]);
    void vscode.window.setStatusBarMessage(`Copied the ${node.ruleId} fix as ${format === 'cloudformation' ? 'CloudFormation' : 'Terraform'}`, 4000);
  };

  const exportReport = async (): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await pickSaveTarget({
      title: 'Export CloudTrail Posture Report',
      saveLabel: 'Export',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `cloudtrail-posture-${today()}.md`) } : {}),
      filters: { Markdown: ['md'], JSON: ['json'] },
    });
    if (!target) return;
    const format: ReportFormat = /\.json$/i.test(target.path) ? 'json' : 'markdown';
    const entries = await tree.allEntries();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Reading every profile for the posture report…' }, () =>
      Promise.all(entries.map((entry) => (entry.state.kind === 'ready' ? Promise.resolve() : tree.load(entry)))),
    );
    const postures = entries.map((entry) => postureOf({ profile: entry.node.profile, active: false, state: entry.state })).filter((p): p is ProfilePosture => !!p);
    const text = exportPostureReport(postures, format);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    log.info(`trails: posture report (${format}, ${postures.length} profiles) written to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Posture report saved: ${vscode.workspace.asRelativePath(target)}`, 'Open').then(async (open) => {
      if (open) await vscode.window.showTextDocument(target);
    });
  };

  const guard =
    (name: string, fn: (node: unknown) => Promise<void> | void) =>
    async (node: unknown): Promise<void> => {
      try {
        await fn(node);
      } catch (error) {
        if (isAwsError(error)) await showAwsError(error, services, name);
        else {
          log.error(`trails: ${name} failed`, error);
          void vscode.window.showErrorMessage(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };

  const handlers: Record<string, (node: unknown) => Promise<void> | void> = {
    [TreeCommands.refreshProfile]: async (node) => {
      const profile = profileOf(node);
      if (profile) await tree.refreshProfile(profile);
    },
    [TreeCommands.exportReport]: exportReport,
    [TreeCommands.copyArn]: async (node) => {
      const arn = trailContext(tree, node)?.trail.snapshot.arn;
      if (!arn) return;
      await vscode.env.clipboard.writeText(arn);
      void vscode.window.setStatusBarMessage(`Copied ${arn}`, 4000);
    },
    [TreeCommands.openConsole]: async (node) => {
      const s = trailContext(tree, node)?.trail.snapshot;
      if (!s?.arn || !s.homeRegion) return;
      await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(s.arn, s.homeRegion)));
    },
    [TreeCommands.showEvents]: async (node) => {
      const found = trailContext(tree, node);
      const region = found?.trail.snapshot.homeRegion;
      if (!found || !region) return;
      // The search panel accepts { profile, region } (this trail's account and home region).
      await vscode.commands.executeCommand(Commands.searchEvents, { profile: found.profile, region });
    },
    [TreeCommands.findInIac]: async (node) => {
      const s = trailContext(tree, node)?.trail.snapshot;
      if (!s) return;
      // The IaC feature scans the workspace's infrastructure code and opens the definition.
      await vscode.commands.executeCommand(IacCommands.findTrail, { name: s.name, ...(s.arn ? { arn: s.arn } : {}) });
    },
    [TreeCommands.copyCloudFormation]: (node) => copyFix(node, 'cloudformation'),
    [TreeCommands.copyTerraform]: (node) => copyFix(node, 'terraform'),
    [TreeCommands.openRuleDocs]: async (node) => {
      if (!isNode(node) || node.kind !== 'check') return;
      await vscode.env.openExternal(vscode.Uri.parse(RULES[node.ruleId].docsUrl));
    },
    [TreeCommands.signIn]: (node) => {
      if (!isNode(node) || (node.kind !== 'step' && node.kind !== 'error') || !node.problem.command) return;
      const { problem } = node;
      const profile = node.profile;
      runFixInTerminal(new AwsError({ kind: 'sso-expired', message: problem.message, next: problem.next, command: problem.command, retry: 'none', profile }), aws);
      // When the sign-in terminal closes, read the profile again (runFixInTerminal forgot its credentials).
      const closed = vscode.window.onDidCloseTerminal((terminal) => {
        if (!terminal.name.startsWith('AWS: ')) return;
        closed.dispose();
        void tree.refreshProfile(profile);
      });
      context.subscriptions.push(closed);
    },
    [TreeCommands.copyPermission]: async (node) => {
      if (!isNode(node) || (node.kind !== 'step' && node.kind !== 'error' && node.kind !== 'note')) return;
      const action = node.problem?.missingAction;
      if (!action) return;
      await vscode.env.clipboard.writeText(action);
      void vscode.window.setStatusBarMessage(`Copied ${action}`, 4000);
    },
  };
  for (const entry of REMEDIATION_COMMANDS) handlers[entry.command] = (node) => remediate(entry.ruleId, node);

  context.subscriptions.push(
    tree,
    view,
    vscode.commands.registerCommand(Commands.refreshTrails, () => {
      log.debug('trails: refresh');
      tree.refreshAll();
    }),
    ...Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, guard(id, fn))),
    aws.onDidChange(() => tree.refreshAll()),
    services.active.onDidChange(() => tree.fire()),
  );

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    view,
    provider: tree,
    whenLoaded: (profile) => tree.whenLoaded(profile),
    setConfirm: (replacement) => {
      confirm = replacement;
      return new vscode.Disposable(() => {
        if (confirm === replacement) confirm = modalConfirm;
      });
    },
    setSaveTarget: (replacement) => {
      pickSaveTarget = replacement;
      return new vscode.Disposable(() => {
        if (pickSaveTarget === replacement) pickSaveTarget = saveDialog;
      });
    },
    run: async (command, node) => {
      const handler = handlers[command];
      if (!handler) throw new Error(`not a Trails tree command: ${command}`);
      await handler(node);
    },
  };
}
