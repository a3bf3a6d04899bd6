/**
 * `cloudtrail-lens posture` against the local endpoint: the exported function, and the built
 * binary (dist/cli.js) with AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE temp files and
 * AWS_ENDPOINT_URL, as a user or CI runs it. Output shape: shared/design/CLI.md.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePostureArgs, posture } from '../../src/cli/posture';
import type { PostureReport, ProfileJson } from '../../src/core/posture/report';
import { DEFAULT_ACCOUNT_ID, DENIED_ACCOUNT_ID, SECOND_ACCOUNT_ID, awsConfigFiles, startEndpoint, type Endpoint } from '../support/endpoint';
import { cleanEnvironment } from '../support/endpoint/testing';
import { projectRoot } from '../support/fixtures';

const CLI = join(projectRoot, 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--no-warnings', CLI, ...args], { env: cleanEnvironment(env), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The shape CLI.md documents for one profile (and the keys this implementation adds). */
function assertProfileShape(p: ProfileJson): void {
  for (const key of ['profile', 'account', 'error', 'trails', 'uncoveredRegions', 'accountChecks']) assert.ok(key in p, `profile has "${key}"`);
  assert.equal(typeof p.profile, 'string');
  assert.ok(p.account === null || /^\d{12}$/.test(p.account), `account ${String(p.account)}`);
  assert.ok(p.error === null || typeof p.error === 'string');
  assert.ok(Array.isArray(p.uncoveredRegions));
  for (const t of p.trails) {
    for (const key of ['arn', 'name', 'homeRegion', 'multiRegion', 'organization', 'checks']) assert.ok(key in t, `trail has "${key}"`);
    for (const [id, check] of Object.entries(t.checks)) {
      assert.match(id, /^(CloudTrail\.\d+|CTL\.\w+)$/);
      assert.ok(['pass', 'fail', 'unknown', 'info'].includes(check.status), `${id}: ${check.status}`);
      assert.equal(typeof check.reason, 'string');
    }
  }
  for (const check of Object.values(p.accountChecks)) assert.ok(['pass', 'fail', 'unknown'].includes(check.status));
}

