/**
 * An incremental splitter for CloudTrail log files: text goes in chunk by chunk, the JSON text of
 * each record comes out as soon as it is complete. Memory is bounded by the largest record (and
 * capped), never by the file: a 2 GB `{"Records":[…]}` costs one record at a time.
 *
 * It accepts every shape CloudTrail data comes in, even mixed in one file:
 *  - a delivery file `{"Records": [ … ]}` (other top-level keys are skipped; `Events` — a saved
 *    LookupEvents answer — is read the same way);
 *  - a plain array `[ {…}, {…} ]`;
 *  - JSON Lines / concatenated objects `{…}\n{…}` (one record each, or containers as above).
 *
 * It only tracks structure (strings, escapes, nesting) — each record's text is then parsed with
 * JSON.parse, which reports a malformed record without losing its neighbours. Structural damage
 * (a closing bracket that does not match, the file ending inside a record) is reported; at the top
 * level of a JSON Lines file a garbage line is skipped up to the next newline. Pure: no I/O.
 */

export type SplitItem = { text: string } | { error: string };

export interface SplitterOptions {
  /** Largest record (characters) kept; bigger ones are reported and skipped. Default 32 MiB. */
  maxRecordChars?: number;
  /** Deepest nesting accepted. Default 512. */
  maxDepth?: number;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

const CONTAINER_KEYS = new Set(['Records', 'Events']);

export class RecordSplitter {
  private readonly maxRecordChars: number;
  private readonly maxDepth: number;
  /** Open brackets, innermost last. */
  private readonly stack: number[] = [];
  private inString = false;
  /** The previous chunk ended right after a backslash inside a string. */
  private pendingEscape = false;
  /** Depth of the array whose elements are records (1: top-level array, 2: `Records` of a top-level object), 0: none. */
  private containerDepth = 0;
  /** Capturing the current record's text: pieces from earlier chunks, and where it starts in this chunk. */
  private capturing = false;
  private captureDepth = 0;
  private pieces: string[] = [];
  private pieceChars = 0;
  private captureFrom = 0;
  private oversized = false;
  /** The top-level object being read might be a record (no Records key seen yet). */
  private topIsCandidate = false;
  /** Last key string read at depth 1 of a top-level object (short keys only). */
  private keyText = '';
  private keyFrom = -1;
  private keyPieces = '';
  private awaitingColonFor: string | undefined;
  private containerKeyPending = false;
  /** Skipping garbage at the top level until the next newline. */
  private skippingLine = false;
  private fatal: string | undefined;
  /** Records emitted so far. */
  count = 0;
  /** Characters read so far. */
  position = 0;

  constructor(options: SplitterOptions = {}) {
    this.maxRecordChars = options.maxRecordChars ?? 32 * 1024 * 1024;
    this.maxDepth = options.maxDepth ?? 512;
  }

  /** Whether a structural error stopped the splitter (everything after it is ignored). */
  get failed(): boolean {
    return this.fatal !== undefined;
  }

