/**
 * One tree for CloudFormation templates whatever their syntax: the YAML and JSON readers turn
 * their parser's nodes into these, the template reader works on these only.
 */
import type { Span } from '../types';

export type CfnNode = CfnScalar | CfnMap | CfnSeq | CfnFn;

export interface CfnScalar {
  readonly kind: 'scalar';
  readonly span: Span;
  /** As CloudFormation reads it (YAML 1.1 plain booleans already booleans, see yaml.ts). */
  readonly value: string | number | boolean | null;
  /** Written in quotes (a quoted "true" is still a boolean to CloudFormation properties, but not a YAML boolean). */
  readonly quoted: boolean;
}

export interface CfnEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: CfnNode;
}

export interface CfnMap {
  readonly kind: 'map';
  readonly span: Span;
  readonly entries: readonly CfnEntry[];
  /** Written `{…}` (YAML flow mapping, every JSON object). */
  readonly flow: boolean;
}

export interface CfnSeq {
  readonly kind: 'seq';
  readonly span: Span;
  readonly items: readonly CfnNode[];
}

/** An intrinsic function: YAML short form (`!Ref X`) or the one-key mapping form (`{"Ref": "X"}`). */
export interface CfnFn {
  readonly kind: 'fn';
  readonly span: Span;
  /** Full name: `Ref`, `Condition`, `Fn::If`, `Fn::GetAtt`, … */
  readonly name: string;
  readonly arg: CfnNode;
}

/** The last entry with that key (JSON.parse and CloudFormation keep the last of duplicates). */
export function entry(map: CfnMap, key: string): CfnEntry | undefined {
  for (let i = map.entries.length - 1; i >= 0; i--) {
    const e = map.entries[i];
    if (e && e.key === key) return e;
  }
  return undefined;
}

export function get(node: CfnNode | undefined, key: string): CfnNode | undefined {
  return node && node.kind === 'map' ? entry(node, key)?.value : undefined;
}

export function asMap(node: CfnNode | undefined): CfnMap | undefined {
  return node && node.kind === 'map' ? node : undefined;
}

export function scalarString(node: CfnNode | undefined): string | undefined {
  if (!node || node.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** The intrinsic function names CloudFormation knows (YAML short forms drop the `Fn::`). */
export const INTRINSICS = new Set([
  'Ref',
  'Condition',
  'Fn::And',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::Equals',
  'Fn::FindInMap',
  'Fn::ForEach',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Length',
  'Fn::Not',
  'Fn::Or',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::ToJsonString',
  'Fn::Transform',
]);

/** A one-key mapping `{Ref: X}` / `{"Fn::If": […]}` seen as the intrinsic it is. */
export function normalizeFn(node: CfnMap): CfnNode {
  if (node.entries.length !== 1) return node;
  const only = node.entries[0];
  if (!only || !INTRINSICS.has(only.key)) return node;
  return { kind: 'fn', span: node.span, name: only.key, arg: only.value };
}
