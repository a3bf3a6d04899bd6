/**
 * Local log archives: search a folder of CloudTrail log files — as delivered to S3 (`.json.gz`,
 * `{"Records": […]}`), plain JSON arrays, JSON Lines — with the same query, filters and risk flags
 * as Event history, beyond its 90 days.
 *
 * Streaming, memory bounded whatever the folder's size: one file open at a time, read in 256 KiB
 * chunks, gunzipped as a stream, split into records incrementally (src/core/archive/splitter.ts);
 * at most one record's text is held besides the chunk. Files whose S3 name says they were
 * delivered outside the time range are skipped without being opened. A malformed or truncated file
 * is reported (`{ error: { file, message } }`) and the search goes on: complete records read before
 * the damage are kept, nothing else is lost.
 *
 * Order: files with a delivery name newest first, then the others by path; records in file order.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { fileMayHoldRange, parseLogFileName, parseLogFolder, type FileWindowOptions } from '../core/archive/keys';
import { compileOfflineFilter, planOfflineQuery, type OfflinePlan } from '../core/archive/plan';
import { RecordSplitter, parseRecordText, type SplitItem } from '../core/archive/splitter';
import type { CompileOptions } from '../core/events/filter';
import type { EventQuery } from '../core/events/query';
import { toRow, type CloudTrailRecord, type EventRow } from '../core/events/record';

export type ArchiveItem = { row: EventRow; record: CloudTrailRecord; file: string } | { error: { file: string; message: string } };

export interface ArchiveStats {
  /** Log files found (after the name filter). */
  files: number;
  /** Files opened and read. */
  filesRead: number;
  /** Files skipped without opening: delivered outside the time range or in other regions. */
  filesSkipped: number;
  /** Digest files and other non-event files passed over. */
  filesIgnored: number;
  /** Files with at least one problem. */
  filesWithErrors: number;
  /** Bytes read from disk (compressed size for .gz). */
  bytesRead: number;
  /** Characters of JSON text parsed (after gunzip). */
  charsParsed: number;
  records: number;
  matched: number;
  errors: number;
  elapsedMs: number;
  /** The search stopped early: limit reached or cancelled. */
  stopped?: 'limit' | 'cancelled';
}

export function newArchiveStats(): ArchiveStats {
  return { files: 0, filesRead: 0, filesSkipped: 0, filesIgnored: 0, filesWithErrors: 0, bytesRead: 0, charsParsed: 0, records: 0, matched: 0, errors: 0, elapsedMs: 0 };
}

export interface ArchiveSearchOptions extends FileWindowOptions {
  /** Stops the search promptly (the iteration ends; `stats.stopped` says why). */
  signal?: AbortSignal;
  /** Clock for time presets (default Date.now()). */
  now?: number;
  /** Only these regions: files named for other regions are skipped, records of other regions dropped. */
  regions?: readonly string[];
  /** Counters to fill in (also readable while iterating). */
  stats?: ArchiveStats;
  /** Risk lookup for the riskyOnly filter (default: the default assessor, cached). */
  riskOf?: CompileOptions['riskOf'];
  /** Largest record kept (characters); default 32 MiB. */
  maxRecordChars?: number;
  /** Read chunk size in bytes (default 256 KiB). */
  chunkBytes?: number;
}

const EVENT_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;

interface Candidate {
  path: string;
  /** Relative to the searched folder, with forward slashes: what errors and rows name. */
  name: string;
  deliveredAt?: number;
  region?: string;
}

