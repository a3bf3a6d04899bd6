import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main';
import { parseScanArgs, reachesFailOn } from '../../src/cli/scan';
import { fixturePath, projectRoot } from '../support/fixtures';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], cwd = fixturePath('iac')): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface JsonScan {
  trails: { file: string; line: number; name: string; format: string; checks: Record<string, string>; suppressed?: string[] }[];
  errors: { file: string; message: string }[];
}

function json(r: Run): JsonScan {
  return JSON.parse(r.stdout) as JsonScan;
}

describe('cli scan — arguments', () => {
  it('parses formats, fail-on levels, paths and `--`', () => {
    assert.deepEqual(parseScanArgs([]), { paths: ['.'], format: 'text', failOn: 'high' });
    assert.deepEqual(parseScanArgs(['a', '--format', 'json', 'b', '--fail-on=low']), { paths: ['a', 'b'], format: 'json', failOn: 'low' });
    assert.deepEqual(parseScanArgs(['--', '--weird-name']), { paths: ['--weird-name'], format: 'text', failOn: 'high' });
    assert.equal(typeof parseScanArgs(['--format', 'xml']), 'string');
    assert.equal(typeof parseScanArgs(['--format']), 'string');
    assert.equal(typeof parseScanArgs(['--fail-on', 'critical']), 'string');
    assert.equal(typeof parseScanArgs(['--nope']), 'string');
  });

  it('exit 2 for bad arguments, unknown commands and missing paths; usage on --help', async () => {
    assert.equal((await run(['scan', '--format', 'xml'])).code, 2);
    assert.equal((await run(['scan', '--bogus'])).code, 2);
    assert.equal((await run(['scan', 'no/such/folder'])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run([])).code, 2);
    const help = await run(['scan', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fail-on high\|medium\|low\|never/);
  });

  it('fail-on thresholds', () => {
    assert.equal(reachesFailOn('high', 'high'), true);
    assert.equal(reachesFailOn('critical', 'high'), true);
    assert.equal(reachesFailOn('medium', 'high'), false);
    assert.equal(reachesFailOn('low', 'low'), true);
    assert.equal(reachesFailOn('informational', 'low'), false);
    assert.equal(reachesFailOn('critical', 'never'), false);
  });
});

describe('cli scan — results', function () {
  this.timeout(30_000);

  it('--format json: the CLI.md shape over the fixture folders', async () => {
    const r = await run(['scan', '.', '--format', 'json']);
    assert.equal(r.code, 1);
    const out = json(r);
    assert.ok(out.trails.length > 80, `${out.trails.length} trails`);
    for (const t of out.trails) {
      assert.ok(!t.file.startsWith('/') && !t.file.includes('\\'), t.file);
      assert.ok(Number.isInteger(t.line) && t.line >= 1);
      assert.ok(['cloudformation', 'terraform', 'cdk'].includes(t.format));
      assert.ok(t.name.length > 0);
      for (const [id, v] of Object.entries(t.checks)) {
        assert.match(id, /^(CloudTrail\.\d+|CTL\.\w+)$/);
        assert.ok(['pass', 'fail', 'unknown'].includes(v), v);
      }
    }
    const widdix = out.trails.find((t) => t.file === 'widdix-aws-cf-templates/security/cloudtrail.yaml' && t.name === 'Trail');
    assert.ok(widdix);
    assert.equal(widdix.line, 261);
    assert.equal(widdix.checks['CloudTrail.4'], 'pass');
    assert.equal(widdix.checks['CloudTrail.2'], 'unknown');
    assert.equal(widdix.checks['CloudTrail.3'], 'pass', 'CLI.md: CloudTrail.3 is the trail\'s "logging on" check');
    assert.equal(widdix.checks['CloudTrail.3'], widdix.checks['CTL.Logging']);
    const mod = out.trails.find((t) => t.name === 'module.baseline.aws_cloudtrail.this');
    assert.ok(mod, 'module prefix from own/terraform/root-module');
    assert.equal(mod.file, 'own/terraform/root-module/modules/trail/main.tf');
    assert.ok(out.errors.some((e) => e.file === 'own/cloudformation/broken.yaml'), 'the broken template is in errors');
    assert.ok(!out.errors.some((e) => e.file.includes('rules/aws/cloudtrail/tests')), 'test-case lists are not errors');
  });

  it('exit codes follow --fail-on', async () => {
    const bad = 'trivy-checks/enable_all_regions/cloudformation_bad_1.yaml'; // CloudTrail.1 (high) fails
    assert.equal((await run(['scan', bad, '--format', 'json'])).code, 1);
    assert.equal((await run(['scan', bad, '--fail-on', 'never'])).code, 0);
    const good = 'aws-guard-rules-registry/cases/cloud_trail_enabled_tests__03.yaml'; // only CloudTrail.5 (low) fails
    assert.equal((await run(['scan', good])).code, 0);
    assert.equal((await run(['scan', good, '--fail-on', 'medium'])).code, 0);
    assert.equal((await run(['scan', good, '--fail-on', 'low'])).code, 1);
    // Suppressed failures never gate.
    const r = await run(['scan', 'own/terraform/basic/main.tf', '--format', 'json', '--fail-on', 'never']);
    const ignored = json(r).trails.find((t) => t.name === 'aws_cloudtrail.ignored');
    assert.ok(ignored?.suppressed && ignored.suppressed.length > 0);
  });

  it('text output ends with a summary line', async () => {
    const r = await run(['scan', 'trivy-checks/enable_log_validation']);
    assert.match(r.stdout, /✗ CloudTrail\.4/);
    assert.match(r.stdout, /\n4 trails in 4 files scanned: \d+ failing checks \(\d+ at or above high\), \d+ unknown\n$/);
  });

  it('--format sarif: SARIF 2.1.0 with rules, results, regions and suppressions', async () => {
    const r = await run(['scan', 'own', '--format', 'sarif', '--fail-on', 'never']);
    assert.equal(r.code, 0);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      $schema: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; helpUri: string; defaultConfiguration: { level: string } }[] } };
        columnKind: string;
        results: { ruleId: string; level: string; kind: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[]; suppressions?: { kind: string }[] }[];
        invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const run0 = sarif.runs[0];
    assert.ok(run0);
    assert.equal(run0.tool.driver.name, 'CloudTrail Lens');
    const ruleIds = new Set(run0.tool.driver.rules.map((x) => x.id));
    assert.ok(run0.results.length > 10);
    const levels = new Set(['none', 'note', 'warning', 'error']);
    for (const res of run0.results) {
      assert.ok(ruleIds.has(res.ruleId), `rule ${res.ruleId} described`);
      assert.ok(levels.has(res.level));
      assert.ok(['fail', 'review'].includes(res.kind));
      assert.ok(res.message.text.length > 0);
      const loc = res.locations[0]?.physicalLocation;
      assert.ok(loc && loc.region.startLine >= 1 && loc.region.startColumn >= 1 && loc.region.endLine >= loc.region.startLine);
      assert.ok(!loc.artifactLocation.uri.startsWith('/'));
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    }
    for (const rule of run0.tool.driver.rules) assert.ok(rule.shortDescription.text && rule.helpUri.startsWith('https://') && levels.has(rule.defaultConfiguration.level));
    assert.ok(run0.results.some((x) => x.suppressions?.[0]?.kind === 'inSource'));
    assert.ok(run0.invocations[0]?.toolExecutionNotifications.some((n) => /broken\.yaml/.test(JSON.stringify(n))));
  });
});

