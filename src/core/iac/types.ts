/**
 * What the IaC readers produce: trails found in infrastructure code, each one a posture
 * `TrailSnapshot` (the same shape the live tree evaluates, values `Known` or unknown) plus where
 * it is written, so that findings become diagnostics and fixes become text edits.
 *
 * Offsets are UTF-16 code unit indexes into the file's text (JavaScript string indexes), the unit
 * VS Code's `TextDocument.positionAt` takes. Spans are half-open: [start, end).
 */
import type { Known, RuleId, TrailSnapshot } from '../posture/model';

export type IacFormat = 'cloudformation' | 'terraform' | 'cdk';

/** Which property names a trail uses: CloudFormation's, Terraform's, or one of the two CDK constructs'. */
export type IacDialect = 'cloudformation' | 'terraform' | 'cdk-trail' | 'cdk-cfntrail';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One file handed to a reader: its text and an id (a relative path, a URI) that comes back in results. */
export interface IacFile {
  readonly path: string;
  readonly text: string;
}

/** Snapshot fields a reader can locate in source (what diagnostics point at and fixes change). */
export type TrailField =
  | 'isLogging'
  | 'isMultiRegion'
  | 'logFileValidation'
  | 'includeGlobalServiceEvents'
  | 'isOrganization'
  | 'kmsKeyId'
  | 'cloudWatchLogsLogGroupArn'
  | 'cloudWatchLogsRoleArn'
  | 's3BucketName'
  | 'eventSelectors'
  | 'insightTypes'
  | 'tags';

/** A literal that decides a value and can be rewritten by a fix (`false` → `true`). */
export interface LiteralSource {
  readonly file: string;
  readonly span: Span;
  /** Where it is, for messages: "parameter EnableValidation's Default", "variable x's default". */
  readonly description: string;
}

/** Where a property of a trail is written. */
export interface PropertySource {
  /** The property as written: `EnableLogFileValidation`, `enable_log_file_validation`, `enableFileValidation`. */
  readonly key: string;
  readonly file: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  /**
   * The single literal that decides the value, when there is one: the value itself
   * (`EnableLogFileValidation: false`) or a default it refers to (a parameter's Default, a
   * variable's default, a local, a const). Absent for expressions.
   */
  readonly literal?: LiteralSource;
}

/** How one entry is written: `Key: true`, `"Key": true`, `key = true`, `key: true`. */
export type EntryStyle = 'yaml' | 'json' | 'hcl' | 'ts';

/**
 * How to add properties to the trail: where the text goes and in which style. The fix module
 * renders entries from it; the reader that saw the syntax decides the style.
 */
export type InsertPoint =
  | {
      /** New lines `indent + key: value` after `offset` (YAML block mappings, multi-line JSON/TS objects). */
      readonly kind: 'lines';
      readonly style: EntryStyle;
      readonly file: string;
      readonly offset: number;
      readonly indent: string;
      readonly eol: string;
      /** JSON/TS: a comma must follow the entry before the insertion point. */
      readonly commaBefore: boolean;
      /** TS with trailing commas: every new entry ends with a comma. */
      readonly trailingComma: boolean;
      /** Text that opens the property container when it is missing (YAML `Properties:`, JSON `"Properties": {`). */
      readonly open?: string;
      /** Text that closes what `open` opened (JSON `}`). */
      readonly close?: string;
      /** HCL: width keys are padded to so `=` lines up with the neighbouring attributes (terraform fmt). */
      readonly alignKeys?: number;
    }
  | {
      /** Entries inside a one-line mapping `{a: 1}` / `{ a: 1 }`: `, key: value` before the closing brace. */
      readonly kind: 'inline';
      readonly style: EntryStyle;
      readonly file: string;
      readonly offset: number;
      /** The mapping is empty (`{}`): no comma before the first entry. */
      readonly empty: boolean;
      /** Spaces inside the braces (`{ a: 1 }`). */
      readonly padded: boolean;
      /** Text around the entries when the mapping itself is new (CDK props argument: `, { ` … ` }`). */
      readonly open?: string;
      readonly close?: string;
    }
  | {
      /** An empty one-line HCL block `{}`: it is rewritten as a multi-line block. */
      readonly kind: 'hcl-empty-block';
      readonly file: string;
      /** The span of `{}`. */
      readonly span: Span;
      readonly indent: string;
      readonly eol: string;
    };

export interface TrailDefinition {
  /** The values the posture rules look at (origin = format, name = `name`). */
  readonly snapshot: TrailSnapshot;
  /** Logical id, Terraform resource address (`module.m.aws_cloudtrail.x`), or CDK construct id. */
  readonly name: string;
  readonly format: IacFormat;
  readonly dialect: IacDialect;
  /**
   * The trail's physical name when the code sets it (CloudFormation `TrailName`, Terraform `name`,
   * CDK `trailName`): known for a literal (or the default it refers to), unknown when decided at
   * deploy time. Absent when not set: CloudFormation then names the trail `<stack>-<LogicalId>-<RANDOM>`.
   */
  readonly trailName?: Known<string>;

  readonly file: string;
  /** The whole definition (resource entry / block / `new …(…)` expression). */
  readonly span: Span;
  /** Where the definition starts and what diagnostics without a property point at: logical id, block header, `new X`. */
  readonly headSpan: Span;
  /** The properties that are written in source; absent fields took a default or are not set. */
  readonly properties: Readonly<Partial<Record<TrailField, PropertySource>>>;
  /** Where new properties go; absent when they cannot be added (props passed as a variable, …). */
  readonly insert?: InsertPoint;
  /** Whether the trail is created at all: a CloudFormation Condition, a Terraform count/for_each. */
  readonly created: Known<boolean>;
  /** Rule ids suppressed by a `cloudtrail-lens-ignore` comment ('*' = all rules). */
  readonly suppressed: readonly (RuleId | '*')[];
  /** Extra facts for reports: the CDK construct path of a synthesized template, … */
  readonly details?: Readonly<Record<string, string>>;
}

export interface IacProblem {
  readonly file: string;
  readonly message: string;
  readonly span: Span;
  /** 'error': the file (or part of it) could not be read; 'warning': read, but something is off (duplicate key). */
  readonly severity: 'error' | 'warning';
}

export interface ReadResult {
  readonly trails: readonly TrailDefinition[];
  readonly problems: readonly IacProblem[];
}

export const EMPTY_RESULT: ReadResult = Object.freeze({ trails: Object.freeze([]), problems: Object.freeze([]) });
