/**
 * `aws_cloudtrail` resources of one Terraform module (the .tf files of one folder, plus its
 * auto-loaded terraform.tfvars / *.auto.tfvars) → trail definitions, through the tree-sitter HCL
 * grammar (Terraform dialect).
 *
 * Values, as far as the module itself decides them:
 * - literals; the strings "true"/"false" count as booleans (Terraform converts them);
 * - `var.x` → terraform.tfvars / *.auto.tfvars if they set it, else the variable's default
 *   (said so in a note); no default → unknown "decided by variable x";
 * - `local.x` → the local's expression, evaluated the same way;
 * - `count` / `for_each` with known values → every instance is evaluated (`count.index`,
 *   `each.key`, `each.value`); instances that disagree make the value unknown;
 * - conditionals whose condition is known pick their branch; `!`, `&&`, `||`, `==`, `!=` on
 *   known values are evaluated;
 * - references to resources and data sources are set (decided at deploy time: enough for "is a
 *   KMS key set?"); anything from outside the module (`module.x.y`, variables without default)
 *   is unknown.
 * Arguments left out take the provider's defaults: is_multi_region_trail false,
 * enable_log_file_validation false, include_global_service_events true, enable_logging true.
 */
import type { Node } from 'web-tree-sitter';
import { known, unknown, type Known, type TrailSnapshot } from '../posture/model';
import { tfMayDefineTrail } from './detect';
import { suppressions } from './suppress';
import { endOfLine, eolOf, indentOf, indentUnit, LineIndex, startOfLine } from './text';
import type { Grammar } from './treesitter';
import type { IacFile, IacProblem, InsertPoint, PropertySource, ReadResult, Span, TrailDefinition, TrailField } from './types';
import { ABSENT, literal, member, sameValue, toBool, toEventSelectors, toInsightTypes, toOptionalString, toTags, toTrailName, unknownValue, type Value } from './values';

export const TF_FIELDS: Readonly<Record<string, TrailField>> = {
  enable_logging: 'isLogging',
  is_multi_region_trail: 'isMultiRegion',
  enable_log_file_validation: 'logFileValidation',
  include_global_service_events: 'includeGlobalServiceEvents',
  is_organization_trail: 'isOrganization',
  kms_key_id: 'kmsKeyId',
  cloud_watch_logs_group_arn: 'cloudWatchLogsLogGroupArn',
  cloud_watch_logs_role_arn: 'cloudWatchLogsRoleArn',
  s3_bucket_name: 's3BucketName',
  event_selector: 'eventSelectors',
  advanced_event_selector: 'eventSelectors',
  insight_selector: 'insightTypes',
  tags: 'tags',
};

const MAX_INSTANCES = 32;
const META_ARGUMENTS = new Set(['depends_on', 'provider', 'lifecycle']);
/** Block headers the reader needs: variables, locals, trails. */
const INTERESTING_BLOCK = /^(?:variable\b|locals\b|resource\s*"aws_cloudtrail")/;
const MAX_DEPTH = 64;

export interface TerraformOptions {
  /** Address prefix when the folder is called as a module: `module.baseline.` (nested: `module.a.module.b.`). */
  readonly modulePrefix?: string;
}

/** Whether a file name is one Terraform loads automatically as variable values. */
export function isAutoTfvars(path: string): boolean {
  const base = path.replace(/^.*[\\/]/, '');
  return base === 'terraform.tfvars' || base.endsWith('.auto.tfvars');
}

interface Parsed {
  readonly file: IacFile;
  readonly root: Node;
  readonly lines: LineIndex;
  /** The file's indentation step, computed when first needed. */
  unit?: string;
}

interface Expr {
  readonly file: Parsed;
  readonly node: Node;
}

/** Per-instance values of count.index / each.key / each.value; `unknown` when count/for_each is. */
interface Scope {
  readonly countIndex?: Value;
  readonly eachKey?: Value;
  readonly eachValue?: Value;
  readonly instances?: string;
}

const NO_SCOPE: Scope = {};

export function readTerraformModule(files: readonly IacFile[], grammar: Grammar, options: TerraformOptions = {}): ReadResult {
  const tfFiles = files.filter((f) => !/\.tfvars$/.test(f.path));
  if (!tfFiles.some((f) => tfMayDefineTrail(f.text))) return { trails: [], problems: [] };
  const problems: IacProblem[] = [];
  const parsed: Parsed[] = [];
  try {
    for (const file of files) {
      if (/\.tfvars$/.test(file.path) && !isAutoTfvars(file.path)) continue;
      try {
        const tree = grammar.parse(file.text);
        const p: Parsed = { file, root: tree.rootNode, lines: new LineIndex(file.text) };
        parsed.push(p);
        if (p.root.hasError) syntaxErrors(p, problems);
      } catch (error) {
        problems.push({ file: file.path, message: `Could not parse: ${error instanceof Error ? error.message : String(error)}`, span: { start: 0, end: 0 }, severity: 'error' });
      }
    }
    const module = new Module(parsed, options.modulePrefix ?? '');
    return { trails: module.trails(), problems };
  } finally {
    for (const p of parsed) p.root.tree.delete();
  }
}

