/**
 * Formatting shared by the panel and the CLI: relative and absolute times, and the AWS CLI command
 * that reproduces a plan's calls or fetches one event.
 *
 * Values in those commands come from events and queries, i.e. from attackers: every argument is
 * quoted for a POSIX shell (single quotes; a single quote becomes '\''), and lookup attributes
 * whose value is not plainly safe for the CLI's shorthand syntax (commas, quotes, brackets,
 * spaces…) are passed as JSON instead. Nothing is ever left for the shell to expand.
 */
import type { LookupCall, QueryPlan } from './planner';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "45 s ago", "3 min ago", "3 h ago", "2 d ago", "4 mo ago", "2 y ago"; "in 5 min" for the future. */
export function relativeTime(ms: number, now: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'unknown time';
  const delta = now - ms;
  const abs = Math.abs(delta);
  let amount: string;
  if (abs < 10 * SECOND) return 'just now';
  if (abs < MINUTE) amount = `${Math.floor(abs / SECOND)} s`;
  else if (abs < HOUR) amount = `${Math.floor(abs / MINUTE)} min`;
  else if (abs < DAY) amount = `${Math.floor(abs / HOUR)} h`;
  else if (abs < 30 * DAY) amount = `${Math.floor(abs / DAY)} d`;
  else if (abs < 365 * DAY) amount = `${Math.floor(abs / (30 * DAY))} mo`;
  else amount = `${Math.floor(abs / (365 * DAY))} y`;
  return delta >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** `2024-07-31 12:50:02 UTC`; empty for an unknown time. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** ISO 8601 without milliseconds, as the AWS CLI takes it. */
function cliTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Quotes one argument for a POSIX shell (sh, bash, zsh). Plain words stay as they are. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  // NUL cannot be passed in an argument at all: drop it rather than let it cut the string.
  return `'${value.replace(/\0/g, '').replace(/'/g, `'\\''`)}'`;
}

export interface CliOptions {
  region?: string;
  profile?: string;
  /** `--max-items` (the plan's limit by default). */
  maxItems?: number;
}

/** A value the CLI shorthand syntax takes as is (no , = [ ] { } " ' spaces, no file:// prefix). */
function shorthandSafe(value: string): boolean {
  return /^[A-Za-z0-9_.:/@+-]+$/.test(value) && !/^(file|fileb|https?):\/\//i.test(value);
}

function lookupAttributesArgument(attributes: LookupCall['lookupAttributes']): string {
  if (attributes.every((attribute) => shorthandSafe(attribute.AttributeValue))) {
    return attributes.map((attribute) => `AttributeKey=${attribute.AttributeKey},AttributeValue=${attribute.AttributeValue}`).join(' ');
  }
  // JSON: the CLI parses it as the exact value; it starts with '[' so it is never read as a file:// URL.
  return JSON.stringify(attributes.map((attribute) => ({ AttributeKey: attribute.AttributeKey, AttributeValue: attribute.AttributeValue })));
}

/** An option and its value, each a separate argument in the rendered command. */
type Argument = [option: string, value?: string];

function commonArguments(options: CliOptions): Argument[] {
  const args: Argument[] = [];
  if (options.region) args.push(['--region', options.region]);
  if (options.profile) args.push(['--profile', options.profile]);
  return args;
}

/**
 * Renders `aws cloudtrail lookup-events` and its options. A value that starts with `-` is joined as
 * `--option=value`, so the CLI cannot take it for another option.
 */
function render(args: Argument[]): string {
  const parts = ['aws', 'cloudtrail', 'lookup-events'];
  for (const [option, value] of args) {
    if (value === undefined) parts.push(option);
    else if (value.startsWith('-')) parts.push(`${option}=${shellQuote(value)}`);
    else parts.push(option, shellQuote(value));
  }
  return parts.join(' ');
}

/** The AWS CLI command for one LookupEvents call. */
export function awsCliLookupCommand(call: LookupCall, options: CliOptions = {}): string {
  const args: Argument[] = [];
  if (call.lookupAttributes.length > 0) args.push(['--lookup-attributes', lookupAttributesArgument(call.lookupAttributes)]);
  args.push(['--start-time', cliTime(call.startTime)], ['--end-time', cliTime(call.endTime)]);
  if (call.eventCategory) args.push(['--event-category', call.eventCategory]);
  if (options.maxItems !== undefined && Number.isInteger(options.maxItems) && options.maxItems > 0) args.push(['--max-items', String(options.maxItems)]);
  args.push(...commonArguments(options));
  return render(args);
}

/**
 * The AWS CLI commands equivalent to a plan: one per LookupEvents stream. The local filters have no
 * CLI equivalent; they are listed in a trailing comment line when `withComment` is set.
 */
export function awsCliCommands(plan: QueryPlan, options: CliOptions = {}, withComment = false): string[] {
  const maxItems = options.maxItems ?? plan.limit;
  const commands = plan.calls.map((call) => awsCliLookupCommand(call, maxItems === undefined ? options : { ...options, maxItems }));
  if (withComment && plan.local.length > 0) {
    // A comment must not be able to end early and run code: one line, no control characters.
    const labels = plan.local.map((item) => item.label.replace(/[\p{Cc}\u2028\u2029]/gu, ' ')).join('; ');
    commands.push(`# then filtered locally: ${labels}`);
  }
  return commands;
}

/** The AWS CLI command that fetches one event by id. */
export function awsCliEventCommand(eventId: string, options: CliOptions = {}): string {
  const args: Argument[] = [['--lookup-attributes', lookupAttributesArgument([{ AttributeKey: 'EventId', AttributeValue: eventId }])], ...commonArguments(options)];
  return render(args);
}
