/**
 * Reading event and API data files: plain or gzip-compressed JSON, JSON Lines, and the shapes CloudTrail
 * data comes in (`{"Records": […]}`, a LookupEvents response `{"Events": […]}`, an array, one record).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CloudTrailRecord } from './events';

export function readText(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

/** JSON, or JSON Lines when the text is several JSON values one per line. */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const lines = text.split('\n').filter((line) => line.trim().length > 0);
    if (lines.length < 2) throw error;
    return lines.map((line) => JSON.parse(line) as unknown);
  }
}

function isObject(value: unknown): value is CloudTrailRecord {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The CloudTrail records in a parsed file, whatever its shape. */
export function recordsIn(value: unknown): CloudTrailRecord[] {
  if (Array.isArray(value)) return value.flatMap((entry) => (isObject(entry) ? [fromLookupEvent(entry)] : []));
  if (!isObject(value)) return [];
  if (Array.isArray(value.Records)) return recordsIn(value.Records);
  if (Array.isArray(value.Events)) return recordsIn(value.Events);
  return [fromLookupEvent(value)];
}

/** A LookupEvents `Event` carries the record as a JSON string; anything else is a record already. */
function fromLookupEvent(entry: CloudTrailRecord): CloudTrailRecord {
  if (typeof entry.CloudTrailEvent === 'string') {
    try {
      const parsed = JSON.parse(entry.CloudTrailEvent) as unknown;
      if (isObject(parsed)) return parsed;
    } catch {
      // not JSON: keep the entry as it is
    }
  }
  return entry;
}

/** test/fixtures/endpoint, found from this file whether it runs from test/ (ts), out/test/ (js) or a bundle. */
export function findFixturesDir(start: string = __dirname): string {
  let dir = resolve(start);
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, 'test', 'fixtures', 'endpoint');
    if (existsSync(join(candidate, 'NOTICE.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`test/fixtures/endpoint not found above ${start}; pass fixturesDir`);
}
