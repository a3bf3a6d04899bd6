/**
 * `cloudtrail-lens posture [--profile P ...] [--all-profiles] [--format text|json|markdown]
 *  [--endpoint-url URL] [--concurrency N] [--fail-on high|medium|low|never]`
 * — the Trails tree's best-practice posture from a terminal or CI (contract: shared/design/CLI.md).
 * Same engine as the tree: src/aws/posture reads, src/core/posture evaluates and renders
 * (`exportPostureReport`).
 *
 * Credentials: each --profile through the shared files, or without --profile the standard
 * environment (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, credential_process, …). Endpoint: the
 * standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> / the profile's endpoint_url, or
 * --endpoint-url. Profiles are read in parallel; one that cannot be read has `error` set and the
 * others are still reported.
 *
 * Exit codes: 0 the report was printed; 1 a profile could not be read, or a failing check
 * reached --fail-on (default never); 2 bad arguments.
 */
import { AwsLayer } from '../aws/layer';
import { fetchProfilePosture } from '../aws/posture';
import type { Severity } from '../core/posture/model';
import { exportPostureReport, type ProfilePosture, type ReportFormat } from '../core/posture/report';
import { compareSeverity } from '../core/posture/rules';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo, type Command } from './main';

export type FailOn = 'high' | 'medium' | 'low' | 'never';

export interface PostureArgs {
  /** Empty: the environment's profile (AWS_PROFILE or default). */
  readonly profiles: readonly string[];
  readonly allProfiles: boolean;
  readonly format: ReportFormat;
  readonly endpointUrl?: string;
  readonly concurrency: number;
  readonly failOn: FailOn;
}

/** Hooks for tests: the environment and home folder to read profiles from. */
export interface PostureRunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly homedir?: string;
  /** Fixed `generatedAt` (tests). */
  readonly generatedAt?: string;
}

export const POSTURE_USAGE = `Usage: cloudtrail-lens posture [--profile P ...] [--all-profiles] [--format text|json|markdown]
                               [--endpoint-url URL] [--concurrency N] [--fail-on high|medium|low|never]

Checks every trail of each profile's account against AWS best practice (the Security Hub
CloudTrail controls and CloudTrail Lens checks): reads the enabled regions, every trail, its
status, event and Insights selectors, tags and its S3 bucket's public access and access logging.

  --profile P       a profile of the AWS config files; repeat it (or P1,P2) for several.
                    Default: the standard environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, … or "default")
  --all-profiles    every profile of the config files
  --format          text (default), json (shared/design/CLI.md) or markdown
  --endpoint-url    send every request to this URL (default: AWS_ENDPOINT_URL*, the profile's endpoint_url)
  --concurrency     requests in flight per profile (default 8)
  --fail-on         exit 1 when a failing check has at least this severity (default: never)

Exit codes: 0 report printed, 1 a profile could not be read or --fail-on was reached, 2 bad arguments.`;

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown'];
const FAIL_ON: readonly FailOn[] = ['high', 'medium', 'low', 'never'];

/** Parses posture's arguments; a string is the error to print. */
export function parsePostureArgs(args: readonly string[]): PostureArgs | string {
  const profiles: string[] = [];
  let allProfiles = false;
  let format: ReportFormat = 'text';
  let endpointUrl: string | undefined;
  let concurrency = 8;
  let failOn: FailOn = 'never';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const take = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    switch (name) {
      case '--profile': {
        const v = take();
        if (!v) return '--profile needs a profile name';
        profiles.push(...v.split(',').map((p) => p.trim()).filter(Boolean));
        break;
      }
      case '--all-profiles':
        allProfiles = true;
        break;
      case '--format': {
        const v = take();
        if (v === undefined) return '--format needs a value: text, json or markdown';
        if (!FORMATS.includes(v as ReportFormat)) return `--format must be text, json or markdown (got "${v}")`;
        format = v as ReportFormat;
        break;
      }
      case '--endpoint-url': {
        const v = take();
        if (!v || !/^https?:\/\//.test(v)) return '--endpoint-url needs an http(s) URL';
        endpointUrl = v;
        break;
      }
      case '--concurrency': {
        const v = Number(take());
        if (!Number.isInteger(v) || v < 1 || v > 64) return '--concurrency must be an integer from 1 to 64';
        concurrency = v;
        break;
      }
      case '--fail-on': {
        const v = take();
        if (v === undefined) return '--fail-on needs a value: high, medium, low or never';
        if (!FAIL_ON.includes(v as FailOn)) return `--fail-on must be high, medium, low or never (got "${v}")`;
        failOn = v as FailOn;
        break;
      }
      default:
        return arg.startsWith('-') ? `unknown option ${name}` : `unexpected argument "${arg}" (profiles are given with --profile)`;
    }
  }
  if (allProfiles && profiles.length > 0) return '--all-profiles and --profile cannot be combined';
  return { profiles: [...new Set(profiles)], allProfiles, format, ...(endpointUrl ? { endpointUrl } : {}), concurrency, failOn };
}

function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && compareSeverity(severity, failOn) >= 0;
}

/** Reads the profiles (in parallel) and returns their postures, in the order asked. */
export async function runPosture(args: PostureArgs, options: PostureRunOptions = {}): Promise<{ postures: ProfilePosture[]; profiles: string[] }> {
  const layer = new AwsLayer({ env: options.env ?? process.env, homedir: options.homedir, endpointUrl: args.endpointUrl, userAgent: 'cloudtrail-lens-cli/0.1.0' });
  try {
    let profiles = [...args.profiles];
    if (args.allProfiles) profiles = (await layer.profiles.profiles()).map((p) => p.name);
    if (profiles.length === 0) profiles = [layer.profiles.environmentProfile()];
    const postures = await Promise.all(profiles.map((profile) => fetchProfilePosture(layer, profile, { concurrency: args.concurrency })));
    return { postures, profiles };
  } finally {
    layer.dispose();
  }
}

/** `cloudtrail-lens posture …`: prints the report and returns the exit code. */
export async function posture(argv: readonly string[], io: CliIo, options: PostureRunOptions = {}): Promise<number> {
  const parsed = parsePostureArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr(`cloudtrail-lens posture: ${parsed}\n\n${POSTURE_USAGE}\n`);
    return EXIT_USAGE;
  }
  const started = Date.now();
  const { postures } = await runPosture(parsed, options);
  io.stdout(exportPostureReport(postures, parsed.format, options.generatedAt ? { generatedAt: options.generatedAt } : {}));
  const failed = postures.filter((p) => p.error);
  for (const p of failed) io.stderr(`cloudtrail-lens posture: profile "${p.profile}" could not be read: ${p.error?.message ?? ''} ${p.error?.next ?? ''}\n`);
  io.stderr(`cloudtrail-lens posture: ${postures.length} profile${postures.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (failed.length > 0) return EXIT_FINDINGS;
  const failing = postures.flatMap((p) => [...p.accountFindings, ...p.trails.flatMap((t) => t.findings)]).filter((f) => f.status === 'fail' && reaches(f.severity, parsed.failOn));
  return failing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export const postureCommand: Command = {
  summary: 'check the live trails of AWS profiles against best practice',
  usage: POSTURE_USAGE,
  run: (args, io) => posture(args, io),
};
