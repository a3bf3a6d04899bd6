/**
 * CloudFormation YAML → CfnNode, with the `yaml` package (eemeli/yaml): real YAML parsing, source
 * ranges, and the CloudFormation short-form tags (`!Ref`, `!Sub`, `!If`, `!GetAtt`, …) registered
 * as custom tags so that each becomes the intrinsic function it stands for.
 *
 * Scalars are read the way CloudFormation reads them, not the way YAML 1.2 would:
 * - CloudFormation parses templates as YAML 1.1: an unquoted yes/no/on/off (any of the spellings
 *   YAML 1.1 lists: yes Yes YES, no No NO, on On ON, off Off OFF, plus true/false in three cases)
 *   is a boolean. AWS's own CLI quotes these words when it writes templates for that reason
 *   (aws-cli `cloudformation package`), and users report `Value: YES` arriving as "true".
 * - YAML 1.1 also lists the single letters y/Y/n/N. Whether CloudFormation's parser takes them as
 *   booleans is not documented; we keep them as strings and the template reader reports a
 *   boolean property written `y` or `n` as unknown rather than guess.
 * - Quoted scalars are strings; the template reader then applies CloudFormation's property
 *   coercion, under which the strings "true" and "false" are booleans.
 * - CloudFormation supports no YAML aliases: an alias is read as unknown.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, Scalar, type Node as YamlNode, type ParsedNode, type Tags } from 'yaml';
import type { IacProblem, Span } from '../types';
import { normalizeFn, type CfnEntry, type CfnNode, type CfnSeq } from './nodes';

/** Short-form tag → intrinsic name. */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!And': 'Fn::And',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!Equals': 'Fn::Equals',
  '!FindInMap': 'Fn::FindInMap',
  '!ForEach': 'Fn::ForEach',
  '!GetAtt': 'Fn::GetAtt',
  '!GetAZs': 'Fn::GetAZs',
  '!If': 'Fn::If',
  '!ImportValue': 'Fn::ImportValue',
  '!Join': 'Fn::Join',
  '!Length': 'Fn::Length',
  '!Not': 'Fn::Not',
  '!Or': 'Fn::Or',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Sub': 'Fn::Sub',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Transform': 'Fn::Transform',
};

/** Each short form may tag a scalar, a sequence or a mapping; the node is kept as parsed. */
const CFN_TAGS: Tags = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: <T>(value: T) => value },
  { tag, collection: 'map' as const, resolve: <T>(value: T) => value },
]);

const YAML11_BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  True: true,
  TRUE: true,
  yes: true,
  Yes: true,
  YES: true,
  on: true,
  On: true,
  ON: true,
  false: false,
  False: false,
  FALSE: false,
  no: false,
  No: false,
  NO: false,
  off: false,
  Off: false,
  OFF: false,
};

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

/** A plain (unquoted) scalar as CloudFormation's YAML 1.1 reading takes it. */
export function plainScalar(source: string): string | number | boolean | null {
  if (NULLS.has(source)) return null;
  const b = YAML11_BOOLEANS[source];
  if (b !== undefined) return b;
  if (INT.test(source) || FLOAT.test(source)) {
    const n = Number(source.replace(/_/g, ''));
    if (Number.isFinite(n)) return n;
  }
  return source;
}

/** A scalar's value as text (scalars hold strings, numbers, booleans, null; dates in YAML 1.1 only). */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/** The `yaml` package's parse with the options the reader uses (exported for the benchmark's "raw parse" baseline). */
export function parseRaw(text: string, json = false): Document.Parsed {
  return json
    ? parseDocument(text, { schema: 'json', uniqueKeys: false, prettyErrors: false, strict: false })
    : parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: false, prettyErrors: false, strict: false, stringKeys: false });
}

