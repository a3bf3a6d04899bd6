/**
 * Hover on an ARN or resource id in IaC, JSON, YAML, Terraform and TypeScript: "Last changed by
 * alice, 3 h ago (UpdateTrail)". Looked up only when hovered (one or two LookupEvents calls
 * through the shared pacer), cached per profile + region + id for a few minutes, cancelled when
 * the hover goes away (the CancellationToken aborts the request, even while it waits for the
 * pacer). Behind `cloudtrailLens.hover.enabled`.
 *
 * Never prompts: a profile that would ask for an MFA code or run a credential process is not
 * used from a hover (the hover says so and links "Who Changed This?", which may ask).
 * Untrusted workspaces: allowed. The lookup only reads, sends the hovered text to the user's own
 * CloudTrail endpoint (a workspace cannot redirect it: the endpoint setting is user-only and off
 * in untrusted workspaces) and happens only when the user hovers.
 */
import * as vscode from 'vscode';
import { isAwsError, type AwsServices, type AwsTarget } from '../../aws';
import { cancelledError, toAwsError } from '../../core/aws/errors';
import type { RiskFlag } from '../../core/events/risk';
import type { EventRow } from '../../core/events/record';
import { LookupCache, cacheKey } from '../../core/lookup/cache';
import { hoverSummary } from '../../core/lookup/format';
import { planForRecognised } from '../../core/lookup/plan';
import { recognise, type Recognised } from '../../core/lookup/recognise';
import type { Logger } from '../../shared/log';
import type { ActiveProfile } from '../status';
import { HOVER_SETTING, LookupCommands } from './ids';
import { runLookup } from './runner';

/** Files where ids and ARNs are worth a hover. */
export const HOVER_LANGUAGES: readonly string[] = [
  'json',
  'jsonc',
  'yaml',
  'terraform',
  'terraform-vars',
  'hcl',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
];
const CODE_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
/** Characters of context before the line (Terraform block headers). */
const LOOKBACK = 50_000;
/** A value is fresh this long: "last changed" rarely changes within minutes. */
export const HOVER_TTL_MS = 5 * 60_000;

export interface HoverResult {
  readonly latest?: { readonly row: EventRow; readonly flags: readonly RiskFlag[] };
  readonly exhausted: boolean;
  readonly scanned: number;
  readonly regions: readonly string[];
}

export interface HoverServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

/** The text around `position` (its line and what precedes it) and the position's offset in it. */
export function textAround(document: vscode.TextDocument, position: vscode.Position): { text: string; offset: number; base: number } {
  const absolute = document.offsetAt(position);
  const lineEnd = document.offsetAt(document.lineAt(position.line).range.end);
  const base = Math.max(0, absolute - LOOKBACK);
  const text = document.getText(new vscode.Range(document.positionAt(base), document.positionAt(lineEnd)));
  return { text, offset: absolute - base, base };
}

/** What is under `position`, if it can be looked up as a resource. */
export function resourceAt(document: vscode.TextDocument, position: vscode.Position): { resource: Recognised; range: vscode.Range } | undefined {
  const { text, offset, base } = textAround(document, position);
  const found = recognise(text, { offset, unquotedValues: !CODE_LANGUAGES.has(document.languageId) }).filter((item) => item.attribute === 'ResourceName');
  const resource = found[0];
  if (!resource) return undefined;
  return { resource, range: new vscode.Range(document.positionAt(base + resource.start), document.positionAt(base + resource.end)) };
}

/** Why a profile cannot be used without asking the user, or undefined when it can. */
async function interactiveProfile(aws: AwsServices, profile: string): Promise<string | undefined> {
  const profiles = await aws.listProfiles();
  const found = profiles.find((item) => item.name === profile);
  if (!found) return undefined;
  if (found.mfaSerial) return 'it asks for an MFA code';
  if (found.kind === 'process') return 'it runs a credential process';
  return undefined;
}

function whoChangedLink(resource: Recognised): string {
  const args = encodeURIComponent(JSON.stringify([{ value: resource.value }]));
  return `[Who changed this?](command:${LookupCommands.whoChanged}?${args} "Show the recent changes in a list")`;
}

