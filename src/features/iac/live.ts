/**
 * Code ↔ live: the deployed trails of the active profile, for the "live:" CodeLens above a trail
 * in code. Read only when a lens asks (an IaC file with trails is open and showLive is on), never
 * at activation:
 *  - from the Trails tree's posture of that profile when it has one (trailsFeed), else
 *  - ListTrails (every region of the account, paged) + one DescribeTrails with those ARNs, in the
 *    active region; GetTrailStatus (IsLogging) only for trails a definition matches, in their home region.
 * Cached per profile for TTL_MS (failures for FAILED_TTL_MS, so typing never re-reads); dropped
 * when the Trails view is refreshed. Failures (no credentials, access denied, …) are logged at
 * debug and mean "no live lens": nothing is shown to the user.
 */
import * as vscode from 'vscode';
import { isAwsError, type AwsServices, type AwsTarget, type Trail } from '../../aws';
import { definitionRef, matchLiveTrail, type LiveTrailFacts, type LiveTrailMatch } from '../../core/lookup/trails';
import type { TrailDefinition } from '../../core/iac/types';
import type { ProfilePosture } from '../../core/posture/report';
import type { Logger } from '../../shared/log';
import type { ActiveProfile } from '../status';
import { trailsFeed, type TrailsFeedChange } from '../trails/feed';

export const TTL_MS = 5 * 60_000;
export const FAILED_TTL_MS = 60_000;

export interface LiveServices {
  readonly log: Logger;
  readonly aws: AwsServices;
  readonly active: ActiveProfile;
}

export interface LiveLens {
  readonly profile: string;
  /** The active region (where ListTrails / DescribeTrails were asked). */
  readonly region: string;
  readonly match: LiveTrailMatch;
}

interface ProfileTrails {
  readonly at: number;
  /** Undefined: the read failed (no live lens until it is retried). */
  readonly trails: readonly LiveTrailFacts[] | undefined;
}

interface StatusEntry {
  readonly at: number;
  readonly isLogging: boolean | undefined;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const kind = isAwsError(error) ? error.kind : undefined;
  return kind ? `${kind}: ${text}` : text;
}

function fromPosture(posture: ProfilePosture): LiveTrailFacts[] {
  return posture.trails.map(({ snapshot: s }) => ({
    name: s.name,
    ...(s.arn ? { arn: s.arn } : {}),
    ...(s.homeRegion ? { homeRegion: s.homeRegion } : {}),
    ...(s.isLogging.known ? { isLogging: s.isLogging.value } : {}),
    ...(s.logFileValidation.known ? { logFileValidation: s.logFileValidation.value } : {}),
    ...(s.isMultiRegion.known ? { isMultiRegion: s.isMultiRegion.value } : {}),
  }));
}

function fromApi(trail: Trail): LiveTrailFacts | undefined {
  if (!trail.Name) return undefined;
  return {
    name: trail.Name,
    ...(trail.TrailARN ? { arn: trail.TrailARN } : {}),
    ...(trail.HomeRegion ? { homeRegion: trail.HomeRegion } : {}),
    ...(trail.LogFileValidationEnabled !== undefined ? { logFileValidation: trail.LogFileValidationEnabled } : {}),
    ...(trail.IsMultiRegionTrail !== undefined ? { isMultiRegion: trail.IsMultiRegionTrail } : {}),
  };
}

function statusKey(profile: string, trail: LiveTrailFacts): string {
  return `${profile}\n${trail.arn ?? `${trail.homeRegion ?? '?'}/${trail.name}`}`;
}

export class LiveTrails implements vscode.Disposable {
  private readonly cache = new Map<string, ProfileTrails>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly statuses = new Map<string, StatusEntry>();
  private readonly statusReads = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when live data arrived or was dropped: lenses should be asked again. */
  readonly onDidChange = this.changed.event;
  private readonly controller = new AbortController();
  private readonly subscriptions: vscode.Disposable[];
  private waitingForProfile = false;
  /** Reads started (for tests and the log): profile → count. */
  readonly reads = new Map<string, number>();

  constructor(
    private readonly services: LiveServices,
    private readonly now: () => number = Date.now,
  ) {
    this.subscriptions = [
      trailsFeed.onDidChange((change: TrailsFeedChange) => {
        if (change.kind === 'refresh') this.invalidate(change.profile);
        this.changed.fire();
      }),
      services.active.onDidChange(() => this.changed.fire()),
      services.aws.onDidChange(() => this.invalidate()),
      this.changed,
    ];
  }

  /** Forgets what was read (one profile, or all). */
  invalidate(profile?: string): void {
    if (profile === undefined) {
      this.cache.clear();
      this.statuses.clear();
    } else {
      this.cache.delete(profile);
      for (const key of [...this.statuses.keys()]) if (key.startsWith(`${profile}\n`)) this.statuses.delete(key);
    }
  }