describe('cli scan — folders', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-scan-'));
    mkdirSync(join(dir, 'cdk.out'));
    copyFileSync(fixturePath('iac', 'aws-cdk-integ/integ.cloudtrail-defaults.js.snapshot/integ-cloudtrail-defaults.template.json'), join(dir, 'cdk.out', 'Stack.template.json'));
    mkdirSync(join(dir, 'lib'));
    copyFileSync(fixturePath('iac', 'own/cdk/app.ts.txt'), join(dir, 'lib', 'app.ts'));
    mkdirSync(join(dir, 'ignored'));
    copyFileSync(fixturePath('iac', 'trivy-checks/enable_all_regions/cloudformation_bad_1.yaml'), join(dir, 'ignored', 'template.yaml'));
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    copyFileSync(fixturePath('iac', 'trivy-checks/enable_all_regions/cloudformation_bad_1.yaml'), join(dir, 'node_modules', 'pkg', 'template.yaml'));
    writeFileSync(join(dir, '.gitignore'), 'ignored/\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('skips cdk.out, node_modules and .gitignore matches; reads CDK TypeScript', async () => {
    const out = json(await run(['scan', '--format', 'json'], dir));
    assert.deepEqual([...new Set(out.trails.map((t) => t.file))], ['lib/app.ts']);
    assert.ok(out.trails.every((t) => t.format === 'cdk'));
  });

  it('scans cdk.out when it is named', async () => {
    const out = json(await run(['scan', 'cdk.out', '--format', 'json'], dir));
    assert.deepEqual(
      out.trails.map((t) => [t.file, t.name, t.format]),
      [['cdk.out/Stack.template.json', 'Trail022F0CF2', 'cloudformation']],
    );
  });

  it('the bundle dist/cli.js runs the same scan', function () {
    const cli = join(projectRoot, 'dist', 'cli.js');
    assert.ok(existsSync(cli), 'dist/cli.js is missing: build it with `node esbuild.mjs`');
    const r = spawnSync(process.execPath, [cli, 'scan', 'lib', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as JsonScan;
    assert.ok(out.trails.length >= 6);
    const bad = spawnSync(process.execPath, [cli, 'scan', '--format', 'yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
