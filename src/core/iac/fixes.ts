/**
 * Fixes as plain text edits. A failing boolean check is fixed where its value is decided:
 * - the literal that decides it is flipped in place (`false` → `true`, `"false"` → `"true"`,
 *   `False` → `True`, `no` → `yes`), wherever it is: the property itself, a parameter's Default,
 *   a variable's default (possibly in variables.tf), a local, a const;
 * - a property left out (AWS default false) is added in the file's own style: YAML block or
 *   flow, JSON with its indentation, HCL aligned like its neighbours, TS object literal with or
 *   without trailing commas.
 * Values decided by expressions get no automatic fix. Everything outside the edits is untouched.
 */
import type { RuleId } from '../posture/model';
import { iacPropertyFix } from '../posture/remediation';
import { RULE_FIELDS, type TrailReport } from './analyze';
import type { InsertPoint, TrailDefinition } from './types';

export interface TextEdit {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

export interface IacFix {
  readonly title: string;
  readonly ruleIds: readonly RuleId[];
  readonly edits: readonly TextEdit[];
}

interface Entry {
  readonly key: string;
  readonly value: string;
}

const FLIPS: Readonly<Record<string, string>> = {
  false: 'true',
  False: 'True',
  FALSE: 'TRUE',
  no: 'yes',
  No: 'Yes',
  NO: 'YES',
  off: 'on',
  Off: 'On',
  OFF: 'ON',
};

/** The literal `text` rewritten to say true, keeping its quotes and spelling. */
export function flipLiteral(text: string): string {
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(text);
  if (quoted) {
    const [, q, inner] = quoted;
    return `${q}${FLIPS[inner ?? ''] ?? 'true'}${q}`;
  }
  return FLIPS[text] ?? 'true';
}

/** The property name `ruleId`'s fix sets in this trail's dialect, if the dialect has one. */
export function fixKey(def: TrailDefinition, ruleId: RuleId): string | undefined {
  const fix = iacPropertyFix(ruleId, def.snapshot);
  if (!fix) return undefined;
  switch (def.dialect) {
    case 'cloudformation':
      return fix.cloudformation.property;
    case 'terraform':
      return fix.terraform.attribute;
    case 'cdk-trail':
      return fix.cdk?.property;
    case 'cdk-cfntrail': {
      const p = fix.cloudformation.property;
      return p.charAt(0).toLowerCase() + p.slice(1);
    }
  }
}

type Plan = { kind: 'flip'; edit: TextEdit; title: string } | { kind: 'add'; entry: Entry; title: string };

function plan(def: TrailDefinition, ruleId: RuleId, texts: (file: string) => string | undefined): Plan | undefined {
  const key = fixKey(def, ruleId);
  const field = RULE_FIELDS[ruleId];
  if (!key || !field) return undefined;
  const prop = def.properties[field];
  if (prop?.literal) {
    const lit = prop.literal;
    const text = texts(lit.file);
    if (text === undefined) return undefined;
    const current = text.slice(lit.span.start, lit.span.end);
    const where = lit.description === 'the value' ? key : lit.description;
    return { kind: 'flip', edit: { file: lit.file, offset: lit.span.start, length: lit.span.end - lit.span.start, newText: flipLiteral(current) }, title: `Set ${where} to true` };
  }
  if (prop || !def.insert) return undefined;
  return { kind: 'add', entry: { key, value: 'true' }, title: `Add ${key}${def.insert.kind === 'lines' && def.insert.style === 'hcl' ? ' = ' : ': '}true` };
}

function entryText(style: 'yaml' | 'json' | 'hcl' | 'ts', e: Entry, width: number): string {
  switch (style) {
    case 'yaml':
    case 'ts':
      return `${e.key}: ${e.value}`;
    case 'json':
      return `"${e.key}": ${e.value}`;
    case 'hcl':
      return `${e.key.padEnd(width)} = ${e.value}`;
  }
}

/** The edit that adds `entries` at an insertion point. */
export function renderInsert(ip: InsertPoint, entries: readonly Entry[]): TextEdit {
  const longest = Math.max(0, ...entries.map((e) => e.key.length));
  switch (ip.kind) {
    case 'lines': {
      let width = longest;
      let lead = '';
      if (ip.style === 'hcl' && ip.alignKeys !== undefined) {
        // Join the aligned group when the new keys fit; otherwise start a group of their own.
        if (longest <= ip.alignKeys) width = ip.alignKeys;
        else lead = ip.eol;
      }
      let out = ip.open ?? '';
      out += lead;
      entries.forEach((e, i) => {
        const comma = ip.commaBefore && (i > 0 || ip.open === undefined) ? ',' : '';
        out += `${comma}${ip.eol}${ip.indent}${entryText(ip.style, e, width)}${ip.trailingComma ? ',' : ''}`;
      });
      out += ip.close ?? '';
      return { file: ip.file, offset: ip.offset, length: 0, newText: out };
    }
    case 'inline': {
      const parts = entries.map((e) => entryText(ip.style, e, 0)).join(', ');
      let newText: string;
      if (ip.open !== undefined) newText = `${ip.open}${parts}${ip.close ?? ''}`;
      else if (ip.empty) newText = ip.padded ? ` ${parts} ` : parts;
      else newText = `, ${parts}`;
      return { file: ip.file, offset: ip.offset, length: 0, newText };
    }
    case 'hcl-empty-block': {
      const inner = entries.map((e) => `${ip.eol}${ip.indent}  ${entryText('hcl', e, longest)}`).join('');
      return { file: ip.file, offset: ip.span.start, length: ip.span.end - ip.span.start, newText: `{${inner}${ip.eol}${ip.indent}}` };
    }
  }
}

function combine(def: TrailDefinition, plans: readonly { ruleId: RuleId; plan: Plan }[]): IacFix | undefined {
  if (plans.length === 0) return undefined;
  const edits: TextEdit[] = [];
  const adds: Entry[] = [];
  for (const { plan: p } of plans) {
    if (p.kind === 'flip') edits.push(p.edit);
    else if (!adds.some((a) => a.key === p.entry.key)) adds.push(p.entry);
  }
  if (adds.length > 0 && def.insert) edits.push(renderInsert(def.insert, adds));
  const ruleIds = plans.map((p) => p.ruleId);
  const title = plans.length === 1 && plans[0] ? plans[0].plan.title : `Fix all for ${def.name} (${ruleIds.join(', ')})`;
  return { title, ruleIds, edits: normalize(edits) };
}

/** The fix for one failing check of a trail, if one can be made. */
export function fixForCheck(report: TrailReport, ruleId: RuleId, texts: (file: string) => string | undefined): IacFix | undefined {
  const check = report.checks.find((c) => c.ruleId === ruleId);
  if (!check || check.finding.status !== 'fail') return undefined;
  const p = plan(report.definition, ruleId, texts);
  return p ? combine(report.definition, [{ ruleId, plan: p }]) : undefined;
}

/** Every failing, unsuppressed check of a trail that has a fix, as one edit set. */
export function fixAllForTrail(report: TrailReport, texts: (file: string) => string | undefined): IacFix | undefined {
  const plans: { ruleId: RuleId; plan: Plan }[] = [];
  for (const c of report.checks) {
    if (c.finding.status !== 'fail' || c.suppressed) continue;
    const p = plan(report.definition, c.ruleId, texts);
    if (p) plans.push({ ruleId: c.ruleId, plan: p });
  }
  return combine(report.definition, plans);
}

/** Fix-all for several trails (a file): the trails' edits together, shared edits once. */
export function fixAll(reports: readonly TrailReport[], texts: (file: string) => string | undefined): IacFix | undefined {
  const edits: TextEdit[] = [];
  const ruleIds = new Set<RuleId>();
  for (const r of reports) {
    const f = fixAllForTrail(r, texts);
    if (!f) continue;
    edits.push(...f.edits);
    for (const id of f.ruleIds) ruleIds.add(id);
  }
  if (edits.length === 0) return undefined;
  return { title: `Fix all CloudTrail issues in this file (${[...ruleIds].join(', ')})`, ruleIds: [...ruleIds], edits: normalize(edits) };
}

/** Sorted by file and offset; duplicates dropped; an edit overlapping an earlier one dropped. */
export function normalize(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => (a.file === b.file ? a.offset - b.offset || a.length - b.length : a.file < b.file ? -1 : 1));
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.file === e.file) {
      if (prev.offset === e.offset && prev.length === e.length && prev.newText === e.newText) continue;
      if (e.offset < prev.offset + prev.length || (e.offset === prev.offset && e.length === 0 && prev.length === 0)) continue;
    }
    out.push(e);
  }
  return out;
}

/** Applies the edits of one file (pure; for the CLI and tests). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}
