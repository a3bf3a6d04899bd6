/**
 * CDK TypeScript → trail definitions, through the tree-sitter TypeScript grammar:
 * `new Trail(scope, id, props)` / `new cloudtrail.Trail(…)` (the L2 construct of
 * aws-cdk-lib/aws-cloudtrail, or @aws-cdk/aws-cloudtrail) and `new CfnTrail(…)` (the L1 construct,
 * CloudFormation's properties in camelCase).
 *
 * Defaults differ between the two, as in the CDK:
 * - `Trail`: isMultiRegionTrail true, enableFileValidation true, includeGlobalServiceEvents true,
 *   always logging, no KMS key unless `encryptionKey` (or the deprecated `kmsKey`), CloudWatch
 *   Logs only with `sendToCloudWatchLogs: true`, management events ReadWriteType.ALL.
 * - `CfnTrail`: CloudFormation's defaults (multi-region and validation false).
 *
 * Values: literals, `const` declarations of the file, `!`, `&&`, `||`, `??`, `?:` on known
 * values; identifiers and calls that produce constructs (a key, a log group) count as set;
 * `props.x`, context lookups and other runtime values are unknown. Object spreads make the
 * properties they could carry unknown.
 */
import type { Node } from 'web-tree-sitter';
import { DEFAULT_EVENT_SELECTORS, known, unknown, type EventSelectorConfig, type Known, type TrailSnapshot } from '../posture/model';
import { cdkMayDefineTrail } from './detect';
import { suppressions } from './suppress';
import { eolOf, startOfLine } from './text';
import type { Grammar } from './treesitter';
import type { IacDialect, IacFile, IacProblem, InsertPoint, PropertySource, ReadResult, Span, TrailDefinition, TrailField } from './types';
import { ABSENT, literal, member, sameValue, toBool, toEventSelectors, toInsightTypes, toOptionalString, toTags, toTrailName, unknownValue, type Value } from './values';

const CDK_MODULES = /^(?:aws-cdk-lib\/aws-cloudtrail|@aws-cdk\/aws-cloudtrail)$/;
const CDK_LIB = /^(?:aws-cdk-lib|monocdk)$/;

/** L2 Trail props → snapshot field. */
export const CDK_TRAIL_FIELDS: Readonly<Record<string, TrailField>> = {
  isMultiRegionTrail: 'isMultiRegion',
  enableFileValidation: 'logFileValidation',
  includeGlobalServiceEvents: 'includeGlobalServiceEvents',
  isOrganizationTrail: 'isOrganization',
  encryptionKey: 'kmsKeyId',
  kmsKey: 'kmsKeyId',
  sendToCloudWatchLogs: 'cloudWatchLogsLogGroupArn',
  bucket: 's3BucketName',
  managementEvents: 'eventSelectors',
  insightTypes: 'insightTypes',
};

/** CfnTrail props → snapshot field (CloudFormation's names in camelCase). */
export const CDK_CFN_FIELDS: Readonly<Record<string, TrailField>> = {
  isLogging: 'isLogging',
  isMultiRegionTrail: 'isMultiRegion',
  enableLogFileValidation: 'logFileValidation',
  includeGlobalServiceEvents: 'includeGlobalServiceEvents',
  isOrganizationTrail: 'isOrganization',
  kmsKeyId: 'kmsKeyId',
  cloudWatchLogsLogGroupArn: 'cloudWatchLogsLogGroupArn',
  cloudWatchLogsRoleArn: 'cloudWatchLogsRoleArn',
  s3BucketName: 's3BucketName',
  eventSelectors: 'eventSelectors',
  advancedEventSelectors: 'eventSelectors',
  insightSelectors: 'insightTypes',
  tags: 'tags',
};

const INSIGHT_TYPES: Readonly<Record<string, string>> = { API_CALL_RATE: 'ApiCallRateInsight', API_ERROR_RATE: 'ApiErrorRateInsight' };
const READ_WRITE: Readonly<Record<string, string>> = { ALL: 'All', READ_ONLY: 'ReadOnly', WRITE_ONLY: 'WriteOnly', NONE: 'None' };

