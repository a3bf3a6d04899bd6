import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CloudTrailRecord } from '../../src/core/events/record';

/** The project's root, whether running from test/ (ts) or out/test/ (js). */
export const projectRoot = resolve(__dirname, __dirname.includes(`${join('out', 'test')}`) ? '../../..' : '../..');

export function fixturePath(...parts: string[]): string {
  return join(projectRoot, 'test', 'fixtures', ...parts);
}

/** Records from a file in any of the shapes CloudTrail data comes in: {Records:[…]}, {Events:[…]}, […], or one record. */
export function recordsOf(value: unknown): CloudTrailRecord[] {
  if (Array.isArray(value)) return value as CloudTrailRecord[];
  if (value && typeof value === 'object') {
    const { Records, Events } = value as { Records?: unknown; Events?: unknown };
    if (Array.isArray(Records)) return Records as CloudTrailRecord[];
    if (Array.isArray(Events)) return Events as CloudTrailRecord[];
    return [value as CloudTrailRecord];
  }
  return [];
}

/** Every record in the JSON files of a fixture folder, with the file each came from. */
export function loadRecords(...folder: string[]): Array<{ file: string; record: CloudTrailRecord }> {
  const dir = fixturePath(...folder);
  const out: Array<{ file: string; record: CloudTrailRecord }> = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    for (const record of recordsOf(JSON.parse(readFileSync(join(dir, file), 'utf8')))) out.push({ file, record });
  }
  return out;
}
