/**
 * What a trail's event selectors actually record. Basic and advanced selectors are reduced to one
 * answer: which management events (read, write, which sources left out) and which data events.
 *
 * Semantics (CloudTrail user guide, "Logging management events" / "Logging data events"):
 * - Basic: a selector with IncludeManagementEvents records management events of its
 *   ReadWriteType (All = read and write); ExcludeManagementEventSources leaves services out.
 *   DataResources name data event resource types. Selectors of a trail are ORed.
 * - Advanced: a selector whose eventCategory Equals "Management" records management events;
 *   a readOnly field narrows it to read-only ("true") or write-only ("false"); an eventSource
 *   field (NotEquals / NotStartsWith / NotEndsWith excludes, Equals / StartsWith / EndsWith
 *   restricts) narrows the services. Field selectors are ANDed; selectors are ORed.
 * Unrecognised values (e.g. ReadWriteType "Read") record nothing: we never assume coverage.
 */
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelectorConfig } from './model';

export interface ManagementCoverage {
  /** Read-only management events are recorded for all sources (apart from `excludedSources`). */
  readonly read: boolean;
  readonly write: boolean;
  /** Both read and write recorded by selectors that leave no event source out. */
  readonly complete: boolean;
  /** Event sources left out (ExcludeManagementEventSources, or eventSource NotEquals …). */
  readonly excludedSources: readonly string[];
  /** True when some management selector is limited to particular sources (Equals/StartsWith…). */
  readonly restrictedToSources: boolean;
  /** A short human description: "read and write", "write-only (kms.amazonaws.com excluded)". */
  readonly description: string;
}

interface Part {
  read: boolean;
  write: boolean;
  excluded: string[];
  restricted: boolean;
}

const list = (values: readonly string[] | undefined): readonly string[] => values ?? [];

function basicParts(config: Extract<EventSelectorConfig, { kind: 'basic' }>): Part[] {
  const parts: Part[] = [];
  for (const s of config.selectors) {
    if (!s.includeManagementEvents) continue;
    const rw = s.readWriteType;
    parts.push({
      read: rw === 'All' || rw === 'ReadOnly',
      write: rw === 'All' || rw === 'WriteOnly',
      excluded: [...s.excludeManagementEventSources],
      restricted: false,
    });
  }
  return parts;
}

function fieldIs(f: AdvancedFieldSelector, name: string): boolean {
  return f.field.toLowerCase() === name.toLowerCase();
}

function isManagementSelector(sel: AdvancedEventSelector): boolean {
  return sel.fieldSelectors.some((f) => fieldIs(f, 'eventCategory') && list(f.equals).includes('Management'));
}

function advancedPart(sel: AdvancedEventSelector): Part {
  let read = true;
  let write = true;
  const excluded: string[] = [];
  let restricted = false;
  for (const f of sel.fieldSelectors) {
    if (fieldIs(f, 'eventCategory')) continue;
    if (fieldIs(f, 'readOnly')) {
      const eq = list(f.equals).map((v) => v.toLowerCase());
      const ne = list(f.notEquals).map((v) => v.toLowerCase());
      if (eq.length > 0) {
        read = read && eq.includes('true');
        write = write && eq.includes('false');
      }
      if (ne.includes('true')) read = false;
      if (ne.includes('false')) write = false;
      continue;
    }
    if (fieldIs(f, 'eventSource')) {
      excluded.push(...list(f.notEquals), ...list(f.notStartsWith).map((p) => `${p}*`), ...list(f.notEndsWith).map((p) => `*${p}`));
      if (list(f.equals).length > 0 || list(f.startsWith).length > 0 || list(f.endsWith).length > 0) restricted = true;
      continue;
    }
    // Any other condition narrows what the selector records.
    restricted = true;
  }
  return { read, write, excluded, restricted };
}

function advancedParts(config: Extract<EventSelectorConfig, { kind: 'advanced' }>): Part[] {
  return config.selectors.filter(isManagementSelector).map(advancedPart);
}

/** Which management events a selector configuration records. */
export function managementCoverage(config: EventSelectorConfig): ManagementCoverage {
  const parts = config.kind === 'basic' ? basicParts(config) : advancedParts(config);
  const read = parts.some((p) => p.read);
  const write = parts.some((p) => p.write);
  const clean = parts.filter((p) => p.excluded.length === 0 && !p.restricted);
  const complete = clean.some((p) => p.read) && clean.some((p) => p.write);
  const excludedSources = complete ? [] : [...new Set(parts.flatMap((p) => p.excluded))].sort();
  const restrictedToSources = !complete && parts.some((p) => p.restricted);
  let description: string;
  if (!read && !write) description = 'no management events';
  else if (read && write) description = 'read and write management events';
  else description = read ? 'read-only management events' : 'write-only management events';
  if (excludedSources.length > 0) description += ` (excluding ${excludedSources.join(', ')})`;
  else if (restrictedToSources) description += ' (only some event sources)';
  return { read, write, complete, excludedSources, restrictedToSources, description };
}

/** Data event resource types a configuration records, e.g. ["AWS::Lambda::Function", "AWS::S3::Object"]. */
export function dataEventTypes(config: EventSelectorConfig): readonly string[] {
  const types = new Set<string>();
  if (config.kind === 'basic') {
    for (const s of config.selectors) for (const r of s.dataResources) types.add(r.type);
  } else {
    for (const sel of config.selectors) {
      const isData = sel.fieldSelectors.some((f) => fieldIs(f, 'eventCategory') && list(f.equals).includes('Data'));
      if (!isData) continue;
      const typeField = sel.fieldSelectors.find((f) => fieldIs(f, 'resources.type'));
      const named = list(typeField?.equals);
      if (named.length === 0) types.add('(any resource type)');
      for (const t of named) types.add(t);
    }
  }
  return [...types].sort();
}