describe('CLI: cloudtrail-lens posture', function () {
  this.timeout(60_000);
  let endpoint: Endpoint;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    endpoint = await startEndpoint();
    dir = mkdtempSync(join(tmpdir(), 'ctl-posture-cli-'));
    const files = awsConfigFiles();
    writeFileSync(join(dir, 'config'), files.config);
    writeFileSync(join(dir, 'credentials'), files.credentials);
    env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL: endpoint.url, AWS_EC2_METADATA_DISABLED: 'true', HOME: dir };
  });

  beforeEach(() => endpoint.state.reset());

  after(async () => {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses its arguments', () => {
    assert.deepEqual(parsePostureArgs(['--profile', 'a,b', '--profile=c', '--format', 'json']), { profiles: ['a', 'b', 'c'], allProfiles: false, format: 'json', concurrency: 8, failOn: 'never' });
    const problem = (args: string[]): string => {
      const parsed = parsePostureArgs(args);
      assert.equal(typeof parsed, 'string', `${args.join(' ')} is refused`);
      return parsed as string;
    };
    assert.match(problem(['--format', 'xml']), /text, json or markdown/);
    assert.match(problem(['--bogus']), /unknown option --bogus/);
    assert.match(problem(['ctl-default']), /--profile/);
    assert.match(problem(['--all-profiles', '--profile', 'x']), /cannot be combined/);
  });

  it('prints the JSON of CLI.md for several profiles; unreadable ones have error set and the others are reported', async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), cwd: dir };
    const code = await posture(['--profile', 'ctl-default,ctl-second', '--profile', 'ctl-denied', '--profile', 'ctl-expired', '--format', 'json'], io, { env: { ...env } });
    assert.equal(code, 1, 'a profile could not be read');
    const report = JSON.parse(stdout) as PostureReport;
    assert.deepEqual(report.profiles.map((p) => p.profile), ['ctl-default', 'ctl-second', 'ctl-denied', 'ctl-expired']);
    for (const p of report.profiles) assertProfileShape(p);
    const [main, second, denied, expired] = report.profiles;
    assert.ok(main && second && denied && expired);
    assert.deepEqual([main.account, main.error, main.trails.length], [DEFAULT_ACCOUNT_ID, null, 9]);
    assert.deepEqual([second.account, second.error, second.trails.length], [SECOND_ACCOUNT_ID, null, 3]);
    assert.equal(main.trails.find((t) => t.name === 'nosetest')?.checks['CloudTrail.4']?.status, 'fail');
    assert.equal(main.trails.find((t) => t.name === 'MultiRegion1CloudTrail')?.multiRegion, true);
    assert.equal(second.trails.find((t) => t.name === 'orgTrail')?.organization, true);
    assert.equal(main.accountChecks['CloudTrail.1']?.status, 'pass');
    assert.deepEqual(main.uncoveredRegions, []);
    assert.equal(denied.account, DENIED_ACCOUNT_ID);
    assert.match(denied.error ?? '', /Access denied: cloudtrail:DescribeTrails/);
    assert.equal(denied.errorDetail?.missingAction, 'cloudtrail:DescribeTrails');
    assert.match(expired.error ?? '', /expired/);
    assert.deepEqual(expired.trails, []);
    assert.match(stderr, /profile "ctl-denied" could not be read/);
  });

  describe('the built binary (dist/cli.js)', function () {
    before(function () {
      assert.ok(existsSync(CLI), 'dist/cli.js is missing: build it with `node esbuild.mjs`');
    });

    it('prints JSON, exit 0, for readable profiles', async () => {
      const run = await runCli(['posture', '--profile', 'ctl-default', '--profile', 'ctl-second', '--format', 'json'], env);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as PostureReport;
      for (const p of report.profiles) assertProfileShape(p);
      assert.deepEqual(report.profiles.map((p) => [p.profile, p.account, p.error]), [['ctl-default', DEFAULT_ACCOUNT_ID, null], ['ctl-second', SECOND_ACCOUNT_ID, null]]);
      assert.ok(report.profiles[1]?.enabledRegions.includes('ap-south-2'));
    });

    it('uses the standard environment without --profile, and --all-profiles reads every profile', async () => {
      const viaEnv = await runCli(['posture', '--format', 'json'], { ...env, AWS_PROFILE: 'ctl-second' });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.deepEqual((JSON.parse(viaEnv.stdout) as PostureReport).profiles.map((p) => [p.profile, p.account]), [['ctl-second', SECOND_ACCOUNT_ID]]);
      const all = await runCli(['posture', '--all-profiles', '--format', 'json'], env);
      assert.equal(all.code, 1, 'ctl-denied and ctl-expired cannot be read');
      const report = JSON.parse(all.stdout) as PostureReport;
      assert.deepEqual(report.profiles.map((p) => p.profile).sort(), ['ctl-default', 'ctl-denied', 'ctl-expired', 'ctl-second', 'default']);
      assert.deepEqual(report.profiles.filter((p) => p.error !== null).map((p) => p.profile).sort(), ['ctl-denied', 'ctl-expired']);
    });

    it('prints text by default, fails on --fail-on, and rejects bad arguments with exit 2', async () => {
      const text = await runCli(['posture', '--profile', 'ctl-default'], env);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^ctl-default {2}111122223333 {2}\d+\/\d+ passed/m);
      assert.match(text.stdout, /FAIL {2}CloudTrail\.4/);
      const gated = await runCli(['posture', '--profile', 'ctl-default', '--fail-on', 'high'], env);
      assert.equal(gated.code, 1);
      const bad = await runCli(['posture', '--format', 'xml'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Usage: cloudtrail-lens posture/);
      const markdown = await runCli(['posture', '--profile', 'ctl-second', '--format', 'markdown'], env);
      assert.match(markdown.stdout, /^# CloudTrail posture report/);
    });
  });
});
