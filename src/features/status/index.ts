/**
 * The status bar item "$(cloud) profile · region": the active AWS profile and region of the
 * extension. Clicking it picks a profile (with account ids, fetched when the picker opens — never
 * at activation) and then a region. The choice is kept in globalState; other features read
 * `active.current` and listen to `active.onDidChange`.
 */
import * as vscode from 'vscode';
import type { AwsProfile, AwsServices, AwsTarget } from '../../aws';
import { shortProblem } from '../../core/aws/errors';
import { hasEnvironmentKeys, PROFILE_KIND_LABELS } from '../../core/aws/profiles';
import { AWS_REGIONS } from '../../core/aws/regions';
import type { Logger } from '../../shared/log';
import { showAwsError } from './errors';

export { createAwsServices, trustedEndpointSetting, ENDPOINT_SETTING } from './aws-services';
export { showAwsError, isReportable, runFixInTerminal } from './errors';

export const SELECT_PROFILE_COMMAND = 'cloudtrailLens.selectProfile';
const STATE_KEY = 'cloudtrailLens.activeProfile';
/** Account ids asked of STS at once while the picker is open. */
const ACCOUNT_CONCURRENCY = 4;

export interface StatusServices {
  readonly log: Logger;
  readonly aws: AwsServices;
}

/** The active profile and region, for every feature. */
export interface ActiveProfile {
  /** Undefined only until the profile files were read the first time (see `ready`). */
  readonly current: AwsTarget | undefined;
  /** Resolves with the first `current`. */
  readonly ready: Promise<AwsTarget>;
  readonly onDidChange: vscode.Event<AwsTarget>;
  /** Opens the profile picker, then the region picker. Resolves with the new target, or undefined if dismissed. */
  pick(): Promise<AwsTarget | undefined>;
  /** Sets the target directly (e.g. from a search panel). */
  set(target: AwsTarget): Promise<void>;
}

function isTarget(value: unknown): value is AwsTarget {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<string, unknown>).profile === 'string' &&
    typeof (value as Record<string, unknown>).region === 'string' &&
    (value as AwsTarget).profile !== '' &&
    (value as AwsTarget).region !== ''
  );
}

/** Profiles whose account may be asked of STS without side effects (no prompts, no programs run). */
function canAskAccount(profile: AwsProfile | undefined): boolean {
  if (!profile) return true; // the environment's own credentials
  if (profile.mfaSerial) return false;
  return profile.kind === 'static' || profile.kind === 'sso' || profile.kind === 'role' || profile.kind === 'web-identity' || profile.kind === 'login';
}

interface ProfileItem extends vscode.QuickPickItem {
  readonly profile: string;
}

