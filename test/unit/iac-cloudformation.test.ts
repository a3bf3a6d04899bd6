import { strict as assert } from 'node:assert';
import { readCloudFormation } from '../../src/core/iac/cloudformation/template';
import { plainScalar } from '../../src/core/iac/cloudformation/yaml';
import type { RuleId } from '../../src/core/posture/model';
import { analyzeFixture, iacFile, lineOf, reason, report, status } from './iac-support';

/** Source tools' folder/file names → the rule they test. */
const TRIVY: Readonly<Record<string, RuleId>> = {
  enable_log_validation: 'CloudTrail.4',
  enable_all_regions: 'CloudTrail.1',
  ensure_cloudwatch_integration: 'CloudTrail.5',
  encryption_customer_key: 'CloudTrail.2',
};

describe('core/iac CloudFormation reader — real templates', () => {
  for (const [check, rule] of Object.entries(TRIVY)) {
    it(`trivy-checks ${check}: good passes ${rule}, bad fails it`, async () => {
      const good = await analyzeFixture(`trivy-checks/${check}/cloudformation_good_1.yaml`);
      const bad = await analyzeFixture(`trivy-checks/${check}/cloudformation_bad_1.yaml`);
      assert.equal(good.reports.length, 1);
      assert.equal(bad.reports.length, 1);
      const goodReport = good.reports[0];
      const badReport = bad.reports[0];
      assert.ok(goodReport && badReport);
      assert.equal(status(badReport, rule), 'fail');
      if (check === 'encryption_customer_key') {
        // Tools disagree: trivy's "good" template writes `KmsKeyId`, but CloudFormation property
        // names are case-sensitive (the property is KMSKeyId) and the template would be rejected.
        // By AWS semantics no key is set.
        assert.equal(status(goodReport, rule), 'fail');
      } else {
        assert.equal(status(goodReport, rule), 'pass');
      }
    });
  }

  it('trivy-checks bucket checks: the trail is read, the bucket rules are live-only and not run', async () => {
    for (const check of ['no_public_log_access', 'require_bucket_access_logging']) {
      for (const which of ['good', 'bad']) {
        const a = await analyzeFixture(`trivy-checks/${check}/cloudformation_${which}_1.yaml`);
        assert.equal(a.reports.length, 1);
        const ids = a.reports[0]?.checks.map((c) => c.ruleId) ?? [];
        assert.ok(!ids.includes('CloudTrail.6') && !ids.includes('CloudTrail.7'), ids.join());
      }
    }
  });

  it('checkov: PASSED / FAILED examples for validation, multi-region, encryption (YAML and JSON)', async () => {
    const base = 'checkov/tests/cloudformation/checks/resource/aws';
    const v = await analyzeFixture(`${base}/example_CloudtrailLogValidation/CloudTrailLogValidation-FAILED.yaml`);
    assert.equal(status(report(v, 'myTrail'), 'CloudTrail.4'), 'fail');
    const vp = await analyzeFixture(`${base}/example_CloudtrailLogValidation/CloudTrailLogValidation-PASSED.yaml`);
    for (const r of vp.reports) assert.equal(status(r, 'CloudTrail.4'), 'pass', r.definition.name);
    const mf = await analyzeFixture(`${base}/example_CloudtrailMultiRegion/CloudtrailMultiRegion-FAILED.yaml`);
    assert.deepEqual(
      mf.reports.map((r) => [r.definition.name, status(r, 'CloudTrail.1')]),
      [
        ['MyTrail0', 'fail'],
        ['MyTrail1', 'fail'],
      ],
    );
    const mp = await analyzeFixture(`${base}/example_CloudtrailMultiRegion/CloudtrailMultiRegion-PASSED.yaml`);
    assert.equal(status(report(mp, 'MyTrail0'), 'CloudTrail.1'), 'pass');
    const ef = await analyzeFixture(`${base}/example_CloudtrailEncryption/CloudTrailEncryption-FAILED.yaml`);
    for (const r of ef.reports) assert.equal(status(r, 'CloudTrail.2'), 'fail');
    for (const ext of ['json', 'yaml']) {
      const ep = await analyzeFixture(`${base}/example_CloudtrailEncryption/CloudTrailEncryption-PASSED.${ext}`);
      assert.ok(ep.reports.length > 0);
      for (const r of ep.reports) assert.equal(status(r, 'CloudTrail.2'), 'pass', `${ext} ${r.definition.name}`);
    }
  });

  /** Guard test cases: 01/02 empty (SKIP), 03 PASS, then FAIL cases, then the FAIL template with guard's SuppressedRules metadata. */
  const GUARD: Readonly<Record<string, { rule: RuleId; fail: string[]; suppressed: string }>> = {
    cloud_trail_enabled_tests: { rule: 'CTL.Logging', fail: ['04', '05'], suppressed: '06' },
    cloud_trail_log_file_validation_enabled_tests: { rule: 'CloudTrail.4', fail: ['04', '05'], suppressed: '06' },
    multi_region_cloud_trail_enabled_tests: { rule: 'CloudTrail.1', fail: ['04', '05'], suppressed: '06' },
    cloud_trail_encryption_enabled_tests: { rule: 'CloudTrail.2', fail: ['04'], suppressed: '05' },
    cloud_trail_cloud_watch_logs_enabled_tests: { rule: 'CloudTrail.5', fail: ['04'], suppressed: '05' },
  };
  for (const [name, { rule, fail, suppressed }] of Object.entries(GUARD)) {
    it(`aws-guard-rules-registry ${name}: SKIP cases have no trail, PASS passes, FAIL fails`, async () => {
      for (const n of ['01', '02']) assert.equal((await analyzeFixture(`aws-guard-rules-registry/cases/${name}__${n}.yaml`)).reports.length, 0);
      assert.equal(status(report(await analyzeFixture(`aws-guard-rules-registry/cases/${name}__03.yaml`), 'ExampleTrail'), rule), 'pass');
      for (const n of fail) assert.equal(status(report(await analyzeFixture(`aws-guard-rules-registry/cases/${name}__${n}.yaml`), 'ExampleTrail'), rule), 'fail', `case ${n}`);
      // Guard skips this one because of its own Metadata suppression. CloudTrail Lens does not read
      // guard's suppressions (its own is a comment), so by AWS semantics the trail fails.
      assert.equal(status(report(await analyzeFixture(`aws-guard-rules-registry/cases/${name}__${suppressed}.yaml`), 'ExampleTrail'), rule), 'fail');
    });
  }

  it('guard: a missing IsLogging fails logging (the property is required)', async () => {
    const r = report(await analyzeFixture('aws-guard-rules-registry/cases/cloud_trail_enabled_tests__05.yaml'), 'ExampleTrail');
    assert.equal(status(r, 'CTL.Logging'), 'fail');
    assert.match(reason(r, 'CTL.Logging'), /required/);
  });

  it('guard test-case lists (not templates) give no trails and no errors', async () => {
    const a = await analyzeFixture('aws-guard-rules-registry/rules/aws/cloudtrail/tests/cloud_trail_enabled_tests.yml');
    assert.equal(a.reports.length, 0);
    assert.equal(a.problems.length, 0);
  });

  it('regula: valid_* pass and invalid_* fail their rule; mixed files have one of each', async () => {
    const base = 'regula/rego/tests/rules/cfn/cloudtrail/inputs';
    assert.equal(status(report(await analyzeFixture(`${base}/invalid_log_validation_infra.yaml`), 'CloudTrailLogging'), 'CloudTrail.4'), 'fail');
    assert.equal(status(report(await analyzeFixture(`${base}/valid_log_validation_infra.yaml`), 'CloudTrailLogging'), 'CloudTrail.4'), 'pass');
    const mixed = await analyzeFixture(`${base}/invalid_log_validation_with_valid_infra.yaml`);
    assert.equal(status(report(mixed, 'InvalidCloudTrailLogging'), 'CloudTrail.4'), 'fail');
    assert.equal(status(report(mixed, 'ValidCloudTrailLogging'), 'CloudTrail.4'), 'pass');
    const cw = await analyzeFixture(`${base}/invalid_cloudwatch_with_valid_infra.yaml`);
    assert.equal(status(report(cw, 'ValidCloudTrailLogging'), 'CloudTrail.5'), 'pass');
    assert.equal(status(report(cw, 'InvalidCloudTrailLogging'), 'CloudTrail.5'), 'fail');
    assert.equal(status(report(await analyzeFixture(`${base}/invalid_encryption_infra.yaml`), 'CloudTrailLogging'), 'CloudTrail.2'), 'fail');
    assert.equal(status(report(await analyzeFixture(`${base}/valid_encryption_infra.yaml`), 'CloudTrailLogging'), 'CloudTrail.2'), 'pass');
    assert.equal((await analyzeFixture(`${base}/empty_template_infra.yaml`)).reports.length, 0);
  });

  it('widdix: condition-gated trails, KMS key behind Fn::If is unknown with the condition named', async () => {
    const a = await analyzeFixture('widdix-aws-cf-templates/security/cloudtrail.yaml');
    assert.deepEqual(
      a.reports.map((r) => r.definition.name),
      ['Trail', 'ExternalTrail'],
    );
    const t = report(a, 'Trail');
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    assert.equal(status(t, 'CTL.Logging'), 'pass');
    assert.equal(status(t, 'CloudTrail.5'), 'pass');
    assert.equal(status(t, 'CloudTrail.2'), 'unknown');
    assert.match(reason(t, 'CloudTrail.2'), /decided by condition HasParentKmsKeyStack/);
    assert.deepEqual(t.definition.created, { known: false, reason: 'created only when condition InternalBucket is true' });
    // Line numbers: the logical id's line.
    const text = iacFile('widdix-aws-cf-templates/security/cloudtrail.yaml').text;
    assert.equal(lineOf(text, t.definition.headSpan.start) + 1, 261);
  });

  it('splunk: parameters with Default decide the values, and the note says so', async () => {
    const a = await analyzeFixture('splunk-aws-gdi-toolkit/Single_Account_CloudFormation/cloudTrail.yml');
    const t = report(a, 'cloudTrail');
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    assert.equal(status(t, 'CloudTrail.1'), 'pass');
    assert.match(reason(t, 'CloudTrail.4'), /from parameter cloudTrailLogFileValidation's Default/);
    assert.deepEqual(t.definition.snapshot.isMultiRegion, { known: true, value: true, note: "from parameter cloudTrailMultiRegionLogging's Default" });
  });

  it('SAM template with a duplicate key: a warning, and the trail is still read', async () => {
    const a = await analyzeFixture('aws-samples-serverless-patterns/s3-eventbridge/template.yaml');
    assert.equal(a.problems.length, 1);
    assert.equal(a.problems[0]?.severity, 'warning');
    assert.match(a.problems[0]?.message ?? '', /Duplicate key "BucketForImagePolicy"/);
    const t = report(a, 'CloudTrail');
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    // Multi-region, but its one event selector is ReadWriteType: WriteOnly, and IncludeManagementEvents
    // defaults to true: management events are recorded write-only, which CloudTrail.1 does not accept.
    assert.equal(status(t, 'CloudTrail.1'), 'fail');
    assert.match(reason(t, 'CloudTrail.1'), /write-only management events/);
  });

  it('CDK-synthesized template (cdk.out JSON): the L2 defaults are written out and pass', async () => {
    const a = await analyzeFixture('aws-cdk-integ/integ.cloudtrail-defaults.js.snapshot/integ-cloudtrail-defaults.template.json');
    const t = report(a, 'Trail022F0CF2');
    assert.equal(t.definition.format, 'cloudformation');
    for (const rule of ['CloudTrail.1', 'CloudTrail.4', 'CTL.Logging', 'CTL.GlobalServiceEvents'] as const) assert.equal(status(t, rule), 'pass', rule);
    assert.equal(status(t, 'CloudTrail.2'), 'fail');
  });
});

describe('core/iac CloudFormation reader — semantics', () => {
  it('reads YAML 1.1 booleans the way CloudFormation does; y/n stay undecided', () => {
    assert.equal(plainScalar('yes'), true);
    assert.equal(plainScalar('OFF'), false);
    assert.equal(plainScalar('True'), true);
    assert.equal(plainScalar('y'), 'y');
    assert.equal(plainScalar('~'), null);
    assert.equal(plainScalar('2010-09-09'), '2010-09-09');
    assert.equal(plainScalar('14'), 14);
  });

  it('parameters: no Default → unknown naming the parameter; Default → value with a note; SSM → unknown', async () => {
    const a = await analyzeFixture('own/cloudformation/parameters.yaml');
    const t = report(a, 'ParamTrail');
    assert.equal(status(t, 'CloudTrail.4'), 'unknown');
    assert.match(reason(t, 'CloudTrail.4'), /decided by parameter EnableValidation/);
    assert.equal(status(t, 'CloudTrail.1'), 'fail');
    assert.match(reason(t, 'CloudTrail.1'), /from parameter MultiRegion's Default/);
    assert.equal(status(t, 'CTL.GlobalServiceEvents'), 'pass');
    // KmsKeyArn's Default is "": no key.
    assert.equal(status(t, 'CloudTrail.2'), 'fail');
    assert.equal(status(t, 'CloudTrail.5'), 'unknown');
    assert.match(reason(t, 'CloudTrail.5'), /SSM/);
  });

  it('conditions: Fn::If is unknown unless both branches agree; GetAtt/Sub count as set', async () => {
    const a = await analyzeFixture('own/cloudformation/parameters.yaml');
    const t = report(a, 'ConditionTrail');
    assert.equal(status(t, 'CloudTrail.1'), 'unknown');
    assert.match(reason(t, 'CloudTrail.1'), /decided by condition IsProd/);
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    assert.equal(status(t, 'CloudTrail.2'), 'pass');
    assert.equal(status(t, 'CloudTrail.5'), 'pass');
    assert.equal(status(t, 'CTL.Logging'), 'pass'); // IsLogging: yes
    assert.equal(t.definition.created.known, false);
  });

  it('YAML 1.1 spellings and quoted "true"/"false" strings are booleans; y is reported undecided', async () => {
    const a = await analyzeFixture('own/cloudformation/parameters.yaml');
    const y = report(a, 'Yaml11Trail');
    assert.equal(status(y, 'CTL.Logging'), 'pass'); // on
    assert.equal(status(y, 'CloudTrail.1'), 'pass'); // "True"
    assert.equal(status(y, 'CloudTrail.4'), 'fail'); // No
    assert.equal(status(y, 'CTL.GlobalServiceEvents'), 'fail'); // 'false'
    const amb = report(a, 'AmbiguousTrail');
    assert.equal(status(amb, 'CloudTrail.1'), 'unknown');
    assert.match(reason(amb, 'CloudTrail.1'), /YAML 1\.1/);
  });

  it('absent properties take CloudFormation defaults; AWS::NoValue is absent', async () => {
    const a = await analyzeFixture('own/cloudformation/parameters.yaml');
    for (const name of ['FlowTrail', 'EmptyFlowTrail', 'NoPropertiesTrail']) {
      const t = report(a, name);
      assert.equal(status(t, 'CloudTrail.1'), 'fail', name);
      assert.equal(status(t, 'CloudTrail.4'), 'fail', name);
      assert.equal(status(t, 'CTL.GlobalServiceEvents'), 'pass', name);
    }
    assert.equal(status(report(a, 'EmptyFlowTrail'), 'CTL.Logging'), 'fail');
    const nv = report(a, 'NoValueTrail');
    assert.equal(status(nv, 'CloudTrail.1'), 'fail');
    assert.match(reason(nv, 'CloudTrail.1'), /AWS::NoValue/);
    assert.equal(status(nv, 'CloudTrail.4'), 'unknown');
  });

  it('suppression comments above and inside the resource', async () => {
    const a = await analyzeFixture('own/cloudformation/parameters.yaml');
    const t = report(a, 'SuppressedTrail');
    assert.deepEqual([...t.definition.suppressed].sort(), ['CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5']);
    const c4 = t.checks.find((c) => c.ruleId === 'CloudTrail.4');
    assert.equal(c4?.suppressed, true);
    assert.equal(c4?.finding.status, 'fail');
    assert.equal(t.checks.find((c) => c.ruleId === 'CloudTrail.1')?.suppressed, false);
    assert.deepEqual(report(a, 'ParamTrail').definition.suppressed, []);
  });

  it('JSON: "false" strings, Ref to a parameter Default, advanced selectors, Metadata suppression', async () => {
    const a = await analyzeFixture('own/cloudformation/template.json');
    const t = report(a, 'JsonTrail');
    assert.equal(status(t, 'CloudTrail.1'), 'fail');
    assert.equal(status(t, 'CloudTrail.4'), 'fail');
    assert.match(reason(t, 'CloudTrail.4'), /from parameter Validate's Default/);
    assert.equal(t.definition.properties.logFileValidation?.literal?.description, "parameter Validate's Default");
    assert.equal(status(t, 'CloudTrail.2'), 'pass');
    const adv = report(a, 'AdvancedTrail');
    assert.equal(status(adv, 'CloudTrail.1'), 'pass');
    assert.equal(adv.definition.snapshot.eventSelectors.known && adv.definition.snapshot.eventSelectors.value.kind, 'advanced');
    assert.deepEqual(adv.definition.suppressed, ['CloudTrail.5']);
    assert.equal(status(report(a, 'BareTrail'), 'CTL.Logging'), 'fail');
  });

  it('Serverless Framework: resources block is read; ${…} variables are unknown', async () => {
    const a = await analyzeFixture('own/cloudformation/serverless.yml');
    const t = report(a, 'SlsTrail');
    assert.equal(status(t, 'CloudTrail.1'), 'pass');
    assert.equal(status(t, 'CloudTrail.4'), 'unknown');
    assert.match(reason(t, 'CloudTrail.4'), /Serverless variable \$\{self:custom\.validate\}/);
  });

  it('SAM: the trail next to serverless resources; a block scalar mentioning the type is not a trail', async () => {
    const a = await analyzeFixture('own/cloudformation/sam.yaml');
    assert.deepEqual(
      a.reports.map((r) => r.definition.name),
      ['SamTrail'],
    );
    const t = a.reports[0];
    assert.ok(t);
    assert.equal(status(t, 'CloudTrail.1'), 'fail');
    assert.deepEqual(t.definition.snapshot.tags, { known: true, value: { team: 'audit' } });
  });

  it('broken YAML: problems reported, nothing thrown, what is readable is read', async () => {
    const a = await analyzeFixture('own/cloudformation/broken.yaml');
    assert.ok(a.problems.some((p) => p.severity === 'error'));
    assert.ok(a.reports.length <= 1);
  });

  it('source ranges: head, property key and value spans point at the text', () => {
    const file = iacFile('own/cloudformation/parameters.yaml');
    const r = readCloudFormation(file, 'yaml');
    const t = r.trails.find((x) => x.name === 'Yaml11Trail');
    assert.ok(t);
    assert.equal(file.text.slice(t.headSpan.start, t.headSpan.end), 'Yaml11Trail');
    const p = t.properties.logFileValidation;
    assert.ok(p);
    assert.equal(file.text.slice(p.keySpan.start, p.keySpan.end), 'EnableLogFileValidation');
    assert.equal(file.text.slice(p.valueSpan.start, p.valueSpan.end), 'No');
    const pt = r.trails.find((x) => x.name === 'ParamTrail')?.properties.logFileValidation;
    assert.ok(pt);
    assert.equal(file.text.slice(pt.valueSpan.start, pt.valueSpan.end), '!Ref EnableValidation');
  });

  it('never reads files that do not mention the trail type', () => {
    assert.deepEqual(readCloudFormation({ path: 'x.yaml', text: 'Resources: {B: {Type: AWS::S3::Bucket}}' }, 'yaml'), { trails: [], problems: [] });
  });
});
