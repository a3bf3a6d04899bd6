import { strict as assert } from 'node:assert';
import {
  RULES,
  TRAIL_RULE_IDS,
  evaluateProfile,
  exportPostureReport,
  failedScan,
  postureReport,
  renderMarkdown,
  rollup,
  rollupStatus,
  ruleRationale,
  type PostureReport,
  type RuleId,
} from '../../src/core/posture';
import { ACCOUNT, NOW, gappyScan, sampleScan } from './trails-support';

const DENIED = { kind: 'access-denied', message: 'Access denied: cloudtrail:DescribeTrails is not allowed (profile "ops", us-east-1).', next: 'Ask your AWS administrator to allow cloudtrail:DescribeTrails.', missingAction: 'cloudtrail:DescribeTrails', operation: 'cloudtrail:DescribeTrails' };

describe('posture report (core/posture/report)', () => {
  describe('evaluateProfile', () => {
    it('runs every trail rule on every trail and the account rules once', () => {
      const posture = evaluateProfile(sampleScan(), { now: NOW });
      assert.equal(posture.trails.length, 3);
      for (const t of posture.trails) assert.deepEqual(t.findings.map((f) => f.ruleId), TRAIL_RULE_IDS);
      assert.deepEqual(posture.accountFindings.map((f) => f.ruleId), ['CloudTrail.1', 'CloudTrail.3', 'CTL.RegionCoverage']);
      const counted = posture.accountSummary.total + posture.trails.reduce((n, t) => n + t.summary.total, 0);
      assert.equal(posture.summary.total, counted, 'the profile roll-up is the account and every trail');
    });

    it('sorts own trails by name and puts another account\'s trails last, marked foreign', () => {
      const posture = evaluateProfile(sampleScan(), { now: NOW });
      assert.deepEqual(posture.trails.map((t) => [t.snapshot.name, t.foreign]), [['main', false], ['weak|trail', false], ['org', true]]);
    });

    it('lists the regions no logging trail covers', () => {
      const posture = evaluateProfile(gappyScan(), { now: NOW });
      assert.deepEqual(posture.uncoveredRegions, ['us-east-1', 'eu-west-1']);
      const coverage = posture.accountFindings.find((f) => f.ruleId === 'CTL.RegionCoverage');
      assert.equal(coverage?.status, 'fail');
    });

    it('does not call a region uncovered when its trails could not be read', () => {
      const problem = { kind: 'unreachable', message: 'Could not reach AWS in eu-west-1.', next: 'Retry.', region: 'eu-west-1' };
      const posture = evaluateProfile(gappyScan({ regionProblems: [problem] }), { now: NOW });
      assert.deepEqual(posture.uncoveredRegions, ['us-east-1']);
      assert.deepEqual(posture.undeterminedRegions, ['eu-west-1']);
      const coverage = posture.accountFindings.find((f) => f.ruleId === 'CTL.RegionCoverage');
      assert.equal(coverage?.status, 'fail');
      assert.match(coverage?.reason ?? '', /could not be read/);
      const onlyUnread = evaluateProfile(gappyScan({ enabledRegions: ['us-west-2', 'eu-west-1'], regionProblems: [problem] }), { now: NOW });
      assert.equal(onlyUnread.accountFindings.find((f) => f.ruleId === 'CTL.RegionCoverage')?.status, 'unknown');
    });

    it('keeps the error of a profile that could not be read, with nothing else', () => {
      const posture = evaluateProfile(failedScan('ops', DENIED, NOW.toISOString(), '777788889999'));
      assert.equal(posture.error?.kind, 'access-denied');
      assert.equal(posture.account, '777788889999');
      assert.deepEqual([posture.trails.length, posture.accountFindings.length, posture.summary.total], [0, 0, 0]);
    });
  });

  it('rolls up as "passed/total" with the worst status', () => {
    assert.equal(rollup({ passed: 5, failed: 2, unknown: 1, info: 2, total: 8 }), '5/8');
    assert.equal(rollupStatus({ passed: 5, failed: 2, unknown: 1, info: 0, total: 8 }), 'fail');
    assert.equal(rollupStatus({ passed: 5, failed: 0, unknown: 1, info: 0, total: 6 }), 'unknown');
    assert.equal(rollupStatus({ passed: 5, failed: 0, unknown: 0, info: 3, total: 5 }), 'pass');
  });

  describe('the JSON report (shared/design/CLI.md)', () => {
    const report = (): PostureReport =>
      postureReport([evaluateProfile(sampleScan(), { now: NOW }), evaluateProfile(failedScan('ops', DENIED, NOW.toISOString()))], { generatedAt: NOW.toISOString() });

    it('has the documented keys per profile and trail', () => {
      const [dev, ops] = report().profiles;
      assert.ok(dev && ops);
      for (const key of ['profile', 'account', 'error', 'trails', 'uncoveredRegions']) assert.ok(key in dev, key);
      assert.equal(dev.account, ACCOUNT);
      assert.equal(dev.error, null);
      const main = dev.trails.find((t) => t.name === 'main');
      assert.ok(main);
      assert.deepEqual(
        { arn: main.arn, homeRegion: main.homeRegion, multiRegion: main.multiRegion, organization: main.organization },
        { arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`, homeRegion: 'us-east-1', multiRegion: true, organization: false },
      );
      assert.deepEqual(Object.keys(main.checks), TRAIL_RULE_IDS);
      assert.equal(main.checks['CloudTrail.4']?.status, 'pass');
      assert.equal(typeof main.checks['CloudTrail.4']?.reason, 'string');
      assert.equal(main.checks['CloudTrail.4']?.fix, undefined, 'no fix for a passing check');
      assert.ok(main.checks['CloudTrail.5']?.fix, 'a fix for a failing check');
      assert.deepEqual(Object.keys(dev.accountChecks), ['CloudTrail.1', 'CloudTrail.3', 'CTL.RegionCoverage']);
      assert.equal(dev.trails.find((t) => t.name === 'org')?.organization, true);
    });

    it('sets error (message and next step) for a profile that could not be read', () => {
      const ops = report().profiles[1];
      assert.ok(ops);
      assert.equal(ops.error, `${DENIED.message} ${DENIED.next}`);
      assert.equal(ops.errorDetail?.missingAction, 'cloudtrail:DescribeTrails');
      assert.deepEqual([ops.account, ops.trails, ops.uncoveredRegions], [null, [], []]);
    });

    it('is what exportPostureReport prints as JSON', () => {
      const postures = [evaluateProfile(sampleScan(), { now: NOW }), evaluateProfile(failedScan('ops', DENIED, NOW.toISOString()))];
      const text = exportPostureReport(postures, 'json', { generatedAt: NOW.toISOString() });
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(report())));
    });
  });

  describe('Markdown and text, from the same report', () => {
    const postures = [evaluateProfile(gappyScan(), { now: NOW }), evaluateProfile(failedScan('ops', DENIED, NOW.toISOString()))];

    it('renders every check of the JSON in Markdown, with fixes and uncovered regions', () => {
      const md = exportPostureReport(postures, 'markdown', { generatedAt: NOW.toISOString() });
      const json = postureReport(postures, { generatedAt: NOW.toISOString() });
      assert.match(md, /^# CloudTrail posture report/);
      for (const p of json.profiles) {
        assert.ok(md.includes(`## Profile \`${p.profile}\``), p.profile);
        for (const t of p.trails) for (const [id, c] of Object.entries(t.checks)) assert.ok(md.includes(`[${id}](${c.docsUrl})`), id);
      }
      assert.match(md, /Regions no logging trail covers: us-east-1, eu-west-1\./);
      assert.match(md, /\*\*Could not be read\.\*\* Access denied/);
      assert.match(md, /Missing permission: `cloudtrail:DescribeTrails`/);
      assert.ok(md.includes(ruleRationale('CloudTrail.4')), 'the why of failing checks');
      // A pipe in a trail name must not break the table.
      assert.ok(md.includes('| weak\\|trail |'), 'pipes escaped in table cells');
      assert.equal(renderMarkdown(json), md);
    });

    it('prints a readable text report with one line per check', () => {
      const text = exportPostureReport(postures, 'text');
      assert.match(text, /^dev {2}111122223333 {2}\d+\/\d+ passed/m);
      assert.match(text, /^ {4}FAIL {2}CloudTrail\.4 +Log file validation is disabled/m);
      assert.match(text, /uncovered regions: us-east-1, eu-west-1/);
      assert.match(text, /^ops {2}ERROR {2}Access denied/m);
    });
  });

  it('has a rationale for every rule', () => {
    for (const id of Object.keys(RULES) as RuleId[]) assert.ok(ruleRationale(id).length > 20, id);
  });
});
