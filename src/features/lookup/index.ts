/**
 * Lookups from the editor and the command palette:
 *
 *  - `cloudtrailLens.whoChanged` ("Who Changed This?"): the ARN or resource id in the selection
 *    or under the cursor → recent write events for it in the active profile and region (and
 *    us-east-1 for global services), newest first, in a quick pick;
 *  - `cloudtrailLens.lookupBy{User,AccessKey,EventId,EventName,Resource}`: validated input,
 *    recent lookups, the same results pick;
 *  - a hover on ids and ARNs: "Last changed by …" (./hover.ts).
 *
 * Every command takes an optional argument `{ value?: string, headless?: boolean }`: `value`
 * skips the editor / the input (the hover's "Who changed this?" link passes it); `headless`
 * runs the same path but returns the results instead of showing them (`HeadlessResult`) — the
 * e2e tests use it to read what the quick pick would list.
 */
import * as vscode from 'vscode';
import type { AwsTarget } from '../../aws';
import { eventPickFields, plainText, searchArgument, type SearchArgument } from '../../core/lookup/format';
import { planForRecognised, type LookupKind, type LookupPlan } from '../../core/lookup/plan';
import { recognise, type Recognised } from '../../core/lookup/recognise';
import { registerHover, textAround } from './hover';
import { LookupCommands } from './ids';
import { RecentLookups, chooseValue, planForPalette, type LookupServices } from './palette';
import { showResults } from './results';
import { runLookup } from './runner';

export { LookupCommands, HOVER_SETTING } from './ids';
export type { LookupServices } from './palette';

/** What a command returns with `{ headless: true }`. */
export interface HeadlessResult {
  readonly profile: string;
  readonly subject?: string;
  readonly attribute?: string;
  readonly values?: readonly string[];
  readonly regions?: readonly string[];
  readonly notes?: readonly string[];
  /** The quick pick items, newest first. */
  readonly items: readonly { label: string; description: string; detail: string; badge?: string; eventId: string; eventName: string; time: number }[];
  readonly failures: readonly { region: string; kind: string; message: string }[];
  readonly exhausted: boolean;
  readonly search?: SearchArgument;
  /** Why nothing was looked up (nothing recognised, invalid value). */
  readonly error?: string;
}

interface CommandArgument {
  readonly value?: string;
  readonly headless: boolean;
}

/** The argument of a command, read defensively: menus pass a Uri, links pass JSON. */
function commandArgument(raw: unknown): CommandArgument {
  if (raw === null || typeof raw !== 'object' || raw instanceof vscode.Uri) return { headless: false };
  const record = raw as Record<string, unknown>;
  const value = typeof record.value === 'string' && record.value.trim() !== '' && record.value.length <= 4096 ? record.value : undefined;
  return { value, headless: record.headless === true };
}

const ATTRIBUTE_KIND: Readonly<Record<Recognised['attribute'], LookupKind>> = {
  ResourceName: 'resource',
  Username: 'user',
  AccessKeyId: 'accessKey',
  EventId: 'eventId',
};

/** A resource name the recogniser did not type: looked up as written. */
function rawResource(value: string): Recognised {
  return { kind: 'name', value, label: 'resource', attribute: 'ResourceName', lookupValues: [value], start: 0, end: value.length };
}

class LookupFeature {
  readonly recent: RecentLookups;

  constructor(
    context: vscode.ExtensionContext,
    private readonly services: LookupServices,
  ) {
    this.recent = new RecentLookups(context.globalState);
  }

  private async target(): Promise<AwsTarget> {
    return this.services.active.current ?? (await this.services.active.ready);
  }

