/** Helpers for the iac-*.test.ts files: fixtures, the engine with the tree-sitter grammars from node_modules. */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrailReport } from '../../src/core/iac/analyze';
import { IacEngine, documentKind, type FileAnalysis } from '../../src/core/iac/index';
import type { IacFile } from '../../src/core/iac/types';
import type { FindingStatus, RuleId } from '../../src/core/posture/model';
import { nodeTreeSitterHost } from '../../src/features/iac/node/wasm';
import { fixturePath } from '../support/fixtures';

export const engine = new IacEngine(nodeTreeSitterHost(__dirname));

/** A fixture under test/fixtures/iac as an IacFile whose path is the fixture path (`.ts.txt` read as `.ts`). */
export function iacFile(rel: string): IacFile {
  return { path: rel.replace(/\.ts\.txt$/, '.ts'), text: readFileSync(fixturePath('iac', rel), 'utf8') };
}

/** The .tf and .tfvars files of a fixture folder. */
export function moduleFiles(folder: string): IacFile[] {
  return readdirSync(fixturePath('iac', folder))
    .filter((n) => n.endsWith('.tf') || n.endsWith('.tfvars'))
    .sort()
    .map((n) => iacFile(join(folder, n).split('\\').join('/')));
}

export async function analyzeFixture(rel: string): Promise<FileAnalysis> {
  const file = iacFile(rel);
  const kind = documentKind(file.path, undefined, file.text);
  assert.ok(kind, `no reader for ${rel}`);
  if (kind === 'terraform') {
    const folder = rel.slice(0, rel.lastIndexOf('/'));
    return engine.analyze(file, kind, { moduleFiles: moduleFiles(folder) });
  }
  return engine.analyze(file, kind);
}

export function report(analysis: FileAnalysis, name: string): TrailReport {
  const r = analysis.reports.find((x) => x.definition.name === name);
  assert.ok(r, `trail ${name} not found; have ${analysis.reports.map((x) => x.definition.name).join(', ')}`);
  return r;
}

export function status(r: TrailReport, ruleId: RuleId): FindingStatus {
  const c = r.checks.find((x) => x.ruleId === ruleId);
  assert.ok(c, `${ruleId} not checked for ${r.definition.name}`);
  return c.finding.status;
}

export function reason(r: TrailReport, ruleId: RuleId): string {
  const c = r.checks.find((x) => x.ruleId === ruleId);
  assert.ok(c, `${ruleId} not checked`);
  return c.finding.reason;
}

/** 0-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Fuzzing (iac-fuzz.test.ts, bench/iac.mjs)

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['{', '}', '[', ']', ':', ',', '"', "'", '!Ref ', '!If [', '!GetAtt ', '${', '}', '\n', '\t', '  ', '#', '//', '/*', '=', '.', '-', 'true', 'false', 'null', 'var.', 'local.', '? ', ' : ', '<<EOT\n', 'new Trail(', 'new cloudtrail.Trail(this, "X", {', '...', '&a ', '*a', '\\', '\u2028', '😀', 'AWS::CloudTrail::Trail', 'aws_cloudtrail', 'Type: ', 'Properties:', 'count = ', 'for_each = ', 'each.value', '`${'];

export function mutate(text: string, random: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(random() * 4);
  for (let s = 0; s < steps; s++) {
    const n = out.length;
    const i = Math.floor(random() * (n + 1));
    const j = Math.min(n, i + Math.floor(random() * 80));
    switch (Math.floor(random() * 8)) {
      case 0:
        out = out.slice(0, i) + out.slice(j);
        break;
      case 1:
        out = out.slice(0, j) + out.slice(i, j) + out.slice(j);
        break;
      case 2:
        out = out.slice(0, i) + (TOKENS[Math.floor(random() * TOKENS.length)] ?? '') + out.slice(i);
        break;
      case 3: {
        const k = Math.floor(random() * (n + 1));
        const [a, b] = i < k ? [i, k] : [k, i];
        const m = Math.min(b, a + 40);
        out = out.slice(0, a) + out.slice(m, b) + out.slice(a, m) + out.slice(b);
        break;
      }
      case 4:
        out = out.slice(0, i);
        break;
      case 5:
        out = out.slice(0, i) + String.fromCharCode(Math.floor(random() * 0x2ff)) + out.slice(i);
        break;
      case 6: {
        const depth = 1 + Math.floor(random() * 300);
        const open = random() < 0.5 ? '[' : '{';
        out = out.slice(0, i) + open.repeat(depth) + out.slice(i);
        break;
      }
      default:
        out = out.slice(0, i) + (random() < 0.5 ? 'false' : '"false"') + out.slice(j);
    }
  }
  return out;
}

