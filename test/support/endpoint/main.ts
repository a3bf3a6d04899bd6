/**
 * Command line of the local endpoint, run by scripts/endpoint.mjs (`npm run -s endpoint -- --port N`).
 * Prints exactly `listening on http://127.0.0.1:N` when ready, and nothing on stdout before that.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { awsConfigFiles } from './accounts';
import { type EndpointOptions, startEndpoint } from './server';

const USAGE = `usage: npm run -s endpoint -- [--port N] [--host H] [--data DIR] [--rate R] [--burst B] [--seed S] [--scale K] [--verbose]
  --port N     TCP port (default 0: a free one)
  --data DIR   an alternative dataset (test/support/endpoint/README.md, "Alternative datasets")
  --rate R     LookupEvents requests per second per account and region (default 2)
  --burst B    LookupEvents burst (default: the rate)
  --seed S     seed of the deterministic data (default cloudtrail-lens)
  --scale K    K copies of every event set, for volume (default 1)
  --aws-config DIR  once listening, write DIR/config and DIR/credentials with a profile per
               seeded account, pointing at this endpoint (the demo's own files, never ~/.aws)
  --verbose    one line per request on stderr`;

type CliOptions = EndpointOptions & { verbose: boolean; help: boolean; awsConfigDir?: string };

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { verbose: false, help: false };
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isFinite(parsed)) throw new Error(`${flag} needs a number`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = number(flag, value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--data': {
        const dir = value();
        if (!dir) throw new Error('--data needs a folder');
        options.dataDir = resolve(dir);
        break;
      }
      case '--fixtures': {
        const dir = value();
        if (!dir) throw new Error('--fixtures needs a folder');
        options.fixturesDir = resolve(dir);
        break;
      }
      case '--rate':
        options.rate = number(flag, value());
        break;
      case '--burst':
        options.burst = number(flag, value());
        break;
      case '--seed':
        options.seed = value();
        break;
      case '--scale':
        options.scale = number(flag, value());
        break;
      case '--aws-config': {
        const dir = value();
        if (!dir) throw new Error('--aws-config needs a folder');
        options.awsConfigDir = resolve(dir);
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.error(USAGE);
    return;
  }
  const { verbose, help: _help, awsConfigDir, ...endpointOptions } = options;
  const endpoint = await startEndpoint({
    ...endpointOptions,
    ...(verbose && {
      onRequest: (entry) =>
        process.stderr.write(
          `${new Date(entry.at).toISOString()} ${entry.status} ${entry.service}:${entry.operation} ${entry.accountId ?? '-'}/${entry.region ?? '-'}${entry.errorCode ? ` ${entry.errorCode}` : ''} ${entry.durationMs}ms\n`,
        ),
    }),
  });
  if (awsConfigDir) {
    const files = awsConfigFiles({ endpointUrl: endpoint.url });
    mkdirSync(awsConfigDir, { recursive: true });
    writeFileSync(join(awsConfigDir, 'config'), files.config);
    writeFileSync(join(awsConfigDir, 'credentials'), files.credentials, { mode: 0o600 });
  }
  process.stdout.write(`listening on ${endpoint.url}\n`);
  const stop = (): void => {
    endpoint.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
