/**
 * The INI dialect of the AWS shared files (~/.aws/config and ~/.aws/credentials), parsed the way
 * the AWS SDK for JavaScript v3 and the AWS CLI read it:
 *
 * - `[section]` headers; `[profile dev]` keeps its prefix here (the profile layer strips it);
 *   whitespace inside the brackets and quotes around the name are tolerated.
 * - `key = value`, split on the first `=`; keys and values are trimmed. (botocore also accepts
 *   `key: value`; the JavaScript SDK, which resolves our credentials, does not, so neither do we.)
 * - Comments: a line starting with `#` or `;`, and an inline `#`/`;` preceded by whitespace.
 * - Sub-properties: a key with an empty value followed by indented `name = value` lines
 *   (`s3 =\n  endpoint_url = …`) gives `sub["s3"]["endpoint_url"]`.
 * - Continuation: an indented line without `=` after a key with a value is appended to it on a new
 *   line (configparser's multi-line values). An indented `name = value` there is a plain property,
 *   as the JavaScript SDK reads it.
 * - Repeated sections merge, later keys win. Lines that fit none of the above become warnings.
 *
 * Pure: text in, data out. Records are null-prototype objects so that a section or key called
 * `__proto__` is just a name.
 */

export interface IniSection {
  /** Plain `key = value` properties. */
  readonly props: Record<string, string>;
  /** Nested properties: `parent =` followed by indented `key = value` lines. */
  readonly sub: Record<string, Record<string, string>>;
  /** 1-based line of the (first) header. */
  readonly line: number;
}

export interface IniWarning {
  readonly line: number;
  readonly message: string;
}

export interface IniFile {
  /** Sections by their normalised header text (`default`, `profile dev`, `sso-session corp`). */
  readonly sections: Record<string, IniSection>;
  readonly warnings: IniWarning[];
}

function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `[ profile  "my dev" ]` -> `profile my dev`; `[default]` -> `default`. */
export function normaliseSectionName(raw: string): string {
  const inner = raw.trim();
  const match = /^([A-Za-z][\w-]*)\s+(.+)$/.exec(inner);
  if (!match) return unquote(inner);
  return `${match[1]} ${unquote(match[2].trim())}`;
}

function unquote(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) return text.slice(1, -1);
  return text;
}

/** Removes a comment: `#` or `;` at the start of the line or preceded by whitespace. */
function stripComment(line: string): string {
  const match = /(^|\s)[#;]/.exec(line);
  return match ? line.slice(0, match.index) : line;
}

function splitKeyValue(text: string): { key: string; value: string } | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  const key = text.slice(0, at).trim();
  if (key === '') return undefined;
  return { key, value: text.slice(at + 1).trim() };
}

export function parseIni(text: string): IniFile {
  const sections = emptyRecord<IniSection>();
  const warnings: IniWarning[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

  let section: IniSection | undefined;
  /** The last top-level key of the current section, for sub-properties and continuations. */
  let lastKey: string | undefined;
  let lastKind: 'value' | 'parent' | undefined;

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const indented = /^[ \t]/.test(rawLine);
    const content = stripComment(rawLine).trim();
    if (content === '') return;

    if (!indented && content.startsWith('[')) {
      lastKey = undefined;
      lastKind = undefined;
      if (!content.endsWith(']')) {
        warnings.push({ line: lineNo, message: 'section header without a closing "]"' });
        section = undefined;
        return;
      }
      const name = normaliseSectionName(content.slice(1, -1));
      if (name === '') {
        warnings.push({ line: lineNo, message: 'empty section name' });
        section = undefined;
        return;
      }
      section = sections[name] ??= { props: emptyRecord<string>(), sub: emptyRecord<Record<string, string>>(), line: lineNo };
      return;
    }

    if (!section) {
      warnings.push({ line: lineNo, message: 'text outside of any [section]' });
      return;
    }

    if (indented && lastKey !== undefined) {
      const pair = splitKeyValue(content);
      if (lastKind === 'parent' && pair) {
        (section.sub[lastKey] ??= emptyRecord<string>())[pair.key] = pair.value;
        return;
      }
      if (lastKind === 'value' && !pair) {
        section.props[lastKey] = `${section.props[lastKey]}\n${content}`;
        return;
      }
      if (lastKind === 'parent' && !pair) {
        warnings.push({ line: lineNo, message: `expected "name = value" under "${lastKey}"` });
        return;
      }
    }

    const pair = splitKeyValue(content);
    if (!pair) {
      warnings.push({ line: lineNo, message: 'expected "name = value"' });
      return;
    }
    lastKey = pair.key;
    if (pair.value === '') {
      lastKind = 'parent';
      // `region =` with nothing under it means "no region": it is not kept as a property.
      section.sub[pair.key] ??= emptyRecord<string>();
    } else {
      lastKind = 'value';
      section.props[pair.key] = pair.value;
    }
  });

  return { sections, warnings };
}