class ActiveProfileController implements ActiveProfile, vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<AwsTarget>();
  readonly onDidChange = this.changed.event;
  private target: AwsTarget | undefined;
  readonly ready: Promise<AwsTarget>;
  private disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: StatusServices,
  ) {
    this.item = vscode.window.createStatusBarItem('cloudtrailLens.profile', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'CloudTrail Lens: AWS profile';
    this.item.command = SELECT_PROFILE_COMMAND;
    this.item.text = '$(cloud) AWS';
    this.item.tooltip = 'CloudTrail Lens: choose the AWS profile and region';
    this.item.show();
    // Reading the profile files happens after activation returns, and no AWS call is made.
    this.ready = this.initialise();
    this.disposables.push(
      this.item,
      this.changed,
      services.aws.onDidChange(() => void this.revalidate()),
    );
  }

  get current(): AwsTarget | undefined {
    return this.target;
  }

  async set(target: AwsTarget): Promise<void> {
    const same = this.target?.profile === target.profile && this.target.region === target.region;
    this.target = { profile: target.profile, region: target.region };
    await this.context.globalState.update(STATE_KEY, this.target);
    this.render();
    if (!same) this.changed.fire(this.target);
  }

  async pick(): Promise<AwsTarget | undefined> {
    const profile = await this.pickProfile();
    if (!profile) return undefined;
    const region = await this.pickRegion(profile);
    if (!region) return undefined;
    await this.set({ profile, region });
    return this.target;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async initialise(): Promise<AwsTarget> {
    const stored = this.context.globalState.get<unknown>(STATE_KEY);
    let target: AwsTarget;
    try {
      target = isTarget(stored) ? stored : await this.services.aws.defaultTarget();
    } catch (error) {
      this.services.log.warn(`reading AWS profiles failed: ${error instanceof Error ? error.message : String(error)}`);
      target = { profile: this.services.aws.profiles.environmentProfile(), region: 'us-east-1' };
    }
    this.target ??= target;
    this.render();
    return this.target;
  }

  /** After the files changed: a deleted profile falls back to the environment's default. */
  private async revalidate(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const profiles = await this.services.aws.listProfiles();
    const exists = profiles.some((profile) => profile.name === target.profile) || target.profile === this.services.aws.profiles.environmentProfile();
    if (!exists) {
      this.services.log.info(`AWS profile "${target.profile}" is gone; using the default profile`);
      await this.set(await this.services.aws.defaultTarget());
    } else {
      this.render();
    }
  }

  private render(): void {
    const target = this.target;
    if (!target) return;
    this.item.text = `$(cloud) ${target.profile} · ${target.region}`;
    const account = this.services.aws.knownAccountId(target.profile);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = false;
    tooltip.appendMarkdown('**CloudTrail Lens** — AWS profile\n\n');
    const lines = [`Profile: ${target.profile}`, `Region: ${target.region}`];
    if (account) lines.push(`Account: ${account}`);
    if (this.services.aws.endpointOverride) lines.push(`Endpoint: ${this.services.aws.endpointOverride}`);
    for (const line of lines) {
      tooltip.appendText(line);
      tooltip.appendMarkdown('  \n');
    }
    tooltip.appendMarkdown('\nClick to choose another profile or region.');
    this.item.tooltip = tooltip;
  }

  private async pickProfile(): Promise<string | undefined> {
    const aws = this.services.aws;
    const profiles = await aws.listProfiles();
    const environment = aws.profiles.environmentProfile();
    const byName = new Map(profiles.map((profile) => [profile.name, profile]));
    const names = [...profiles.map((profile) => profile.name)];
    if (!byName.has(environment)) names.unshift(environment);
    if (names.length === 0) return undefined;

    const notes = new Map<string, string>();
    const describe = (name: string): ProfileItem => {
      const profile = byName.get(name);
      const account = notes.get(name) ?? aws.knownAccountId(profile ?? name);
      const parts = [account, profile ? PROFILE_KIND_LABELS[profile.kind] : 'environment', profile?.region].filter((part): part is string => !!part);
      return {
        profile: name,
        label: name === this.target?.profile ? `$(check) ${name}` : name,
        description: parts.join(' · '),
        detail: profile?.ssoStartUrl ?? (profile?.roleArn ? `role ${profile.roleArn}` : undefined),
      };
    };

    const quickPick = vscode.window.createQuickPick<ProfileItem>();
    quickPick.title = 'AWS profile (1/2)';
    quickPick.placeholder = `Profile from ${aws.profiles.configFile}`;
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.items = names.map(describe);
    quickPick.activeItems = quickPick.items.filter((item) => item.profile === this.target?.profile);
    quickPick.busy = true;
    const controller = new AbortController();

    // Account ids, a few at a time, while the picker is open.
    const queue = names.filter((name) => !aws.knownAccountId(byName.get(name) ?? name) && canAskAccount(byName.get(name)));
    const refresh = (): void => {
      const active = quickPick.activeItems[0]?.profile;
      quickPick.items = names.map(describe);
      quickPick.activeItems = quickPick.items.filter((item) => item.profile === active);
    };
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined && !controller.signal.aborted; name = queue.shift()) {
        try {
          notes.set(name, await aws.accountId(name, { signal: controller.signal }));
        } catch (error) {
          const kind = (error as { kind?: string }).kind;
          if (kind === 'cancelled') return;
          notes.set(name, `$(warning) ${shortProblem(kind) ?? 'unavailable'}`);
        }
        if (!controller.signal.aborted) refresh();
      }
    };
    void Promise.all(Array.from({ length: ACCOUNT_CONCURRENCY }, worker)).finally(() => {
      if (!controller.signal.aborted) quickPick.busy = false;
    });

    const chosen = await new Promise<string | undefined>((resolve) => {
      quickPick.onDidAccept(() => {
        resolve(quickPick.selectedItems[0]?.profile);
        quickPick.hide();
      });
      quickPick.onDidHide(() => resolve(undefined));
      quickPick.show();
    });
    controller.abort();
    quickPick.dispose();
    this.render();
    return chosen;
  }

  private async pickRegion(profile: string): Promise<string | undefined> {
    const preferred = await this.services.aws.profiles.defaultRegion(profile);
    const current = this.target?.profile === profile ? this.target.region : undefined;
    const ordered = [...AWS_REGIONS].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
    const items: (vscode.QuickPickItem & { region: string })[] = ordered.map((region) => ({
      region: region.id,
      label: region.id === current ? `$(check) ${region.id}` : region.id,
      description: [region.name, region.id === preferred ? 'profile default' : '', region.optIn ? 'opt-in' : ''].filter(Boolean).join(' · '),
    }));
    if (!items.some((item) => item.region === preferred)) items.unshift({ region: preferred, label: preferred, description: 'profile default' });
    const choice = await vscode.window.showQuickPick(items, { title: `Region for "${profile}" (2/2)`, placeHolder: preferred, matchOnDescription: true });
    return choice?.region;
  }
}

/**
 * Registers the status bar item and the `cloudtrailLens.selectProfile` command. Returns the
 * active profile for the other features.
 */
export function register(context: vscode.ExtensionContext, services: StatusServices): ActiveProfile {
  const controller = new ActiveProfileController(context, services);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(SELECT_PROFILE_COMMAND, async () => {
      try {
        const profiles = await services.aws.listProfiles();
        if (profiles.length === 0 && !hasEnvironmentKeys(services.aws.profiles.env)) {
          void vscode.window.showInformationMessage(`No AWS profiles found in ${services.aws.profiles.configFile}. Create one with \`aws configure\` or \`aws configure sso\`.`);
          return;
        }
        await controller.pick();
      } catch (error) {
        await showAwsError(error, services, 'Choosing an AWS profile');
      }
    }),
  );
  return controller;
}
