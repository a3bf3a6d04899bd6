/**
 * A small, pure evaluator for the subset of Sigma detection logic the CloudTrail rules use:
 * field/value selections (AND inside a selection, OR across a list of values), the modifiers
 * contains / startswith / endswith / re / all / fieldref / cidr, `null` for "field absent",
 * `*` and `?` wildcards, and conditions made of and / or / not / `1 of` / `all of` (already expanded
 * by the generator into and/or trees).
 *
 * Sigma semantics kept: string comparison is case-insensitive (except `re`); a field path walks
 * nested objects and any element of an array; a selection on an object value (e.g.
 * `requestParameters|contains`) matches against its JSON text.
 */
import { cidrContains, parseCidr, parseIp } from './ip';
import type { EventRow } from './record';

export type SigmaModifier = 'eq' | 'contains' | 'startswith' | 'endswith' | 're' | 'fieldref' | 'cidr';

/** One field test: field `f` with modifier `m` matches any of the values `v` (all of them with `all`). `null` means absent. */
export interface SigmaFieldTest {
  f: string;
  m: SigmaModifier;
  v: Array<string | null>;
  all?: true;
}

export type SigmaCondition = { and: SigmaCondition[] } | { or: SigmaCondition[] } | { not: SigmaCondition } | SigmaFieldTest;

export interface SigmaRuleData {
  /** The rule file's name without `.yml`, e.g. `aws_cloudtrail_disable_logging`. */
  id: string;
  /** The Sigma rule id (UUID). */
  uuid: string;
  title: string;
  /** The rule's `author` field (the Detection Rule License requires it with every match shown). */
  author: string;
  level: 'low' | 'medium' | 'high';
  /** First sentence of the rule's description. */
  description: string;
  /** ATT&CK tactics from the rule's tags, e.g. `Defense Impairment`. */
  tactics: string[];
  /** First ATT&CK technique tag, e.g. `T1562.008`. */
  technique?: string;
  /** Lower-case event names the rule can match (an index key), or null when it can match any event. */
  eventNames: string[] | null;
  when: SigmaCondition;
}

/**
 * A compiled condition. Pass the event's row too when there is one: top-level fields the row already
 * holds (eventName, eventSource, userAgent, userIdentity.type, sourceIPAddress, errorCode) are then read
 * from it, which is faster than walking the record. An empty row field counts as absent.
 */
export type RecordMatcher = (record: Readonly<Record<string, unknown>>, row?: Readonly<EventRow>) => boolean;

/** Record paths the row carries verbatim (as text). */
const ROW_FIELDS: Readonly<Record<string, (row: Readonly<EventRow>) => string>> = {
  eventName: (row) => row.eventName,
  eventSource: (row) => row.eventSource,
  userAgent: (row) => row.userAgent,
  'userIdentity.type': (row) => row.identityType,
  sourceIPAddress: (row) => row.sourceIp,
  errorCode: (row) => row.errorCode,
};

const MISSING: readonly string[] = [];

function leafStrings(values: readonly unknown[]): readonly string[] {
  const out: string[] = [];
  for (const value of values) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
    else out.push(JSON.stringify(value));
  }
  return out.length === 0 ? MISSING : out;
}

/**
 * Compiles a dotted path into a reader of its values as text, walking into arrays. One value comes
 * back as a plain string (no allocation on the hot path); several as a list; none (absent or null)
 * as an empty list.
 */
export function compilePath(path: string): (record: unknown) => string | readonly string[] {
  const parts = path.split('.');
  return (record) => {
    // Fast path: plain nested objects, no arrays on the way.
    let current: unknown = record;
    let i = 0;
    for (; i < parts.length; i++) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) break;
      current = (current as Record<string, unknown>)[parts[i] ?? ''];
    }
    if (i === parts.length && !Array.isArray(current)) {
      if (typeof current === 'string') return current;
      if (typeof current === 'number' || typeof current === 'boolean') return String(current);
      return current === undefined || current === null ? MISSING : JSON.stringify(current);
    }
    if (current === undefined || current === null || (typeof current !== 'object' && i < parts.length)) return MISSING;
    // General case: fan out over arrays from where the fast path stopped.
    let level: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [current];
    for (; i < parts.length; i++) {
      const next: unknown[] = [];
      for (const item of level) {
        if (item === null || typeof item !== 'object') continue;
        if (Array.isArray(item)) {
          for (const child of item as unknown[]) level.push(child);
          continue;
        }
        const value = (item as Record<string, unknown>)[parts[i] ?? ''];
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) for (const child of value as unknown[]) next.push(child);
        else next.push(value);
      }
      if (next.length === 0) return MISSING;
      level = next;
    }
    const flat: unknown[] = [];
    for (const value of level) {
      if (Array.isArray(value)) for (const child of value as unknown[]) flat.push(child);
      else flat.push(value);
    }
    return leafStrings(flat);
  };
}

/** The string values at a dotted path, walking into arrays; MISSING when absent or null. */
export function fieldValues(record: unknown, path: string): readonly string[] {
  const values = compilePath(path)(record);
  return typeof values === 'string' ? [values] : values;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A Sigma value with `*` / `?` wildcards (backslash escapes them) as a regex body. */
function globBody(value: string): { body: string; wild: boolean } {
  let body = '';
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1] ?? '')) {
      body += escapeRegex(value[i + 1] ?? '');
      i++;
    } else if (ch === '*') {
      body += '.*';
      wild = true;
    } else if (ch === '?') {
      body += '.';
      wild = true;
    } else body += escapeRegex(ch);
  }
  return { body, wild };
}

