/**
 * The real sources behind `SourceOpener` (sources.ts), for the panel and the CLI alike: a local
 * folder through src/archive's streaming search, Athena through src/aws/athena.ts (via whatever
 * runs it: AwsServices in the extension, the AwsLayer in the CLI). Each adapts its engine's stats
 * to the protocol's `SourceProgress`. No vscode here.
 */
import { newArchiveStats, searchArchive, type ArchiveStats } from '../../archive';
import type { AthenaItem, AthenaRunInput, AthenaRunOptions, AthenaStats } from '../../aws/athena';
import type { LakeItem, LakeRunInput, LakeRunOptions, LakeStats } from '../../aws/lake';
import type { AwsTarget } from '../../aws/types';
import { athenaSetupPlan, DEFAULT_DATABASE, trailLocationOf, type AthenaSetupPlan, type CloudTrailTableRef, type DescribedTrail } from '../../core/athena/ddl';
import type { SearchSource, SourceProgress, TrailOption } from '../../shared/protocol';
import type { SourceItem, SourceOpener } from './sources';

export type AthenaSource = Extract<SearchSource, { kind: 'athena' }>;

/** Archive stats as the panel shows them. */
export function archiveProgress(stats: ArchiveStats): SourceProgress {
  return { kind: 'archive', files: stats.files, filesRead: stats.filesRead, filesSkipped: stats.filesSkipped, bytesRead: stats.bytesRead, records: stats.records, errors: stats.errors, fileErrors: [] };
}

/** Athena stats as the panel shows them. */
export function athenaProgress(stats: AthenaStats): SourceProgress {
  const out: SourceProgress = { kind: 'athena', scannedBytes: stats.scannedBytes, billedBytes: stats.billedBytes, costUsd: stats.costUsd, rows: stats.rows };
  if (stats.queryExecutionId) out.queryExecutionId = stats.queryExecutionId;
  if (stats.state) out.state = stats.state;
  return out;
}

/**
 * Local folders: `folderOf` maps the source to the path (the host's map of picked folders; the
 * CLI's argument). Progress at most every `progressMs` (default 200 ms) and at the end.
 */
export function archiveOpener(folderOf: (source: Extract<SearchSource, { kind: 'archive' }>) => string, options: { progressMs?: number; stats?: (stats: ArchiveStats) => void } = {}): SourceOpener {
  return async function* (request, query, signal, now): AsyncGenerator<SourceItem, void, undefined> {
    if (request.source.kind !== 'archive') throw new Error('not a local folder');
    const dir = folderOf(request.source);
    const stats = newArchiveStats();
    options.stats?.(stats);
    let last = 0;
    for await (const item of searchArchive(dir, query, { signal, stats, now, ...(request.source.byRegion && { regions: request.regions }) })) {
      if ('error' in item) yield { error: item.error };
      else yield { row: item.row, record: item.record };
      const now = Date.now();
      if (now - last >= (options.progressMs ?? 200)) {
        last = now;
        yield { progress: archiveProgress(stats) };
      }
    }
    yield { progress: archiveProgress(stats) };
  };
}

/** What the Athena source needs from the AWS side. */
export interface AthenaBackend {
  describeTrails(target: AwsTarget): Promise<DescribedTrail[]>;
  run(target: AwsTarget, input: AthenaRunInput, options: AthenaRunOptions): AsyncIterable<AthenaItem>;
}

/** The trails a profile sees, for the Athena picker (shadow trails once, by ARN). */
export function trailOptions(trails: readonly DescribedTrail[]): TrailOption[] {
  const seen = new Set<string>();
  const out: TrailOption[] = [];
  for (const trail of trails) {
    const arn = trail.TrailARN ?? '';
    if (!trail.Name || seen.has(arn)) continue;
    seen.add(arn);
    const option: TrailOption = { name: trail.Name, arn, organization: trail.IsOrganizationTrail === true };
    if (trail.HomeRegion) option.homeRegion = trail.HomeRegion;
    if (trail.S3BucketName) option.bucket = trail.S3BucketName;
    out.push(option);
  }
  return out;
}

/** The trail a source names (by name or ARN), from DescribeTrails. */
export function findTrail(trails: readonly DescribedTrail[], nameOrArn: string): DescribedTrail {
  const trail = trails.find((candidate) => candidate.TrailARN === nameOrArn) ?? trails.find((candidate) => candidate.Name === nameOrArn);
  if (!trail) throw new Error(`No trail named ${nameOrArn} in this profile and region (DescribeTrails). Pick one of: ${trails.map((candidate) => candidate.Name ?? '?').join(', ') || 'none'}.`);
  return trail;
}

