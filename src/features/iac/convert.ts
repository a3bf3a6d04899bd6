import * as vscode from 'vscode';
import { LineIndex } from '../../core/iac/text';
import type { TextEdit } from '../../core/iac/fixes';
import type { Span } from '../../core/iac/types';

/** Positions for offsets of texts the analysis read (the document itself or its module's other files). */
export class PositionMap {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  private index(file: string): LineIndex | undefined {
    let idx = this.indexes.get(file);
    if (!idx) {
      const text = this.texts.get(file);
      if (text === undefined) return undefined;
      idx = new LineIndex(text);
      this.indexes.set(file, idx);
    }
    return idx;
  }

  position(file: string, offset: number): vscode.Position | undefined {
    const p = this.index(file)?.position(offset);
    return p ? new vscode.Position(p.line, p.character) : undefined;
  }

  range(file: string, span: Span): vscode.Range | undefined {
    const a = this.position(file, span.start);
    const b = this.position(file, span.end);
    return a && b ? new vscode.Range(a, b) : undefined;
  }

  /** A WorkspaceEdit for core text edits; undefined if a file's text is not known. */
  workspaceEdit(edits: readonly TextEdit[]): vscode.WorkspaceEdit | undefined {
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) {
      const range = this.range(e.file, { start: e.offset, end: e.offset + e.length });
      if (!range) return undefined;
      we.replace(vscode.Uri.parse(e.file), range, e.newText);
    }
    return we;
  }
}