  /**
   * The deployed trail a definition is, in the active profile: undefined while reading (the lens
   * comes with onDidChange), when nothing matches, or when the profile cannot be read.
   */
  lensFor(definition: TrailDefinition): LiveLens | undefined {
    const target = this.target();
    if (!target) return undefined;
    const trails = this.trails(target);
    if (!trails) return undefined;
    const match = matchLiveTrail(definitionRef(definition), trails, target.region);
    if (!match) return undefined;
    const isLogging = match.trail.isLogging ?? this.status(target.profile, match.trail);
    const trail = isLogging === undefined ? match.trail : { ...match.trail, isLogging };
    return { profile: target.profile, region: target.region, match: { ...match, trail } };
  }

  private target(): AwsTarget | undefined {
    const current = this.services.active.current;
    if (current) return current;
    if (!this.waitingForProfile) {
      this.waitingForProfile = true;
      void this.services.active.ready.then(() => this.changed.fire());
    }
    return undefined;
  }

  /** The profile's trails when known and fresh; otherwise starts a read and returns what is cached (or undefined). */
  private trails(target: AwsTarget): readonly LiveTrailFacts[] | undefined {
    const fromTree = trailsFeed.posture(target.profile);
    if (fromTree && !fromTree.error) return fromPosture(fromTree);
    const cached = this.cache.get(target.profile);
    const age = cached ? this.now() - cached.at : Infinity;
    const fresh = cached && age < (cached.trails ? TTL_MS : FAILED_TTL_MS);
    if (!fresh) this.read(target);
    return cached?.trails;
  }

  private read(target: AwsTarget): void {
    const { profile, region } = target;
    if (this.reading.has(profile)) return;
    this.reads.set(profile, (this.reads.get(profile) ?? 0) + 1);
    const signal = this.controller.signal;
    const started = this.now();
    const run = (async (): Promise<void> => {
      let trails: LiveTrailFacts[] | undefined;
      try {
        const layer = await this.services.aws.layer();
        const infos: { arn?: string; name?: string; home?: string }[] = [];
        for await (const page of layer.listTrails({ profile, region }, { signal })) for (const t of page) infos.push({ arn: t.TrailARN, name: t.Name, home: t.HomeRegion });
        const arns = infos.map((t) => t.arn).filter((a): a is string => !!a);
        let described: Trail[] = [];
        if (arns.length > 0) {
          try {
            described = await layer.describeTrails({ profile, region }, { trailNameList: arns, includeShadowTrails: true }, { signal });
          } catch (error) {
            if (signal.aborted) return;
            this.services.log.debug(`iac live: DescribeTrails for profile "${profile}" failed (${message(error)}); showing names only`);
          }
        }
        const byArn = new Map<string, LiveTrailFacts>();
        for (const t of described) {
          const facts = fromApi(t);
          if (facts) byArn.set(facts.arn ?? `${facts.homeRegion ?? '?'}/${facts.name}`, facts);
        }
        for (const t of infos) {
          if (!t.name || (t.arn && byArn.has(t.arn))) continue;
          byArn.set(t.arn ?? `${t.home ?? '?'}/${t.name}`, { name: t.name, ...(t.arn ? { arn: t.arn } : {}), ...(t.home ? { homeRegion: t.home } : {}) });
        }
        trails = [...byArn.values()];
        this.services.log.debug(`iac live: profile "${profile}": ${trails.length} trails (${this.now() - started} ms)`);
      } catch (error) {
        if (signal.aborted) return;
        // No credentials, expired, access denied, unreachable: no live lens, nothing shown.
        this.services.log.debug(`iac live: cannot read the trails of profile "${profile}" (${message(error)}): no live CodeLens`);
        trails = undefined;
      }
      this.cache.set(profile, { at: this.now(), trails });
      this.changed.fire();
    })().finally(() => this.reading.delete(profile));
    this.reading.set(profile, run);
  }

  /** IsLogging of a matched trail (GetTrailStatus in its home region), cached like the trails; undefined until read. */
  private status(profile: string, trail: LiveTrailFacts): boolean | undefined {
    const key = statusKey(profile, trail);
    const cached = this.statuses.get(key);
    if (cached && this.now() - cached.at < (cached.isLogging === undefined ? FAILED_TTL_MS : TTL_MS)) return cached.isLogging;
    if (!this.statusReads.has(key)) {
      this.statusReads.add(key);
      const signal = this.controller.signal;
      void (async () => {
        let isLogging: boolean | undefined;
        try {
          const layer = await this.services.aws.layer();
          const region = trail.homeRegion ?? this.services.active.current?.region;
          if (!region) return;
          const status = await layer.getTrailStatus({ profile, region }, trail.arn ?? trail.name, { signal });
          isLogging = status.IsLogging;
        } catch (error) {
          if (signal.aborted) return;
          this.services.log.debug(`iac live: GetTrailStatus ${trail.arn ?? trail.name} as profile "${profile}" failed (${message(error)})`);
        } finally {
          this.statusReads.delete(key);
        }
        this.statuses.set(key, { at: this.now(), isLogging });
        this.changed.fire();
      })();
    }
    return cached?.isLogging;
  }

  dispose(): void {
    this.controller.abort();
    for (const s of this.subscriptions) s.dispose();
  }
}
