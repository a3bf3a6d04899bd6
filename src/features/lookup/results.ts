/**
 * The results of a lookup in a quick pick: events arrive page by page (busy while LookupEvents
 * is paged through the pacer), newest first; choosing one opens its record; the title button
 * opens the full search pre-filled; each event has a button that copies the AWS CLI command
 * fetching it. Closing the pick cancels the lookup.
 */
import * as vscode from 'vscode';
import type { AwsServices, AwsTarget } from '../../aws';
import { awsCliEventCommand } from '../../core/events/format';
import { eventPickFields, pickTitle, plainText, recordDocument, searchArgument, type EventPickFields, type SearchArgument } from '../../core/lookup/format';
import type { LookupPlan } from '../../core/lookup/plan';
import type { Logger } from '../../shared/log';
import { isReportable, showAwsError } from '../status';
import { OPEN_EVENT_COMMAND, SEARCH_EVENTS_COMMAND } from './ids';
import { runLookup, type FlaggedItem, type LookupOutcome, type RunOptions } from './runner';

export interface ResultServices {
  readonly log: Logger;
  readonly aws: AwsServices;
}

type ResultItem = vscode.QuickPickItem &
  ({ readonly action: 'event'; readonly event: FlaggedItem } | { readonly action: 'search' } | { readonly action: 'none' });

const SEARCH_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('search'), tooltip: 'Open in Search Events (pre-filled)' };
const COPY_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy the AWS CLI command that fetches this event' };

/** Opens an event's record: in the search panel when it offers `openEvent`, else as a JSON document. */
export async function openEventDetail(item: FlaggedItem, target: AwsTarget): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes(OPEN_EVENT_COMMAND)) {
    await vscode.commands.executeCommand(OPEN_EVENT_COMMAND, { profile: target.profile, region: item.region, eventId: item.row.eventId, record: item.record });
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: recordDocument(item.record) });
  await vscode.window.showTextDocument(document, { preview: true });
}

export async function openSearch(argument: SearchArgument): Promise<void> {
  await vscode.commands.executeCommand(SEARCH_EVENTS_COMMAND, argument);
}

function eventItem(event: FlaggedItem, now: number): ResultItem {
  const fields: EventPickFields = eventPickFields(event.row, event.flags, now);
  return { action: 'event', event, label: fields.label, description: fields.description, detail: fields.detail, buttons: [COPY_BUTTON] };
}

function emptyItem(plan: LookupPlan, outcome: LookupOutcome): ResultItem {
  const where = plan.regions.join(', ');
  if (outcome.exhausted) {
    return {
      action: 'none',
      label: plan.writesOnly ? '$(info) No changes found' : '$(info) No events found',
      detail: `Nothing in the last 90 days of event history in ${where}. Event history holds management events only (data events, e.g. S3 object reads, need a trail).`,
    };
  }
  return { action: 'search', label: '$(search) Nothing among the newest events — search further', detail: `Read ${outcome.scanned} events in ${where}; older ones may match. Opens Search Events.` };
}

function failureItems(outcome: LookupOutcome): ResultItem[] {
  return outcome.failures.map((failure) => ({
    action: 'none' as const,
    label: failure.error.kind === 'throttled' ? `$(watch) ${failure.region}: paused by the rate limit` : `$(error) ${failure.region}: ${plainText(failure.error.message, 100)}`,
    detail: plainText(failure.error.next || '', 200) || undefined,
  }));
}

/**
 * Shows the lookup's results in a quick pick while it runs. Resolves when the pick closes.
 * `openSingle`: when the finished lookup found exactly one event, open it directly (event ids).
 */
export async function showResults(services: ResultServices, plan: LookupPlan, target: AwsTarget, options: { openSingle?: boolean; run?: Omit<RunOptions, 'signal' | 'onProgress'> } = {}): Promise<void> {
  const controller = new AbortController();
  const pick = vscode.window.createQuickPick<ResultItem>();
  const search = searchArgument(plan, target);
  pick.title = pickTitle(plan, target);
  pick.placeholder = plan.notes.length > 0 ? plainText(plan.notes.join(' '), 240) : 'Newest first · choose an event to open its record';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.buttons = [SEARCH_BUTTON];
  let events: readonly FlaggedItem[] = [];
  const render = (extra: ResultItem[] = []): void => {
    const active = pick.activeItems[0];
    const activeId = active?.action === 'event' ? active.event.row.eventId : undefined;
    const now = Date.now();
    pick.items = [...events.map((event) => eventItem(event, now)), ...extra];
    const again = pick.items.find((item) => item.action === 'event' && item.event.row.eventId === activeId);
    if (again) pick.activeItems = [again];
  };

  const closed = new Promise<void>((resolve) => {
    pick.onDidHide(() => {
      controller.abort();
      pick.dispose();
      resolve();
    });
  });
  pick.onDidTriggerButton(() => {
    pick.hide();
    void openSearch(search);
  });
  pick.onDidTriggerItemButton((event) => {
    if (event.item.action !== 'event') return;
    const command = awsCliEventCommand(event.item.event.row.eventId, { profile: target.profile, region: event.item.event.region });
    void vscode.env.clipboard.writeText(command).then(() => vscode.window.setStatusBarMessage('AWS CLI command copied', 3000));
  });
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0];
    if (!chosen || chosen.action === 'none') return;
    pick.hide();
    if (chosen.action === 'search') void openSearch(search);
    else void openEventDetail(chosen.event, target).catch((error: unknown) => services.log.error('opening the event failed', error));
  });
  pick.show();

  try {
    const outcome = await runLookup(services.aws, plan, target.profile, {
      ...options.run,
      signal: controller.signal,
      onProgress: (items) => {
        if (controller.signal.aborted) return;
        events = items;
        render();
      },
    });
    if (controller.signal.aborted) return; // closed meanwhile (the runner stopped; nothing to show)
    events = outcome.items;
    pick.busy = false;
    const extra = failureItems(outcome);
    if (events.length === 0 && extra.length === 0) extra.push(emptyItem(plan, outcome));
    else if (!outcome.exhausted && outcome.failures.length === 0) extra.push({ action: 'search', label: '$(search) More in Search Events…', detail: 'Only the newest events were read here.' });
    render(extra);
    services.log.info(`lookup ${plan.attribute}: ${outcome.items.length} event(s) of ${outcome.scanned} read in ${plan.regions.join(', ')}`);
    if (options.openSingle && events.length === 1 && outcome.failures.length === 0 && !controller.signal.aborted) {
      pick.hide();
      await openEventDetail(events[0], target);
    } else if (events.length === 0) {
      const failure = outcome.failures.find((item) => isReportable(item.error));
      if (failure) void showAwsError(failure.error, services, `Looking up ${plan.subject}`);
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    pick.busy = false;
    if (isReportable(error)) {
      render([{ action: 'none', label: `$(error) ${plainText(error instanceof Error ? error.message : String(error), 120)}` }]);
      void showAwsError(error, services, `Looking up ${plan.subject}`);
    }
  } finally {
    await closed;
  }
}