/** The setup plan (table + statements) of an Athena source's trail. */
export function athenaPlanOf(trail: DescribedTrail, source: Pick<AthenaSource, 'database' | 'table' | 'organizationId'>): AthenaSetupPlan {
  const location = trailLocationOf(trail, source.organizationId ? { organizationId: source.organizationId } : {});
  return athenaSetupPlan(location, { database: source.database ?? DEFAULT_DATABASE, ...(source.table && { table: source.table }) });
}

/**
 * A table made by hand (no trail to describe): AWS's documented layout with partition projection
 * on `timestamp` (and `region`).
 */
export function existingTable(database: string, table: string): CloudTrailTableRef {
  return { database, table, partitions: { date: 'timestamp', region: 'region' } };
}

/** Where Athena runs for a trail: its home region (the Glue catalog is regional), else the first selected region. */
export function athenaTarget(profile: string, trail: DescribedTrail | undefined, fallbackRegion: string): AwsTarget {
  return { profile, region: trail?.HomeRegion ?? fallbackRegion };
}

/**
 * Athena: describes the profile's trails (in the first selected region), derives the table, runs
 * the query in the trail's home region, streams rows and progress (state, scanned bytes, cost).
 */
export function athenaOpener(backend: AthenaBackend, options: { pollMs?: number; stats?: (stats: AthenaStats) => void; table?: CloudTrailTableRef } = {}): SourceOpener {
  return async function* (request, query, signal, now): AsyncGenerator<SourceItem, void, undefined> {
    const source = request.source;
    if (source.kind !== 'athena') throw new Error('not an Athena source');
    const profile = request.profiles[0] ?? 'default';
    const region = request.regions[0] ?? 'us-east-1';
    // An existing table given outright (the CLI's --database/--table): no trail to describe.
    const trail = options.table ? undefined : findTrail(await backend.describeTrails({ profile, region }), source.trail);
    const table = options.table ?? athenaPlanOf(trail ?? {}, source).table;
    const target = athenaTarget(profile, trail, region);
    const input: AthenaRunInput = { table, regions: request.regions, now };
    if (source.sql !== undefined) input.sql = source.sql;
    else input.query = query;
    if (source.workgroup) input.workgroup = source.workgroup;
    if (source.outputLocation) input.outputLocation = source.outputLocation;
    const runOptions: AthenaRunOptions = { signal };
    if (options.pollMs !== undefined) runOptions.pollMs = options.pollMs;
    for await (const item of backend.run(target, input, runOptions)) {
      if ('progress' in item) {
        options.stats?.(item.progress);
        yield { progress: athenaProgress(item.progress) };
      } else if ('error' in item) yield { error: { message: item.error.message } };
      else yield item;
    }
  };
}

/** Lake stats as the panel shows them. */
export function lakeProgress(stats: LakeStats): SourceProgress {
  const out: SourceProgress = { kind: 'lake', scannedBytes: stats.scannedBytes, rows: stats.rows };
  if (stats.queryId) out.queryId = stats.queryId;
  if (stats.state) out.state = stats.state;
  return out;
}

/** What the CloudTrail Lake source needs from the AWS side. */
export interface LakeBackend {
  run(target: AwsTarget, input: LakeRunInput, options: LakeRunOptions): AsyncIterable<LakeItem>;
}

/** Where a Lake query runs: the store's home region (from its ARN), else the first selected region. */
export function lakeTarget(profile: string, store: string, fallbackRegion: string): AwsTarget {
  const region = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):/.exec(store)?.[1];
  return { profile, region: region ?? fallbackRegion };
}

/**
 * CloudTrail Lake: runs the query against the chosen event data store (its home region) and
 * streams rows and progress (state, data scanned).
 */
export function lakeOpener(backend: LakeBackend, options: { pollMs?: number; stats?: (stats: LakeStats) => void } = {}): SourceOpener {
  return async function* (request, query, signal, now): AsyncGenerator<SourceItem, void, undefined> {
    const source = request.source;
    if (source.kind !== 'lake') throw new Error('not a CloudTrail Lake source');
    const target = lakeTarget(request.profiles[0] ?? 'default', source.store, request.regions[0] ?? 'us-east-1');
    const runOptions: LakeRunOptions = { signal };
    if (options.pollMs !== undefined) runOptions.pollMs = options.pollMs;
    for await (const item of backend.run(target, { store: source.store, query, now }, runOptions)) {
      if ('progress' in item) {
        options.stats?.(item.progress);
        yield { progress: lakeProgress(item.progress) };
      } else if ('error' in item) yield { error: { message: item.error.message } };
      else yield item;
    }
  };
}
