/**
 * `cloudtrail-lens events` — search CloudTrail Event history from a terminal or a script
 * (contract: shared/design/CLI.md). The same engine as the panel: the planner sends the most
 * selective filter to LookupEvents and applies the rest locally, one paced stream per region,
 * risk flags from the same catalogue; the newest --limit matches across all regions.
 *
 * Output to stdout; failures of a region to stderr (the others are still printed). Exit codes:
 * 0 ok, 1 some stream failed (the output is partial), 2 bad arguments.
 */
import { basename, resolve } from 'node:path';
import { newArchiveStats } from '../archive';
import { newAthenaStats, runAthenaQuery, runAthenaSetup, type AthenaStats } from '../aws/athena';
import { AwsLayer } from '../aws/layer';
import type { AwsLog } from '../aws/types';
import { formatBytes, formatUsd } from '../core/athena/cost';
import { isAwsError, type AwsError } from '../core/aws/errors';
import { csvHeader, csvRow, jsonDocumentItem, jsonDocumentStart, jsonLine } from '../core/events/export';
import { formatTimestamp } from '../core/events/format';
import { MAX_QUERY_LIMIT, TIME_PRESETS, parseEventQuery, type EventQuery, type LookupAttributeKey, type TimePreset } from '../core/events/query';
import { maxRiskLevel } from '../core/events/risk';
import { compareNewestFirst } from '../core/events/streams';
import { newLakeStats, runLakeQuery, type LakeStats } from '../aws/lake';
import { archiveOpener, athenaOpener, lakeOpener, athenaPlanOf, athenaTarget, existingTable, findTrail, type AthenaBackend } from '../features/search/openers';
import { doneMessage, recordOf, SearchRun, type SearchItem, type StreamSnapshot } from '../features/search/runner';
import { createSearchRun, type SourceOpener } from '../features/search/sources';
import { isRegionId, type SearchSource } from '../shared/protocol';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo, type Command } from './main';

export type EventsFormat = 'table' | 'json' | 'jsonl' | 'csv';

/** Where the events come from: Event history (default), a local folder (--logs), Athena (--athena), CloudTrail Lake (--lake). */
export type CliSource =
  | { kind: 'archive'; dir: string }
  | { kind: 'athena'; trail?: string; database?: string; table?: string; workgroup?: string; outputLocation?: string; organizationId?: string; sql?: string; createTable: boolean }
  | { kind: 'lake'; store: string };

export interface EventsArgs {
  profile?: string;
  regions: string[];
  query: EventQuery;
  format: EventsFormat;
  endpointUrl?: string;
  source?: CliSource;
}

export const DEFAULT_CLI_LIMIT = 1000;

const USAGE = `Usage: cloudtrail-lens events [--profile P] [--region R ...] [--since 15m|1h|24h|7d|30d|90d | --start ISO --end ISO]
  [--event-name X] [--user U] [--resource-name N] [--resource-type T] [--event-source S]
  [--access-key K] [--event-id ID] [--read-only true|false] [--errors-only] [--error-code C]
  [--source-ip IP|CIDR] [--user-agent S] [--text STR] [--risky [low|medium|high]] [--insights]
  [--limit N] [--format table|json|jsonl|csv] [--endpoint-url URL]
  [--logs DIR | --athena (--trail NAME|ARN | --database D --table T) [--organization-id o-…]
                         [--workgroup W] [--output-location s3://…] [--sql "SQL"] [--create-table]
   | --lake STORE]

Searches CloudTrail Event history (the last 90 days of management events) with any combination of
filters: the most selective one goes to LookupEvents, the others are applied locally. Repeat a
filter (or separate values with commas) to match any of its values. Prints the newest --limit
matching events across all regions, newest first.

Beyond 90 days, the same filters and outputs over other sources:
  --logs DIR       CloudTrail log files below DIR (.json, .json.gz as delivered to S3, JSON Lines);
                   damaged files are reported in "errors" and the rest is searched. Without --since/
                   --start every event in the files counts; --region keeps only those regions.
  --athena         Athena over the trail's S3 logs (billed: $5 per TB scanned, 10 MB minimum; the
                   estimate is in the stats). --trail: the table of that trail (DescribeTrails; the
                   table is cloudtrail_<trail> in --database, default cloudtrail_lens); or --database
                   and --table for an existing table. --output-location: where Athena writes results
                   (needed unless the workgroup sets one). --sql: run this SQL instead. --create-table:
                   create the database and table first (metadata only, free; IF NOT EXISTS).
                   Default time range 90d: give --since/--start to go further back.
  --lake STORE     CloudTrail Lake, for accounts that already have an event data store: STORE is
                   its ARN or id (ListEventDataStores). Billed by CloudTrail Lake per data scanned.
                   Default time range 90d: give --since/--start to go further back.

  --profile        AWS profile (default: AWS_PROFILE, else "default"); credentials as the AWS CLI finds them
  --region         region to search; repeat for several, in parallel (default: the profile's region)
  --since          how far back: a preset or N followed by m, h or d (default: 90d, all of Event history)
  --start, --end   an absolute range instead (ISO 8601)
  --errors-only    failed calls only; --error-code narrows to codes (wildcards: AccessDenied*)
  --risky          events with a risk flag at this level or above (default medium)
  --text           case-insensitive text anywhere in the record
  --limit          matching events to print (default ${DEFAULT_CLI_LIMIT}, at most ${MAX_QUERY_LIMIT})
  --format         table (default), json ({"events": [records], "stats": {...}}), jsonl (one record per
                   line) or csv (with risk columns; formula-safe)
  --endpoint-url   send requests to this endpoint (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDTRAIL)

Exit codes: 0 ok, 1 a region or profile failed (the output holds the others), 2 bad arguments.`;

