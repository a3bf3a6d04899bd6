/**
 * The typed protocol between the search panel's host (extension) and its webview. Both bundles
 * import this file, so it must stay free of `vscode` and Node imports.
 *
 * The webview is untrusted input to the host: every message it sends goes through
 * `parseWebviewMessage` before the host acts on it.
 */
import type { EventRow } from '../core/events/record';

export const LOOKUP_ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export const TIME_PRESETS = ['15m', '1h', '24h', '7d', '30d', '90d'] as const;
export type TimePreset = (typeof TIME_PRESETS)[number];

export interface SearchQuery {
  profiles: string[];
  regions: string[];
  /** A preset, or a custom range in epoch milliseconds. */
  time: { preset: TimePreset } | { start: number; end: number };
  attributes: Partial<Record<LookupAttributeKey, string>>;
  limit: number;
}

/** What the panel keeps across reloads (getState/setState and the serializer). */
export interface PanelState {
  query?: SearchQuery;
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'search'; query: SearchQuery }
  | { type: 'cancel' }
  | { type: 'openRecord'; eventId: string };

export interface PanelInit {
  profiles: string[];
  regions: string[];
  defaultProfile?: string;
  defaultRegion?: string;
  state?: PanelState;
}

export type HostMessage =
  | { type: 'init'; init: PanelInit }
  | { type: 'rows'; rows: EventRow[] }
  | { type: 'progress'; running: boolean; fetched: number; message?: string }
  | { type: 'error'; message: string; next?: string };

const MAX_STRING = 2048;
const MAX_LIST = 64;
export const MAX_LIMIT = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_LIST) throw new Error(`${what}: expected a list of at most ${MAX_LIST}`);
  return value.map((item) => {
    if (typeof item !== 'string' || item.length === 0 || item.length > 256) throw new Error(`${what}: expected short strings`);
    return item;
  });
}

function parseTime(value: unknown): SearchQuery['time'] {
  if (!isRecord(value)) throw new Error('time: expected an object');
  if ('preset' in value) {
    const preset = value.preset;
    if (typeof preset !== 'string' || !(TIME_PRESETS as readonly string[]).includes(preset)) throw new Error('time.preset: unknown preset');
    return { preset: preset as TimePreset };
  }
  const { start, end } = value;
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    throw new Error('time: expected start <= end in epoch milliseconds');
  }
  return { start, end };
}

function parseAttributes(value: unknown): SearchQuery['attributes'] {
  if (!isRecord(value)) throw new Error('attributes: expected an object');
  const out: SearchQuery['attributes'] = {};
  for (const [key, item] of Object.entries(value)) {
    if (!(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) throw new Error(`attributes: unknown key ${JSON.stringify(key.slice(0, 40))}`);
    if (typeof item !== 'string' || item.length > MAX_STRING) throw new Error(`attributes.${key}: expected a string`);
    if (item.trim() !== '') out[key as LookupAttributeKey] = item.trim();
  }
  return out;
}

export function parseQuery(value: unknown): SearchQuery {
  if (!isRecord(value)) throw new Error('query: expected an object');
  const limit = value.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new Error(`limit: expected an integer from 1 to ${MAX_LIMIT}`);
  }
  return {
    profiles: stringList(value.profiles, 'profiles'),
    regions: stringList(value.regions, 'regions'),
    time: parseTime(value.time),
    attributes: parseAttributes(value.attributes),
    limit,
  };
}

/** Validates a message from the webview. Throws an Error that says what was wrong. */
export function parseWebviewMessage(value: unknown): WebviewMessage {
  if (!isRecord(value) || typeof value.type !== 'string') throw new Error('message: expected an object with a type');
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return { type: value.type };
    case 'search':
      return { type: 'search', query: parseQuery(value.query) };
    case 'openRecord':
      if (typeof value.eventId !== 'string' || value.eventId.length > 128) throw new Error('openRecord: expected an eventId');
      return { type: 'openRecord', eventId: value.eventId };
    default:
      throw new Error(`message: unknown type ${JSON.stringify(value.type.slice(0, 40))}`);
  }
}
