// Loaders for the recorded posture fixtures (test/fixtures/posture, see NOTICE.md there).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEventSelectors, ApiTrail, ApiTrailStatus } from '../../src/core/posture';
import { fixturePath } from '../support/fixtures';

export function posturePath(...parts: string[]): string {
  return fixturePath('posture', ...parts);
}

export function readJson(...parts: string[]): unknown {
  return JSON.parse(readFileSync(posturePath(...parts), 'utf8')) as unknown;
}

/**
 * Placebo stores botocore's parsed datetimes as {"__class__":"datetime", year, month, …} without
 * a zone; they are read here as UTC Dates (what the SDK would hand over is a Date too).
 */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.__class__ === 'datetime') {
      const n = (k: string): number => (typeof o[k] === 'number' ? (o[k]) : 0);
      return new Date(Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), Math.floor(n('microsecond') / 1000)));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/** The `data` of a recorded placebo response, datetimes revived. */
export function placebo<T>(dir: string, file: string): T {
  const recorded = readJson('cloud-custodian-placebo', dir, `cloudtrail.${file}.json`) as { data: unknown };
  return revive(recorded.data) as T;
}

export function placeboTrails(dir: string, file = 'DescribeTrails_1'): ApiTrail[] {
  return placebo<{ trailList: ApiTrail[] }>(dir, file).trailList;
}

export function placeboStatus(dir: string, file = 'GetTrailStatus_1'): ApiTrailStatus {
  return placebo<ApiTrailStatus>(dir, file);
}

export function placeboSelectors(dir: string, file = 'GetEventSelectors_1'): ApiEventSelectors {
  return placebo<ApiEventSelectors>(dir, file);
}

/** Every GetEventSelectors response of a placebo folder, by trail ARN. */
export function placeboSelectorsByArn(dir: string): Map<string, ApiEventSelectors> {
  const out = new Map<string, ApiEventSelectors>();
  const names = readdirSync(posturePath('cloud-custodian-placebo', dir)).filter((n) => n.startsWith('cloudtrail.GetEventSelectors_'));
  for (const n of names.sort()) {
    const sel = placebo<ApiEventSelectors>(dir, n.replace(/^cloudtrail\./, '').replace(/\.json$/, ''));
    if (sel.TrailARN) out.set(sel.TrailARN, sel);
  }
  return out;
}

export interface PantherCase {
  source_path: string;
  policy_id: string;
  test_name: string;
  expected_result_compliant: boolean;
  resource: Record<string, unknown>;
}

export function pantherCases(): PantherCase[] {
  return readFileSync(posturePath('panther-policy-tests', 'panther_cloudtrail_policy_tests.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as PantherCase);
}

/** File names of a fixture folder. */
export function files(...parts: string[]): string[] {
  return readdirSync(join(posturePath(...parts))).sort();
}
