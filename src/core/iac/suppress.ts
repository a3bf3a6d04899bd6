/**
 * Inline suppressions: a comment `cloudtrail-lens-ignore CloudTrail.4, CloudTrail.1` (after `#`
 * in YAML and HCL, `//` or `/*` in HCL and TypeScript) on the line where a trail starts, in the
 * comment lines directly above it, or on any line inside it. Without rule ids it silences every
 * rule for that trail. Text after the ids (`-- managed by the org trail`) is a free reason.
 */
import { RULES } from '../posture/rules';
import type { RuleId } from '../posture/model';
import type { Span } from './types';

const MARKER = /(?:#|\/\/|\/\*)[ \t]*cloudtrail-lens-ignore\b([^\n\r]*)/g;
const COMMENT_LINE = /^[ \t]*(?:#|\/\/|\/\*|\*)/;

const RULE_IDS: ReadonlyMap<string, RuleId> = new Map(Object.keys(RULES).map((id) => [id.toLowerCase(), id as RuleId]));

function idsIn(rest: string): (RuleId | '*')[] {
  const out: (RuleId | '*')[] = [];
  for (const token of rest.replace(/\*\/.*$/, '').split(/[\s,]+/)) {
    if (token === '') continue;
    const id = RULE_IDS.get(token.toLowerCase());
    if (!id) break;
    out.push(id);
  }
  return out.length > 0 ? out : ['*'];
}

/** Rule ids suppressed for the definition at `span` (deduplicated; '*' alone when everything is). */
export function suppressions(text: string, span: Span): (RuleId | '*')[] {
  // Start of the first comment line in the block directly above the definition's first line.
  let from = span.start;
  while (from > 0 && text[from - 1] !== '\n') from--;
  for (;;) {
    if (from === 0) break;
    let prev = from - 1;
    while (prev > 0 && text[prev - 1] !== '\n') prev--;
    const line = text.slice(prev, from);
    if (!COMMENT_LINE.test(line)) break;
    from = prev;
  }
  let to = span.end;
  while (to < text.length && text[to] !== '\n') to++;
  const region = text.slice(from, to);
  if (!region.includes('cloudtrail-lens-ignore')) return [];
  const found = new Set<RuleId | '*'>();
  for (const m of region.matchAll(MARKER)) for (const id of idsIn(m[1] ?? '')) found.add(id);
  return found.has('*') ? ['*'] : [...found];
}