export class WhoChangedHoverProvider implements vscode.HoverProvider {
  readonly cache = new LookupCache<HoverResult>({ ttlMs: HOVER_TTL_MS, errorTtlMs: 30_000, maxEntries: 200, cancelled: () => cancelledError() });

  constructor(private readonly services: HoverServices) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!vscode.workspace.getConfiguration().get<boolean>(HOVER_SETTING, true)) return undefined;
    const at = resourceAt(document, position);
    if (!at) return undefined;
    const { resource, range } = at;
    const target = this.services.active.current ?? (await this.services.active.ready);
    if (token.isCancellationRequested) return undefined;

    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.isTrusted = { enabledCommands: [LookupCommands.whoChanged] };
    markdown.appendMarkdown('$(history) **CloudTrail** · ');
    markdown.appendText(`${resource.label} ${resource.value.length > 80 ? `${resource.value.slice(0, 79)}…` : resource.value}`);
    if (resource.resourceType) markdown.appendMarkdown(' · ').appendText(resource.resourceType);
    markdown.appendMarkdown('\n\n');

    const interactive = await interactiveProfile(this.services.aws, target.profile);
    if (interactive) {
      markdown.appendText(`Not looked up from a hover: profile ${target.profile} cannot be used without you (${interactive}).`);
      markdown.appendMarkdown(`\n\n${whoChangedLink(resource)}`);
      return new vscode.Hover(markdown, range);
    }

    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const result = await this.lookup(resource, target, controller.signal);
      const summary = hoverSummary(result.latest, { now: Date.now(), regions: result.regions, exhausted: result.exhausted, scanned: result.scanned });
      markdown.appendText(summary.headline);
      if (summary.detail) markdown.appendMarkdown('  \n').appendText(summary.detail);
      if (summary.badge) markdown.appendMarkdown('  \n$(warning) ').appendText(summary.badge);
    } catch (error) {
      const failure = isAwsError(error) ? error : toAwsError(error);
      if (failure.kind === 'cancelled' || token.isCancellationRequested) return undefined;
      if (failure.kind === 'throttled') markdown.appendText('CloudTrail is busy (LookupEvents rate limit): hover again in a moment.');
      else markdown.appendMarkdown('$(error) ').appendText(`${failure.message}${failure.next ? ` ${failure.next}` : ''}`);
      this.services.log.debug(`hover lookup of ${resource.value}: ${failure.kind}: ${failure.message}`);
    } finally {
      subscription.dispose();
    }
    markdown.appendMarkdown(`\n\n${whoChangedLink(resource)} · `);
    markdown.appendText(`${target.profile} · ${target.region}`);
    return new vscode.Hover(markdown, range);
  }

  /** The newest change of a resource, from the cache or LookupEvents. */
  lookup(resource: Recognised, target: AwsTarget, signal: AbortSignal): Promise<HoverResult> {
    const account = this.services.aws.knownAccountId(target.profile);
    const plan = planForRecognised(resource, target, { account, writesOnly: true });
    const key = cacheKey(target.profile, target.region, `${plan.attribute}\u0000${plan.values.join('\u0000')}`);
    return this.cache.get(
      key,
      async (fetchSignal) => {
        const outcome = await runLookup(this.services.aws, plan, target.profile, { signal: fetchSignal, firstMatchOnly: true, maxPagesPerStream: 2, maxEvents: 1 });
        // A failed stream with nothing found is the hover's answer: an error (cached briefly).
        if (outcome.items.length === 0 && outcome.failures.length > 0) throw outcome.failures[0].error;
        const latest = outcome.items[0];
        return { latest: latest && { row: latest.row, flags: latest.flags }, exhausted: outcome.exhausted, scanned: outcome.scanned, regions: plan.regions };
      },
      signal,
    );
  }
}

export function registerHover(context: vscode.ExtensionContext, services: HoverServices): WhoChangedHoverProvider {
  const provider = new WhoChangedHoverProvider(services);
  const selector: vscode.DocumentSelector = HOVER_LANGUAGES.flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: 'untitled' },
    { language, scheme: 'vscode-remote' },
  ]);
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, provider),
    // New credentials or endpoint: what was cached may no longer be true (or visible).
    services.aws.onDidChange(() => provider.cache.clear()),
    { dispose: () => provider.cache.clear() },
  );
  return provider;
}