const ATTRIBUTE_FLAGS: Record<string, LookupAttributeKey> = {
  '--event-name': 'EventName',
  '--user': 'Username',
  '--username': 'Username',
  '--resource-name': 'ResourceName',
  '--resource-type': 'ResourceType',
  '--event-source': 'EventSource',
  '--access-key': 'AccessKeyId',
  '--access-key-id': 'AccessKeyId',
  '--event-id': 'EventId',
  '--read-only': 'ReadOnly',
};

const FORMATS: readonly EventsFormat[] = ['table', 'json', 'jsonl', 'csv'];

function values(text: string): string[] {
  return text
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** `15m`, `36h`, `7d` → milliseconds. */
function duration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/i.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 'm').toLowerCase();
  return amount * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
}

/** Parses the arguments; a string is the error to print. `now` places --since durations. */
export function parseEventsArgs(args: readonly string[], now = Date.now()): EventsArgs | string {
  const regions: string[] = [];
  const attributes: Partial<Record<LookupAttributeKey, string[]>> = {};
  const raw: Record<string, unknown> = {};
  let profile: string | undefined;
  let format: EventsFormat = 'table';
  let endpointUrl: string | undefined;
  let since: string | undefined;
  let start: string | undefined;
  let end: string | undefined;
  const errorCodes: string[] = [];
  const sourceIps: string[] = [];
  let logs: string | undefined;
  let athena = false;
  const athenaFlags: Record<string, string> = {};
  let createTable = false;
  let lake: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) return `unexpected argument "${arg}"`;
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const take = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) return undefined;
      i++;
      return next;
    };
    const need = (): string => {
      const value = take();
      if (value === undefined) throw new Error(`${name} needs a value`);
      return value;
    };
    try {
      if (name in ATTRIBUTE_FLAGS) {
        const key = ATTRIBUTE_FLAGS[name];
        (attributes[key] ??= []).push(...values(need()));
      } else if (name === '--profile') profile = need();
      else if (name === '--region' || name === '--regions') regions.push(...values(need()));
      else if (name === '--since') since = need();
      else if (name === '--start') start = need();
      else if (name === '--end') end = need();
      else if (name === '--errors-only') raw.errorsOnly = true;
      else if (name === '--error-code') errorCodes.push(...values(need()));
      else if (name === '--source-ip') sourceIps.push(...values(need()));
      else if (name === '--user-agent') raw.userAgent = need();
      else if (name === '--text') raw.text = need();
      else if (name === '--insights') raw.insights = true;
      else if (name === '--risky') {
        const next = inline ?? args[i + 1];
        if (next === 'low' || next === 'medium' || next === 'high') {
          raw.riskyOnly = next;
          if (inline === undefined) i++;
        } else raw.riskyOnly = 'medium';
      } else if (name === '--limit') {
        const limit = Number(need());
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) return `--limit must be a whole number from 1 to ${MAX_QUERY_LIMIT}`;
        raw.limit = limit;
      } else if (name === '--format') {
        const value = need();
        if (!FORMATS.includes(value as EventsFormat)) return `--format must be table, json, jsonl or csv (got "${value}")`;
        format = value as EventsFormat;
      } else if (name === '--endpoint-url') endpointUrl = need();
      else if (name === '--logs') logs = need();
      else if (name === '--athena') athena = true;
      else if (name === '--lake') lake = need();
      else if (name === '--create-table') createTable = true;
      else if (['--trail', '--database', '--table', '--organization-id', '--workgroup', '--output-location', '--sql'].includes(name)) athenaFlags[name] = need();
      else return `unknown option ${name}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  const badRegion = regions.find((region) => !isRegionId(region));
  if (badRegion !== undefined) return `--region: "${String(badRegion)}" is not a region id`;
  if (since !== undefined && (start !== undefined || end !== undefined)) return 'use --since or --start/--end, not both';
  if (since !== undefined) {
    if ((TIME_PRESETS as readonly string[]).includes(since)) raw.time = { preset: since as TimePreset };
    else {
      const ms = duration(since);
      if (ms === undefined || ms <= 0) return `--since: a preset (${TIME_PRESETS.join(', ')}) or N followed by m, h or d (got "${since}")`;
      raw.time = { start: now - ms, end: now };
    }
  } else if (start !== undefined || end !== undefined) raw.time = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  else if (logs === undefined) raw.time = { preset: '90d' };
  let source: CliSource | undefined;
  if ([logs !== undefined, athena, lake !== undefined].filter(Boolean).length > 1) return 'use one of --logs, --athena and --lake';
  if (!athena && (Object.keys(athenaFlags).length > 0 || createTable)) return `${Object.keys(athenaFlags)[0] ?? '--create-table'} goes with --athena`;
  if (lake !== undefined) {
    if (!/^(?:arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/)?[A-Za-z0-9-]{1,64}$/.test(lake)) return `--lake: expected an event data store ARN or id (got "${lake.slice(0, 80)}")`;
    source = { kind: 'lake', store: lake };
  } else if (logs !== undefined) {
    if (logs.trim() === '') return '--logs needs a folder or file';
    source = { kind: 'archive', dir: logs };
  } else if (athena) {
    const flag = (key: string): string | undefined => athenaFlags[key];
    const athenaSource: CliSource = { kind: 'athena', createTable };
    const trail = flag('--trail');
    const database = flag('--database');
    const table = flag('--table');
    if (trail === undefined && (database === undefined || table === undefined)) return '--athena needs --trail NAME|ARN, or --database and --table of an existing table';
    if (createTable && trail === undefined) return '--create-table needs --trail (the table is made for a trail)';
    const checks: Array<[string, RegExp, string]> = [
      ['--database', /^[a-z0-9_]{1,255}$/, 'lower-case letters, digits and _'],
      ['--table', /^[a-z0-9_]{1,255}$/, 'lower-case letters, digits and _'],
      ['--organization-id', /^o-[a-z0-9]{10,32}$/, 'o-…'],
      ['--output-location', /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 's3://bucket/prefix/'],
      ['--workgroup', /^[a-zA-Z0-9._-]{1,128}$/, 'a workgroup name'],
    ];
    for (const [key, pattern, hint] of checks) {
      const value = flag(key);
      if (value !== undefined && !pattern.test(value)) return `${key}: expected ${hint} (got "${value.slice(0, 80)}")`;
    }
    if (trail !== undefined) athenaSource.trail = trail;
    if (database !== undefined) athenaSource.database = database;
    if (table !== undefined) athenaSource.table = table;
    const workgroup = flag('--workgroup');
    if (workgroup !== undefined) athenaSource.workgroup = workgroup;
    const output = flag('--output-location');
    if (output !== undefined) athenaSource.outputLocation = output;
    const org = flag('--organization-id');
    if (org !== undefined) athenaSource.organizationId = org;
    const sql = flag('--sql');
    if (sql !== undefined) athenaSource.sql = sql;
    source = athenaSource;
  }
  if (Object.keys(attributes).length > 0) raw.attributes = attributes;
  if (errorCodes.length > 0) raw.errorCodes = errorCodes;
  if (sourceIps.length > 0) raw.sourceIps = sourceIps;
  raw.limit ??= DEFAULT_CLI_LIMIT;
  let query: EventQuery;
  try {
    query = parseEventQuery(raw);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const parsed: EventsArgs = { regions: [...new Set(regions)], query, format };
  if (profile !== undefined) parsed.profile = profile;
  if (endpointUrl !== undefined) parsed.endpointUrl = endpointUrl;
  if (source) parsed.source = source;
  return parsed;
}

/** Pads or cuts to a column width (cells are attacker text: control characters become spaces). */
function cell(text: string, width: number): string {
  const clean = text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

export function formatTable(items: readonly SearchItem[]): string {
  const head = `${cell('TIME (UTC)', 23)} ${cell('EVENT', 32)} ${cell('USER', 28)} ${cell('SOURCE', 22)} ${cell('REGION', 14)} ${cell('ERROR', 24)} RISK`;
  const lines = items.map((item) => {
    const { row } = item;
    const risk = maxRiskLevel(item.risk);
    return `${cell(formatTimestamp(row.time), 23)} ${cell(row.eventName, 32)} ${cell(row.user, 28)} ${cell(row.eventSource.replace(/\.amazonaws\.com$/, ''), 22)} ${cell(row.region, 14)} ${cell(row.errorCode, 24)} ${risk ? `${risk}: ${item.risk[0]?.title ?? ''}`.replace(/[\p{Cc}]/gu, ' ') : ''}`.trimEnd();
  });
  return `${[head, ...lines].join('\n')}\n`;
}

export const eventsCommand: Command = {
  summary: 'search CloudTrail events (any combination of filters, several regions)',
  usage: USAGE,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseEventsArgs(argv);
    if (typeof parsed === 'string') {
      io.stderr(`cloudtrail-lens events: ${parsed}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    const started = Date.now();
    // The SDK's notice about its future Node requirement is not the user's business on every run of a script.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const log: AwsLog = { debug: () => undefined, info: () => undefined, warn: (message) => io.stderr(`cloudtrail-lens events: ${message}\n`) };
    const layer = new AwsLayer({ endpointUrl: parsed.endpointUrl, log });
    if (parsed.source) {
      try {
        return await runSource(parsed, parsed.source, layer, io, started);
      } catch (error) {
        io.stderr(`cloudtrail-lens events: ${isAwsError(error) ? `${error.message} ${error.next}` : error instanceof Error ? error.message : String(error)}\n`);
        return EXIT_FINDINGS;
      } finally {
        layer.dispose();
      }
    }
    try {
      const profile = parsed.profile ?? layer.profiles.environmentProfile();
      const regions = parsed.regions.length > 0 ? parsed.regions : [await layer.profiles.defaultRegion(profile)];
      const failures: Array<{ profile: string; region: string; kind: string; message: string; next: string }> = [];
      let run: SearchRun;
      try {
        run = new SearchRun(
          { profiles: [profile], regions, query: parsed.query },
          { lookup: (target, input, options) => layer.lookupEvents(target, input, options), scanLimit: Infinity, maxResults: MAX_QUERY_LIMIT },
          {
            failure: (stream, error) => {
              failures.push({ profile: stream.profile, region: stream.region, kind: error.kind, message: error.message, next: error.next });
              io.stderr(`cloudtrail-lens events: ${stream.label}: ${error.message} ${error.next}${error.command ? ` Run: ${error.command}` : ''}\n`);
            },
          },
        );
      } catch (error) {
        io.stderr(`cloudtrail-lens events: ${error instanceof Error ? error.message : String(error)}\n`);
        return EXIT_USAGE;
      }
      for (const warning of run.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
      const reason = await run.start();
      const limit = parsed.query.limit ?? DEFAULT_CLI_LIMIT;
      const items = run
        .results()
        .sort((a, b) => compareNewestFirst(a.row, b.row))
        .slice(0, limit);
      const total = run.progress(0).total;
      const stats = { requests: total.requests, pages: total.pages, throttled: total.throttled, elapsedMs: Date.now() - started };
      writeOutput(io, parsed.format, items, stats, failures, `${items.length} event${items.length === 1 ? '' : 's'} · ${total.fetched} fetched · ${stats.requests} requests · ${(stats.elapsedMs / 1000).toFixed(1)} s · ${doneMessage(reason, run)}`);
      return failures.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    } catch (error) {
      io.stderr(`cloudtrail-lens events: ${isAwsError(error) ? `${error.message} ${error.next}` : error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_FINDINGS;
    } finally {
      layer.dispose();
    }
  },
};


/** Prints the events in the chosen format (the same for every source); `summary` goes to stderr after a table. */
function writeOutput(io: CliIo, format: EventsFormat, items: readonly SearchItem[], stats: object, errors: readonly object[], summary: string): void {
  switch (format) {
    case 'json': {
      const parts = [jsonDocumentStart()];
      items.forEach((item, index) => parts.push(jsonDocumentItem(recordOf(item), index)));
      // The contract's document ({events, stats}), extended with the failures (an empty list when none).
      parts.push(`\n],"stats":${JSON.stringify(stats)},"errors":${JSON.stringify(errors).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}}\n`);
      io.stdout(parts.join(''));
      break;
    }
    case 'jsonl':
      io.stdout(items.map((item) => jsonLine(recordOf(item))).join(''));
      break;
    case 'csv':
      io.stdout(csvHeader() + items.map((item) => csvRow({ row: item.row, record: recordOf(item), flags: item.risk })).join(''));
      break;
    case 'table':
      io.stdout(formatTable(items));
      io.stderr(`${summary.replace(/[\p{Cc}]/gu, ' ')}\n`);
      break;
  }
}

/** --logs, --athena and --lake: the same run (sources.ts) as the panel's, the same outputs; stats of the source. */
async function runSource(parsed: EventsArgs, source: CliSource, layer: AwsLayer, io: CliIo, started: number): Promise<number> {
  const limit = parsed.query.limit ?? DEFAULT_CLI_LIMIT;
  const errors: Array<Record<string, string>> = [];
  const fail = (stream: StreamSnapshot, error: AwsError): void => {
    errors.push({ kind: error.kind, message: error.message, next: error.next });
    io.stderr(`cloudtrail-lens events: ${stream.label}: ${error.message} ${error.next}${error.command ? ` Run: ${error.command}` : ''}\n`);
  };
  const options = { lookup: () => (async function* () {})(), scanLimit: Infinity, maxResults: MAX_QUERY_LIMIT, budget: limit };
  if (source.kind === 'archive') {
    const dir = resolve(source.dir);
    let archive = newArchiveStats();
    const opener = archiveOpener(() => dir, { stats: (stats) => (archive = stats) });
    const tapped: SourceOpener = async function* (request, query, signal, now) {
      for await (const item of opener(request, query, signal, now)) {
        if ('error' in item) {
          errors.push({ file: item.error.file ?? '', message: item.error.message });
          io.stderr(`cloudtrail-lens events: ${item.error.file ?? dir}: ${item.error.message}\n`.replace(/[\p{Cc}]/gu, (c) => (c === '\n' ? c : ' ')));
        }
        yield item;
      }
    };
    const explicitRegions = parsed.regions.length > 0;
    const run = createSearchRun(
      { profiles: ['local'], regions: explicitRegions ? parsed.regions : ['us-east-1'], query: parsed.query, source: { kind: 'archive', folderId: 0, name: basename(dir) || dir, ...(explicitRegions && { byRegion: true }) } },
      { ...options, sources: { archive: tapped } },
      { failure: fail },
    );
    for (const warning of run.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
    const reason = await run.start();
    const items = newest(run.results(), limit);
    const stats = { files: archive.files, filesRead: archive.filesRead, filesSkipped: archive.filesSkipped, bytesRead: archive.bytesRead, records: archive.records, matched: run.matched, errors: archive.errors, elapsedMs: Date.now() - started };
    writeOutput(io, parsed.format, items, stats, errors, `${items.length} event${items.length === 1 ? '' : 's'} · ${stats.filesRead} of ${stats.files} files read (${formatBytes(stats.bytesRead)}) · ${stats.records} records · ${stats.errors} error${stats.errors === 1 ? '' : 's'} · ${(stats.elapsedMs / 1000).toFixed(1)} s · ${doneMessage(reason, run)}`);
    return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  }

  if (source.kind === 'lake') {
    const profile = parsed.profile ?? layer.profiles.environmentProfile();
    const regions = parsed.regions.length > 0 ? parsed.regions : [await layer.profiles.defaultRegion(profile)];
    let lake: LakeStats = newLakeStats();
    const opener = lakeOpener({ run: (target, input, runOptions) => runLakeQuery(layer, target, input, runOptions) }, { stats: (stats) => (lake = stats) });
    const run = createSearchRun({ profiles: [profile], regions, query: parsed.query, source: { kind: 'lake', store: source.store } }, { ...options, sources: { lake: opener } }, { failure: fail });
    for (const warning of run.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
    const reason = await run.start();
    for (const warning of lake.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
    const items = newest(run.results(), limit);
    const stats = { queryId: lake.queryId ?? null, state: lake.state ?? null, scannedBytes: lake.scannedBytes, rows: lake.rows, matched: run.matched, elapsedMs: Date.now() - started };
    writeOutput(io, parsed.format, items, stats, errors, `${items.length} event${items.length === 1 ? '' : 's'} · CloudTrail Lake ${stats.state ?? '?'} · ${formatBytes(stats.scannedBytes)} scanned · ${(stats.elapsedMs / 1000).toFixed(1)} s · ${doneMessage(reason, run)}`);
    return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  }

  // Athena
  const profile = parsed.profile ?? layer.profiles.environmentProfile();
  const regions = parsed.regions.length > 0 ? parsed.regions : [await layer.profiles.defaultRegion(profile)];
  const region = regions[0] ?? 'us-east-1';
  const backend: AthenaBackend = {
    describeTrails: (target) => layer.describeTrails(target),
    run: (target, input, runOptions) => runAthenaQuery(layer, target, input, runOptions),
  };
  if (source.createTable && source.trail !== undefined) {
    const trail = findTrail(await layer.describeTrails({ profile, region }), source.trail);
    const plan = athenaPlanOf(trail, source);
    for (const item of plan.creates) io.stderr(`cloudtrail-lens events: creating (if missing) ${item.kind} ${item.name}: ${item.detail}\n`);
    await runAthenaSetup(layer, athenaTarget(profile, trail, region), plan, { ...(source.workgroup && { workgroup: source.workgroup }), ...(source.outputLocation && { outputLocation: source.outputLocation }) });
  }
  let athena: AthenaStats = newAthenaStats();
  const table = source.trail === undefined && source.database !== undefined && source.table !== undefined ? existingTable(source.database, source.table) : undefined;
  const opener = athenaOpener(backend, { stats: (stats) => (athena = stats), ...(table && { table }) });
  const athenaSource: Extract<SearchSource, { kind: 'athena' }> = { kind: 'athena', trail: source.trail ?? `${source.database ?? ''}.${source.table ?? ''}` };
  for (const key of ['database', 'table', 'workgroup', 'outputLocation', 'organizationId', 'sql'] as const) {
    const value = source[key];
    if (value !== undefined) athenaSource[key] = value;
  }
  const run = createSearchRun({ profiles: [profile], regions, query: parsed.query, source: athenaSource }, { ...options, sources: { athena: opener } }, { failure: fail });
  for (const warning of run.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
  const reason = await run.start();
  for (const warning of athena.warnings) io.stderr(`cloudtrail-lens events: ${warning}\n`);
  const items = newest(run.results(), limit);
  const stats = { queryExecutionId: athena.queryExecutionId ?? null, state: athena.state ?? null, scannedBytes: athena.scannedBytes, billedBytes: athena.billedBytes, costUsd: athena.costUsd, rows: athena.rows, matched: run.matched, elapsedMs: Date.now() - started };
  writeOutput(io, parsed.format, items, stats, errors, `${items.length} event${items.length === 1 ? '' : 's'} · Athena ${stats.state ?? '?'} · ${formatBytes(stats.scannedBytes)} scanned · about ${formatUsd(stats.costUsd)} · ${(stats.elapsedMs / 1000).toFixed(1)} s · ${doneMessage(reason, run)}`);
  return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function newest(items: SearchItem[], limit: number): SearchItem[] {
  return items.sort((a, b) => compareNewestFirst(a.row, b.row)).slice(0, limit);
}
