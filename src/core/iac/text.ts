/** Small text helpers shared by the readers and the fixes: lines, indentation, end-of-line style. */
import type { Span } from './types';

export function span(start: number, end: number): Span {
  return { start, end };
}

/** Offsets of line starts; position lookups by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line of an offset. */
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 0-based line and UTF-16 character of an offset. */
  position(offset: number): { line: number; character: number } {
    const line = this.line(offset);
    return { line, character: offset - (this.starts[line] ?? 0) };
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))] ?? 0;
  }

  /** Offset of the end of a line, before its line break. */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    return next >= 2 && this.text[next - 2] === '\r' ? next - 2 : next - 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/** The line break the file uses (first one found), "\n" by default. */
export function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** Leading spaces and tabs of a line. */
export function indentOf(lineText: string): string {
  const m = /^[ \t]*/.exec(lineText);
  return m ? m[0] : '';
}

/** Offset of the end of the line holding `offset` (before the line break). */
export function endOfLine(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Offset of the start of the line holding `offset`. */
export function startOfLine(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n') i--;
  return i;
}

/** The indentation step used by the file: the smallest positive indent increase between consecutive lines, 2 by default. */
export function indentUnit(text: string, sample = 400): string {
  const lines = text.split('\n', sample);
  let best = 0;
  let tabs = 0;
  let previous = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    if (indent.startsWith('\t')) tabs++;
    const width = indent.length;
    const step = width - previous;
    if (step > 0 && (best === 0 || step < best)) best = step;
    previous = width;
  }
  if (tabs > lines.length / 4) return '\t';
  return ' '.repeat(best > 0 && best <= 8 ? best : 2);
}