export interface YamlReadResult {
  readonly root: CfnNode | undefined;
  readonly problems: IacProblem[];
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses YAML text into CfnNodes. Never throws; syntax errors come back as problems and the
 * readable part is kept. With `json`, the text is read as JSON (YAML 1.2's JSON schema: JSON is a
 * subset of YAML 1.2, and the same parser gives the same ranges and error recovery).
 */
export function readYaml(text: string, file: string, json = false): YamlReadResult {
  const problems: IacProblem[] = [];
  const doc = parseRaw(text, json);
  if (json && !/^\s*[{[]/.test(text) && text.trim() !== '') {
    problems.push({ file, message: 'JSON: a template must be an object', span: { start: 0, end: 0 }, severity: 'error' });
  }
  for (const error of doc.errors.slice(0, 20)) {
    const [start, end] = error.pos;
    problems.push({ file, message: firstLine(error.message), span: { start, end: Math.max(start, end) }, severity: 'error' });
  }
  const converter = new Converter(text, file, problems);
  const root = doc.contents ? converter.convert(doc.contents) : undefined;
  return { root, problems };
}

/**
 * Values are converted when first read: the template reader looks at Parameters, the resources'
 * Type and the trails only, so the rest of a large template is never converted.
 */
class LazyEntry implements CfnEntry {
  private converted: CfnNode | undefined;

  constructor(
    readonly key: string,
    readonly keySpan: Span,
    private readonly node: YamlNode | null,
    private readonly converter: Converter,
  ) {}

  get value(): CfnNode {
    this.converted ??= this.node ? this.converter.convert(this.node) : { kind: 'scalar', value: null, quoted: false, span: { start: this.keySpan.end, end: this.keySpan.end } };
    return this.converted;
  }
}

class LazySeq implements CfnSeq {
  readonly kind = 'seq';
  private converted: CfnNode[] | undefined;

  constructor(
    readonly span: Span,
    private readonly nodes: readonly YamlNode[],
    private readonly converter: Converter,
  ) {}

  get items(): readonly CfnNode[] {
    this.converted ??= this.nodes.map((n) => this.converter.convert(n));
    return this.converted;
  }
}

class Converter {
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly problems: IacProblem[],
  ) {}

  convert(node: ParsedNode | YamlNode | null | undefined): CfnNode {
    if (this.depth > 200) return { kind: 'fn', name: 'YAML::TooDeep', span: this.spanOf(node), arg: { kind: 'scalar', value: null, quoted: false, span: this.spanOf(node) } };
    this.depth++;
    try {
      return this.convertNode(node);
    } finally {
      this.depth--;
    }
  }

  private spanOf(node: YamlNode | null | undefined): Span {
    const range = node?.range;
    if (!range) return { start: 0, end: 0 };
    return { start: range[0], end: Math.max(range[0], range[1]) };
  }

  /** The node's span widened to take in its tag (`!Ref X` starts at the `!`). */
  private taggedSpan(node: YamlNode, tag: string): Span {
    const s = this.spanOf(node);
    let i = s.start - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t' || this.text[i] === '\n' || this.text[i] === '\r')) i--;
    const tagStart = i - tag.length + 1;
    if (tagStart >= 0 && this.text.slice(tagStart, i + 1) === tag) return { start: tagStart, end: s.end };
    return s;
  }

  private convertNode(node: ParsedNode | YamlNode | null | undefined): CfnNode {
    if (!node) return { kind: 'scalar', value: null, quoted: false, span: { start: 0, end: 0 } };
    const tag = node.tag;
    const fnName = tag ? SHORT_FORMS[tag] : undefined;
    if (fnName && tag) {
      const arg = this.convertUntagged(node);
      return { kind: 'fn', name: fnName, arg, span: this.taggedSpan(node, tag) };
    }
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      // A tag CloudFormation does not know: keep it visible as an unknown function.
      return { kind: 'fn', name: tag, arg: this.convertUntagged(node), span: this.taggedSpan(node, tag) };
    }
    return this.convertUntagged(node);
  }

  private convertUntagged(node: YamlNode): CfnNode {
    const span = this.spanOf(node);
    if (isScalar(node)) return this.scalar(node, span);
    if (isMap(node)) {
      const entries: CfnEntry[] = [];
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keySpan = this.spanOf(keyNode);
        const key = isScalar(keyNode) ? scalarText(keyNode.value) : this.text.slice(keySpan.start, keySpan.end);
        if (seen.has(key)) {
          this.problems.push({ file: this.file, message: `Duplicate key "${key}": only the last one counts (cfn-lint rejects duplicate keys)`, span: keySpan, severity: 'warning' });
        }
        seen.add(key);
        entries.push(new LazyEntry(key, keySpan, pair.value as YamlNode | null, this));
      }
      return normalizeFn({ kind: 'map', span, entries, flow: node.flow === true });
    }
    if (isSeq(node)) return new LazySeq(span, node.items as YamlNode[], this);
    if (isAlias(node)) {
      return { kind: 'fn', name: 'YAML::Alias', span, arg: { kind: 'scalar', value: node.source, quoted: false, span } };
    }
    return { kind: 'scalar', value: null, quoted: false, span };
  }

  private scalar(node: Scalar, span: Span): CfnNode {
    const type = node.type;
    if (node.tag === 'tag:yaml.org,2002:str') return { kind: 'scalar', value: scalarText(node.value), quoted: true, span };
    if (type === Scalar.PLAIN || type === undefined) {
      const source = typeof node.source === 'string' ? node.source : this.text.slice(span.start, span.end);
      return { kind: 'scalar', value: plainScalar(source.trim()), quoted: false, span };
    }
    return { kind: 'scalar', value: scalarText(node.value), quoted: true, span };
  }
}
