import * as vscode from 'vscode';
import { documentKind, mayDefineTrail, tfMayDefineTrail, type DocumentKind } from '../../core/iac/detect';
import type * as CoreModule from '../../core/iac/index';
import type { FileAnalysis } from '../../core/iac/index';
import type { IacFile } from '../../core/iac/types';
import type { Logger } from '../../shared/log';

type Core = typeof CoreModule;

/** One analysis of one document version, with the texts it read (for turning fix offsets into positions). */
export interface DocumentResult {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly kind: DocumentKind;
  readonly analysis: FileAnalysis;
  /** Text of every file the analysis read, by IacFile path (= uri.toString()). */
  readonly texts: ReadonlyMap<string, string>;
}

const DEBOUNCE_MS = 350;

/**
 * Runs the IaC engine on documents: debounced while typing, never on stale text (a result for an
 * older version than the document's is dropped), parsers loaded on first use. Results are kept
 * per document and announced through `onDidAnalyze`.
 */
export class IacAnalyzer implements vscode.Disposable {
  private core: Promise<{ core: Core; engine: InstanceType<Core['IacEngine']> }> | undefined;
  private readonly results = new Map<string, DocumentResult>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly sequence = new Map<string, number>();
  private readonly analyzed = new vscode.EventEmitter<DocumentResult>();
  private readonly cleared = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidAnalyze = this.analyzed.event;
  readonly onDidClear = this.cleared.event;
  /** Module address prefixes found by the last workspace scan, by folder uri. */
  readonly modulePrefixes = new Map<string, string>();

  constructor(
    private readonly log: Logger,
    private readonly bundleDir: string,
  ) {}

  engine(): Promise<{ core: Core; engine: InstanceType<Core['IacEngine']> }> {
    this.core ??= (async () => {
      const started = Date.now();
      const core = await import('../../core/iac/index.js');
      const node = await import('./node/wasm.js');
      const engine = new core.IacEngine(node.nodeTreeSitterHost(this.bundleDir));
      this.log.debug(`iac: engine loaded in ${Date.now() - started} ms`);
      return { core, engine };
    })();
    return this.core;
  }

  /** The kind of a document if it is worth reading (it may define a trail). */
  static relevant(doc: vscode.TextDocument): DocumentKind | undefined {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return undefined;
    const kind = documentKind(doc.uri.path, doc.languageId, doc.getText(new vscode.Range(0, 0, 1, 0)));
    return kind;
  }

  result(doc: vscode.TextDocument): DocumentResult | undefined {
    const r = this.results.get(doc.uri.toString());
    return r && r.version === doc.version ? r : undefined;
  }

  /** The latest result whatever its version (CodeLens keeps showing it while typing). */
  latest(uri: vscode.Uri): DocumentResult | undefined {
    return this.results.get(uri.toString());
  }

  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.analyze(doc);
      }, delay),
    );
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    if (this.results.delete(key)) this.cleared.fire(uri);
  }

  /** Analyses a document now; resolves undefined when it is not relevant or the text changed meanwhile. */
  async analyze(doc: vscode.TextDocument): Promise<DocumentResult | undefined> {
    const kind = IacAnalyzer.relevant(doc);
    if (!kind) return undefined;
    const key = doc.uri.toString();
    const version = doc.version;
    const text = doc.getText();
    const seq = (this.sequence.get(key) ?? 0) + 1;
    this.sequence.set(key, seq);
    if (!mayDefineTrail(kind, text) && !(kind === 'terraform' && (await this.siblingDefinesTrail(doc)))) {
      if (this.results.has(key)) this.forget(doc.uri);
      return undefined;
    }
    try {
      const { engine } = await this.engine();
      const file: IacFile = { path: key, text };
      const texts = new Map<string, string>([[key, text]]);
      let analysis: FileAnalysis;
      if (kind === 'terraform') {
        const moduleFiles = await this.moduleFiles(doc);
        for (const f of moduleFiles) texts.set(f.path, f.text);
        const folder = vscode.Uri.joinPath(doc.uri, '..').toString();
        analysis = await engine.analyze(file, kind, { moduleFiles, modulePrefix: this.modulePrefixes.get(folder) ?? '' });
      } else {
        analysis = await engine.analyze(file, kind);
      }
      // Stale: the document changed, or a newer analysis started, while this one ran.
      if (doc.version !== version || this.sequence.get(key) !== seq || doc.isClosed) return undefined;
      for (const p of analysis.problems) this.log.debug(`iac: ${doc.uri.fsPath}: ${p.severity}: ${p.message}`);
      const result: DocumentResult = { uri: doc.uri, version, kind, analysis, texts };
      this.results.set(key, result);
      this.analyzed.fire(result);
      return result;
    } catch (error) {
      this.log.error(`iac: could not analyse ${doc.uri.fsPath}`, error);
      return undefined;
    }
  }

  private async siblingDefinesTrail(doc: vscode.TextDocument): Promise<boolean> {
    if (doc.uri.scheme === 'untitled') return false;
    const files = await this.moduleFiles(doc);
    return files.some((f) => tfMayDefineTrail(f.text));
  }

  /** The other .tf files (and auto-loaded tfvars) of the document's folder, open editors' text first. */
  private async moduleFiles(doc: vscode.TextDocument): Promise<IacFile[]> {
    if (doc.uri.scheme === 'untitled') return [];
    const folder = vscode.Uri.joinPath(doc.uri, '..');
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      return [];
    }
    const out: IacFile[] = [];
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File) continue;
      if (!name.endsWith('.tf') && name !== 'terraform.tfvars' && !name.endsWith('.auto.tfvars')) continue;
      const uri = vscode.Uri.joinPath(folder, name);
      if (uri.toString() === doc.uri.toString()) continue;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      try {
        const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        out.push({ path: uri.toString(), text });
      } catch {
        // unreadable sibling: analysed without it
      }
    }
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.analyzed.dispose();
    this.cleared.dispose();
  }
}
