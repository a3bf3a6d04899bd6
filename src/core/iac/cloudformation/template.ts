/**
 * AWS::CloudTrail::Trail resources of a CloudFormation template (YAML or JSON, plain, SAM, a
 * Serverless Framework `resources:` block, or a CDK-synthesized template in cdk.out/) → trail
 * definitions.
 *
 * Values, the way CloudFormation would see them at deploy time:
 * - literals as written; the strings "true"/"false" are booleans for boolean properties;
 * - `Ref` to a parameter → the parameter's Default, with a note saying so; without a Default
 *   (or an SSM parameter type) → unknown, "decided by parameter X";
 * - `Fn::If` → unknown ("decided by condition X") unless both branches agree;
 * - `Ref` to a resource, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`, … → set, value decided at
 *   deploy time (enough for "is a KMS key set?", unknown for booleans);
 * - `Ref: AWS::NoValue` → not set;
 * - Serverless variables (`${self:custom.x}`, `${opt:stage}`) → unknown.
 * Properties left out take CloudFormation's defaults: IsMultiRegionTrail false,
 * EnableLogFileValidation false, IncludeGlobalServiceEvents true, IsOrganizationTrail false.
 * IsLogging is required: a template without it is rejected, and we report logging as off.
 */
import { known, unknown, type Known, type TrailSnapshot } from '../../posture/model';
import { CFN_TRAIL_TYPE, cfnMayDefineTrail } from '../detect';
import { suppressions } from '../suppress';
import { endOfLine, eolOf, indentUnit, startOfLine } from '../text';
import type { IacFile, IacProblem, InsertPoint, PropertySource, ReadResult, Span, TrailDefinition, TrailField } from '../types';
import { ABSENT, literal, member, sameValue, toBool, toEventSelectors, toInsightTypes, toOptionalString, toTags, toTrailName, unknownValue, type Value } from '../values';
import { asMap, entry, get, scalarString, type CfnEntry, type CfnMap, type CfnNode } from './nodes';
import { readJson } from './json';
import { readYaml } from './yaml';

export const TRAIL_TYPE = CFN_TRAIL_TYPE;

/** Template property → snapshot field (what diagnostics point at). */
export const CFN_FIELDS: Readonly<Record<string, TrailField>> = {
  IsLogging: 'isLogging',
  IsMultiRegionTrail: 'isMultiRegion',
  EnableLogFileValidation: 'logFileValidation',
  IncludeGlobalServiceEvents: 'includeGlobalServiceEvents',
  IsOrganizationTrail: 'isOrganization',
  KMSKeyId: 'kmsKeyId',
  CloudWatchLogsLogGroupArn: 'cloudWatchLogsLogGroupArn',
  CloudWatchLogsRoleArn: 'cloudWatchLogsRoleArn',
  S3BucketName: 's3BucketName',
  EventSelectors: 'eventSelectors',
  AdvancedEventSelectors: 'eventSelectors',
  InsightSelectors: 'insightTypes',
  Tags: 'tags',
};

const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

export type TemplateSyntax = 'yaml' | 'json';

export function readCloudFormation(file: IacFile, syntax: TemplateSyntax): ReadResult {
  if (!cfnMayDefineTrail(file.text)) return { trails: [], problems: [] };
  const parsed = syntax === 'json' ? readJson(file.text, file.path) : readYaml(file.text, file.path);
  // The same array: lazily converted parts of the document add their problems (duplicate keys) as they are read.
  const problems: IacProblem[] = parsed.problems;
  const root = asMap(parsed.root);
  // A document that is not a mapping is not a template (a test-case list, a config file): nothing to read.
  if (!root) return { trails: [], problems };
  const template = new Template(file, syntax, root);
  const trails: TrailDefinition[] = [];
  for (const resources of template.resourceMaps) {
    for (const e of resources.entries) {
      const resource = asMap(e.value);
      if (!resource || scalarString(get(resource, 'Type')) !== TRAIL_TYPE) continue;
      trails.push(template.trail(e, resource));
    }
  }
  return { trails, problems };
}

class Template {
  readonly parameters: CfnMap | undefined;
  readonly resourceMaps: CfnMap[] = [];
  private readonly resourceNames = new Set<string>();
  readonly serverless: boolean;
  private readonly eol: string;
  private readonly unit: string;

