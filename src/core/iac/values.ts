/**
 * The value model the three readers share, and the conversions from it to the posture snapshot's
 * `Known` fields. A reader evaluates what it can of a property (literals, parameter and variable
 * defaults, locals, consts) into a `Value`; everything decided at deploy time is either `expr`
 * (a value that will surely exist, like a resource reference — enough for "is a KMS key set?")
 * or `unknown` with the reason.
 */
import { DEFAULT_EVENT_SELECTORS, known, unknown, type AdvancedEventSelector, type AdvancedFieldSelector, type BasicEventSelector, type DataResource, type EventSelectorConfig, type Known, type ReadWriteType } from '../posture/model';
import type { LiteralSource } from './types';

export type Scalar = string | number | boolean | null;

export type Value =
  /** Not set: the property is missing, AWS::NoValue, `null` in Terraform, `undefined` in TypeScript. */
  | { readonly kind: 'absent'; readonly note?: string }
  | { readonly kind: 'literal'; readonly value: Scalar; readonly literal?: LiteralSource; readonly note?: string; readonly plain?: boolean }
  | { readonly kind: 'list'; readonly items: readonly Value[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyMap<string, Value> }
  /** Set to something decided at deploy time that will exist (a reference to a resource, a GetAtt, a template string). */
  | { readonly kind: 'expr'; readonly text: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export const ABSENT: Value = Object.freeze({ kind: 'absent' });

export function literal(value: Scalar, more: { literal?: LiteralSource; note?: string; plain?: boolean } = {}): Value {
  return { kind: 'literal', value, ...more };
}

export function unknownValue(reason: string): Value {
  return { kind: 'unknown', reason };
}

/** Key comparison that ignores case and underscores: `read_write_type` = `ReadWriteType` = `readWriteType`. */
export function normKey(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

/** A member of an object value, matched with `normKey`; several names may be tried (`DataResources`, `data_resource`). */
export function member(value: Value, ...names: string[]): Value {
  if (value.kind !== 'object') return ABSENT;
  const wanted = new Set(names.map(normKey));
  for (const [key, v] of value.entries) if (wanted.has(normKey(key))) return v;
  return ABSENT;
}

/** Whether two values are the same for our purposes (both branches of an `If` agree). */
export function sameValue(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'absent') return true;
  if (a.kind === 'literal' && b.kind === 'literal') return a.value === b.value;
  if (a.kind === 'expr' && b.kind === 'expr') return a.text === b.text;
  return false;
}

function noteOf(v: Value): string | undefined {
  return v.kind === 'literal' ? v.note : v.kind === 'absent' ? v.note : undefined;
}

function withNote<T>(value: T, note: string | undefined): Known<T> {
  return note ? known(value, note) : known(value);
}

const AMBIGUOUS = new Set(['y', 'Y', 'n', 'N']);

/**
 * A boolean property. Strings "true"/"false" (any case) count as booleans: CloudFormation and
 * Terraform both convert them. `absent` takes the format's default, with `absentNote` saying so.
 */
export function toBool(v: Value, absentDefault: boolean, absentNote: string): Known<boolean> {
  switch (v.kind) {
    case 'absent':
      return known(absentDefault, v.note ?? absentNote);
    case 'literal': {
      if (typeof v.value === 'boolean') return withNote(v.value, v.note);
      if (typeof v.value === 'string') {
        const s = v.value.trim().toLowerCase();
        if (s === 'true' || s === 'false') return withNote(s === 'true', v.note);
        if (v.plain && AMBIGUOUS.has(v.value)) return unknown(`"${v.value}" may or may not be read as a boolean (YAML 1.1); write true or false`);
        return unknown(`"${v.value}" is not a boolean`);
      }
      if (v.value === null) return known(absentDefault, v.note ?? absentNote);
      return unknown(`${String(v.value)} is not a boolean`);
    }
    case 'expr':
      return unknown(`decided by ${v.text}`);
    case 'unknown':
      return unknown(v.reason);
    default:
      return unknown('not a boolean');
  }
}

/** A string property where "not set" matters (KMS key, log group): absent and "" are `null`. */
export function toOptionalString(v: Value): Known<string | null> {
  switch (v.kind) {
    case 'absent':
      return withNote(null, v.note);
    case 'literal':
      if (v.value === null || v.value === '') return withNote(null, v.note ?? (v.value === '' ? 'set to an empty string' : undefined));
      return withNote(String(v.value), v.note);
    case 'expr':
      return known(v.text, 'decided at deploy time');
    case 'unknown':
      return unknown(v.reason);
    default:
      return unknown('not a string');
  }
}

/**
 * A trail's physical name (`TrailName`, `name`, `trailName`): undefined when the code does not set
 * it (the service or CloudFormation names the trail), known when it is a literal (or a default it
 * refers to), unknown when it is decided at deploy time (a reference, a template string).
 */
export function toTrailName(v: Value): Known<string> | undefined {
  switch (v.kind) {
    case 'absent':
      return undefined;
    case 'literal':
      if (v.value === null || v.value === '') return undefined;
      return withNote(String(v.value), v.note);
    case 'expr':
      return unknown(`decided at deploy time (${v.text})`);
    case 'unknown':
      return unknown(v.reason);
    default:
      return unknown('not a string');
  }
}

/** The text of a value inside lists (selector values, tag values): expressions keep their text. */
function textOf(v: Value): Known<string> {
  if (v.kind === 'literal' && v.value !== null) return known(String(v.value));
  if (v.kind === 'expr') return known(v.text);
  if (v.kind === 'unknown') return unknown(v.reason);
  return unknown('not a string');
}

function listOf(v: Value): Known<readonly Value[]> {
  if (v.kind === 'list') return known(v.items);
  if (v.kind === 'absent' || (v.kind === 'literal' && v.value === null)) return known([]);
  if (v.kind === 'unknown') return unknown(v.reason);
  if (v.kind === 'expr') return unknown(`decided by ${v.text}`);
  return unknown('not a list');
}

function stringList(v: Value): Known<string[]> {
  const l = listOf(v);
  if (!l.known) return l;
  const out: string[] = [];
  for (const item of l.value) {
    const t = textOf(item);
    if (!t.known) return t;
    out.push(t.value);
  }
  return known(out);
}

function stringListOrUndefined(v: Value): Known<string[] | undefined> {
  if (v.kind === 'absent' || (v.kind === 'literal' && v.value === null)) return known(undefined);
  return stringList(v);
}

const RW: Readonly<Record<string, ReadWriteType>> = { all: 'All', readonly: 'ReadOnly', writeonly: 'WriteOnly' };

function basicSelector(v: Value): Known<BasicEventSelector> {
  if (v.kind !== 'object') return v.kind === 'unknown' ? unknown(v.reason) : unknown('an event selector that is not a mapping');
  const rwValue = member(v, 'ReadWriteType');
  let readWriteType: ReadWriteType = 'All';
  if (rwValue.kind !== 'absent') {
    const t = textOf(rwValue);
    if (!t.known) return unknown(`ReadWriteType is ${t.reason}`);
    const rw = RW[t.value.toLowerCase()];
    if (!rw) return unknown(`ReadWriteType "${t.value}" is not one AWS accepts (All, ReadOnly, WriteOnly)`);
    readWriteType = rw;
  }
  const includeManagementEvents = toBool(member(v, 'IncludeManagementEvents'), true, 'default');
  if (!includeManagementEvents.known) return unknown(`IncludeManagementEvents is ${includeManagementEvents.reason}`);
  const dataResources: DataResource[] = [];
  const dr = listOf(member(v, 'DataResources', 'DataResource'));
  if (!dr.known) return unknown(`DataResources: ${dr.reason}`);
  for (const item of dr.value) {
    const type = textOf(member(item, 'Type'));
    if (!type.known) return unknown(`a data resource type: ${type.reason}`);
    const values = stringList(member(item, 'Values'));
    dataResources.push({ type: type.value, values: values.known ? values.value : [`(${values.reason})`] });
  }
  const excluded = stringList(member(v, 'ExcludeManagementEventSources'));
  if (!excluded.known) return unknown(`ExcludeManagementEventSources: ${excluded.reason}`);
  return known({ readWriteType, includeManagementEvents: includeManagementEvents.value, dataResources, excludeManagementEventSources: excluded.value });
}

function advancedSelector(v: Value): Known<AdvancedEventSelector> {
  if (v.kind !== 'object') return v.kind === 'unknown' ? unknown(v.reason) : unknown('an advanced event selector that is not a mapping');
  const fields = listOf(member(v, 'FieldSelectors', 'FieldSelector'));
  if (!fields.known) return unknown(`FieldSelectors: ${fields.reason}`);
  const fieldSelectors: AdvancedFieldSelector[] = [];
  for (const f of fields.value) {
    const field = textOf(member(f, 'Field'));
    if (!field.known) return unknown(`a field selector's Field: ${field.reason}`);
    const fs: { -readonly [K in keyof AdvancedFieldSelector]: AdvancedFieldSelector[K] } = { field: field.value };
    const ops = [
      ['equals', 'Equals'],
      ['notEquals', 'NotEquals'],
      ['startsWith', 'StartsWith'],
      ['notStartsWith', 'NotStartsWith'],
      ['endsWith', 'EndsWith'],
      ['notEndsWith', 'NotEndsWith'],
    ] as const;
    for (const [prop, name] of ops) {
      const list = stringListOrUndefined(member(f, name));
      if (!list.known) return unknown(`${name}: ${list.reason}`);
      if (list.value !== undefined) fs[prop] = list.value;
    }
    fieldSelectors.push(fs);
  }
  const name = member(v, 'Name');
  const n = name.kind === 'literal' && typeof name.value === 'string' ? name.value : undefined;
  return known(n === undefined ? { fieldSelectors } : { name: n, fieldSelectors });
}

/**
 * Event selectors from the basic and advanced lists. Both absent (or empty) is what AWS gives a
 * new trail: all management events, no data events.
 */
export function toEventSelectors(basic: Value, advanced: Value): Known<EventSelectorConfig> {
  const adv = listOf(advanced);
  if (!adv.known) return unknown(`the advanced event selectors are ${adv.reason}`);
  if (adv.value.length > 0) {
    const selectors: AdvancedEventSelector[] = [];
    for (const item of adv.value) {
      const s = advancedSelector(item);
      if (!s.known) return unknown(s.reason);
      selectors.push(s.value);
    }
    return known({ kind: 'advanced', selectors });
  }
  const bas = listOf(basic);
  if (!bas.known) return unknown(`the event selectors are ${bas.reason}`);
  if (bas.value.length === 0) return known(DEFAULT_EVENT_SELECTORS, noteOf(basic) ?? 'no event selectors: all management events');
  const selectors: BasicEventSelector[] = [];
  for (const item of bas.value) {
    const s = basicSelector(item);
    if (!s.known) return unknown(s.reason);
    selectors.push(s.value);
  }
  return known({ kind: 'basic', selectors });
}

/** Insight types from a list of `{InsightType}`. */
export function toInsightTypes(v: Value): Known<readonly string[]> {
  const l = listOf(v);
  if (!l.known) return unknown(l.reason);
  const out: string[] = [];
  for (const item of l.value) {
    const t = textOf(member(item, 'InsightType'));
    if (!t.known) return unknown(t.reason);
    out.push(t.value);
  }
  return known(out);
}

/** Tags from a list of `{Key, Value}` (CloudFormation) or a map (Terraform, CDK). */
export function toTags(v: Value): Known<Readonly<Record<string, string>>> {
  if (v.kind === 'absent' || (v.kind === 'literal' && v.value === null)) return known({});
  if (v.kind === 'object') {
    const out: Record<string, string> = {};
    for (const [k, item] of v.entries) {
      const t = textOf(item);
      out[k] = t.known ? t.value : '(decided at deploy time)';
    }
    return known(out);
  }
  const l = listOf(v);
  if (!l.known) return unknown(l.reason);
  const out: Record<string, string> = {};
  for (const item of l.value) {
    const key = textOf(member(item, 'Key'));
    if (!key.known) return unknown(`a tag key is ${key.reason}`);
    const value = textOf(member(item, 'Value'));
    out[key.value] = value.known ? value.value : '(decided at deploy time)';
  }
  return known(out);
}
