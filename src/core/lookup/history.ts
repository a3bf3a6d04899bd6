/**
 * Recent lookups: most recent first, one entry per (kind, value), at most 20. Stored in the
 * extension's globalState, so `parseRecent` accepts anything and keeps only valid entries.
 */
import type { LookupKind } from './plan';

export const MAX_RECENT = 20;
const KINDS: readonly LookupKind[] = ['resource', 'user', 'accessKey', 'eventId', 'eventName'];
const MAX_VALUE = 2048;

export interface RecentLookup {
  readonly kind: LookupKind;
  readonly value: string;
  /** Epoch milliseconds of the lookup. */
  readonly at: number;
  readonly profile?: string;
  readonly region?: string;
  readonly resourceType?: string;
}

function sameEntry(a: RecentLookup, b: RecentLookup): boolean {
  if (a.kind !== b.kind) return false;
  // Event ids and access keys are case-insensitive in practice; names are not.
  return a.kind === 'eventId' || a.kind === 'accessKey' ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value;
}

/** The list with `entry` first (an older entry for the same kind and value is dropped), capped. */
export function addRecent(list: readonly RecentLookup[], entry: RecentLookup, max = MAX_RECENT): RecentLookup[] {
  return [entry, ...list.filter((other) => !sameEntry(other, entry))].slice(0, Math.max(0, max));
}

export function removeRecent(list: readonly RecentLookup[], entry: RecentLookup): RecentLookup[] {
  return list.filter((other) => !sameEntry(other, entry));
}

/** Entries of one kind, in order. */
export function recentOfKind(list: readonly RecentLookup[], kind: LookupKind): RecentLookup[] {
  return list.filter((entry) => entry.kind === kind);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= 256 ? value : undefined;
}

/** Stored state (untrusted shape) → valid entries, most recent first, deduplicated, capped. */
export function parseRecent(stored: unknown, max = MAX_RECENT): RecentLookup[] {
  if (!Array.isArray(stored)) return [];
  const valid: RecentLookup[] = [];
  for (const item of stored) {
    if (item === null || typeof item !== 'object') continue;
    const { kind, value, at, profile, region, resourceType } = item as Record<string, unknown>;
    if (typeof kind !== 'string' || !KINDS.includes(kind as LookupKind)) continue;
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_VALUE) continue;
    if (typeof at !== 'number' || !Number.isFinite(at)) continue;
    const entry: RecentLookup = {
      kind: kind as LookupKind,
      value,
      at,
      ...(optionalString(profile) && { profile: optionalString(profile) }),
      ...(optionalString(region) && { region: optionalString(region) }),
      ...(optionalString(resourceType) && { resourceType: optionalString(resourceType) }),
    };
    valid.push(entry);
  }
  const out: RecentLookup[] = [];
  for (const entry of valid.sort((a, b) => b.at - a.at)) {
    if (!out.some((other) => sameEntry(other, entry))) out.push(entry);
  }
  return out.slice(0, max);
}