type ValueTest = (candidate: string) => boolean;

/**
 * For a regex of the form `(.*|.+)?LITERAL(.*|.+)?` (LITERAL made of plain characters and escaped
 * punctuation), the literal and the minimum number of characters required around it; undefined for
 * anything else (which then runs as a regex).
 */
function literalCore(pattern: string): { text: string; before: number; after: number } | undefined {
  const match = /^(\.\*|\.\+)?((?:[A-Za-z0-9 _:,;=<>"'@#%&~/!-]|\\[/.:\-_@])+)(\.\*|\.\+)?$/.exec(pattern);
  if (!match) return undefined;
  return { text: (match[2] ?? '').replace(/\\(.)/g, '$1'), before: match[1] === '.+' ? 1 : 0, after: match[3] === '.+' ? 1 : 0 };
}

function valueTest(modifier: SigmaModifier, value: string): ValueTest {
  if (modifier === 're') {
    const literal = literalCore(value);
    if (literal) {
      // `.+X.*` and friends: "X occurs with at least n characters before and m after" (exact with the `s` flag).
      const { text, before, after } = literal;
      return (candidate) => {
        for (let at = candidate.indexOf(text, before); at >= 0; at = candidate.indexOf(text, at + 1)) {
          if (at + text.length + after <= candidate.length) return true;
        }
        return false;
      };
    }
    let re: RegExp;
    try {
      // Sigma's `re` searches anywhere. With the `s` flag a pattern that starts with `.*` / `.+` matches
      // somewhere iff it matches at the start: anchoring it avoids quadratic backtracking on long values.
      re = new RegExp(/^\.[*+]/.test(value) ? `^(?:${value})` : value, 's');
    } catch {
      return () => false;
    }
    return (candidate) => re.test(candidate);
  }
  if (modifier === 'cidr') {
    const block = parseCidr(value);
    return (candidate) => {
      const ip = block ? parseIp(candidate) : undefined;
      return !!block && !!ip && cidrContains(block, ip);
    };
  }
  const { body, wild } = globBody(value);
  if (wild) {
    const anchored = modifier === 'contains' ? body : modifier === 'startswith' ? `^${body}` : modifier === 'endswith' ? `${body}$` : `^${body}$`;
    const re = new RegExp(anchored, 'is');
    return (candidate) => re.test(candidate);
  }
  const needle = value.toLowerCase();
  if (modifier === 'eq') {
    // Equal ignoring case: compare lengths before lower-casing (most candidates differ in length).
    return (candidate) => candidate.length === needle.length && candidate.toLowerCase() === needle;
  }
  // contains / startswith / endswith: a case-insensitive literal regex, no allocation per candidate.
  const literal = escapeRegex(value);
  const re = new RegExp(modifier === 'startswith' ? `^${literal}` : modifier === 'endswith' ? `${literal}$` : literal, 'i');
  return (candidate) => candidate.length >= value.length && re.test(candidate);
}

function compileFieldTest(test: SigmaFieldTest): RecordMatcher {
  const { f: field, m: modifier } = test;
  const read = compilePath(field);
  if (modifier === 'fieldref') {
    // The value names another field: equal (case-insensitive) to any of its values.
    const others = test.v.filter((value): value is string => value !== null);
    const readers = others.map(compilePath);
    const list = (values: string | readonly string[]): readonly string[] => (typeof values === 'string' ? [values] : values);
    return (record) => {
      const mine = list(read(record)).map((value) => value.toLowerCase());
      if (mine.length === 0) return false;
      const check = (other: (record: unknown) => string | readonly string[]): boolean => list(other(record)).some((value) => mine.includes(value.toLowerCase()));
      return test.all ? readers.every(check) : readers.some(check);
    };
  }
  const tests = test.v.map((value) => (value === null ? null : valueTest(modifier, value)));
  const all = test.all === true;
  const fromRow = ROW_FIELDS[field];
  // Loops rather than every/some with fresh closures: this runs for every event.
  const holds = (check: ValueTest | null, values: string | readonly string[]): boolean => {
    if (typeof values === 'string') return check !== null && check(values);
    if (check === null) return values.length === 0;
    for (let i = 0; i < values.length; i++) if (check(values[i] ?? '')) return true;
    return false;
  };
  return (record, row) => {
    let values: string | readonly string[];
    if (row && fromRow) {
      const value = fromRow(row);
      values = value === '' ? MISSING : value;
    } else values = read(record);
    for (let i = 0; i < tests.length; i++) {
      const ok = holds(tests[i] ?? null, values);
      if (all ? !ok : ok) return !all;
    }
    return all;
  };
}

/** Compiles a condition tree into a predicate over a raw record. Never throws on odd records. */
export function compileSigma(condition: SigmaCondition): RecordMatcher {
  if ('and' in condition) {
    const parts = condition.and.map(compileSigma);
    return (record, row) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i](record, row)) return false;
      return true;
    };
  }
  if ('or' in condition) {
    const parts = condition.or.map(compileSigma);
    return (record, row) => {
      for (let i = 0; i < parts.length; i++) if (parts[i](record, row)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileSigma(condition.not);
    return (record, row) => !inner(record, row);
  }
  return compileFieldTest(condition);
}
