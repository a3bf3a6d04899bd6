/**
 * `cloudtrail-lens` — the command-line face of CloudTrail Lens (docs: shared/design/CLI.md).
 *
 * A tiny subcommand dispatcher. To add a command (`posture`, `events`, …):
 *   1. write `src/cli/<name>.ts` exporting a `Command` (summary, usage, run(args, io) → exit code);
 *   2. add one line to COMMANDS below. The module is imported only when its command runs, so a
 *      command that needs the AWS SDK costs nothing to the others.
 * Conventions: exit 2 for bad arguments (print the usage to stderr), results to stdout, progress
 * and diagnostics to stderr, never `process.exit` inside a command (return the code).
 * No `vscode` import anywhere under src/cli.
 */

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Paths in output are relative to this folder. */
  readonly cwd: string;
}

export interface Command {
  /** One line for `cloudtrail-lens --help`. */
  readonly summary: string;
  /** Full usage text for `cloudtrail-lens <command> --help` and argument errors. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Command name → lazy loader. */
export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  scan: async () => (await import('./scan.js')).scanCommand,
  events: async () => (await import('./events.js')).eventsCommand,
  posture: async () => (await import('./posture.js')).postureCommand,
};

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function overview(): string {
  return ['Usage: cloudtrail-lens <command> [options]', '', 'Commands:', ...Object.keys(COMMANDS).map((name) => `  ${name}`), '', 'Run `cloudtrail-lens <command> --help` for a command’s options.', ''].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr(`cloudtrail-lens: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT_OK;
  }
  return command.run(rest, io);
}

/* istanbul ignore next -- the bundle's entry point */
if (require.main === module) {
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`cloudtrail-lens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