  constructor(
    readonly file: IacFile,
    readonly syntax: TemplateSyntax,
    root: CfnMap,
  ) {
    this.eol = eolOf(file.text);
    this.unit = indentUnit(file.text);
    this.parameters = asMap(get(root, 'Parameters'));
    const resources = asMap(get(root, 'Resources'));
    if (resources) this.resourceMaps.push(resources);
    // Serverless Framework: `resources:` holds CloudFormation fragments (one mapping or a list of them).
    const sls = get(root, 'resources');
    this.serverless = sls !== undefined && (get(root, 'service') !== undefined || get(root, 'provider') !== undefined);
    if (this.serverless && sls) {
      const fragments = sls.kind === 'seq' ? sls.items : [sls];
      for (const fragment of fragments) {
        const r = asMap(get(fragment, 'Resources'));
        if (r) this.resourceMaps.push(r);
      }
    }
    for (const map of this.resourceMaps) for (const e of map.entries) this.resourceNames.add(e.key);
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private literalOf(node: CfnNode, description: string): Value {
    if (node.kind !== 'scalar') return this.resolve(node, 0);
    if (this.serverless && typeof node.value === 'string' && /\$\{[^}]*\}/.test(node.value)) {
      const variable = /\$\{[^}]*\}/.exec(node.value)?.[0] ?? node.value;
      return unknownValue(`decided by Serverless variable ${variable}`);
    }
    return literal(node.value, { literal: { file: this.file.path, span: node.span, description }, plain: !node.quoted });
  }

  /** A node's value, resolving references within the template as far as they go. */
  resolve(node: CfnNode | undefined, depth: number): Value {
    if (!node) return ABSENT;
    if (depth > 50) return unknownValue('nested too deeply');
    switch (node.kind) {
      case 'scalar':
        return this.literalOf(node, 'the value');
      case 'seq':
        return { kind: 'list', items: node.items.map((item) => this.resolve(item, depth + 1)) };
      case 'map': {
        const entries = new Map<string, Value>();
        for (const e of node.entries) entries.set(e.key, this.resolve(e.value, depth + 1));
        return { kind: 'object', entries };
      }
      case 'fn':
        return this.resolveFn(node.name, node.arg, depth);
    }
  }

  private resolveFn(name: string, arg: CfnNode, depth: number): Value {
    switch (name) {
      case 'Ref': {
        const target = scalarString(arg);
        if (target === undefined) return unknownValue('a Ref without a name');
        return this.ref(target, depth);
      }
      case 'Fn::If': {
        if (arg.kind !== 'seq' || arg.items.length !== 3) return unknownValue('a malformed Fn::If');
        const condition = scalarString(arg.items[0]) ?? 'a condition';
        const a = this.resolve(arg.items[1], depth + 1);
        const b = this.resolve(arg.items[2], depth + 1);
        if (sameValue(a, b)) return a;
        return unknownValue(`decided by condition ${condition}`);
      }
      case 'Fn::GetAtt': {
        const path = arg.kind === 'seq' ? arg.items.map((i) => scalarString(i) ?? '…').join('.') : (scalarString(arg) ?? '…');
        return { kind: 'expr', text: `Fn::GetAtt ${path}` };
      }
      case 'Fn::Sub':
      case 'Fn::Join':
      case 'Fn::ImportValue':
      case 'Fn::Select':
      case 'Fn::FindInMap':
      case 'Fn::Base64':
      case 'Fn::GetAZs':
      case 'Fn::Cidr':
      case 'Fn::Split':
      case 'Fn::ToJsonString':
      case 'Fn::Length':
        return { kind: 'expr', text: name };
      case 'Condition':
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return unknownValue(`decided by a condition expression (${name})`);
      case 'YAML::Alias':
        return unknownValue('a YAML alias, which CloudFormation does not support');
      default:
        return unknownValue(`decided by ${name}`);
    }
  }

  private ref(target: string, depth: number): Value {
    if (target === 'AWS::NoValue') return { kind: 'absent', note: 'set to AWS::NoValue' };
    if (PSEUDO_PARAMETERS.has(target)) return { kind: 'expr', text: target };
    const parameter = this.parameters ? entry(this.parameters, target) : undefined;
    if (parameter) {
      const p = asMap(parameter.value);
      const type = scalarString(get(p, 'Type')) ?? '';
      if (type.startsWith('AWS::SSM::Parameter::')) return unknownValue(`decided by parameter ${target} (read from SSM Parameter Store)`);
      const def = p ? entry(p, 'Default') : undefined;
      if (!def) return unknownValue(`decided by parameter ${target}, which has no Default`);
      const v = def.value.kind === 'scalar' ? this.literalOf(def.value, `parameter ${target}'s Default`) : this.resolve(def.value, depth + 1);
      if (v.kind === 'literal') {
        const value = v.value;
        // Parameters are strings: a Default of "" means "not set" for the optional properties.
        return literal(value, { ...(v.literal ? { literal: v.literal } : {}), note: `from parameter ${target}'s Default`, plain: v.plain ?? false });
      }
      return v;
    }
    if (this.resourceNames.has(target)) return { kind: 'expr', text: `Ref ${target}` };
    return unknownValue(`decided by ${target}, which this template does not define`);
  }

  // -------------------------------------------------------------------------------------------
  // Trails

  trail(e: CfnEntry, resource: CfnMap): TrailDefinition {
    const file = this.file.path;
    const propsNode = get(resource, 'Properties');
    const props = asMap(propsNode);
    const propsValue: Value = props ? this.resolve(props, 0) : propsNode ? this.resolve(propsNode, 0) : { kind: 'object', entries: new Map() };
    const properties: Partial<Record<TrailField, PropertySource>> = {};
    if (props) {
      for (const p of props.entries) {
        const field = CFN_FIELDS[p.key];
        if (!field || properties[field]) continue;
        const v = this.resolve(p.value, 0);
        const lit = v.kind === 'literal' ? v.literal : undefined;
        properties[field] = { key: p.key, file, keySpan: p.keySpan, valueSpan: p.value.span, ...(lit ? { literal: lit } : {}) };
      }
    }
    const prop = (name: string): Value => {
      if (propsValue.kind === 'unknown') return propsValue;
      if (propsValue.kind === 'expr') return unknownValue(`decided by ${propsValue.text}`);
      return member(propsValue, name);
    };
    const exactProp = (name: string): Value => {
      // CloudFormation property names are case-sensitive; `member` is not, so check the exact key.
      if (props && !entry(props, name)) return ABSENT;
      return prop(name);
    };
    const snapshot: TrailSnapshot = {
      origin: 'cloudformation',
      name: e.key,
      isMultiRegion: toBool(exactProp('IsMultiRegionTrail'), false, 'not set; CloudFormation defaults IsMultiRegionTrail to false'),
      isOrganization: toBool(exactProp('IsOrganizationTrail'), false, 'not set; defaults to false'),
      logFileValidation: toBool(exactProp('EnableLogFileValidation'), false, 'not set; CloudFormation defaults EnableLogFileValidation to false'),
      kmsKeyId: toOptionalString(exactProp('KMSKeyId')),
      cloudWatchLogsLogGroupArn: toOptionalString(exactProp('CloudWatchLogsLogGroupArn')),
      cloudWatchLogsRoleArn: toOptionalString(exactProp('CloudWatchLogsRoleArn')),
      includeGlobalServiceEvents: toBool(exactProp('IncludeGlobalServiceEvents'), true, 'not set; defaults to true'),
      s3BucketName: toOptionalString(exactProp('S3BucketName')),
      s3KeyPrefix: toOptionalString(exactProp('S3KeyPrefix')),
      snsTopic: toOptionalString(exactProp('SnsTopicName')),
      isLogging: toBool(exactProp('IsLogging'), false, 'IsLogging is required: CloudFormation rejects a trail without it'),
      tags: toTags(exactProp('Tags')),
      eventSelectors: toEventSelectors(exactProp('EventSelectors'), exactProp('AdvancedEventSelectors')),
      insightTypes: toInsightTypes(exactProp('InsightSelectors')),
    };
    const trailName = toTrailName(exactProp('TrailName'));
    const span: Span = { start: e.keySpan.start, end: Math.max(e.keySpan.end, resource.span.end) };
    const condition = scalarString(get(resource, 'Condition'));
    const created: Known<boolean> = condition ? unknown(`created only when condition ${condition} is true`) : known(true);
    const suppressed = [...suppressions(this.file.text, span), ...this.metadataSuppressions(resource)];
    const cdkPath = scalarString(get(get(resource, 'Metadata'), 'aws:cdk:path'));
    const insert = this.insertPoint(resource, propsNode);
    return {
      snapshot,
      name: e.key,
      format: 'cloudformation',
      ...(trailName ? { trailName } : {}),
      dialect: 'cloudformation',
      file,
      span,
      headSpan: e.keySpan,
      properties,
      ...(insert ? { insert } : {}),
      created,
      suppressed: suppressed.includes('*') ? ['*'] : [...new Set(suppressed)],
      ...(cdkPath ? { details: { cdkPath } } : {}),
    };
  }

  /** `Metadata: {cloudtrail-lens: {ignore: [CloudTrail.4]}}`: the suppression JSON templates can carry. */
  private metadataSuppressions(resource: CfnMap): TrailDefinition['suppressed'] {
    const ignore = get(get(get(resource, 'Metadata'), 'cloudtrail-lens'), 'ignore');
    if (!ignore) return [];
    const items = ignore.kind === 'seq' ? ignore.items : [ignore];
    const ids = items.map((i) => scalarString(i)).filter((s): s is string => s !== undefined);
    const text = ids.length > 0 ? `# cloudtrail-lens-ignore ${ids.join(' ')}` : '# cloudtrail-lens-ignore';
    return suppressions(text, { start: 0, end: text.length });
  }

  // -------------------------------------------------------------------------------------------
  // Where new properties go

  private insertPoint(resource: CfnMap, propsNode: CfnNode | undefined): InsertPoint | undefined {
    const text = this.file.text;
    const file = this.file.path;
    const props = asMap(propsNode);
    if (props) return this.insertInto(props);
    if (propsNode) {
      // `Properties:` with nothing after it (null) in YAML: add the entries below it.
      if (propsNode.kind === 'scalar' && propsNode.value === null && this.syntax === 'yaml') {
        const propsEntry = entry(resource, 'Properties');
        if (!propsEntry) return undefined;
        const keyIndent = text.slice(startOfLine(text, propsEntry.keySpan.start), propsEntry.keySpan.start);
        if (!/^[ \t]*$/.test(keyIndent)) return undefined;
        return { kind: 'lines', style: this.style, file, offset: endOfLine(text, propsEntry.keySpan.end), indent: keyIndent + this.unit, eol: this.eol, commaBefore: false, trailingComma: false };
      }
      return undefined;
    }
    // No Properties at all: open them after the resource's last entry.
    const last = resource.entries[resource.entries.length - 1];
    if (!last) return undefined;
    const keyIndent = text.slice(startOfLine(text, last.keySpan.start), last.keySpan.start);
    if (this.syntax === 'yaml') {
      if (resource.flow || !/^[ \t]*$/.test(keyIndent)) return undefined;
      const offset = endOfLine(text, Math.max(last.value.span.start, last.value.span.end - 1));
      return { kind: 'lines', style: this.style, file, offset, indent: keyIndent + this.unit, eol: this.eol, commaBefore: false, trailingComma: false, open: `${this.eol}${keyIndent}Properties:` };
    }
    if (!this.multiLine(resource)) return undefined;
    const indent = /^[ \t]*$/.test(keyIndent) ? keyIndent : this.unit;
    return {
      kind: 'lines',
      style: 'json',
      file,
      offset: last.value.span.end,
      indent: indent + this.unit,
      eol: this.eol,
      commaBefore: true,
      trailingComma: false,
      open: `,${this.eol}${indent}"Properties": {`,
      close: `${this.eol}${indent}}`,
    };
  }

  private get style(): 'yaml' | 'json' {
    return this.syntax;
  }

  private multiLine(map: CfnMap): boolean {
    return this.file.text.slice(map.span.start, map.span.end).includes('\n');
  }

  private insertInto(props: CfnMap): InsertPoint | undefined {
    const text = this.file.text;
    const file = this.file.path;
    const last = props.entries[props.entries.length - 1];
    if (!props.flow) {
      if (!last) return undefined;
      const first = props.entries[0] ?? last;
      const indent = text.slice(startOfLine(text, first.keySpan.start), first.keySpan.start);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      const offset = endOfLine(text, Math.max(last.value.span.start, last.value.span.end - 1));
      return { kind: 'lines', style: this.style, file, offset, indent, eol: this.eol, commaBefore: false, trailingComma: false };
    }
    // Flow mapping / JSON object.
    if (!last) {
      const inner = text.slice(props.span.start, props.span.end);
      if (!inner.startsWith('{')) return undefined;
      return { kind: 'inline', style: this.style, file, offset: props.span.start + 1, empty: true, padded: false };
    }
    if (this.multiLine(props)) {
      const indent = text.slice(startOfLine(text, last.keySpan.start), last.keySpan.start);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      return { kind: 'lines', style: this.style, file, offset: last.value.span.end, indent, eol: this.eol, commaBefore: true, trailingComma: false };
    }
    return { kind: 'inline', style: this.style, file, offset: last.value.span.end, empty: false, padded: text[props.span.start + 1] === ' ' };
  }
}
