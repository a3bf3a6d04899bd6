/**
 * Text for the lookup UI: quick pick items (who, what, when, from where), the hover's one line,
 * the search panel's pre-filled query, and the record as a document.
 *
 * Event fields are attacker-controlled. Quick pick labels render `$(name)` as icons, so such
 * sequences in event values are broken up; control characters and line breaks become spaces;
 * long values are shortened. Hover text goes through MarkdownString.appendText in the adapter.
 */
import { relativeTime, formatTimestamp } from '../events/format';
import type { RiskFlag, RiskLevel } from '../events/risk';
import type { LookupAttributeKey } from '../events/query';
import type { EventRow } from '../events/record';
import type { LookupPlan, LookupTargetRef } from './plan';

const ZERO_WIDTH_SPACE = '\u200b';

/** Safe for a quick pick label/description/detail: one line, no icon syntax, bounded length. */
export function plainText(value: string, max = 120): string {
  const oneLine = value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/\$\(/g, `$${ZERO_WIDTH_SPACE}(`);
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

const LEVEL_LABEL: Readonly<Record<RiskLevel, string>> = { high: 'High risk', medium: 'Medium risk', low: 'Low risk' };
const LEVEL_RANK: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

/** "High risk: CloudTrail logging stopped" for the most severe flag, or undefined. */
export function riskBadge(flags: readonly RiskFlag[]): string | undefined {
  let top: RiskFlag | undefined;
  for (const flag of flags) if (!top || LEVEL_RANK[flag.level] > LEVEL_RANK[top.level]) top = flag;
  if (!top) return undefined;
  const more = flags.length > 1 ? ` (+${flags.length - 1})` : '';
  return `${LEVEL_LABEL[top.level]}: ${top.title}${more}`;
}

export interface EventPickFields {
  /** The event name. */
  readonly label: string;
  /** `user · 3 h ago` */
  readonly description: string;
  /** `[⚠ risk badge · ]source IP · region[ · error]` */
  readonly detail: string;
  /** The risk badge text alone (also inside `detail`), when the event is flagged. */
  readonly badge?: string;
  readonly eventId: string;
}

/** A quick pick item for an event: label event name; description user · relative time; detail source IP · region · error. */
export function eventPickFields(row: EventRow, flags: readonly RiskFlag[], now: number): EventPickFields {
  const badge = riskBadge(flags);
  const user = row.user || row.accessKeyId || 'unknown user';
  const where = [row.sourceIp || 'unknown source', row.region || 'unknown region'];
  if (row.errorCode) where.push(`failed: ${row.errorCode}`);
  const detail = [badge ? `$(warning) ${plainText(badge, 80)}` : undefined, ...where.map((part) => plainText(part, 80))].filter(Boolean).join(' · ');
  return {
    label: plainText(row.eventName || '(unnamed event)', 100),
    description: `${plainText(user, 80)} · ${relativeTime(row.time, now)}`,
    detail,
    badge,
    eventId: row.eventId,
  };
}

/** The quick pick's title: "Who changed security group sg-0123…? — default · us-east-1". */
export function pickTitle(plan: LookupPlan, target: LookupTargetRef): string {
  const regions = plan.regions.join(', ');
  const question = plan.writesOnly ? `Who changed ${plan.subject}?` : `Events for ${plan.subject}`;
  return plainText(`${question} — ${target.profile} · ${regions}`, 200);
}

/** What the hover says about the newest change. Plain text: the adapter escapes it. */
export interface HoverSummary {
  /** "Last changed by alice, 3 h ago (UpdateTrail)" or "No changes …". */
  readonly headline: string;
  /** "from 203.0.113.5 · us-east-1 · 2025-06-15 09:00:00 UTC" */
  readonly detail?: string;
  readonly badge?: string;
}

export function hoverSummary(
  latest: { row: EventRow; flags: readonly RiskFlag[] } | undefined,
  context: { now: number; regions: readonly string[]; exhausted: boolean; scanned: number },
): HoverSummary {
  if (!latest) {
    const where = context.regions.join(', ');
    const headline = context.exhausted
      ? `No changes in the last 90 days of event history (${where}).`
      : `No change among the latest ${context.scanned} events (${where}).`;
    return { headline };
  }
  const { row } = latest;
  const who = row.user || row.accessKeyId || 'an unknown principal';
  const failed = row.errorCode ? ` — failed: ${row.errorCode}` : '';
  const headline = `Last changed by ${who}, ${relativeTime(row.time, context.now)} (${row.eventName || 'unnamed event'})${failed}`;
  const detail = [row.sourceIp ? `from ${row.sourceIp}` : undefined, row.region, formatTimestamp(row.time)].filter(Boolean).join(' · ');
  return { headline: plainText(headline, 200), detail: detail ? plainText(detail, 200) : undefined, badge: riskBadge(latest.flags) };
}

/** The argument of `cloudtrailLens.searchEvents` that opens the full search pre-filled. */
export interface SearchArgument {
  readonly profile: string;
  readonly region: string;
  readonly attributes: Partial<Record<LookupAttributeKey, string[]>>;
}

export function searchArgument(plan: Pick<LookupPlan, 'attribute' | 'value' | 'values' | 'regions'>, target: LookupTargetRef): SearchArgument {
  // The first value is the most specific one the user saw (the id, or the name an ARN carries).
  const value = plan.attribute === 'ResourceName' ? (plan.values[0] ?? plan.value) : plan.value;
  return { profile: target.profile, region: plan.regions[0] ?? target.region, attributes: { [plan.attribute]: [value] } };
}

/** The record as the JSON document that "open event" shows. */
export function recordDocument(record: unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