  /** Reads the next chunk; returns the records (and errors) it completed. */
  feed(chunk: string): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.fatal !== undefined) return out;
    this.captureFrom = 0;
    this.keyFrom = this.keyFrom >= 0 ? 0 : -1;
    const n = chunk.length;
    let i = 0;
    let nextBackslash = -1;
    if (this.pendingEscape) {
      // The escaped character is the first of this chunk: skip it.
      this.pendingEscape = false;
      i = 1;
    }
    while (i < n) {
      if (this.inString) {
        // Fast path: jump to the next quote or backslash.
        const q = chunk.indexOf('"', i);
        // The next backslash, remembered across strings (most strings have none: no rescans).
        if (nextBackslash < i) {
          nextBackslash = chunk.indexOf('\\', i);
          if (nextBackslash < 0) nextBackslash = n;
        }
        const b = nextBackslash < n ? nextBackslash : -1;
        if (b >= 0 && (q < 0 || b < q)) {
          if (b + 1 >= n) {
            this.pendingEscape = true;
            i = n;
            break;
          }
          i = b + 2;
          continue;
        }
        if (q < 0) {
          i = n;
          break;
        }
        this.inString = false;
        if (this.keyFrom >= 0) {
          this.keyText = this.keyPieces + chunk.slice(this.keyFrom, q);
          this.keyFrom = -1;
          this.keyPieces = '';
          this.awaitingColonFor = this.keyText;
        }
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.skippingLine) {
        if (c === NEWLINE) this.skippingLine = false;
        i++;
        continue;
      }
      const depth = this.stack.length;
      if (c === QUOTE) {
        this.inString = true;
        const pending = this.containerKeyPending;
        this.containerKeyPending = false;
        if (depth === 1 && this.stack[0] === OPEN_OBJECT && this.awaitingColonFor === undefined && !pending) {
          // Possibly a key of the top-level object: remember its text (keys are short).
          this.keyFrom = i + 1;
          this.keyPieces = '';
        } else if (depth === 0) {
          this.topLevelGarbage(out, 'a string outside any record');
          this.inString = false;
        }
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.awaitingColonFor !== undefined) {
        if (c === COLON) {
          this.containerKeyPending = CONTAINER_KEYS.has(this.awaitingColonFor);
          this.awaitingColonFor = undefined;
          i++;
          continue;
        }
        this.awaitingColonFor = undefined;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth >= this.maxDepth) {
          this.stop(out, `nesting deeper than ${this.maxDepth} levels at character ${this.position + i}`);
          return out;
        }
        if (depth === 0) {
          if (c === OPEN_ARRAY) this.containerDepth = 1;
          else {
            this.topIsCandidate = true;
            this.startCapture(0, i);
          }
        } else if (depth === 1 && this.containerKeyPending && c === OPEN_ARRAY && this.stack[0] === OPEN_OBJECT) {
          // `"Records": [` — the top-level object is a container, not a record.
          this.topIsCandidate = false;
          this.dropCapture();
          this.containerDepth = 2;
        } else if (depth === this.containerDepth && !this.capturing) {
          this.startCapture(depth, i);
        }
        this.containerKeyPending = false;
        this.stack.push(c);
        i++;
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        const open = this.stack.pop();
        if (open === undefined) {
          this.topLevelGarbage(out, `an unmatched "${String.fromCharCode(c)}"`);
          i++;
          continue;
        }
        if ((open === OPEN_OBJECT) !== (c === CLOSE_OBJECT)) {
          const problem = `a "${String.fromCharCode(c)}" closes a "${String.fromCharCode(open)}" at character ${this.position + i}`;
          if (this.capturing && this.captureDepth === 0 && this.topIsCandidate) {
            // A broken line of a JSON Lines file: keep the whole lines read since it began, go on at the next line.
            out.push({ error: `malformed: ${problem}: skipped to the next line` });
            this.recoverLines(chunk.slice(this.captureFrom, i), out);
            this.resetTop();
            this.skippingLine = true;
            i++;
            continue;
          }
          this.stop(out, problem);
          return out;
        }
        const now = this.stack.length;
        if (this.capturing && now === this.captureDepth) {
          const text = this.endCapture(chunk, i + 1);
          if (text !== undefined && (this.captureDepth > 0 || this.topIsCandidate)) {
            this.count++;
            out.push({ text });
          } else if (text === undefined) {
            out.push({ error: `record ${this.count + 1} is larger than ${this.maxRecordChars} characters: skipped` });
          }
          if (now === 0) this.topIsCandidate = false;
        } else if (now === this.containerDepth - 1 && c === CLOSE_ARRAY) {
          this.containerDepth = 0;
        }
        if (now === 0) {
          this.containerDepth = 0;
          this.topIsCandidate = false;
          this.dropCapture();
        }
        this.containerKeyPending = false;
        i++;
        continue;
      }
      // Any other character: part of a scalar, a comma or a colon.
      if (depth === 0) {
        this.topLevelGarbage(out, `unexpected "${chunk[i] ?? ''}"`);
        i++;
        continue;
      }
      if (depth === this.containerDepth && c !== COMMA && !this.capturing) {
        // A scalar where a record should be: report it once, skip it.
        let j = i;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === COMMA || d === CLOSE_ARRAY || isSpace(d)) break;
          j++;
        }
        out.push({ error: `a non-object element in the records array at character ${this.position + i}: skipped` });
        i = j;
        continue;
      }
      this.containerKeyPending = false;
      i++;
    }
    // Carry the unfinished capture and key over to the next chunk.
    if (this.capturing && !this.oversized) this.appendPiece(chunk.slice(this.captureFrom));
    if (this.keyFrom >= 0) {
      this.keyPieces += chunk.slice(this.keyFrom);
      if (this.keyPieces.length > 256) this.keyFrom = -1;
    }
    this.position += n;
    return out;
  }

  /** Ends the input: reports a file that stops inside a value. */
  finish(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.fatal !== undefined) return out;
    if (this.stack.length > 0 || this.inString) {
      const where = this.containerDepth > 0 ? (this.capturing ? 'inside a record' : 'inside the records array') : 'inside a JSON value';
      out.push({ error: `truncated: the file ends ${where} after ${this.count} complete record(s)` });
      // An unclosed line of a JSON Lines file swallowed the lines after it: give those back.
      if (this.capturing && this.captureDepth === 0 && this.topIsCandidate) this.recoverLines('', out);
      this.fatal = 'truncated';
    }
    this.dropCapture();
    return out;
  }

  /**
   * Whole lines that are JSON objects, from the text captured since a broken top-level value began
   * (JSON Lines recovery). Only lines starting at column 0: indented lines belong to a pretty-printed value.
   */
  private recoverLines(tail: string, out: SplitItem[]): void {
    if (this.oversized) return;
    const text = (this.pieces.length > 0 ? this.pieces.join('') : '') + tail;
    const lines = text.split('\n');
    for (let index = 1; index < lines.length; index++) {
      const line = (lines[index] ?? '').replace(/\r$/, '');
      if (!line.startsWith('{') || !line.trimEnd().endsWith('}')) continue;
      try {
        const value: unknown = JSON.parse(line);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          this.count++;
          out.push({ text: line.trimEnd() });
        }
      } catch {
        // not a record: part of the damage
      }
    }
  }

  private resetTop(): void {
    this.stack.length = 0;
    this.inString = false;
    this.containerDepth = 0;
    this.topIsCandidate = false;
    this.containerKeyPending = false;
    this.awaitingColonFor = undefined;
    this.keyFrom = -1;
    this.dropCapture();
  }

  private topLevelGarbage(out: SplitItem[], what: string): void {
    out.push({ error: `${what} at character ${this.position}: not JSON; skipped to the next line` });
    this.skippingLine = true;
  }

  private stop(out: SplitItem[], message: string): void {
    this.fatal = message;
    out.push({ error: `malformed: ${message}; the rest of the file is skipped after ${this.count} record(s)` });
    this.dropCapture();
  }

  private startCapture(depth: number, at: number): void {
    this.capturing = true;
    this.captureDepth = depth;
    this.captureFrom = at;
    this.pieces = [];
    this.pieceChars = 0;
    this.oversized = false;
  }

  private appendPiece(piece: string): void {
    if (this.oversized) return;
    this.pieceChars += piece.length;
    if (this.pieceChars > this.maxRecordChars) {
      this.oversized = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }

  /** The captured text, or undefined when it was too large. */
  private endCapture(chunk: string, end: number): string | undefined {
    this.appendPiece(chunk.slice(this.captureFrom, end));
    const text = this.oversized ? undefined : this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.dropCapture();
    return text;
  }

  private dropCapture(): void {
    this.capturing = false;
    this.pieces = [];
    this.pieceChars = 0;
    this.oversized = false;
  }
}

/**
 * One record's text to a record: a JSON object; a saved LookupEvents event (`CloudTrailEvent` as a
 * JSON string) is unwrapped. Anything else is an error for that record only.
 */
export function parseRecordText(text: string): { record: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not a JSON object' };
  const object = value as Record<string, unknown>;
  if (typeof object.CloudTrailEvent === 'string' && object.eventTime === undefined) {
    const inner = parseRecordText(object.CloudTrailEvent);
    return 'record' in inner ? inner : { error: `CloudTrailEvent ${inner.error}` };
  }
  return { record: object };
}