function syntaxErrors(p: Parsed, problems: IacProblem[]): void {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (found.length >= 5) return;
    if (n.isError || n.isMissing) {
      found.push(n);
      return;
    }
    for (const c of n.children) if (c && (c.hasError || c.isMissing)) visit(c);
  };
  visit(p.root);
  for (const n of found) {
    const at = p.lines.position(n.startIndex);
    const message = n.isMissing ? `HCL syntax error: missing "${n.type}" (line ${at.line + 1})` : `HCL syntax error (line ${at.line + 1})`;
    problems.push({ file: p.file.path, message, span: { start: n.startIndex, end: Math.max(n.startIndex, n.endIndex) }, severity: 'error' });
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax helpers

function textOf(p: Parsed, n: Node): string {
  return p.file.text.slice(n.startIndex, n.endIndex);
}

function spanOf(n: Node): Span {
  return { start: n.startIndex, end: n.endIndex };
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

function all(n: Node): Node[] {
  return n.children.filter((c): c is Node => c !== null);
}

function bodyOf(block: Node): Node | undefined {
  return named(block).find((c) => c.type === 'body');
}

/** Block type and labels: `resource "aws_cloudtrail" "x"` → ['resource', 'aws_cloudtrail', 'x']. */
function blockHead(p: Parsed, block: Node): string[] {
  const out: string[] = [];
  for (const c of named(block)) {
    if (c.type === 'identifier') out.push(textOf(p, c));
    else if (c.type === 'string_lit') out.push(unquote(p, c));
    else if (c.type === 'block_start' || c.type === 'body') break;
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(["\\nrt])|\$\$\{|%%\{/g, (m, c: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : (c ?? m);
  });
}

function unquote(p: Parsed, stringLit: Node): string {
  return unescape(named(stringLit).filter((c) => c.type === 'template_literal').map((c) => textOf(p, c)).join(''));
}

interface Attribute {
  readonly name: string;
  readonly nameNode: Node;
  readonly expr: Node;
  readonly node: Node;
}

/** Attributes of a body, computed once per body node (trail bodies are read several times). */
const attributeCache = new WeakMap<Parsed, Map<number, Attribute[]>>();

function attributes(p: Parsed, body: Node | undefined): Attribute[] {
  if (!body) return [];
  let cache = attributeCache.get(p);
  if (!cache) {
    cache = new Map();
    attributeCache.set(p, cache);
  }
  const hit = cache.get(body.id);
  if (hit) return hit;
  const out = readAttributes(p, body);
  cache.set(body.id, out);
  return out;
}

function readAttributes(p: Parsed, body: Node): Attribute[] {
  const out: Attribute[] = [];
  for (const c of named(body)) {
    if (c.type !== 'attribute') continue;
    const parts = named(c);
    const nameNode = parts.find((x) => x.type === 'identifier');
    const expr = parts.find((x) => x.type === 'expression');
    if (nameNode && expr) out.push({ name: textOf(p, nameNode), nameNode, expr, node: c });
  }
  return out;
}

/**
 * Top-level blocks the reader needs (variables, locals, trails), found with a cursor and the
 * text: most blocks of a large module are other resources, and skipping them without creating
 * their nodes is what keeps the analysis close to the parse time.
 */
function interestingBlocks(f: Parsed, body: Node | undefined): Node[] {
  if (!body) return [];
  const out: Node[] = [];
  const cursor = body.walk();
  try {
    if (!cursor.gotoFirstChild()) return out;
    do {
      if (cursor.nodeType !== 'block') continue;
      const start = cursor.startIndex;
      if (INTERESTING_BLOCK.test(f.file.text.slice(start, start + 64))) out.push(cursor.currentNode);
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return out;
}

function blocks(body: Node | undefined): Node[] {
  return body ? named(body).filter((c) => c.type === 'block') : [];
}

// ---------------------------------------------------------------------------------------------
// The module

class Module {
  private readonly variables = new Map<string, { file: Parsed; block: Node; def?: Node }>();
  private readonly tfvars = new Map<string, Expr>();
  private readonly locals = new Map<string, Expr>();
  private readonly localCache = new Map<string, Value>();
  private readonly localStack = new Set<string>();
  private readonly resources: { file: Parsed; block: Node; head: string[] }[] = [];

  constructor(
    files: readonly Parsed[],
    private readonly prefix: string,
  ) {
    for (const f of files) {
      const body = named(f.root).find((c) => c.type === 'body');
      if (isAutoTfvars(f.file.path)) {
        for (const a of attributes(f, body)) this.tfvars.set(a.name, { file: f, node: a.expr });
        continue;
      }
      for (const b of interestingBlocks(f, body)) {
        const head = blockHead(f, b);
        const kind = head[0];
        if (kind === 'variable' && head[1] !== undefined) {
          const def = attributes(f, bodyOf(b)).find((a) => a.name === 'default');
          this.variables.set(head[1], def ? { file: f, block: b, def: def.expr } : { file: f, block: b });
        } else if (kind === 'locals') {
          for (const a of attributes(f, bodyOf(b))) this.locals.set(a.name, { file: f, node: a.expr });
        } else if (kind === 'resource' && head[1] === 'aws_cloudtrail' && head[2] !== undefined) {
          this.resources.push({ file: f, block: b, head });
        }
      }
    }
  }

  trails(): TrailDefinition[] {
    return this.resources.map((r) => this.trail(r.file, r.block, r.head[2] ?? ''));
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private variable(name: string, depth: number): Value {
    const override = this.tfvars.get(name);
    if (override) return annotate(this.expr(override.file, override.node, NO_SCOPE, depth + 1), `from ${basename(override.file.file.path)}`, basename(override.file.file.path));
    const decl = this.variables.get(name);
    if (!decl) return unknownValue(`decided by variable ${name}, which this module does not declare`);
    if (!decl.def) return unknownValue(`decided by variable ${name}, which has no default`);
    return annotate(this.expr(decl.file, decl.def, NO_SCOPE, depth + 1), `from variable ${name}'s default`, `variable ${name}'s default`);
  }

  private local(name: string, depth: number): Value {
    const cached = this.localCache.get(name);
    if (cached) return cached;
    const decl = this.locals.get(name);
    if (!decl) return unknownValue(`decided by local.${name}, which this module does not define`);
    if (this.localStack.has(name)) return unknownValue(`local.${name} refers to itself`);
    this.localStack.add(name);
    try {
      const v = annotate(this.expr(decl.file, decl.node, NO_SCOPE, depth + 1), `from local.${name}`, `local.${name}`);
      this.localCache.set(name, v);
      return v;
    } finally {
      this.localStack.delete(name);
    }
  }

  expr(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    if (depth > MAX_DEPTH) return unknownValue('nested too deeply');
    switch (n.type) {
      case 'expression': {
        const first = n.firstChild;
        if (first && first.type === '(') {
          const inner = named(n).find((c) => c.type === 'expression');
          return inner ? this.expr(f, inner, scope, depth + 1) : unknownValue('an empty expression');
        }
        const parts = named(n).filter((c) => c.type !== 'comment');
        if (parts.length === 1 && parts[0]) return this.expr(f, parts[0], scope, depth + 1);
        return this.term(f, parts, scope, depth + 1);
      }
      case 'literal_value':
        return this.literalValue(f, n);
      case 'template_expr':
        return this.template(f, n, scope, depth);
      case 'collection_value':
        return this.collection(f, n, scope, depth);
      case 'conditional':
        return this.conditional(f, n, scope, depth);
      case 'operation':
        return this.operation(f, n, scope, depth);
      case 'unary_operation':
      case 'binary_operation':
        return this.operation(f, n, scope, depth);
      case 'variable_expr':
      case 'function_call':
        return this.term(f, [n], scope, depth);
      case 'for_expr':
        return unknownValue(`decided by a for expression`);
      default:
        return unknownValue(`decided by ${short(textOf(f, n))}`);
    }
  }

  private literalValue(f: Parsed, n: Node): Value {
    const inner = n.namedChild(0);
    if (!inner) return unknownValue('an empty literal');
    const source = { file: f.file.path, span: spanOf(n), description: 'the value' };
    switch (inner.type) {
      case 'bool_lit':
        return literal(textOf(f, inner) === 'true', { literal: source });
      case 'numeric_lit':
        return literal(Number(textOf(f, inner)), { literal: source });
      case 'null_lit':
        return literal(null, { literal: source, note: 'set to null' });
      case 'string_lit':
        return literal(unquote(f, inner), { literal: source });
      default:
        return unknownValue(`decided by ${short(textOf(f, n))}`);
    }
  }

  private template(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    const t = n.namedChild(0);
    if (!t) return unknownValue('an empty template');
    const parts = named(t).filter((c) => c.type === 'template_literal' || c.type === 'template_interpolation' || c.type === 'template_directive');
    // "${expr}" alone is the expression's value.
    if (parts.length === 1 && parts[0]?.type === 'template_interpolation') {
      const inner = named(parts[0]).find((c) => c.type === 'expression');
      if (inner) {
        const v = this.expr(f, inner, scope, depth + 1);
        if (v.kind === 'literal' && v.value !== null) return literal(String(v.value), v.note ? { note: v.note } : {});
        return v;
      }
    }
    if (parts.every((c) => c.type === 'template_literal')) {
      return { kind: 'expr', text: short(unescape(parts.map((c) => textOf(f, c)).join(''))) };
    }
    return { kind: 'expr', text: short(textOf(f, n)) };
  }

  private collection(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    const c = n.namedChild(0);
    if (!c) return unknownValue('an empty collection');
    if (c.type === 'tuple') {
      return { kind: 'list', items: named(c).filter((x) => x.type === 'expression').map((x) => this.expr(f, x, scope, depth + 1)) };
    }
    const entries = new Map<string, Value>();
    for (const elem of named(c)) {
      if (elem.type !== 'object_elem') continue;
      const keyNode = elem.childForFieldName('key');
      const valNode = elem.childForFieldName('val');
      if (!keyNode || !valNode) continue;
      const key = this.objectKey(f, keyNode, scope, depth);
      if (key === undefined) return unknownValue(`decided by a computed key ${short(textOf(f, keyNode))}`);
      entries.set(key, this.expr(f, valNode, scope, depth + 1));
    }
    return { kind: 'object', entries };
  }

  private objectKey(f: Parsed, keyNode: Node, scope: Scope, depth: number): string | undefined {
    const parts = named(keyNode);
    if (parts.length === 1 && parts[0]?.type === 'variable_expr') return textOf(f, parts[0]);
    const v = this.expr(f, keyNode, scope, depth + 1);
    return v.kind === 'literal' && v.value !== null ? String(v.value) : undefined;
  }

  private conditional(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    const [c, a, b] = named(n).filter((x) => x.type === 'expression');
    if (!c || !a || !b) return unknownValue('a malformed conditional');
    const cond = toBool(this.expr(f, c, scope, depth + 1), false, '');
    if (cond.known) return this.expr(f, cond.value ? a : b, scope, depth + 1);
    const va = this.expr(f, a, scope, depth + 1);
    const vb = this.expr(f, b, scope, depth + 1);
    if (sameValue(va, vb)) return va;
    return unknownValue(cond.reason.startsWith('decided by') ? cond.reason : `decided by condition ${short(textOf(f, c))}`);
  }

  private operation(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    const op = n.type === 'operation' ? n.namedChild(0) : n;
    if (!op) return unknownValue('an empty operation');
    const children = all(op);
    const opIndex = children.findIndex((c) => !c.isNamed);
    const operator = opIndex >= 0 ? (children[opIndex]?.type ?? '') : '';
    const operands = (nodes: Node[]): Value => {
      const parts = nodes.filter((c) => c.isNamed && c.type !== 'comment');
      if (parts.length === 1 && parts[0]) return this.expr(f, parts[0], scope, depth + 1);
      return this.term(f, parts, scope, depth + 1);
    };
    const whole = (): Value => unknownValue(`decided by ${short(textOf(f, n))}`);
    if (op.type === 'unary_operation') {
      const v = operands(children.slice(opIndex + 1));
      if (operator === '!') {
        const b = toBool(v, false, '');
        return b.known ? literal(!b.value) : unknownValue(b.reason);
      }
      if (operator === '-' && v.kind === 'literal' && typeof v.value === 'number') return literal(-v.value);
      return whole();
    }
    const left = operands(children.slice(0, opIndex));
    const right = operands(children.slice(opIndex + 1));
    if (operator === '&&' || operator === '||') {
      const l = toBool(left, false, '');
      const r = toBool(right, false, '');
      if (operator === '&&') {
        if ((l.known && !l.value) || (r.known && !r.value)) return literal(false);
        if (l.known && r.known) return literal(true);
      } else {
        if ((l.known && l.value) || (r.known && r.value)) return literal(true);
        if (l.known && r.known) return literal(false);
      }
      return unknownValue(!l.known ? l.reason : !r.known ? r.reason : `decided by ${short(textOf(f, n))}`);
    }
    if ((operator === '==' || operator === '!=') && left.kind === 'literal' && right.kind === 'literal') {
      const eq = left.value === right.value || String(left.value) === String(right.value);
      return literal(operator === '==' ? eq : !eq);
    }
    if (left.kind === 'unknown') return left;
    if (right.kind === 'unknown') return right;
    return whole();
  }

  /** A primary (variable, call, literal, collection, parenthesised expression) followed by `.attr`, `[i]`, splats. */
  private term(f: Parsed, parts: Node[], scope: Scope, depth: number): Value {
    const [head, ...rest] = parts;
    if (!head) return unknownValue('an empty expression');
    let i = 0;
    let value: Value;
    if (head.type === 'variable_expr') {
      const root = textOf(f, head);
      const attrs: string[] = [];
      while (i < rest.length && rest[i]?.type === 'get_attr') {
        const id = rest[i]?.namedChild(0);
        attrs.push(id ? textOf(f, id) : '');
        i++;
      }
      const path = [root, ...attrs].join('.');
      const [a0] = attrs;
      switch (root) {
        case 'var':
          value = a0 === undefined ? unknownValue('var without a name') : this.variable(a0, depth);
          break;
        case 'local':
          value = a0 === undefined ? unknownValue('local without a name') : this.local(a0, depth);
          break;
        case 'each':
          if (a0 === 'key') value = scope.eachKey ?? unknownValue(`decided by for_each${scope.instances ? ` (${scope.instances})` : ''}`);
          else if (a0 === 'value') value = scope.eachValue ?? unknownValue(`decided by for_each${scope.instances ? ` (${scope.instances})` : ''}`);
          else value = unknownValue(`decided by ${path}`);
          break;
        case 'count':
          value = a0 === 'index' ? (scope.countIndex ?? unknownValue(`decided by count${scope.instances ? ` (${scope.instances})` : ''}`)) : unknownValue(`decided by ${path}`);
          break;
        case 'module':
          return unknownValue(`decided by module.${a0 ?? ''} (outside this module)`);
        case 'data':
        case 'path':
        case 'terraform':
        case 'self':
          return { kind: 'expr', text: short(partsText(f, parts)) };
        default:
          if (attrs.length === 0) return unknownValue(`decided by ${root}`);
          // A reference to a resource in this configuration: set at deploy time.
          return { kind: 'expr', text: short(partsText(f, parts)) };
      }
      // Apply the attribute accesses after the first one (`var.x.y`, `each.value.z`).
      for (const name of attrs.slice(1)) value = this.access(value, name, path);
    } else if (head.type === 'function_call') {
      value = this.call(f, head, scope, depth);
    } else {
      value = this.expr(f, head, scope, depth + 1);
    }
    for (; i < rest.length; i++) {
      const post = rest[i];
      if (!post) continue;
      if (post.type === 'get_attr') {
        const id = post.namedChild(0);
        value = this.access(value, id ? textOf(f, id) : '', partsText(f, parts));
      } else if (post.type === 'index') {
        const idx = named(named(post)[0] ?? post).find((c) => c.type === 'expression');
        const key = idx ? this.expr(f, idx, scope, depth + 1) : unknownValue('an index');
        value = key.kind === 'literal' && key.value !== null ? this.access(value, String(key.value), partsText(f, parts)) : unknownValue(`decided by ${short(partsText(f, parts))}`);
      } else {
        return unknownValue(`decided by ${short(partsText(f, parts))}`);
      }
    }
    return value;
  }

  private access(value: Value, name: string, path: string): Value {
    if (value.kind === 'unknown' || value.kind === 'expr') return value.kind === 'expr' ? { kind: 'expr', text: short(path) } : value;
    if (value.kind === 'object') {
      const v = value.entries.get(name);
      return v ?? unknownValue(`${short(path)} is not set`);
    }
    if (value.kind === 'list' && /^\d+$/.test(name)) {
      return value.items[Number(name)] ?? unknownValue(`${short(path)} is out of range`);
    }
    return unknownValue(`decided by ${short(path)}`);
  }

  private call(f: Parsed, n: Node, scope: Scope, depth: number): Value {
    const nameNode = named(n).find((c) => c.type === 'identifier');
    const name = nameNode ? textOf(f, nameNode) : '';
    const argsNode = named(n).find((c) => c.type === 'function_arguments');
    const args = argsNode ? named(argsNode).filter((c) => c.type === 'expression') : [];
    const arg = (i: number): Value => {
      const a = args[i];
      return a ? this.expr(f, a, scope, depth + 1) : ABSENT;
    };
    switch (name) {
      case 'tobool': {
        const b = toBool(arg(0), false, '');
        return b.known ? literal(b.value) : unknownValue(b.reason);
      }
      case 'tostring': {
        const v = arg(0);
        return v.kind === 'literal' && v.value !== null ? literal(String(v.value)) : v;
      }
      case 'lookup': {
        const map = arg(0);
        const key = arg(1);
        if (map.kind === 'object' && key.kind === 'literal' && key.value !== null) {
          const hit = map.entries.get(String(key.value));
          if (hit) return hit;
          if (args.length > 2) return arg(2);
        }
        break;
      }
      case 'try':
      case 'coalesce': {
        for (let i = 0; i < args.length; i++) {
          const v = arg(i);
          if (v.kind === 'unknown') break;
          if (name === 'try') return v;
          if (v.kind === 'literal' && (v.value === null || v.value === '')) continue;
          return v;
        }
        break;
      }
      default:
        break;
    }
    return unknownValue(`decided by ${short(textOf(f, n))}`);
  }

  // -------------------------------------------------------------------------------------------
  // Trails

  private scopes(f: Parsed, body: Node | undefined): { scopes: Scope[]; created: Known<boolean> } {
    const attrs = attributes(f, body);
    const count = attrs.find((a) => a.name === 'count');
    const forEach = attrs.find((a) => a.name === 'for_each');
    if (count) {
      const text = short(textOf(f, count.expr));
      const v = this.expr(f, count.expr, NO_SCOPE, 0);
      if (v.kind === 'literal' && typeof v.value === 'number') {
        const n = Math.max(0, Math.floor(v.value));
        if (n === 0) return { scopes: [{ countIndex: literal(0), instances: `count = ${text}` }], created: known(false, `count = ${text} is 0`) };
        const scopes: Scope[] = [];
        for (let i = 0; i < Math.min(n, MAX_INSTANCES); i++) scopes.push({ countIndex: literal(i), instances: `count = ${text}` });
        return { scopes, created: known(true, `count = ${n}`) };
      }
      return { scopes: [{ instances: `count = ${text}` }], created: unknown(`decided by count = ${text}`) };
    }
    if (forEach) {
      const text = short(textOf(f, forEach.expr));
      const v = this.expr(f, forEach.expr, NO_SCOPE, 0);
      const pairs: [Value, Value][] = [];
      if (v.kind === 'object') for (const [k, item] of v.entries) pairs.push([literal(k), item]);
      else if (v.kind === 'list') for (const item of v.items) pairs.push([item, item]);
      else return { scopes: [{ instances: `for_each = ${text}` }], created: unknown(`decided by for_each = ${text}`) };
      if (pairs.length === 0) return { scopes: [{ instances: `for_each = ${text}` }], created: known(false, `for_each = ${text} is empty`) };
      return { scopes: pairs.slice(0, MAX_INSTANCES).map(([eachKey, eachValue]) => ({ eachKey, eachValue, instances: `for_each = ${text}` })), created: known(true, `for_each: ${pairs.length} instance${pairs.length === 1 ? '' : 's'}`) };
    }
    return { scopes: [NO_SCOPE], created: known(true) };
  }

  /** The body as a value: attributes by name, nested blocks as lists under their type. */
  private bodyValue(f: Parsed, body: Node | undefined, scope: Scope, depth: number): Value {
    const entries = new Map<string, Value>();
    for (const a of attributes(f, body)) entries.set(a.name, this.expr(f, a.expr, scope, depth + 1));
    const grouped = new Map<string, Value[]>();
    for (const b of blocks(body)) {
      const head = blockHead(f, b);
      const [type] = head;
      if (type === undefined) continue;
      if (type === 'dynamic') {
        const inner = head[1];
        if (inner === undefined) continue;
        const list = grouped.get(inner) ?? [];
        grouped.set(inner, list);
        const forEach = attributes(f, bodyOf(b)).find((a) => a.name === 'for_each');
        const items = forEach ? this.expr(f, forEach.expr, scope, depth + 1) : unknownValue('a dynamic block without for_each');
        const empty = (items.kind === 'list' && items.items.length === 0) || (items.kind === 'object' && items.entries.size === 0);
        if (!empty) list.push(unknownValue(`decided by dynamic "${inner}" block${forEach ? ` (for_each = ${short(textOf(f, forEach.expr))})` : ''}`));
        continue;
      }
      const list = grouped.get(type) ?? [];
      grouped.set(type, list);
      list.push(this.bodyValue(f, bodyOf(b), scope, depth + 1));
    }
    for (const [type, items] of grouped) {
      const bad = items.find((i) => i.kind === 'unknown');
      entries.set(type, bad ?? { kind: 'list', items });
    }
    return { kind: 'object', entries };
  }

  private snapshotFor(f: Parsed, body: Node | undefined, name: string, scope: Scope, values?: Map<string, Value>, trailNames?: (Known<string> | undefined)[]): TrailSnapshot {
    const v = this.bodyValue(f, body, scope, 0);
    if (values && v.kind === 'object') for (const [k, x] of v.entries) values.set(k, x);
    const m = (key: string): Value => member(v, key);
    trailNames?.push(toTrailName(m('name')));
    return {
      origin: 'terraform',
      name,
      isMultiRegion: toBool(m('is_multi_region_trail'), false, 'not set; the AWS provider defaults is_multi_region_trail to false'),
      isOrganization: toBool(m('is_organization_trail'), false, 'not set; defaults to false'),
      logFileValidation: toBool(m('enable_log_file_validation'), false, 'not set; the AWS provider defaults enable_log_file_validation to false'),
      kmsKeyId: toOptionalString(m('kms_key_id')),
      cloudWatchLogsLogGroupArn: toOptionalString(m('cloud_watch_logs_group_arn')),
      cloudWatchLogsRoleArn: toOptionalString(m('cloud_watch_logs_role_arn')),
      includeGlobalServiceEvents: toBool(m('include_global_service_events'), true, 'not set; defaults to true'),
      s3BucketName: toOptionalString(m('s3_bucket_name')),
      s3KeyPrefix: toOptionalString(m('s3_key_prefix')),
      snsTopic: toOptionalString(m('sns_topic_name')),
      isLogging: toBool(m('enable_logging'), true, 'not set; the AWS provider defaults enable_logging to true'),
      tags: toTags(m('tags')),
      eventSelectors: toEventSelectors(m('event_selector'), m('advanced_event_selector')),
      insightTypes: toInsightTypes(m('insight_selector')),
    };
  }

  private trail(f: Parsed, block: Node, label: string): TrailDefinition {
    const name = `${this.prefix}aws_cloudtrail.${label}`;
    const body = bodyOf(block);
    const { scopes, created } = this.scopes(f, body);
    const firstValues = new Map<string, Value>();
    const trailNames: (Known<string> | undefined)[] = [];
    const snapshots = scopes.map((s, i) => this.snapshotFor(f, body, name, s, i === 0 ? firstValues : undefined, trailNames));
    const trailName = sameTrailName(trailNames);
    const snapshot = merge(snapshots, scopes[0]?.instances ?? '');
    const properties: Partial<Record<TrailField, PropertySource>> = {};
    for (const a of attributes(f, body)) {
      const field = TF_FIELDS[a.name];
      if (!field || properties[field]) continue;
      const v = firstValues.get(a.name) ?? this.expr(f, a.expr, scopes[0] ?? NO_SCOPE, 0);
      const lit = v.kind === 'literal' && scopes.length <= 1 ? v.literal : undefined;
      properties[field] = { key: a.name, file: f.file.path, keySpan: spanOf(a.nameNode), valueSpan: spanOf(a.expr), ...(lit ? { literal: lit } : {}) };
    }
    for (const b of blocks(body)) {
      const head = blockHead(f, b);
      const type = head[0] === 'dynamic' ? head[1] : head[0];
      const field = type ? TF_FIELDS[type] : undefined;
      const typeNode = named(b)[0];
      if (!field || properties[field] || !typeNode) continue;
      properties[field] = { key: type ?? '', file: f.file.path, keySpan: spanOf(typeNode), valueSpan: spanOf(b) };
    }
    const headEnd = named(block).find((c) => c.type === 'block_start');
    const headSpan: Span = { start: block.startIndex, end: headEnd ? headEnd.startIndex : block.endIndex };
    const span = spanOf(block);
    const insert = this.insertPoint(f, block, body);
    return {
      snapshot,
      name,
      format: 'terraform',
      ...(trailName ? { trailName } : {}),
      dialect: 'terraform',
      file: f.file.path,
      span,
      headSpan: { start: headSpan.start, end: Math.max(headSpan.start, trimEnd(f.file.text, headSpan.end)) },
      properties,
      ...(insert ? { insert } : {}),
      created,
      suppressed: suppressions(f.file.text, span),
    };
  }

  private insertPoint(f: Parsed, block: Node, body: Node | undefined): InsertPoint | undefined {
    const text = f.file.text;
    const file = f.file.path;
    const eol = eolOf(text);
    const unit = (f.unit ??= indentUnit(text));
    const open = named(block).find((c) => c.type === 'block_start');
    const close = named(block).find((c) => c.type === 'block_end');
    if (!open || !close) return undefined;
    const blockIndent = indentOf(text.slice(startOfLine(text, block.startIndex), block.startIndex + 1));
    const attrs = attributes(f, body);
    const firstBlock = blocks(body)[0];
    // New arguments join the resource's own arguments: before nested blocks, not after meta-arguments.
    const leading = (firstBlock ? attrs.filter((a) => a.node.startIndex < firstBlock.startIndex) : attrs).filter((a) => !META_ARGUMENTS.has(a.name));
    const anchor = leading[leading.length - 1];
    if (anchor) {
      const indent = text.slice(startOfLine(text, anchor.node.startIndex), anchor.node.startIndex);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      const alignKeys = groupAlignment(f, leading);
      return { kind: 'lines', style: 'hcl', file, offset: endOfLine(text, Math.max(anchor.node.startIndex, anchor.node.endIndex - 1)), indent, eol, commaBefore: false, trailingComma: false, ...(alignKeys !== undefined ? { alignKeys } : {}) };
    }
    if (f.lines.line(open.startIndex) === f.lines.line(close.startIndex)) {
      if (body && named(body).length > 0) return undefined;
      return { kind: 'hcl-empty-block', file, span: { start: open.startIndex, end: close.endIndex }, indent: blockIndent, eol };
    }
    // Only nested blocks (or nothing): new attributes go first, after the opening brace.
    const first = firstBlock ?? undefined;
    const indent = first ? text.slice(startOfLine(text, first.startIndex), first.startIndex) : blockIndent + unit;
    if (!/^[ \t]*$/.test(indent)) return undefined;
    return { kind: 'lines', style: 'hcl', file, offset: endOfLine(text, open.startIndex), indent, eol, commaBefore: false, trailingComma: false };
  }
}

/**
 * Key width of the attribute group that ends at the last leading attribute, when it is aligned
 * the terraform fmt way (every `=` in one column): new keys are padded to it. Undefined for
 * unaligned groups (new attributes then get a single space).
 */
function groupAlignment(f: Parsed, leading: readonly Attribute[]): number | undefined {
  const group: Attribute[] = [];
  for (let i = leading.length - 1; i >= 0; i--) {
    const a = leading[i];
    if (!a) break;
    const next = group[0];
    if (next) {
      const aEnd = f.lines.line(a.node.endIndex);
      const aStart = f.lines.line(a.node.startIndex);
      if (aStart !== aEnd || f.lines.line(next.node.startIndex) !== aEnd + 1) break;
    }
    group.unshift(a);
  }
  const columns = new Set<number>();
  let width = 0;
  for (const a of group) {
    const eq = f.file.text.indexOf('=', a.nameNode.endIndex);
    columns.add(eq - a.nameNode.startIndex);
    width = Math.max(width, a.name.length);
  }
  if (columns.size !== 1) return undefined;
  const [column] = [...columns];
  if (column === undefined || column !== width + 1) return undefined;
  return width;
}

/** Same value in every instance, or unknown naming the instances' disagreement. */
function merge(snapshots: readonly TrailSnapshot[], instances: string): TrailSnapshot {
  const [first, ...rest] = snapshots;
  if (!first) throw new Error('no snapshot');
  if (rest.length === 0) return first;
  const out: Record<string, unknown> = { ...first };
  const fields = Object.keys(first) as (keyof TrailSnapshot)[];
  for (const key of fields) {
    const a = first[key];
    if (!isKnownish(a)) continue;
    const same = rest.every((s) => JSON.stringify(s[key]) === JSON.stringify(a));
    if (!same) out[key] = unknown(`differs between the instances of ${instances}`);
  }
  return out as unknown as TrailSnapshot;
}

function isKnownish(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'known' in v;
}

function annotate(v: Value, note: string, description: string): Value {
  if (v.kind !== 'literal') return v;
  const lit = v.literal ? { ...v.literal, description } : undefined;
  return { ...v, note: v.note && v.note !== 'set to null' ? v.note : note, ...(lit ? { literal: lit } : {}) };
}

function basename(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

function partsText(f: Parsed, parts: readonly Node[]): string {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!first || !last) return '';
  return f.file.text.slice(first.startIndex, last.endIndex);
}

function trimEnd(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--;
  return i;
}

/** A `module "name" { source = "./path" }` call to a module in a local folder. */
export interface LocalModuleCall {
  readonly file: string;
  readonly name: string;
  /** The source as written: `../../`, `./modules/baseline`. */
  readonly source: string;
}

/** Local module calls in the given files (registry and git sources are left out). */
export function localModuleCalls(files: readonly IacFile[], grammar: Grammar): LocalModuleCall[] {
  const out: LocalModuleCall[] = [];
  for (const file of files) {
    if (!/\bmodule\b/.test(file.text) || !/source\s*=\s*"\.\.?[\\/"]/.test(file.text)) continue;
    let tree;
    try {
      tree = grammar.parse(file.text);
    } catch {
      continue;
    }
    try {
      const p: Parsed = { file, root: tree.rootNode, lines: new LineIndex(file.text) };
      const body = named(p.root).find((c) => c.type === 'body');
      for (const b of blocks(body)) {
        const head = blockHead(p, b);
        if (head[0] !== 'module' || head[1] === undefined) continue;
        const source = attributes(p, bodyOf(b)).find((a) => a.name === 'source');
        const lit = source ? named(source.expr)[0] : undefined;
        const str = lit?.type === 'literal_value' ? lit.namedChild(0) : null;
        if (!str || str.type !== 'string_lit') continue;
        const value = unquote(p, str);
        if (/^\.\.?(?:[\\/]|$)/.test(value)) out.push({ file: file.path, name: head[1], source: value });
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

/** The trail name of every instance (count / for_each scope): one name when all agree, else unknown. */
function sameTrailName(names: readonly (Known<string> | undefined)[]): Known<string> | undefined {
  const [first, ...rest] = names;
  if (!first) return undefined;
  if (!first.known) return first;
  if (rest.every((n) => n?.known && n.value === first.value)) return first;
  return unknown('differs per instance (count / for_each)');
}
