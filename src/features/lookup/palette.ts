/**
 * Lookups from the command palette — by user, access key, event id, event name, resource — with
 * the recent lookups of that kind first (globalState, most recent first, at most 20, a "clear"
 * item). A typed value is validated in the input box before anything is sent.
 */
import * as vscode from 'vscode';
import type { AwsServices, AwsTarget } from '../../aws';
import { relativeTime } from '../../core/events/format';
import { plainText } from '../../core/lookup/format';
import { addRecent, parseRecent, recentOfKind, removeRecent, type RecentLookup } from '../../core/lookup/history';
import { planForRecognised, planForValue, type LookupKind, type LookupPlan } from '../../core/lookup/plan';
import { recognise } from '../../core/lookup/recognise';
import { validateAccessKeyId, validateEventId, validateEventName, validateResourceName, validateUsername, type Validation } from '../../core/lookup/validate';
import type { Logger } from '../../shared/log';
import type { ActiveProfile } from '../status';
import { RECENT_STATE_KEY } from './ids';

export interface LookupServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

interface KindInfo {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder: string;
  readonly validate: (input: string) => Validation;
}

export const KIND_INFO: Readonly<Record<LookupKind, KindInfo>> = {
  user: {
    title: 'CloudTrail: Look Up Events by User',
    prompt: 'An IAM user name, a role session name, root — or a user / assumed-role ARN',
    placeholder: 'alice',
    validate: validateUsername,
  },
  accessKey: {
    title: 'CloudTrail: Look Up Events by Access Key',
    prompt: 'An access key ID: AKIA… (long-term) or ASIA… (temporary), 20 characters',
    placeholder: 'AKIAIOSFODNN7EXAMPLE',
    validate: validateAccessKeyId,
  },
  eventId: {
    title: 'CloudTrail: Look Up Event by Event ID',
    prompt: 'The eventID of a record: a UUID',
    placeholder: '8f4a5c2e-1b3d-4e5f-9a8b-7c6d5e4f3a2b',
    validate: validateEventId,
  },
  eventName: {
    title: 'CloudTrail: Look Up Events by Event Name',
    prompt: 'The API action, e.g. StopLogging, ConsoleLogin, PutBucketPolicy',
    placeholder: 'StopLogging',
    validate: validateEventName,
  },
  resource: {
    title: 'CloudTrail: Look Up Events by Resource',
    prompt: 'A resource name, id or ARN: sg-0123456789abcdef0, my-bucket, arn:aws:iam::123456789012:role/deploy',
    placeholder: 'sg-0123456789abcdef0',
    validate: validateResourceName,
  },
};

/** The recent lookups in globalState (validated on every read: the state is not ours alone to trust). */
export class RecentLookups {
  constructor(private readonly memento: vscode.Memento) {}

  all(): RecentLookup[] {
    return parseRecent(this.memento.get<unknown>(RECENT_STATE_KEY));
  }

  async add(entry: RecentLookup): Promise<void> {
    await this.memento.update(RECENT_STATE_KEY, addRecent(this.all(), entry));
  }

  async remove(entry: RecentLookup): Promise<void> {
    await this.memento.update(RECENT_STATE_KEY, removeRecent(this.all(), entry));
  }

  async clear(): Promise<void> {
    await this.memento.update(RECENT_STATE_KEY, []);
  }
}

type RecentItem = vscode.QuickPickItem & ({ readonly action: 'new' } | { readonly action: 'clear' } | { readonly action: 'recent'; readonly entry: RecentLookup });

const REMOVE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Remove from recent lookups' };

/**
 * The recent lookups of a kind, then "New lookup…" and "Clear". Resolves with the value to look
 * up (a recent one, or `{ typed }` to open the input box with what was typed), or undefined.
 */
