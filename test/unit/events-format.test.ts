import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { awsCliCommands, awsCliEventCommand, awsCliLookupCommand, formatTimestamp, relativeTime, shellQuote } from '../../src/core/events/format';
import { planQuery } from '../../src/core/events/planner';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

/**
 * Runs a rendered command through a real POSIX shell with `aws` replaced by a function that prints
 * its arguments NUL-separated: what the AWS CLI would receive, and proof nothing else ran.
 */
function argvOf(command: string): string[] {
  const script = `aws() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}\n`;
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  "'; touch /tmp/ctl-pwned; echo '",
  '$(touch /tmp/ctl-pwned)',
  '`touch /tmp/ctl-pwned`',
  '"; touch /tmp/ctl-pwned; "',
  'a\nb; touch /tmp/ctl-pwned',
  'x && touch /tmp/ctl-pwned',
  '${IFS}touch${IFS}/tmp/ctl-pwned',
  '--debug',
  'file:///etc/passwd',
  'AttributeKey=EventId,AttributeValue=x',
  'a,b=c',
  '[{"AttributeKey":"EventName"}]',
  "it's",
  '\\',
  '!!',
  '*',
  '~root',
  'Ünïcödé 🚀',
  '',
];

describe('core/events/format: times', () => {
  it('writes relative times', () => {
    const cases: Array<[number, string]> = [
      [NOW, 'just now'],
      [NOW - 5 * S, 'just now'],
      [NOW - 45 * S, '45 s ago'],
      [NOW - 3 * MIN, '3 min ago'],
      [NOW - 3 * H - 59 * MIN, '3 h ago'],
      [NOW - 2 * D, '2 d ago'],
      [NOW - 95 * D, '3 mo ago'],
      [NOW - 800 * D, '2 y ago'],
      [NOW + 5 * MIN, 'in 5 min'],
      [0, 'unknown time'],
      [Number.NaN, 'unknown time'],
    ];
    for (const [ms, text] of cases) assert.equal(relativeTime(ms, NOW), text, text);
  });

  it('writes absolute UTC timestamps', () => {
    assert.equal(formatTimestamp(Date.UTC(2024, 6, 31, 12, 50, 2, 345)), '2024-07-31 12:50:02 UTC');
    assert.equal(formatTimestamp(0), '');
    assert.equal(formatTimestamp(Number.POSITIVE_INFINITY), '');
  });
});

describe('core/events/format: AWS CLI commands with hostile values', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    assert.equal(shellQuote('us-east-1'), 'us-east-1');
    assert.equal(shellQuote('arn:aws:iam::1:user/a@b.c'), 'arn:aws:iam::1:user/a@b.c');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a\0b'), "'ab'");
  });

  it('renders the event command as in the docs for a plain id', () => {
    assert.equal(
      awsCliEventCommand('3c5ec6b5-5ffb-4e4d-9f2a-0c0a1b2c3d4e', { region: 'eu-west-1', profile: 'dev' }),
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventId,AttributeValue=3c5ec6b5-5ffb-4e4d-9f2a-0c0a1b2c3d4e --region eu-west-1 --profile dev',
    );
  });

  it('renders a plan: one command per stream, times, Insights, max items, and a comment for local filters', () => {
    const plan = planQuery({ attributes: { EventName: ['StopLogging', 'DeleteTrail'] }, insights: true, errorsOnly: true, time: { preset: '24h' }, limit: 100 }, { now: NOW });
    const commands = awsCliCommands(plan, { region: 'us-east-1' }, true);
    assert.equal(commands.length, 3);
    assert.equal(
      commands[0],
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=StopLogging --start-time 2025-06-14T12:00:00Z --end-time 2025-06-15T12:00:00Z --event-category insight --max-items 100 --region us-east-1',
    );
    assert.equal(commands[2], '# then filtered locally: Failed calls only');
    assert.equal(awsCliCommands(planQuery({}, { now: NOW })).length, 1);
    assert.ok(!awsCliCommands(planQuery({}, { now: NOW }))[0]?.includes('--lookup-attributes'));
  });

  it('passes every hostile value to the CLI exactly, as one argument, with nothing executed (real sh)', function () {
    this.timeout(20_000);
    for (const value of HOSTILE) {
      const argv = argvOf(awsCliEventCommand(value, { region: value || 'r', profile: value || 'p' }));
      const attributes = argv[argv.indexOf('--lookup-attributes') + 1] ?? '';
      // Either the shorthand form (only for safe values) or JSON that parses back to the exact value.
      const decoded = attributes.startsWith('[')
        ? (JSON.parse(attributes) as Array<{ AttributeKey: string; AttributeValue: string }>)[0]?.AttributeValue
        : attributes.replace(/^AttributeKey=EventId,AttributeValue=/, '');
      assert.equal(decoded, value, `lookup attributes for ${JSON.stringify(value)}`);
      assert.ok(!attributes.startsWith('file://') && !attributes.startsWith('-'), 'never read as a file or an option');
      const region = value || 'r';
      const regionArg = argv.find((arg) => arg === '--region' || arg.startsWith('--region='));
      if (region.startsWith('-')) assert.equal(regionArg, `--region=${region}`, 'joined so the CLI cannot take it as an option');
      else assert.equal(argv[argv.indexOf('--region') + 1], region);
      assert.equal(argv.slice(0, 2).join(' '), 'cloudtrail lookup-events');
    }
    assert.throws(() => execFileSync('test', ['-e', '/tmp/ctl-pwned']), 'nothing was executed');
  });

  it('quotes hostile values in every attribute of a plan (fan-out included)', () => {
    const plan = planQuery({ attributes: { ResourceName: ["a'b", '$(id)', 'x,y'] }, time: { preset: '1h' } }, { now: NOW });
    for (const [i, command] of awsCliCommands(plan).entries()) {
      const argv = argvOf(command);
      const attributes = JSON.parse(argv[argv.indexOf('--lookup-attributes') + 1] ?? '[]') as Array<{ AttributeValue: string }>;
      assert.equal(attributes[0]?.AttributeValue, plan.server?.values[i]);
    }
  });

  it('keeps the local-filter comment on one line whatever the user typed', () => {
    const plan = planQuery({ text: 'x\ntouch /tmp/ctl-pwned\r\u2028y', time: { preset: '1h' } }, { now: NOW });
    const commands = awsCliCommands(plan, {}, true);
    assert.equal(commands.length, 2);
    assert.ok(!/[\n\r\u2028]/.test(commands[1] ?? ''));
    assert.ok(commands[1]?.startsWith('# '));
  });

  it('renders a single call directly', () => {
    const command = awsCliLookupCommand({ lookupAttributes: [], startTime: 0, endTime: 1000 }, { maxItems: 0 });
    assert.equal(command, 'aws cloudtrail lookup-events --start-time 1970-01-01T00:00:00Z --end-time 1970-01-01T00:00:01Z');
  });
});