/** Every candidate log file below `dir` (or `dir` itself when it is a file), no symlinked folders, no dot-folders. */
async function listFiles(root: string, stats: ArchiveStats, errors: Array<{ file: string; message: string }>, signal?: AbortSignal): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const rel = (path: string): string => relative(root, path).split(sep).join('/') || path.split(sep).pop() || path;
  const visit = async (dir: string): Promise<void> => {
    if (signal?.aborted) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      errors.push({ file: rel(dir) || '.', message: `cannot read the folder: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await visit(path);
      } else if (entry.isFile()) {
        addFile(path, entry.name);
      }
    }
  };
  const addFile = (path: string, base: string): void => {
    if (!EVENT_FILE.test(base)) return;
    const parsed = parseLogFileName(base);
    const folder = parseLogFolder(path);
    if (parsed?.kind === 'CloudTrail-Digest' || folder?.kind === 'CloudTrail-Digest') {
      stats.filesIgnored++;
      return;
    }
    const candidate: Candidate = { path, name: rel(path) };
    if (parsed) {
      candidate.deliveredAt = parsed.time;
      candidate.region = parsed.region;
    }
    out.push(candidate);
  };
  let isDir = true;
  try {
    const handle = await open(root, 'r');
    isDir = (await handle.stat()).isDirectory();
    await handle.close();
  } catch (error) {
    errors.push({ file: root, message: `cannot open: ${error instanceof Error ? error.message : String(error)}` });
    return out;
  }
  if (isDir) await visit(root);
  else addFile(root, root.split(sep).pop() ?? root);
  // Newest deliveries first; files without a delivery name after them, by path.
  out.sort((a, b) => (b.deliveredAt ?? -Infinity) - (a.deliveredAt ?? -Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export type LogFileItem = { record: CloudTrailRecord } | { error: string };

/**
 * The records of one log file, streamed: gzip detected by its magic bytes, any of the JSON shapes.
 * Problems come as `{ error }` items; the iteration then goes on where it can.
 */
export async function* readLogFile(path: string, options: { maxRecordChars?: number; chunkBytes?: number; signal?: AbortSignal; onBytes?: (bytes: number, chars: number) => void } = {}): AsyncGenerator<LogFileItem, void, undefined> {
  let gz: boolean;
  try {
    gz = await isGzip(path);
  } catch (error) {
    yield { error: `cannot open: ${error instanceof Error ? error.message : String(error)}` };
    return;
  }
  const read = createReadStream(path, { highWaterMark: options.chunkBytes ?? 256 * 1024 });
  let text: Readable = read;
  if (gz) {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    read.on('error', (error) => gunzip.destroy(error));
    text = read.pipe(gunzip);
  }
  text.setEncoding('utf8');
  const splitter = new RecordSplitter({ maxRecordChars: options.maxRecordChars });
  let lastBytes = 0;
  try {
    const items = function* (list: SplitItem[]): Generator<LogFileItem> {
      for (const item of list) {
        if ('error' in item) yield { error: item.error };
        else {
          const parsed = parseRecordText(item.text);
          yield 'record' in parsed ? { record: parsed.record } : { error: `record ${splitter.count}: ${parsed.error}` };
        }
      }
    };
    for await (const chunk of text as AsyncIterable<string>) {
      if (options.signal?.aborted) return;
      options.onBytes?.(read.bytesRead - lastBytes, chunk.length);
      lastBytes = read.bytesRead;
      yield* items(splitter.feed(chunk));
      if (splitter.failed) return;
    }
    yield* items(splitter.finish());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const what = gz && /unexpected end|incorrect header|invalid|unknown compression/i.test(message) ? `damaged gzip (${message})` : message;
    yield { error: `${what} after ${splitter.count} complete record(s)` };
  } finally {
    options.onBytes?.(read.bytesRead - lastBytes, 0);
    read.destroy();
    if (text !== read) text.destroy();
  }
}

/**
 * Searches a folder (or one file) of CloudTrail logs. Yields matching events as `{ row, record,
 * file }` and problems as `{ error: { file, message } }`, as it goes; `options.stats` is kept up to date.
 */
export async function* searchArchive(dir: string, query: EventQuery, options: ArchiveSearchOptions = {}): AsyncGenerator<ArchiveItem, void, undefined> {
  const started = Date.now();
  const stats = options.stats ?? newArchiveStats();
  const plan: OfflinePlan = planOfflineQuery(query, { now: options.now ?? Date.now() });
  const matches = compileOfflineFilter(plan, options.riskOf ? { riskOf: options.riskOf } : {});
  const regions = options.regions && options.regions.length > 0 ? new Set(options.regions) : undefined;
  const limit = plan.limit ?? Infinity;
  const listing: Array<{ file: string; message: string }> = [];
  try {
    const files = await listFiles(dir, stats, listing, options.signal);
    for (const error of listing) {
      stats.errors++;
      yield { error };
    }
    stats.files = files.length;
    if (plan.impossible) return;
    for (const file of files) {
      if (options.signal?.aborted) {
        stats.stopped = 'cancelled';
        return;
      }
      if ((file.deliveredAt !== undefined && !fileMayHoldRange(file.deliveredAt, plan.range, options)) || (regions && file.region && !regions.has(file.region))) {
        stats.filesSkipped++;
        continue;
      }
      stats.filesRead++;
      let fileErrors = 0;
      for await (const item of readLogFile(file.path, {
        maxRecordChars: options.maxRecordChars,
        chunkBytes: options.chunkBytes,
        signal: options.signal,
        onBytes: (bytes, chars) => {
          stats.bytesRead += bytes;
          stats.charsParsed += chars;
        },
      })) {
        if ('error' in item) {
          stats.errors++;
          if (fileErrors++ === 0) stats.filesWithErrors++;
          yield { error: { file: file.name, message: item.error } };
          continue;
        }
        stats.records++;
        const row = toRow(item.record);
        if (regions && !regions.has(row.region)) continue;
        if (!matches(row, item.record)) continue;
        stats.matched++;
        yield { row, record: item.record, file: file.name };
        if (stats.matched >= limit) {
          stats.stopped = 'limit';
          return;
        }
        if (options.signal?.aborted) {
          stats.stopped = 'cancelled';
          return;
        }
      }
      if (options.signal?.aborted) {
        stats.stopped = 'cancelled';
        return;
      }
    }
  } finally {
    stats.elapsedMs = Date.now() - started;
  }
}
