/**
 * Account-level rules over all trails of one account (as collected from every region; shadow
 * copies are collapsed by ARN first):
 * - CloudTrail.1: at least one logging multi-Region trail recording read and write management
 *   events with no excluded sources.
 * - CloudTrail.3: at least one logging trail.
 * - CTL.RegionCoverage (with the enabled-region list): regions no logging trail covers. A
 *   multi-Region trail covers every region; a single-Region trail its home region.
 * Organization trails owned by the management account count in member accounts: they record the
 * member's activity.
 */
import { dedupeTrails } from './api';
import { type Finding, type Known, type TrailSnapshot } from './model';
import { trailCli } from './remediation';
import { makeFinding } from './rules';
import { managementCoverage } from './selectors';

export interface AccountEvaluationOptions {
  /** Regions enabled for the account (EC2 DescribeRegions); enables CTL.RegionCoverage. */
  readonly enabledRegions?: readonly string[];
}

export interface AccountEvaluation {
  /** CloudTrail.1, CloudTrail.3 and (with enabledRegions) CTL.RegionCoverage. */
  readonly findings: Finding[];
  /** The trails after shadow-trail de-duplication. */
  readonly trails: TrailSnapshot[];
  /** Enabled regions no logging trail covers (empty without enabledRegions). */
  readonly uncoveredRegions: string[];
  /** Enabled regions only covered if a trail whose logging or scope is unknown turns out to be on. */
  readonly undeterminedRegions: string[];
}

type Tri = 'yes' | 'no' | 'maybe';

function tri(k: Known<boolean>): Tri {
  return k.known ? (k.value ? 'yes' : 'no') : 'maybe';
}

function and(...xs: Tri[]): Tri {
  if (xs.includes('no')) return 'no';
  return xs.includes('maybe') ? 'maybe' : 'yes';
}

function recordsAllManagement(s: TrailSnapshot): Tri {
  return s.eventSelectors.known ? (managementCoverage(s.eventSelectors.value).complete ? 'yes' : 'no') : 'maybe';
}

function names(trails: readonly TrailSnapshot[]): string {
  const shown = trails.slice(0, 3).map((t) => t.name);
  return trails.length > 3 ? `${shown.join(', ')} and ${trails.length - 3} more` : shown.join(', ');
}

const CREATE_FIX =
  'Create a multi-Region trail that records all management events and start it: `aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation` then `aws cloudtrail start-logging --name management-events`';

function cloudTrail1(trails: readonly TrailSnapshot[]): Finding {
  const id = 'CloudTrail.1';
  const verdicts = trails.map((t) => ({ t, multi: tri(t.isMultiRegion), logging: tri(t.isLogging), mgmt: recordsAllManagement(t) }));
  const passing = verdicts.filter((v) => and(v.multi, v.logging, v.mgmt) === 'yes');
  if (passing.length > 0) {
    return makeFinding(id, 'pass', `${names(passing.map((v) => v.t))} ${passing.length === 1 ? 'is a' : 'are'} logging multi-Region trail${passing.length === 1 ? '' : 's'} recording read and write management events.`, CREATE_FIX);
  }
  const maybe = verdicts.filter((v) => and(v.multi, v.logging, v.mgmt) === 'maybe');
  if (maybe.length > 0) {
    const its = maybe.length === 1 ? 'its' : 'their';
    return makeFinding(id, 'unknown', `${names(maybe.map((v) => v.t))} may satisfy CloudTrail.1, but ${its} logging state, scope or event selectors are not known.`, CREATE_FIX);
  }
  if (trails.length === 0) return makeFinding(id, 'fail', 'The account has no trails.', CREATE_FIX);
  const multi = verdicts.filter((v) => v.multi === 'yes');
  if (multi.length === 0) return makeFinding(id, 'fail', `No trail is multi-Region (${trails.length} single-Region trail${trails.length === 1 ? '' : 's'}: ${names(trails)}).`, CREATE_FIX);
  // Name the closest misses: multi-Region trails, and what each lacks.
  const why = multi
    .slice(0, 3)
    .map((v) => {
      const lacks: string[] = [];
      if (v.logging === 'no') lacks.push('is not logging');
      if (v.mgmt === 'no' && v.t.eventSelectors.known) lacks.push(`records ${managementCoverage(v.t.eventSelectors.value).description}`);
      return `${v.t.name} ${lacks.join(' and ')}`;
    })
    .join('; ');
  const fix = `Start logging on a multi-Region trail and make it record read and write management events with no excluded sources (\`aws cloudtrail start-logging --name <trail>\`, \`aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'\`), or: ${CREATE_FIX}`;
  return makeFinding(id, 'fail', `No multi-Region trail both logs and records all read and write management events: ${why}.`, fix);
}

