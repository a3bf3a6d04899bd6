/**
 * Moving recorded event sets into the last 90 days: each set (one capture, one session, one detonation)
 * keeps its order and relative spacing and is placed at a deterministic age inside its window; a set longer
 * than its window is compressed linearly. Pure: "now" and the placement fraction are passed in.
 */
import { createHash } from 'node:crypto';

export const DAY_SEC = 86_400;
/** CloudTrail event history keeps 90 days. */
export const RETENTION_SEC = 90 * DAY_SEC;

export interface PlacementWindow {
  /** The newest event of the set is at least this old… */
  minAgeSec: number;
  /** …and the oldest at most this old. */
  maxAgeSec: number;
}

export interface SetPlacement {
  /** Original epoch second -> placed epoch second (monotonic, so order is kept). */
  map: (originalSec: number) => number;
  /** 1 = spacing kept; < 1 = compressed to fit the window. */
  factor: number;
  firstSec: number;
  lastSec: number;
}

/**
 * Places a set whose original events span [firstSec, lastSec] so that it ends `fraction` of the way
 * through the window's slack (0 = as recent as allowed, 1 = as old as allowed).
 */
export function placeSet(firstSec: number, lastSec: number, window: PlacementWindow, nowSec: number, fraction: number): SetPlacement {
  if (!(window.maxAgeSec > window.minAgeSec)) throw new Error(`placement window must have maxAgeSec > minAgeSec (${window.minAgeSec}..${window.maxAgeSec})`);
  if (window.maxAgeSec > RETENTION_SEC) throw new Error(`placement window reaches past the 90-day retention (${window.maxAgeSec} s)`);
  const span = Math.max(0, lastSec - firstSec);
  const available = window.maxAgeSec - window.minAgeSec;
  const factor = span > available ? available / span : 1;
  const placedSpan = Math.floor(span * factor);
  const slack = available - placedSpan;
  const f = Math.min(1, Math.max(0, fraction));
  const newLast = nowSec - window.minAgeSec - Math.floor(f * slack);
  const newFirst = newLast - placedSpan;
  const map = (originalSec: number): number => {
    const offset = Math.round((originalSec - firstSec) * factor);
    return Math.min(newLast, Math.max(newFirst, newFirst + offset));
  };
  return { map, factor, firstSec: newFirst, lastSec: newLast };
}

/** A stable number in [0, 1) from a seed and an id. */
export function hashFraction(seed: string, id: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${id}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** A stable hex string from parts. */
export function hashHex(length: number, ...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}

/** A stable version-4-shaped UUID from parts (new event ids, request ids). */
export function stableUuid(...parts: string[]): string {
  const hex = hashHex(32, ...parts);
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Epoch second -> CloudTrail's `2024-01-31T23:59:59Z`. */
export function isoSeconds(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** CloudTrail time text -> epoch second (NaN when unparseable). */
export function parseEventTime(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / 1000);
}