async function pickRecent(kind: LookupKind, recent: RecentLookups): Promise<{ entry: RecentLookup } | { typed: string } | undefined> {
  const entries = recentOfKind(recent.all(), kind);
  if (entries.length === 0) return { typed: '' };
  const pick = vscode.window.createQuickPick<RecentItem>();
  pick.title = KIND_INFO[kind].title;
  pick.placeholder = 'Type a new value, or choose a recent lookup';
  const build = (list: RecentLookup[]): RecentItem[] => {
    const now = Date.now();
    return [
      { action: 'new', label: '$(add) New lookup…', alwaysShow: true },
      { action: 'new', label: 'Recent', kind: vscode.QuickPickItemKind.Separator },
      ...list.map(
        (entry): RecentItem => ({
          action: 'recent',
          entry,
          label: plainText(entry.value, 120),
          description: [relativeTime(entry.at, now), entry.profile, entry.region].filter(Boolean).join(' · '),
          detail: entry.resourceType,
          buttons: [REMOVE_BUTTON],
        }),
      ),
      { action: 'new', label: '', kind: vscode.QuickPickItemKind.Separator },
      { action: 'clear', label: '$(clear-all) Clear recent lookups', alwaysShow: true },
    ];
  };
  pick.items = build(entries);
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: { entry: RecentLookup } | { typed: string } | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      pick.hide();
    };
    pick.onDidTriggerItemButton((event) => {
      if (event.item.action !== 'recent') return;
      const entry = event.item.entry;
      void recent.remove(entry).then(() => {
        const left = recentOfKind(recent.all(), kind);
        if (left.length === 0) finish({ typed: pick.value });
        else pick.items = build(left);
      });
    });
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (!chosen || chosen.action === 'new') finish({ typed: pick.value });
      else if (chosen.action === 'recent') finish({ entry: chosen.entry });
      else {
        void recent.clear().then(() => vscode.window.setStatusBarMessage('CloudTrail: recent lookups cleared', 3000));
        finish(undefined);
      }
    });
    pick.onDidHide(() => {
      finish(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** The input box for a kind, validating as the user types. Resolves with the validated value. */
async function askValue(kind: LookupKind, initial: string): Promise<string | undefined> {
  const info = KIND_INFO[kind];
  const answer = await vscode.window.showInputBox({
    title: info.title,
    prompt: info.prompt,
    placeHolder: info.placeholder,
    value: initial,
    ignoreFocusOut: true,
    validateInput: (input): vscode.InputBoxValidationMessage | undefined => {
      if (input.trim() === '') return undefined; // no message before anything was typed
      const result = info.validate(input);
      if (!result.ok) return { message: result.message, severity: vscode.InputBoxValidationSeverity.Error };
      return result.note ? { message: result.note, severity: vscode.InputBoxValidationSeverity.Info } : undefined;
    },
  });
  if (answer === undefined) return undefined;
  const result = info.validate(answer);
  return result.ok ? result.value : undefined;
}

/** The plan for a validated palette value (resource values are recognised: an ARN knows its region). */
export function planForPalette(kind: LookupKind, value: string, target: AwsTarget, account: string | undefined): LookupPlan {
  if (kind === 'resource') {
    const found = recognise(value);
    const whole = found.length === 1 && found[0].start === 0 && found[0].end === value.length ? found[0] : undefined;
    if (whole && whole.attribute === 'ResourceName') return planForRecognised(whole, target, { account, writesOnly: false });
  }
  return planForValue(kind, value, target, { account });
}

/**
 * Asks for the value of a lookup (recent lookups, then the input box). Resolves with the
 * validated value, or undefined when the user cancelled. `preset` skips the asking (a value
 * given to the command); it is validated all the same.
 */
export async function chooseValue(kind: LookupKind, recent: RecentLookups, preset?: string): Promise<{ value: string } | { error: string } | undefined> {
  if (preset !== undefined) {
    const result = KIND_INFO[kind].validate(preset);
    return result.ok ? { value: result.value } : { error: result.message };
  }
  const picked = await pickRecent(kind, recent);
  if (!picked) return undefined;
  if ('entry' in picked) return { value: picked.entry.value };
  const value = await askValue(kind, picked.typed);
  return value === undefined ? undefined : { value };
}