function cloudTrail3(trails: readonly TrailSnapshot[]): Finding {
  const id = 'CloudTrail.3';
  const logging = trails.filter((t) => tri(t.isLogging) === 'yes');
  if (logging.length > 0) return makeFinding(id, 'pass', `${logging.length} trail${logging.length === 1 ? ' is' : 's are'} logging (${names(logging)}).`, CREATE_FIX);
  const maybe = trails.filter((t) => tri(t.isLogging) === 'maybe');
  if (maybe.length > 0) return makeFinding(id, 'unknown', `No trail is known to be logging; the status of ${names(maybe)} was not read.`, CREATE_FIX);
  if (trails.length === 0) return makeFinding(id, 'fail', 'The account has no trails: CloudTrail records nothing beyond the 90-day event history.', CREATE_FIX);
  return makeFinding(
    id,
    'fail',
    `The account has ${trails.length} trail${trails.length === 1 ? '' : 's'} (${names(trails)}) but none is logging.`,
    `Start logging on a trail: \`${trailCli('start-logging', trails[0] ?? { name: '<trail>' })}\``,
  );
}

/** Enabled regions no logging trail covers, and those that depend on unknown values. */
export function regionCoverage(trails: readonly TrailSnapshot[], enabledRegions: readonly string[]): { uncovered: string[]; undetermined: string[] } {
  const covered = new Set<string>();
  const maybeCovered = new Set<string>();
  let allCovered: Tri = 'no';
  for (const t of dedupeTrails(trails)) {
    const logging = tri(t.isLogging);
    if (logging === 'no') continue;
    const multi = tri(t.isMultiRegion);
    const everywhere = and(logging, multi);
    if (everywhere === 'yes') allCovered = 'yes';
    else if (everywhere === 'maybe' && multi !== 'no' && allCovered === 'no') allCovered = 'maybe';
    if (t.homeRegion) (logging === 'yes' ? covered : maybeCovered).add(t.homeRegion);
  }
  if (allCovered === 'yes') return { uncovered: [], undetermined: [] };
  const uncovered: string[] = [];
  const undetermined: string[] = [];
  for (const r of enabledRegions) {
    if (covered.has(r)) continue;
    if (allCovered === 'maybe' || maybeCovered.has(r)) undetermined.push(r);
    else uncovered.push(r);
  }
  return { uncovered, undetermined };
}

function coverageFinding(uncovered: readonly string[], undetermined: readonly string[], enabled: number): Finding {
  const id = 'CTL.RegionCoverage';
  const fix = 'Make a logging trail multi-Region (`aws cloudtrail update-trail --name <trail> --is-multi-region-trail`), or create one, so activity in every enabled region is recorded.';
  if (uncovered.length > 0) {
    const list = uncovered.length > 8 ? `${uncovered.slice(0, 8).join(', ')} and ${uncovered.length - 8} more` : uncovered.join(', ');
    return makeFinding(id, 'fail', `${uncovered.length} of ${enabled} enabled region${enabled === 1 ? '' : 's'} ${uncovered.length === 1 ? 'has' : 'have'} no logging trail: ${list}.`, fix);
  }
  if (undetermined.length > 0) return makeFinding(id, 'unknown', `Coverage of ${undetermined.join(', ')} depends on trails whose logging state or scope is not known.`, fix);
  return makeFinding(id, 'pass', `All ${enabled} enabled region${enabled === 1 ? ' is' : 's are'} covered by a logging trail.`, fix);
}

/** Account-level findings over every trail seen in the account (shadow copies included). */
export function evaluateAccount(snapshots: readonly TrailSnapshot[], options: AccountEvaluationOptions = {}): AccountEvaluation {
  const trails = dedupeTrails(snapshots);
  const findings = [cloudTrail1(trails), cloudTrail3(trails)];
  let uncoveredRegions: string[] = [];
  let undeterminedRegions: string[] = [];
  if (options.enabledRegions) {
    const cov = regionCoverage(trails, options.enabledRegions);
    uncoveredRegions = cov.uncovered;
    undeterminedRegions = cov.undetermined;
    findings.push(coverageFinding(uncoveredRegions, undeterminedRegions, options.enabledRegions.length));
  }
  return { findings, trails, uncoveredRegions, undeterminedRegions };
}