  /** The identifier the command is about: the argument, the selection, or what is under the cursor. */
  private async resourceFromEditor(argument: CommandArgument): Promise<Recognised | { error: string } | undefined> {
    if (argument.value !== undefined) {
      const value = argument.value.trim();
      const found = recognise(value);
      const whole = found.find((item) => item.start === 0 && item.end === value.length);
      return whole ?? found[0] ?? rawResource(value);
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return { error: 'No editor: select an ARN or resource id in a file, or use "CloudTrail: Look Up Events by Resource".' };
    const { document, selection } = editor;
    const code = /^(typescript|javascript)(react)?$/.test(document.languageId);
    if (!selection.isEmpty) {
      const text = document.getText(selection);
      const found = recognise(text, { unquotedValues: !code });
      if (found.length === 1 || (found.length > 1 && argument.headless)) return found[0];
      if (found.length > 1) {
        const choice = await vscode.window.showQuickPick(
          found.map((item) => ({ label: plainText(item.value, 120), description: item.resourceType ?? item.label, item })),
          { title: 'Who Changed This? — the selection names several resources', placeHolder: 'Choose one' },
        );
        return choice?.item;
      }
      const trimmed = text.trim();
      if (trimmed !== '' && !/[\r\n]/.test(trimmed) && trimmed.length <= 2000) return rawResource(trimmed);
      return { error: 'The selection is not a resource name, id or ARN.' };
    }
    const { text, offset } = textAround(document, selection.active);
    const found = recognise(text, { offset, unquotedValues: !code });
    if (found[0]) return found[0];
    const word = document.getWordRangeAtPosition(selection.active, /[A-Za-z0-9_.:/@+=,-]+/);
    const message = 'No ARN or resource id at the cursor. Select the resource name and run "Who Changed This?" again.';
    if (!word || argument.headless) return { error: message };
    const value = document.getText(word);
    const lookUp = `Look Up "${value.length > 40 ? `${value.slice(0, 39)}…` : value}"`;
    const choice = await vscode.window.showInformationMessage(message, lookUp);
    return choice === lookUp ? rawResource(value) : undefined;
  }

  async whoChanged(raw: unknown): Promise<HeadlessResult | undefined> {
    const argument = commandArgument(raw);
    const resource = await this.resourceFromEditor(argument);
    const target = await this.target();
    if (!resource) return undefined;
    if ('error' in resource) {
      if (argument.headless) return { profile: target.profile, items: [], failures: [], exhausted: false, error: resource.error };
      void vscode.window.showInformationMessage(resource.error);
      return undefined;
    }
    const plan = planForRecognised(resource, target, { account: this.services.aws.knownAccountId(target.profile) });
    await this.recent.add({ kind: ATTRIBUTE_KIND[resource.attribute], value: resource.value, at: Date.now(), profile: target.profile, region: target.region, resourceType: resource.resourceType });
    return this.present(plan, target, argument.headless, false);
  }

  async lookupBy(kind: LookupKind, raw: unknown): Promise<HeadlessResult | undefined> {
    const argument = commandArgument(raw);
    const target = await this.target();
    const chosen = await chooseValue(kind, this.recent, argument.value);
    if (!chosen) return undefined;
    if ('error' in chosen) {
      if (argument.headless) return { profile: target.profile, items: [], failures: [], exhausted: false, error: chosen.error };
      void vscode.window.showWarningMessage(chosen.error);
      return undefined;
    }
    const plan = planForPalette(kind, chosen.value, target, this.services.aws.knownAccountId(target.profile));
    await this.recent.add({ kind, value: chosen.value, at: Date.now(), profile: target.profile, region: target.region, resourceType: plan.resourceType });
    return this.present(plan, target, argument.headless, kind === 'eventId');
  }

  private async present(plan: LookupPlan, target: AwsTarget, headless: boolean, openSingle: boolean): Promise<HeadlessResult | undefined> {
    if (!headless) {
      await showResults(this.services, plan, target, { openSingle });
      return undefined;
    }
    const outcome = await runLookup(this.services.aws, plan, target.profile);
    const now = Date.now();
    return {
      profile: target.profile,
      subject: plan.subject,
      attribute: plan.attribute,
      values: plan.values,
      regions: plan.regions,
      notes: plan.notes,
      items: outcome.items.map((item) => ({ ...eventPickFields(item.row, item.flags, now), eventName: item.row.eventName, time: item.row.time })),
      failures: outcome.failures.map((failure) => ({ region: failure.region, kind: failure.error.kind, message: failure.error.message })),
      exhausted: outcome.exhausted,
      search: searchArgument(plan, target),
    };
  }
}

/** Registers the lookup commands and the hover. */
export function register(context: vscode.ExtensionContext, services: LookupServices): void {
  const feature = new LookupFeature(context, services);
  const guard =
    (what: string, run: (raw: unknown) => Promise<HeadlessResult | undefined>) =>
    async (raw: unknown): Promise<HeadlessResult | undefined> => {
      try {
        return await run(raw);
      } catch (error) {
        // The quick pick reports AWS errors itself; this is the last line against anything else.
        services.log.error(`${what} failed`, error);
        if (commandArgument(raw).headless) throw error;
        void vscode.window.showErrorMessage(`CloudTrail: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
  context.subscriptions.push(
    vscode.commands.registerCommand(LookupCommands.whoChanged, guard('Who Changed This?', (raw) => feature.whoChanged(raw))),
    vscode.commands.registerCommand(LookupCommands.lookupByUser, guard('Look up by user', (raw) => feature.lookupBy('user', raw))),
    vscode.commands.registerCommand(LookupCommands.lookupByAccessKey, guard('Look up by access key', (raw) => feature.lookupBy('accessKey', raw))),
    vscode.commands.registerCommand(LookupCommands.lookupByEventId, guard('Look up by event id', (raw) => feature.lookupBy('eventId', raw))),
    vscode.commands.registerCommand(LookupCommands.lookupByEventName, guard('Look up by event name', (raw) => feature.lookupBy('eventName', raw))),
    vscode.commands.registerCommand(LookupCommands.lookupByResource, guard('Look up by resource', (raw) => feature.lookupBy('resource', raw))),
  );
  registerHover(context, services);
}
