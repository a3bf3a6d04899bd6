/**
 * EventQuery -> Athena SQL over the CloudTrail table (ddl.ts). One dialect: Athena engine v3
 * (Trino). The SQL uses only functions Trino and DuckDB share, except five names DuckDB spells
 * differently (transform, regexp_like, json_extract_scalar, json_format, cardinality): the tests
 * run the very same text on DuckDB after renaming those (test/support/endpoint/athena-sql.ts).
 *
 * Semantics: the WHERE clause selects what compileOfflineFilter (../archive/plan.ts) selects —
 * exactly for the filters marked `exact`, a superset for the others (free text, risk, CIDR blocks,
 * error-code wildcards, resource names found only in request parameters, case folding of letters
 * whose lower case is special). The engine always re-applies the whole filter to the rows Athena
 * returns, so a superset only costs rows, never results; LIMIT is pushed into the SQL only when
 * every filter is exact.
 *
 * Safety: every value is a SQL string literal with quotes doubled; control characters (NUL, newline,
 * …, U+2028/9) are written as chr(n) so no literal spans lines or hides a byte; LIKE patterns escape
 * % _ and \ with ESCAPE '\'; a value that cannot be written exactly (a lone UTF-16 surrogate) is not
 * translated (the filter then runs locally only). Identifiers are validated or double-quoted.
 *
 * Partition pruning: the delivery-date partition is bounded by the time range (start's day to
 * end + delivery slack's day, keys.ts), region/account partitions by the regions/accounts asked for.
 * Athena bills the bytes of the partitions it reads: without a time range every partition is read.
 */
import { DEFAULT_DELIVERY_SLACK_MS, deliveryDays, type FileWindowOptions } from '../archive/keys';
import { planOfflineQuery, type OfflinePlan } from '../archive/plan';
import { parseCidr } from '../events/ip';
import type { LocalFilter } from '../events/planner';
import type { EventQuery, LookupAttributeKey } from '../events/query';
import { leaves, type Leaf } from './columns';
import type { CloudTrailTableRef } from './ddl';

// ---------------------------------------------------------------------------------------------
// Literals

// eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a literal
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a value can be written as a SQL string literal exactly. */
export function isSqlSafe(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * A SQL string literal for any text: quotes doubled, control characters as chr(n). Throws for text
 * that is not valid Unicode (lone surrogates); check isSqlSafe first.
 */
export function sqlString(value: string): string {
  if (!isSqlSafe(value)) throw new Error('The value is not valid Unicode (a lone surrogate): it cannot be sent as SQL.');
  if (!CONTROL.test(value)) return `'${value.replace(/'/g, "''")}'`;
  const parts: string[] = [];
  let run = '';
  for (const char of value) {
    if (CONTROL.test(char)) {
      if (run !== '') parts.push(`'${run.replace(/'/g, "''")}'`);
      run = '';
      parts.push(`chr(${char.codePointAt(0) ?? 0})`);
    } else run += char;
  }
  if (run !== '') parts.push(`'${run.replace(/'/g, "''")}'`);
  return parts.length === 1 ? (parts[0] ?? "''") : `(${parts.join(' || ')})`;
}

/** Escapes LIKE's wildcards and the escape character itself (use with ESCAPE '\'). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

const ESCAPE = " ESCAPE '\\'";

/** Letters whose case mapping is contextual or not one-to-one in some engine: SQL lower() may disagree with JavaScript. */
const SPECIAL_CASE = new Set(['Σ', 'σ', 'ς', 'İ', 'ı', '\u0307', 'ſ', 'K', 'Å', 'ẞ', 'ß', 'ǅ', 'ǈ', 'ǋ', 'ǲ']);

/** True when SQL's lower() and JavaScript's toLowerCase() agree on every character of the value. */
export function simpleCase(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7e) return simpleCaseSlow(value);
  return true;
}

function simpleCaseSlow(value: string): boolean {
  for (const char of value) {
    if (char.charCodeAt(0) <= 0x7e) continue;
    if (SPECIAL_CASE.has(char)) return false;
    const lower = char.toLowerCase();
    if (lower.length !== char.length || char.toUpperCase().toLowerCase() !== lower || lower.toUpperCase().toLowerCase() !== lower) return false;
  }
  return true;
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7e) return false;
  return true;
}

