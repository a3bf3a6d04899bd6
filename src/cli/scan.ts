/**
 * `cloudtrail-lens scan [PATH ...] [--format text|json|sarif] [--fail-on high|medium|low|never]`
 * — the IaC checks of the editor, from a terminal or CI (contract: shared/design/CLI.md).
 *
 * Exit codes: 2 bad arguments (unknown option, bad value, a PATH that does not exist);
 * 1 when an unsuppressed failing check has a severity at or above --fail-on (default high);
 * 0 otherwise. Files that cannot be parsed are listed under `errors` and do not change the code.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Severity } from '../core/posture/model';
import { compareSeverity } from '../core/posture/rules';
import { IacEngine } from '../core/iac/index';
import { analyzeWorkspace, type WorkspaceFile } from '../core/iac/workspace';
import { LineIndex } from '../core/iac/text';
import type { IacFile } from '../core/iac/types';
import { MAX_FILE_BYTES, walkIac } from '../features/iac/node/walk';
import { nodeTreeSitterHost } from '../features/iac/node/wasm';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo, type Command } from './main';
import { buildJson, buildSarif, buildText, type ScanOutput } from './scan-output';

export type ScanFormat = 'text' | 'json' | 'sarif';
export type FailOn = 'high' | 'medium' | 'low' | 'never';

export interface ScanArgs {
  readonly paths: readonly string[];
  readonly format: ScanFormat;
  readonly failOn: FailOn;
}

const USAGE = `Usage: cloudtrail-lens scan [PATH ...] [--format text|json|sarif] [--fail-on high|medium|low|never]

Checks the CloudTrail trails defined in CloudFormation (YAML/JSON, SAM, Serverless resources),
Terraform and CDK (TypeScript) files against the CloudTrail best-practice rules.

  PATH            files or folders to scan (default: the current folder). Folders are walked,
                  skipping node_modules, .git, cdk.out, .terraform, .aws-sam, .serverless and
                  what .gitignore files ignore; name a folder (e.g. cdk.out) to scan it anyway.
  --format        text (default), json, or sarif (SARIF 2.1.0 for code scanning)
  --fail-on       exit 1 when a failing check has at least this severity (default: high);
                  never: always exit 0 unless the arguments are wrong

Exit codes: 0 no failing check at --fail-on, 1 failing checks, 2 bad arguments.`;

const FORMATS: readonly ScanFormat[] = ['text', 'json', 'sarif'];
const FAIL_ON: readonly FailOn[] = ['high', 'medium', 'low', 'never'];

/** Parses scan's arguments; a string is the error to print. */
export function parseScanArgs(args: readonly string[]): ScanArgs | string {
  const paths: string[] = [];
  let format: ScanFormat = 'text';
  let failOn: FailOn = 'high';
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsDone = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const take = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    if (name === '--format') {
      const v = take();
      if (v === undefined) return '--format needs a value: text, json or sarif';
      if (!FORMATS.includes(v as ScanFormat)) return `--format must be text, json or sarif (got "${v}")`;
      format = v as ScanFormat;
    } else if (name === '--fail-on') {
      const v = take();
      if (v === undefined) return '--fail-on needs a value: high, medium, low or never';
      if (!FAIL_ON.includes(v as FailOn)) return `--fail-on must be high, medium, low or never (got "${v}")`;
      failOn = v as FailOn;
    } else {
      return `unknown option ${name}`;
    }
  }
  return { paths: paths.length > 0 ? paths : ['.'], format, failOn };
}

/** Whether a failing check of this severity reaches --fail-on. */
export function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return compareSeverity(severity, failOn) >= 0;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Runs the scan and returns what the formatters print (exported for tests). */
export async function runScan(args: ScanArgs, cwd: string): Promise<ScanOutput> {
  const absolute = args.paths.map((p) => resolve(cwd, p));
  const walked = walkIac(absolute);
  const files: IacFile[] = [];
  const readErrors: { file: string; message: string }[] = walked.errors.map((e) => ({ file: toPosix(relative(cwd, e.path)) || '.', message: e.message }));
  for (const path of walked.files) {
    const rel = toPosix(relative(cwd, path)) || path;
    try {
      const size = statSync(path).size;
      if (size > MAX_FILE_BYTES) {
        readErrors.push({ file: rel, message: `skipped: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` });
        continue;
      }
      const text = readFileSync(path, 'utf8');
      files.push({ path: rel, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
    } catch (error) {
      readErrors.push({ file: rel, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const engine = new IacEngine(nodeTreeSitterHost(__dirname));
  const results: WorkspaceFile[] = await analyzeWorkspace(engine, files);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const lines = new Map<string, LineIndex>();
  const lineIndex = (path: string): LineIndex => {
    let l = lines.get(path);
    if (!l) {
      l = new LineIndex(texts.get(path) ?? '');
      lines.set(path, l);
    }
    return l;
  };
  return { results: results.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), readErrors, lineIndex, scanned: files.length };
}

export const scanCommand: Command = {
  summary: 'check the trails defined in CloudFormation, Terraform and CDK files',
  usage: USAGE,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseScanArgs(argv);
    if (typeof parsed === 'string') {
      io.stderr(`cloudtrail-lens scan: ${parsed}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    for (const p of parsed.paths) {
      try {
        statSync(resolve(io.cwd, p));
      } catch {
        io.stderr(`cloudtrail-lens scan: no such file or folder: ${p}\n`);
        return EXIT_USAGE;
      }
    }
    const output = await runScan(parsed, io.cwd);
    if (parsed.format === 'json') io.stdout(`${JSON.stringify(buildJson(output), null, 2)}\n`);
    else if (parsed.format === 'sarif') io.stdout(`${JSON.stringify(buildSarif(output), null, 2)}\n`);
    else io.stdout(buildText(output, parsed.failOn));
    const failing = output.results.some((r) => r.analysis.reports.some((t) => t.checks.some((c) => c.finding.status === 'fail' && !c.suppressed && reachesFailOn(c.finding.severity, parsed.failOn))));
    return failing ? EXIT_FINDINGS : EXIT_OK;
  },
};