const NEW_CALL = /\bnew\s+((?:[A-Za-z_$][\w$]*\s*\.\s*)*[A-Za-z_$][\w$]*)\s*(?:<[^>()]*>\s*)?\(/g;

export function readCdk(file: IacFile, grammar: Grammar): ReadResult {
  if (!cdkMayDefineTrail(file.text)) return { trails: [], problems: [] };
  const problems: IacProblem[] = [];
  let tree;
  try {
    tree = grammar.parse(file.text);
  } catch (error) {
    return { trails: [], problems: [{ file: file.path, message: `Could not parse: ${error instanceof Error ? error.message : String(error)}`, span: { start: 0, end: 0 }, severity: 'error' }] };
  }
  try {
    const reader = new CdkFile(file, tree.rootNode);
    const trails = reader.trails();
    if (tree.rootNode.hasError && trails.length === 0) {
      problems.push({ file: file.path, message: 'TypeScript syntax error: trails in this file may be missed', span: firstError(tree.rootNode), severity: 'warning' });
    }
    return { trails, problems };
  } finally {
    tree.delete();
  }
}

function firstError(root: Node): Span {
  let n: Node | null = root;
  for (let guard = 0; n && guard < 1000; guard++) {
    if (n.isError || n.isMissing) return { start: n.startIndex, end: n.endIndex };
    const next: Node | undefined = n.children.find((c): c is Node => c !== null && (c.hasError || c.isMissing));
    if (!next) break;
    n = next;
  }
  return { start: 0, end: 0 };
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

function stringValue(text: string, n: Node): string | undefined {
  if (n.type === 'string') return named(n).filter((c) => c.type === 'string_fragment' || c.type === 'escape_sequence').map((c) => unescapeTs(text.slice(c.startIndex, c.endIndex))).join('');
  if (n.type === 'template_string' && !named(n).some((c) => c.type === 'template_substitution')) {
    return named(n).filter((c) => c.type === 'string_fragment' || c.type === 'escape_sequence').map((c) => unescapeTs(text.slice(c.startIndex, c.endIndex))).join('');
  }
  return undefined;
}

function unescapeTs(s: string): string {
  return s.startsWith('\\') ? s.replace(/^\\(.)/, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : s;
}

type Kind = 'trail' | 'cfn';

class CdkFile {
  private readonly text: string;
  /** Local names bound to the construct classes: `Trail`, `T` (import { Trail as T }). */
  private readonly classes = new Map<string, Kind>();
  /** Names bound to the aws-cloudtrail module: `cloudtrail` (import * as cloudtrail), `aws_cloudtrail`. */
  private readonly namespaces = new Set<string>();
  /** Names bound to aws-cdk-lib itself: `cdk` (cdk.aws_cloudtrail.Trail). */
  private readonly libs = new Set<string>();
  /** Names imported from other modules. */
  private readonly foreign = new Set<string>();
  private readonly consts = new Map<string, Node | null>();
  private readonly constStack = new Set<string>();
  private imported = false;

  constructor(
    private readonly file: IacFile,
    private readonly root: Node,
  ) {
    this.text = file.text;
    this.readImports();
  }

  private src(n: Node): string {
    return this.text.slice(n.startIndex, n.endIndex);
  }

  private readImports(): void {
    for (const stmt of named(this.root)) {
      if (stmt.type === 'import_statement') {
        const source = stmt.childForFieldName('source');
        const from = source ? stringValue(this.text, source) : undefined;
        if (from === undefined) continue;
        const clause = named(stmt).find((c) => c.type === 'import_clause');
        if (!clause) continue;
        const isModule = CDK_MODULES.test(from);
        const isLib = CDK_LIB.test(from);
        if (!isModule && !isLib) {
          // Names imported from elsewhere are not the CDK classes, even in a file without CDK imports.
          for (const id of clause.descendantsOfType('identifier')) if (id) this.foreign.add(this.src(id));
          continue;
        }
        this.imported = true;
        for (const part of named(clause)) {
          if (part.type === 'namespace_import') {
            const id = named(part)[0];
            if (id) (isModule ? this.namespaces : this.libs).add(this.src(id));
          } else if (part.type === 'named_imports') {
            for (const spec of named(part)) {
              if (spec.type !== 'import_specifier') continue;
              const nameNode = spec.childForFieldName('name');
              const alias = spec.childForFieldName('alias') ?? nameNode;
              if (!nameNode || !alias) continue;
              const name = this.src(nameNode);
              const local = this.src(alias);
              if (isModule && (name === 'Trail' || name === 'CfnTrail')) this.classes.set(local, name === 'Trail' ? 'trail' : 'cfn');
              if (isLib && name === 'aws_cloudtrail') this.namespaces.add(local);
            }
          } else if (part.type === 'identifier' && isModule) {
            this.namespaces.add(this.src(part));
          }
        }
      } else if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
        // const cloudtrail = require('aws-cdk-lib/aws-cloudtrail')
        for (const decl of named(stmt)) {
          const value = decl.childForFieldName('value');
          const name = decl.childForFieldName('name');
          if (!value || !name || value.type !== 'call_expression') continue;
          const fn = value.childForFieldName('function');
          const arg = named(value.childForFieldName('arguments') ?? value)[0];
          if (!fn || this.src(fn) !== 'require' || !arg) continue;
          const from = stringValue(this.text, arg) ?? '';
          if (name.type === 'identifier' && CDK_MODULES.test(from)) {
            this.namespaces.add(this.src(name));
            this.imported = true;
          } else if (name.type === 'identifier' && CDK_LIB.test(from)) {
            this.libs.add(this.src(name));
            this.imported = true;
          }
        }
      }
    }
  }

  /** Which construct a `new X.Y(` constructor chain names, if any. */
  private kindOf(chain: string): Kind | undefined {
    const parts = chain.split('.').map((p) => p.trim());
    const last = parts[parts.length - 1];
    const cls = last === 'Trail' ? 'trail' : last === 'CfnTrail' ? 'cfn' : undefined;
    if (this.foreign.has(parts[0] ?? '')) return undefined;
    if (parts.length === 1) {
      const bound = this.classes.get(parts[0] ?? '');
      if (bound) return bound;
      // Without imports we can resolve (a snippet), the class names alone decide.
      return this.imported ? undefined : cls;
    }
    if (!cls) return undefined;
    if (parts.length === 2) {
      const ns = parts[0] ?? '';
      if (this.namespaces.has(ns)) return cls;
      return this.imported ? undefined : /cloudtrail|^ct$/i.test(ns) ? cls : undefined;
    }
    if (parts.length === 3 && parts[1] === 'aws_cloudtrail' && (this.libs.has(parts[0] ?? '') || !this.imported)) return cls;
    return undefined;
  }

  trails(): TrailDefinition[] {
    const out: TrailDefinition[] = [];
    const seen = new Set<number>();
    for (const m of this.text.matchAll(NEW_CALL)) {
      const kind = this.kindOf((m[1] ?? '').replace(/\s+/g, ''));
      if (!kind || m.index === undefined) continue;
      let n: Node | null = this.root.descendantForIndex(m.index);
      while (n && n.type !== 'new_expression' && n.startIndex === m.index) n = n.parent;
      if (!n || n.type !== 'new_expression' || n.startIndex !== m.index || seen.has(n.startIndex)) continue;
      seen.add(n.startIndex);
      out.push(this.trail(n, kind));
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private constValue(name: string, depth: number): Value | undefined {
    if (!this.consts.has(name)) {
      const re = new RegExp(`\\bconst\\s+${name.replace(/\$/g, '\\$')}\\s*(?::[^=;]+)?=`, 'g');
      const hits = [...this.text.matchAll(re)];
      let decl: Node | null = null;
      if (hits.length === 1 && hits[0]?.index !== undefined) {
        const idIndex = this.text.indexOf(name, hits[0].index + 5);
        let n: Node | null = this.root.descendantForIndex(idIndex);
        while (n && n.type !== 'variable_declarator') n = n.parent;
        decl = n && n.childForFieldName('name')?.startIndex === idIndex ? n.childForFieldName('value') : null;
      }
      this.consts.set(name, decl);
    }
    const value = this.consts.get(name);
    if (!value) return undefined;
    if (this.constStack.has(name)) return unknownValue(`const ${name} refers to itself`);
    this.constStack.add(name);
    try {
      const v = this.value(value, depth + 1);
      if (v.kind !== 'literal') return v;
      return { ...v, note: v.note ?? `from const ${name}`, ...(v.literal ? { literal: { ...v.literal, description: `const ${name}` } } : {}) };
    } finally {
      this.constStack.delete(name);
    }
  }

  value(n: Node | null | undefined, depth: number): Value {
    if (!n) return ABSENT;
    if (depth > 50) return unknownValue('nested too deeply');
    const source = { file: this.file.path, span: { start: n.startIndex, end: n.endIndex }, description: 'the value' };
    switch (n.type) {
      case 'true':
      case 'false':
        return literal(n.type === 'true', { literal: source });
      case 'number':
        return literal(Number(this.src(n)), { literal: source });
      case 'string':
      case 'template_string': {
        const s = stringValue(this.text, n);
        return s === undefined ? { kind: 'expr', text: short(this.src(n)) } : literal(s, { literal: source });
      }
      case 'null':
      case 'undefined':
        return { kind: 'absent', note: `set to ${n.type}` };
      case 'identifier': {
        const name = this.src(n);
        if (name === 'undefined') return { kind: 'absent', note: 'set to undefined' };
        const c = this.constValue(name, depth);
        if (c) return c;
        return { kind: 'expr', text: name };
      }
      case 'parenthesized_expression':
      case 'as_expression':
      case 'satisfies_expression':
      case 'non_null_expression':
        return this.value(named(n).find((c) => c.type !== 'comment'), depth + 1);
      case 'unary_expression': {
        const op = n.childForFieldName('operator');
        const arg = this.value(n.childForFieldName('argument'), depth + 1);
        if (op && this.src(op) === '!') {
          const b = toBool(arg, false, '');
          return b.known && arg.kind !== 'absent' ? literal(!b.value) : arg.kind === 'absent' ? literal(true) : unknownValue(b.known ? 'decided at run time' : b.reason);
        }
        return unknownValue(`decided by ${short(this.src(n))}`);
      }
      case 'binary_expression': {
        const op = this.src(n.childForFieldName('operator') ?? n);
        const left = this.value(n.childForFieldName('left'), depth + 1);
        const right = this.value(n.childForFieldName('right'), depth + 1);
        if (op === '??') return left.kind === 'absent' ? right : left;
        if (op === '&&' || op === '||') {
          const l = toBool(left, false, '');
          if (l.known && left.kind !== 'expr') return (op === '&&') === l.value ? right : left;
          return unknownValue(`decided by ${short(this.src(n))}`);
        }
        return unknownValue(`decided by ${short(this.src(n))}`);
      }
      case 'ternary_expression': {
        const c = this.value(n.childForFieldName('condition'), depth + 1);
        const cond = toBool(c, false, '');
        const a = this.value(n.childForFieldName('consequence'), depth + 1);
        const b = this.value(n.childForFieldName('alternative'), depth + 1);
        if (cond.known && c.kind === 'literal') return cond.value ? a : b;
        if (sameValue(a, b)) return a;
        return unknownValue(`decided by ${short(this.src(n.childForFieldName('condition') ?? n))}`);
      }
      case 'array':
        return { kind: 'list', items: named(n).filter((c) => c.type !== 'comment').map((c) => (c.type === 'spread_element' ? unknownValue('a spread') : this.value(c, depth + 1))) };
      case 'object':
        return this.objectValue(n, depth).value;
      case 'member_expression': {
        const text = this.src(n);
        const enumMember = /^(?:[\w$]+\.)*(ReadWriteType|InsightType)\.([A-Z_]+)$/.exec(text);
        if (enumMember) {
          const table = enumMember[1] === 'ReadWriteType' ? READ_WRITE : INSIGHT_TYPES;
          const v = table[enumMember[2] ?? ''];
          return v ? literal(v) : unknownValue(`${text} is not known`);
        }
        if (/^(?:this\.)?props\b|\?\./.test(text)) return unknownValue(`decided by ${short(text)}`);
        return { kind: 'expr', text: short(text) };
      }
      case 'call_expression':
      case 'new_expression':
        if (/tryGetContext|process\.env|valueForStringParameter|valueFromLookup/.test(this.src(n))) return unknownValue(`decided by ${short(this.src(n))}`);
        return { kind: 'expr', text: short(this.src(n)) };
      default:
        return unknownValue(`decided by ${short(this.src(n))}`);
    }
  }

  /** An object literal as a value, plus the spread it contains (properties it may set are unknown). */
  private objectValue(n: Node, depth: number): { value: Value; spread?: string } {
    const entries = new Map<string, Value>();
    let spread: string | undefined;
    for (const c of named(n)) {
      if (c.type === 'pair') {
        const key = this.keyOf(c.childForFieldName('key'));
        if (key !== undefined) entries.set(key, this.value(c.childForFieldName('value'), depth + 1));
      } else if (c.type === 'shorthand_property_identifier') {
        const name = this.src(c);
        entries.set(name, this.constValue(name, depth) ?? { kind: 'expr', text: name });
      } else if (c.type === 'spread_element') {
        const arg = named(c)[0];
        const known = arg ? (arg.type === 'object' ? arg : this.constObject(arg)) : undefined;
        if (known && depth < 20) {
          // `...base` where base is a const object literal of this file: its properties, in order.
          const inner = this.objectValue(known, depth + 1);
          if (inner.value.kind === 'object') for (const [k, v] of inner.value.entries) entries.set(k, v);
          if (inner.spread) spread = inner.spread;
          continue;
        }
        spread = short(this.src(c));
        // Properties written before a spread may be overridden by it.
        for (const k of entries.keys()) entries.set(k, unknownValue(`may be overridden by ${spread}`));
      }
    }
    return spread ? { value: { kind: 'object', entries }, spread } : { value: { kind: 'object', entries } };
  }

  private keyOf(k: Node | null): string | undefined {
    if (!k) return undefined;
    if (k.type === 'property_identifier') return this.src(k);
    if (k.type === 'string') return stringValue(this.text, k);
    if (k.type === 'number') return this.src(k);
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Trails

  private trail(n: Node, kind: Kind): TrailDefinition {
    const args = named(n.childForFieldName('arguments') ?? n).filter((c) => c.type !== 'comment');
    const ctor = n.childForFieldName('constructor');
    const idNode = args[1];
    const name = idNode ? (stringValue(this.text, idNode) ?? short(this.src(idNode))) : '(no id)';
    const propsArg = args[2];
    let propsObject: Node | undefined;
    let spread: string | undefined;
    let props: Value;
    if (!propsArg) {
      props = { kind: 'object', entries: new Map() };
    } else {
      propsObject = propsArg.type === 'object' ? propsArg : this.constObject(propsArg);
      if (propsObject) {
        const o = this.objectValue(propsObject, 0);
        props = o.value;
        spread = o.spread;
      } else {
        props = unknownValue(`decided by ${short(this.src(propsArg))}`);
      }
    }
    const get = (key: string): Value => {
      if (props.kind === 'unknown') return props;
      const v = props.kind === 'object' ? props.entries.get(key) : undefined;
      if (v) return v;
      return spread ? unknownValue(`may be set by ${spread}`) : ABSENT;
    };
    const snapshot = kind === 'trail' ? this.l2Snapshot(name, get) : this.l1Snapshot(name, props, spread);
    // L2 `trailName` (exact key), CfnTrail `trailName` (as the L1 reads its props).
    const trailName = toTrailName(kind === 'trail' ? get('trailName') : props.kind === 'unknown' ? props : member(props, 'trailName').kind === 'absent' && spread ? unknownValue(`may be set by ${spread}`) : member(props, 'trailName'));
    const fields = kind === 'trail' ? CDK_TRAIL_FIELDS : CDK_CFN_FIELDS;
    const properties: Partial<Record<TrailField, PropertySource>> = {};
    if (propsObject) {
      for (const c of named(propsObject)) {
        if (c.type !== 'pair') continue;
        const keyNode = c.childForFieldName('key');
        const valueNode = c.childForFieldName('value');
        const key = this.keyOf(keyNode);
        const field = key !== undefined ? fields[key] : undefined;
        if (!keyNode || !valueNode || !field || properties[field]) continue;
        const v = this.value(valueNode, 0);
        const lit = v.kind === 'literal' ? v.literal : undefined;
        properties[field] = { key: key ?? '', file: this.file.path, keySpan: { start: keyNode.startIndex, end: keyNode.endIndex }, valueSpan: { start: valueNode.startIndex, end: valueNode.endIndex }, ...(lit ? { literal: lit } : {}) };
      }
    }
    const span: Span = { start: n.startIndex, end: n.endIndex };
    const headSpan: Span = { start: n.startIndex, end: ctor ? ctor.endIndex : n.startIndex + 3 };
    const insert = this.insertPoint(propsArg, propsObject, idNode);
    const dialect: IacDialect = kind === 'trail' ? 'cdk-trail' : 'cdk-cfntrail';
    return {
      snapshot,
      name,
      format: 'cdk',
      ...(trailName ? { trailName } : {}),
      dialect,
      file: this.file.path,
      span,
      headSpan,
      properties,
      ...(insert ? { insert } : {}),
      created: known(true),
      suppressed: suppressions(this.text, span),
    };
  }

  private constObject(n: Node): Node | undefined {
    if (n.type !== 'identifier') return undefined;
    const name = this.src(n);
    this.constValue(name, 0);
    const value = this.consts.get(name);
    return value && value.type === 'object' ? value : undefined;
  }

  private l2Snapshot(name: string, get: (key: string) => Value): TrailSnapshot {
    const kms = get('encryptionKey').kind !== 'absent' ? get('encryptionKey') : get('kmsKey');
    const send = toBool(get('sendToCloudWatchLogs'), false, 'sendToCloudWatchLogs not set; defaults to false');
    const group = get('cloudWatchLogGroup');
    let cloudWatch: Known<string | null>;
    if (!send.known) cloudWatch = unknown(send.reason);
    else if (!send.value) cloudWatch = known(null, send.note ?? 'sendToCloudWatchLogs is false');
    else cloudWatch = group.kind === 'absent' ? known('a log group the construct creates', 'sendToCloudWatchLogs: true') : toOptionalString(group);
    const bucket = get('bucket');
    const management = get('managementEvents');
    let eventSelectors: Known<EventSelectorConfig>;
    if (management.kind === 'absent') eventSelectors = known(DEFAULT_EVENT_SELECTORS, 'managementEvents not set; defaults to ReadWriteType.ALL');
    else if (management.kind === 'literal' && typeof management.value === 'string') {
      const rw = management.value;
      eventSelectors =
        rw === 'None'
          ? known({ kind: 'basic', selectors: [{ readWriteType: 'All', includeManagementEvents: false, dataResources: [], excludeManagementEventSources: [] }] })
          : rw === 'All' || rw === 'ReadOnly' || rw === 'WriteOnly'
            ? known({ kind: 'basic', selectors: [{ readWriteType: rw, includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] })
            : unknown(`managementEvents ${rw} is not known`);
    } else eventSelectors = unknown(management.kind === 'unknown' ? management.reason : 'decided by managementEvents');
    const insights = get('insightTypes');
    const insightTypes: Known<readonly string[]> =
      insights.kind === 'absent' ? known([]) : insights.kind === 'list' && insights.items.every((i) => i.kind === 'literal') ? known(insights.items.map((i) => (i.kind === 'literal' ? String(i.value) : ''))) : unknown(insights.kind === 'unknown' ? insights.reason : 'decided by insightTypes');
    return {
      origin: 'cdk',
      name,
      isMultiRegion: toBool(get('isMultiRegionTrail'), true, 'not set; the Trail construct defaults isMultiRegionTrail to true'),
      isOrganization: toBool(get('isOrganizationTrail'), false, 'not set; defaults to false'),
      logFileValidation: toBool(get('enableFileValidation'), true, 'not set; the Trail construct defaults enableFileValidation to true'),
      kmsKeyId: kms.kind === 'absent' ? known(null, 'no encryptionKey: SSE-S3 only') : toOptionalString(kms),
      cloudWatchLogsLogGroupArn: cloudWatch,
      cloudWatchLogsRoleArn: cloudWatch.known && cloudWatch.value !== null ? known('a role the construct creates') : cloudWatch,
      includeGlobalServiceEvents: toBool(get('includeGlobalServiceEvents'), true, 'not set; defaults to true'),
      s3BucketName: bucket.kind === 'absent' ? known('a bucket the construct creates') : toOptionalString(bucket),
      s3KeyPrefix: toOptionalString(get('s3KeyPrefix')),
      snsTopic: toOptionalString(get('snsTopic')),
      isLogging: known(true, 'the Trail construct always logs'),
      tags: known({}),
      eventSelectors,
      insightTypes,
    };
  }

  private l1Snapshot(name: string, props: Value, spread: string | undefined): TrailSnapshot {
    const get = (key: string): Value => {
      if (props.kind === 'unknown') return props;
      const v = member(props, key);
      if (v.kind === 'absent' && spread) return unknownValue(`may be set by ${spread}`);
      return v;
    };
    return {
      origin: 'cdk',
      name,
      isMultiRegion: toBool(get('isMultiRegionTrail'), false, 'not set; CfnTrail (CloudFormation) defaults IsMultiRegionTrail to false'),
      isOrganization: toBool(get('isOrganizationTrail'), false, 'not set; defaults to false'),
      logFileValidation: toBool(get('enableLogFileValidation'), false, 'not set; CfnTrail (CloudFormation) defaults EnableLogFileValidation to false'),
      kmsKeyId: toOptionalString(get('kmsKeyId')),
      cloudWatchLogsLogGroupArn: toOptionalString(get('cloudWatchLogsLogGroupArn')),
      cloudWatchLogsRoleArn: toOptionalString(get('cloudWatchLogsRoleArn')),
      includeGlobalServiceEvents: toBool(get('includeGlobalServiceEvents'), true, 'not set; defaults to true'),
      s3BucketName: toOptionalString(get('s3BucketName')),
      s3KeyPrefix: toOptionalString(get('s3KeyPrefix')),
      snsTopic: toOptionalString(get('snsTopicName')),
      isLogging: toBool(get('isLogging'), false, 'isLogging is required: CloudFormation rejects a trail without it'),
      tags: toTags(get('tags')),
      eventSelectors: toEventSelectors(get('eventSelectors'), get('advancedEventSelectors')),
      insightTypes: toInsightTypes(get('insightSelectors')),
    };
  }

  private insertPoint(propsArg: Node | undefined, propsObject: Node | undefined, idNode: Node | undefined): InsertPoint | undefined {
    const text = this.text;
    const file = this.file.path;
    if (!propsArg) {
      if (!idNode) return undefined;
      return { kind: 'inline', style: 'ts', file, offset: idNode.endIndex, empty: true, padded: true, open: ', { ', close: ' }' };
    }
    if (!propsObject) return undefined;
    const entries = named(propsObject).filter((c) => c.type !== 'comment');
    const last = entries[entries.length - 1];
    if (!last) return { kind: 'inline', style: 'ts', file, offset: propsObject.startIndex + 1, empty: true, padded: true };
    const multiLine = text.slice(propsObject.startIndex, propsObject.endIndex).includes('\n');
    if (!multiLine) return { kind: 'inline', style: 'ts', file, offset: last.endIndex, empty: false, padded: text[propsObject.startIndex + 1] === ' ' };
    const indent = text.slice(startOfLine(text, last.startIndex), last.startIndex);
    if (!/^[ \t]*$/.test(indent)) return undefined;
    const after = /^[ \t]*,/.exec(text.slice(last.endIndex, last.endIndex + 40));
    if (after) return { kind: 'lines', style: 'ts', file, offset: last.endIndex + after[0].length, indent, eol: eolOf(text), commaBefore: false, trailingComma: true };
    return { kind: 'lines', style: 'ts', file, offset: last.endIndex, indent, eol: eolOf(text), commaBefore: true, trailingComma: false };
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}