/** The lower-cased value as SQL (lowered here for ASCII, by the engine otherwise); undefined when not exactly expressible. */
function lowerLiteral(value: string): string | undefined {
  if (!isSqlSafe(value) || !simpleCase(value)) return undefined;
  return isAscii(value) ? sqlString(value.toLowerCase()) : `lower(${sqlString(value)})`;
}

/** A LIKE pattern (already with wildcards) lowered the same way. */
function lowerPattern(pattern: string): string | undefined {
  if (!isSqlSafe(pattern) || !simpleCase(pattern)) return undefined;
  return isAscii(pattern) ? sqlString(pattern.toLowerCase()) : `lower(${sqlString(pattern)})`;
}

/** `lower(expr) IN (…)` over case-insensitive values; undefined when some value is not expressible. */
export function inLower(expr: string, values: readonly string[]): string | undefined {
  const literals: string[] = [];
  for (const value of values) {
    const literal = lowerLiteral(value);
    if (literal === undefined) return undefined;
    literals.push(literal);
  }
  return literals.length === 1 ? `lower(${expr}) = ${literals[0]}` : `lower(${expr}) IN (${literals.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Expressions over the table

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const nonEmpty = (expr: string): string => `coalesce(${expr}, '') <> ''`;
/** `arn.split('/').pop()` */
const afterSlash = (expr: string): string => `regexp_extract(${expr}, '[^/]*$')`;
/** lastSegment(): after the last `/` or `:`. */
const afterSlashOrColon = (expr: string): string => `regexp_extract(${expr}, '[^/:]*$')`;
/** "Some element of an array satisfies": portable as cardinality(filter(…)) > 0. */
const anyOf = (array: string, param: string, predicate: string): string => `cardinality(filter(${array}, ${param} -> ${predicate})) > 0`;

const UI = 'useridentity';
const ROLE = `${UI}.sessioncontext.sessionissuer.username`;

/** record.ts userName(): the principal's display name, as SQL. */
export const USER_NAME_SQL = [
  'CASE',
  `  WHEN ${UI}.type = 'Root' THEN 'root'`,
  `  WHEN ${UI}.type = 'IAMUser' THEN coalesce(nullif(${UI}.username, ''), nullif(${afterSlash(`${UI}.arn`)}, ''), '')`,
  `  WHEN ${UI}.type = 'AssumedRole' THEN CASE WHEN ${nonEmpty(ROLE)} AND ${nonEmpty(afterSlash(`${UI}.arn`))} THEN ${ROLE} || '/' || ${afterSlash(`${UI}.arn`)}`,
  `    ELSE coalesce(nullif(${ROLE}, ''), nullif(${afterSlash(`${UI}.arn`)}, ''), ${UI}.principalid) END`,
  `  WHEN ${UI}.type = 'AWSService' THEN coalesce(nullif(${UI}.invokedby, ''), 'AWS service')`,
  `  WHEN ${UI}.type = 'AWSAccount' THEN coalesce(nullif(${UI}.accountid, ''), ${UI}.principalid)`,
  `  WHEN ${UI}.type IN ('FederatedUser', 'WebIdentityUser', 'SAMLUser', 'IdentityCenterUser') THEN coalesce(nullif(${UI}.username, ''), nullif(${afterSlash(`${UI}.arn`)}, ''), ${UI}.principalid)`,
  `  ELSE coalesce(nullif(${UI}.username, ''), nullif(${UI}.invokedby, ''), CASE WHEN ${nonEmpty(`${UI}.arn`)} THEN ${afterSlash(`${UI}.arn`)} ELSE ${UI}.principalid END)`,
  'END',
].join('\n');

const EVENT_NAME_SQL = "coalesce(nullif(eventname, ''), json_extract_scalar(insightdetails, '$.eventName'))";
const EVENT_SOURCE_SQL = "coalesce(nullif(eventsource, ''), json_extract_scalar(insightdetails, '$.eventSource'))";
const IS_INSIGHT_SQL = "(lower(coalesce(eventcategory, '')) = 'insight' OR coalesce(eventtype, '') = 'AwsCloudTrailInsight')";
/** Resources that make a row resource (recordResources keeps only named ones). */
const NAMED = (r: string): string => nonEmpty(`${r}.arn`);

/** The CloudTrail forms of eventTime (ISO 8601 UTC, also with a space): anything else never matches a time range. */
const TIME_FORM = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z?$'";

function iso19(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export interface Translation {
  /** The WHERE condition, or undefined: not translated (TRUE in SQL, applied locally only). */
  sql?: string;
  /** SQL selects exactly what the local filter selects. */
  exact: boolean;
  /** Why it is not exact (shown in the plan). */
  note?: string;
}

function attributeSql(attribute: LookupAttributeKey, values: readonly string[]): Translation {
  const notExpressible: Translation = { exact: false, note: `${attribute}: a value cannot be compared case-insensitively in SQL exactly; checked locally` };
  switch (attribute) {
    case 'EventId':
    case 'EventName':
    case 'EventSource':
    case 'AccessKeyId': {
      const expr = attribute === 'EventId' ? 'eventid' : attribute === 'EventName' ? EVENT_NAME_SQL : attribute === 'EventSource' ? EVENT_SOURCE_SQL : `${UI}.accesskeyid`;
      const sql = inLower(expr, values);
      return sql ? { sql, exact: true } : notExpressible;
    }
    case 'ReadOnly': {
      const read = values.includes('true');
      const write = values.includes('false');
      if (read && write) return { exact: true };
      if (read) return { sql: "readonly = 'true'", exact: true };
      if (write) return { sql: "coalesce(readonly, '') <> 'true'", exact: true };
      return { sql: 'FALSE', exact: true };
    }
    case 'Username': {
      const parts = [USER_NAME_SQL, `${UI}.username`, afterSlashOrColon(`${UI}.arn`), ROLE].map((expr) => inLower(expr, values));
      if (parts.some((part) => part === undefined)) return notExpressible;
      return { sql: `(${parts.join('\n  OR ')})`, exact: true };
    }
    case 'ResourceType': {
      const match = inLower('r.type', values);
      if (!match) return notExpressible;
      return { sql: anyOf('resources', 'r', `${NAMED('r')} AND ${match}`), exact: true };
    }
    case 'ResourceName': {
      const byArn = inLower('r.arn', values);
      const bySegment = inLower(afterSlashOrColon('lower(r.arn)'), values);
      // Records without named resources: a request parameter / response element with that exact value.
      // The JSON text is searched for "value" (a superset: keys match too): only for values JSON writes as is.
      const jsonSafe = values.every((value) => isAscii(value) && !/["\\/]/.test(value) && !CONTROL.test(value));
      const noResources = `coalesce(cardinality(filter(resources, r -> ${NAMED('r')})), 0) = 0`;
      const inJson = jsonSafe
        ? values
            .flatMap((value) => [`strpos(lower(coalesce(requestparameters, '')), ${sqlString(`"${value.toLowerCase()}"`)}) > 0`, `strpos(lower(coalesce(responseelements, '')), ${sqlString(`"${value.toLowerCase()}"`)}) > 0`])
            .join(' OR ')
        : 'TRUE';
      if (!byArn || !bySegment) return { exact: false, note: 'ResourceName: a value cannot be compared in SQL exactly; checked locally' };
      return {
        sql: `(${anyOf('resources', 'r', `${NAMED('r')} AND (${byArn} OR ${bySegment})`)}\n  OR (${noResources} AND (${inJson})))`,
        exact: false,
        note: 'ResourceName: records without a resource list are matched on their request parameters, which SQL can only narrow down; checked locally',
      };
    }
  }
}

function errorsSql(codes: readonly string[]): Translation {
  const has = nonEmpty('errorcode');
  if (codes.length === 0) return { sql: has, exact: true };
  const exact = codes.filter((code) => !code.includes('*'));
  const patterns = codes.filter((code) => code.includes('*'));
  const alternatives: string[] = [];
  if (exact.length > 0) {
    const sql = inLower('errorcode', exact);
    if (!sql) return { sql: has, exact: false, note: 'error codes: a value cannot be compared in SQL exactly; checked locally' };
    alternatives.push(sql);
  }
  for (const code of patterns) {
    const pattern = lowerPattern(code.split('*').map(escapeLike).join('%'));
    if (!pattern) return { sql: has, exact: false, note: 'error codes: a pattern cannot be written in SQL exactly; checked locally' };
    alternatives.push(`lower(errorcode) LIKE ${pattern}${ESCAPE}`);
  }
  const sql = `(${has} AND (${alternatives.join(' OR ')}))`;
  // `*` is `.*` in the local filter, which does not cross line breaks; LIKE's % does: a superset.
  return patterns.length > 0 ? { sql, exact: false, note: 'error-code wildcards: LIKE is a superset (line breaks); checked locally' } : { sql, exact: true };
}

function ipv4Number(expr: string): string {
  const part = (n: number): string => `try_cast(split_part(${expr}, '.', ${n}) AS bigint)`;
  return `(${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)})`;
}

function sourceIpSql(values: readonly string[]): Translation {
  const names: string[] = [];
  const alternatives: string[] = [];
  let exact = true;
  for (const value of values) {
    const block = parseCidr(value);
    if (!block) {
      names.push(value);
      continue;
    }
    exact = false;
    if (block.family === 6) {
      alternatives.push("strpos(sourceipaddress, ':') > 0");
    } else {
      const w = block.words;
      const address = (((w[6] ?? 0) << 16) >>> 0) + (w[7] ?? 0);
      const size = 2 ** (32 - block.prefix);
      const low = Math.floor(address / size) * size;
      const high = low + size - 1;
      // IPv4 text is compared as a number; anything else that might still be IPv4 (IPv4-mapped IPv6, spaces, …) passes.
      alternatives.push(`(strpos(sourceipaddress, ':') > 0 OR NOT regexp_like(sourceipaddress, '^[0-9.]+$') OR ${ipv4Number('sourceipaddress')} BETWEEN ${low} AND ${high})`);
    }
  }
  if (names.length > 0) {
    const sql = inLower('sourceipaddress', names);
    if (!sql) return { exact: false, note: 'source IP: a name cannot be compared in SQL exactly; checked locally' };
    alternatives.unshift(sql);
  }
  const sql = `(${nonEmpty('sourceipaddress')} AND (${alternatives.join(' OR ')}))`;
  return exact ? { sql, exact } : { sql, exact, note: 'source IP blocks: SQL narrows them down (IPv4 by number); the exact check is local' };
}

/** Every text the table holds for a row, joined (NULLs skipped) — the haystack of the free-text filter. */
function haystack(): string {
  const parts: string[] = [];
  for (const leaf of leaves()) {
    if (leaf.kind === 'string' || leaf.kind === 'json') parts.push(leaf.path);
    else if (leaf.kind === 'map') parts.push(`json_format(CAST(${leaf.path} AS JSON))`);
  }
  parts.push(`(${USER_NAME_SQL})`);
  return `concat_ws(chr(1), ${parts.join(', ')})`;
}

function textSql(needle: string): Translation {
  // The table holds nested values as JSON text: only needles JSON writes unchanged can be searched in it.
  if (!isAscii(needle) || /["\\]/.test(needle) || CONTROL.test(needle)) return { exact: false, note: 'free text with quotes, backslashes, control or non-ASCII characters is searched locally only' };
  const literal = sqlString(needle.toLowerCase());
  const resources = anyOf('resources', 'r', `strpos(lower(concat_ws(chr(1), r.arn, r.accountid, r.type)), ${literal}) > 0`);
  return { sql: `(strpos(lower(${haystack()}), ${literal}) > 0\n  OR ${resources})`, exact: false, note: 'free text: SQL finds the rows containing it; which values count is checked locally' };
}

/** Translates one local filter. */
export function translateFilter(filter: LocalFilter): Translation {
  switch (filter.kind) {
    case 'time': {
      const bounds: string[] = [`regexp_like(eventtime, ${TIME_FORM})`];
      const text = "replace(substr(eventtime, 1, 19), ' ', 'T')";
      if (filter.start > -8e15) bounds.push(`${text} >= '${iso19(filter.start)}'`);
      if (filter.end < 8e15) bounds.push(`${text} <= '${iso19(filter.end)}'`);
      return { sql: bounds.join(' AND '), exact: true };
    }
    case 'category':
      return { sql: IS_INSIGHT_SQL, exact: true };
    case 'attribute':
      return attributeSql(filter.attribute, filter.values);
    case 'errors':
      return errorsSql(filter.codes);
    case 'sourceIp':
      return sourceIpSql(filter.values);
    case 'userAgent': {
      const pattern = lowerPattern(`%${escapeLike(filter.value)}%`);
      return pattern ? { sql: `lower(useragent) LIKE ${pattern}${ESCAPE}`, exact: true } : { exact: false, note: 'user agent: the value cannot be compared in SQL exactly; checked locally' };
    }
    case 'text':
      return textSql(filter.value);
    case 'risk':
      return { exact: false, note: 'risk flags are computed by CloudTrail Lens on each returned event' };
  }
}

export interface FilterSql {
  /** The condition over the table's columns (no partition predicates); `TRUE` when nothing translates. */
  sql: string;
  /** SQL alone selects exactly what compileOfflineFilter(plan) selects. */
  exact: boolean;
  translations: Array<{ filter: LocalFilter | { kind: 'not-insight' }; translation: Translation }>;
}

/** The WHERE condition of a plan over the CloudTrail columns (what the DuckDB tests run). */
export function filterSql(plan: OfflinePlan): FilterSql {
  if (plan.impossible) return { sql: 'FALSE', exact: true, translations: [] };
  const translations: FilterSql['translations'] = plan.filters.map((filter) => ({ filter, translation: translateFilter(filter) }));
  if (!plan.insights) translations.push({ filter: { kind: 'not-insight' }, translation: { sql: `NOT ${IS_INSIGHT_SQL}`, exact: true } });
  const conditions = translations.map(({ translation }) => translation.sql).filter((sql): sql is string => sql !== undefined);
  return { sql: conditions.length === 0 ? 'TRUE' : conditions.map((sql) => `(${sql})`).join('\nAND '), exact: translations.every(({ translation }) => translation.exact), translations };
}

// ---------------------------------------------------------------------------------------------
// SELECT list

/** A result column: its alias and the record path it goes back to. */
export interface SelectColumn {
  alias: string;
  leaf: Leaf;
  /** For array leaves: the struct field this column carries. */
  field?: string;
  fieldKey?: string;
}

/** The columns selected for every event (leaves; arrays as one JSON array per struct field). */
export function selectColumns(): SelectColumn[] {
  const out: SelectColumn[] = [];
  for (const leaf of leaves()) {
    if (leaf.kind === 'array') for (const field of leaf.of ?? []) out.push({ alias: `${leaf.path}.${field.name}`, leaf, field: field.name, fieldKey: field.key });
    else out.push({ alias: leaf.path, leaf });
  }
  return out;
}

function selectExpression(column: SelectColumn): string {
  const { leaf } = column;
  if (leaf.kind === 'map') return `json_format(CAST(${leaf.path} AS JSON))`;
  if (leaf.kind === 'array') return `json_format(CAST(transform(${leaf.path}, x -> x.${column.field ?? ''}) AS JSON))`;
  return leaf.path;
}

/** `expr AS "alias", …` for every column (use it in raw SQL to get records back). */
export function selectList(): string {
  return selectColumns()
    .map((column) => `${selectExpression(column)} AS ${ident(column.alias)}`)
    .join(',\n  ');
}

// ---------------------------------------------------------------------------------------------
// The whole query

export interface AthenaSqlOptions extends FileWindowOptions {
  /** Clock for time presets. */
  now: number;
  /** Regions to read (region partition, or a check against the table's one region). Default: all. */
  regions?: readonly string[];
  /** Accounts to read (organization tables). Default: all. */
  accounts?: readonly string[];
  /** Newest first (default) or no ORDER BY. */
  order?: 'newest' | 'none';
}

export interface AthenaQuery {
  sql: string;
  /** Partition predicates (what decides the bytes scanned). */
  partitions: string[];
  filter: FilterSql;
  plan: OfflinePlan;
  /** The LIMIT in the SQL (only when the filter is exact). */
  sqlLimit?: number;
  /** The query's limit, applied after the local re-check. */
  limit?: number;
  warnings: string[];
}

export function qualifiedTable(table: CloudTrailTableRef): string {
  return [table.catalog, table.database, table.table]
    .filter((part): part is string => part !== undefined && part !== '')
    .map(ident)
    .join('.');
}

/** The partition predicates of a query (time range, regions, accounts); `FALSE` when nothing can match. */
export function partitionSql(table: CloudTrailTableRef, plan: OfflinePlan, options: AthenaSqlOptions): { predicates: string[]; warnings: string[] } {
  const predicates: string[] = [];
  const warnings: string[] = [];
  const range = plan.range;
  if (range) {
    const days = deliveryDays({ start: range.start ?? -8.64e15, end: range.end ?? 8.64e15 }, { deliverySlackMs: options.deliverySlackMs ?? DEFAULT_DELIVERY_SLACK_MS, skewMs: options.skewMs });
    const column = ident(table.partitions.date);
    if (range.start !== undefined) predicates.push(`${column} >= '${days.first}'`);
    if (range.end !== undefined) predicates.push(`${column} <= '${days.last}'`);
  } else {
    warnings.push('No time range: Athena reads every day of the logs (billed by the bytes scanned).');
  }
  const pick = (what: 'region' | 'account', wanted: readonly string[] | undefined, column: string | undefined, fixed: string | undefined): void => {
    if (!wanted || wanted.length === 0) return;
    for (const value of wanted) if (!/^[a-z0-9-]{1,64}$/.test(value)) throw new Error(`${what} ${JSON.stringify(value.slice(0, 40))}: not a valid ${what}`);
    if (column) predicates.push(`${ident(column)} IN (${wanted.map((value) => `'${value}'`).join(', ')})`);
    else if (fixed !== undefined && !wanted.includes(fixed)) {
      predicates.push('FALSE');
      warnings.push(`The table holds ${what} ${fixed} only.`);
    }
  };
  pick('region', options.regions, table.partitions.region, table.fixedRegion);
  pick('account', options.accounts, table.partitions.account, table.fixedAccount);
  return { predicates, warnings };
}

/** Builds the SELECT for a query over a CloudTrail table. Pure: `options.now` is the clock. */
export function buildAthenaQuery(table: CloudTrailTableRef, query: EventQuery, options: AthenaSqlOptions): AthenaQuery {
  const plan = planOfflineQuery(query, { now: options.now });
  const filter = filterSql(plan);
  const { predicates, warnings } = partitionSql(table, plan, options);
  warnings.unshift(...plan.warnings);
  if (table.insights && !plan.insights) warnings.push('This table reads Insights files: ask for Insights events.');
  const where = [...predicates, ...(filter.sql === 'TRUE' ? [] : [`(${filter.sql})`])];
  const sqlLimit = filter.exact && plan.limit !== undefined ? plan.limit : undefined;
  const sql = [
    'SELECT',
    `  ${selectList()}`,
    `FROM ${qualifiedTable(table)}`,
    ...(where.length > 0 ? [`WHERE ${where.join('\n  AND ')}`] : []),
    ...(options.order === 'none' ? [] : ['ORDER BY eventtime DESC']),
    ...(sqlLimit !== undefined ? [`LIMIT ${sqlLimit}`] : []),
  ].join('\n');
  const out: AthenaQuery = { sql, partitions: predicates, filter, plan, warnings };
  if (sqlLimit !== undefined) out.sqlLimit = sqlLimit;
  if (plan.limit !== undefined) out.limit = plan.limit;
  return out;
}
