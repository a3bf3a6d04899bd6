/**
 * The argument of "CloudTrail: Search Events" when another part of the editor opens the panel
 * pre-filled: the Trails tree (`{ profile, region }` of a trail or profile node), a command link,
 * another extension. Lenient about shape (a tree node object may carry other fields, which are
 * ignored) and strict about values (everything goes through the protocol's validation).
 *
 *   { profile?: string, region?: string, profiles?: string[], regions?: string[],
 *     attributes?: { EventName?: string | string[], … }, query?: EventQuery, run?: boolean,
 *     source?: { kind: 'history' } | { kind: 'archive', folder: '/abs/path', byRegion?: boolean }
 *            | { kind: 'athena', trail, database?, table?, workgroup?, outputLocation?, organizationId?, sql? } }
 *
 * A command argument comes from the extension host (not the webview), so it may name a folder by
 * its path; the panel registers it and the webview only ever sees the folder's id and name.
 */
import { parseEventQuery, type EventQuery } from '../../core/events/query';
import { isRegionId, parseSearchRequest, parseSearchSource, type SearchRequest, type SearchSource } from '../../shared/protocol';

/** A source as a command names it: a local folder by its path. */
export type ArgumentSource = Exclude<SearchSource, { kind: 'archive' }> | { kind: 'archive'; folder: string; byRegion?: boolean };

export interface SearchArgument {
  profiles?: string[];
  regions?: string[];
  query?: EventQuery;
  source?: ArgumentSource;
  /** Start the search right away (otherwise the form is only filled). */
  run: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function names(single: unknown, many: unknown): string[] | undefined {
  const out: string[] = [];
  if (typeof single === 'string' && single.trim() !== '') out.push(single.trim());
  if (Array.isArray(many)) for (const item of many) if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
  return out.length > 0 ? [...new Set(out)] : undefined;
}

/**
 * Reads the command's argument. Returns undefined when there is none worth using; throws (with a
 * message for the log) when it names something invalid.
 */
export function parseSearchArgument(value: unknown): SearchArgument | undefined {
  if (!isObject(value)) return undefined;
  const profiles = names(value.profile, value.profiles);
  const regions = names(value.region, value.regions);
  for (const region of regions ?? []) if (!isRegionId(region)) throw new Error(`region: "${String(region).slice(0, 40)}" is not a region id`);
  let query: EventQuery | undefined;
  if (value.query !== undefined || value.attributes !== undefined) {
    const base = isObject(value.query) ? value.query : {};
    query = parseEventQuery(value.attributes !== undefined ? { ...base, attributes: value.attributes } : base);
  }
  let source: ArgumentSource | undefined;
  if (value.source !== undefined) {
    const raw = isObject(value.source) ? value.source : {};
    if (raw.kind === 'archive') {
      const folder = raw.folder;
      if (typeof folder !== 'string' || folder.length === 0 || folder.length > 4096 || /[\p{Cc}]/u.test(folder) || !/^(\/|[A-Za-z]:[\\/])/.test(folder)) throw new Error('source.folder: expected an absolute folder path');
      source = { kind: 'archive', folder, ...(raw.byRegion === true && { byRegion: true }) };
    } else {
      const parsed = parseSearchSource(value.source);
      if (parsed.kind === 'archive') throw new Error('source: unreachable');
      source = parsed;
    }
  }
  if (!profiles && !regions && !query && !source) return undefined;
  const argument: SearchArgument = { run: value.run === true };
  if (source) argument.source = source;
  if (profiles) argument.profiles = profiles;
  if (regions) argument.regions = regions;
  if (query) argument.query = query;
  return argument;
}

/** The request a pre-filled panel shows: the argument completed with the active profile and region, validated. */
export function requestFromArgument(argument: SearchArgument, defaults: { profile: string; region: string; query: EventQuery }, source?: SearchSource): SearchRequest {
  return parseSearchRequest({
    source,
    profiles: argument.profiles ?? [defaults.profile],
    regions: argument.regions ?? [defaults.region],
    // A query without a time range gets the default one (not all 90 days).
    query: argument.query ? { ...(defaults.query.time ? { time: defaults.query.time } : {}), ...argument.query } : defaults.query,
  });
}
