import { strict as assert } from 'node:assert';
import { analyzeWorkspace } from '../../src/core/iac/workspace';
import { analyzeFixture, engine, iacFile, moduleFiles, reason, report, status } from './iac-support';

describe('core/iac Terraform reader — real modules', () => {
  it('trivy-checks: good/bad pairs per rule (empty blocks take the provider defaults)', async () => {
    const pairs = [
      ['enable_log_validation', 'CloudTrail.4'],
      ['enable_all_regions', 'CloudTrail.1'],
      ['ensure_cloudwatch_integration', 'CloudTrail.5'],
      ['encryption_customer_key', 'CloudTrail.2'],
    ] as const;
    for (const [check, rule] of pairs) {
      const good = await analyzeFixture(`trivy-checks/${check}/terraform_good_1.tf`);
      const bad = await analyzeFixture(`trivy-checks/${check}/terraform_bad_1.tf`);
      assert.equal(status(report(good, 'aws_cloudtrail.good_example'), rule), 'pass', check);
      assert.equal(status(report(bad, 'aws_cloudtrail.bad_example'), rule), 'fail', check);
    }
  });

  it('checkov: enable_logging false fails, true or absent (provider default) passes; KMS by reference passes', async () => {
    const a = await analyzeFixture('checkov/tests/terraform/checks/resource/aws/example_CloudtrailEnableLogging/main.tf');
    assert.equal(status(report(a, 'aws_cloudtrail.fail'), 'CTL.Logging'), 'fail');
    assert.equal(status(report(a, 'aws_cloudtrail.pass'), 'CTL.Logging'), 'pass');
    assert.equal(status(report(a, 'aws_cloudtrail.pass2'), 'CTL.Logging'), 'pass');
    assert.match(reason(report(a, 'aws_cloudtrail.pass2'), 'CTL.Logging'), /defaults enable_logging to true/);
    const k = await analyzeFixture('checkov/tests/terraform/checks/resource/aws/example_CloudtrailEncryptedWithCMK/aws_cloudtrail.tf');
    assert.equal(status(report(k, 'aws_cloudtrail.fail'), 'CloudTrail.2'), 'fail');
    assert.equal(status(report(k, 'aws_cloudtrail.pass'), 'CloudTrail.2'), 'pass');
    const m = 'checkov/tests/terraform/checks/resource/aws/inline_test_CloudtrailMultiRegion';
    assert.equal(status(report(await analyzeFixture(`${m}/test_success.tf`), 'aws_cloudtrail.foobar'), 'CloudTrail.1'), 'pass');
    assert.equal(status(report(await analyzeFixture(`${m}/test_failure.tf`), 'aws_cloudtrail.foobar'), 'CloudTrail.1'), 'fail');
    assert.equal(status(report(await analyzeFixture(`${m}/test_failure_negative_multi_region.tf`), 'aws_cloudtrail.foobar'), 'CloudTrail.1'), 'fail');
    const cw = await analyzeFixture('checkov/tests/terraform/graph/checks/resources/CloudtrailHasCloudwatch/main.tf');
    // expected.yaml next to it: aws_cloudtrail_ok passes, aws_cloudtrail_not_ok fails.
    assert.equal(status(report(cw, 'aws_cloudtrail.aws_cloudtrail_ok'), 'CloudTrail.5'), 'pass');
    assert.equal(status(report(cw, 'aws_cloudtrail.aws_cloudtrail_not_ok'), 'CloudTrail.5'), 'fail');
  });

  it('regula: valid_trail passes and invalid_trail fails validation', async () => {
    const a = await analyzeFixture('regula/rego/tests/rules/tf/aws/cloudtrail/inputs/log_file_validation_infra.tf');
    assert.equal(status(report(a, 'aws_cloudtrail.valid_trail'), 'CloudTrail.4'), 'pass');
    assert.equal(status(report(a, 'aws_cloudtrail.invalid_trail'), 'CloudTrail.4'), 'fail');
  });

  it('cloudposse: values from variables.tf defaults (noted), count from outside the module is unknown', async () => {
    const a = await analyzeFixture('cloudposse-terraform-aws-cloudtrail/main.tf');
    const t = report(a, 'aws_cloudtrail.default');
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    assert.match(reason(t, 'CloudTrail.4'), /from variable enable_log_file_validation's default/);
    assert.equal(status(t, 'CloudTrail.1'), 'pass'); // dynamic selectors over empty default lists: none
    assert.equal(status(t, 'CTL.GlobalServiceEvents'), 'fail'); // default false in variables.tf
    assert.equal(status(t, 'CloudTrail.2'), 'fail'); // kms_key_arn default ""
    assert.equal(t.definition.created.known, false);
    assert.match(t.definition.created.known ? '' : t.definition.created.reason, /count = module\.this\.enabled \? 1 : 0/);
    assert.equal(t.definition.properties.logFileValidation?.literal?.file, 'cloudposse-terraform-aws-cloudtrail/variables.tf');
  });

  it('cloudposse example: called as module "cloudtrail" from examples/complete → module.cloudtrail. prefix', async () => {
    const files = [...moduleFiles('cloudposse-terraform-aws-cloudtrail'), ...moduleFiles('cloudposse-terraform-aws-cloudtrail/examples/complete')];
    const out = await analyzeWorkspace(engine, files);
    const names = out.flatMap((f) => f.analysis.reports.map((r) => r.definition.name));
    assert.deepEqual(names, ['module.cloudtrail.aws_cloudtrail.default']);
  });

  it('nozaq: conditional on a variable with a default picks its branch; resource references count as set', async () => {
    const a = await analyzeFixture('nozaq-terraform-aws-secure-baseline/modules/cloudtrail-baseline/main.tf');
    const t = report(a, 'aws_cloudtrail.global');
    for (const rule of ['CloudTrail.1', 'CloudTrail.4', 'CloudTrail.2', 'CloudTrail.5', 'CTL.Logging', 'CTL.GlobalServiceEvents'] as const) assert.equal(status(t, rule), 'pass', rule);
    assert.deepEqual(t.definition.snapshot.insightTypes, { known: true, value: ['ApiCallRateInsight'] });
  });
});

describe('core/iac Terraform reader — semantics', () => {
  it('variables, locals, tfvars, conditionals and "true" strings', async () => {
    const a = await analyzeFixture('own/terraform/basic/main.tf');
    const t = report(a, 'aws_cloudtrail.vars');
    assert.equal(status(t, 'CloudTrail.4'), 'fail'); // local.validate = var.validate_logs (default false)
    assert.match(reason(t, 'CloudTrail.4'), /variable validate_logs's default/);
    assert.equal(t.definition.properties.logFileValidation?.literal?.file, 'own/terraform/basic/variables.tf');
    assert.equal(status(t, 'CloudTrail.1'), 'pass');
    assert.equal(status(t, 'CTL.GlobalServiceEvents'), 'pass'); // terraform.tfvars overrides the default false
    assert.equal(status(t, 'CloudTrail.2'), 'fail'); // default null
    assert.equal(status(t, 'CloudTrail.5'), 'pass'); // enable_cw ? "${…}:*" : null with enable_cw = true
    assert.equal(status(t, 'CTL.Logging'), 'pass'); // "true"
  });

  it('anything from outside the module is unknown, and says what decides it', async () => {
    const t = report(await analyzeFixture('own/terraform/basic/main.tf'), 'aws_cloudtrail.external');
    assert.equal(status(t, 'CloudTrail.1'), 'unknown');
    assert.match(reason(t, 'CloudTrail.1'), /module\.settings/);
    assert.equal(status(t, 'CloudTrail.4'), 'unknown');
    assert.match(reason(t, 'CloudTrail.4'), /variable no_default, which has no default/);
  });

  it('an empty block and a block with only nested blocks take the defaults', async () => {
    const a = await analyzeFixture('own/terraform/basic/main.tf');
    assert.equal(status(report(a, 'aws_cloudtrail.empty'), 'CloudTrail.4'), 'fail');
    const b = report(a, 'aws_cloudtrail.blocks_only');
    assert.equal(status(b, 'CloudTrail.1'), 'fail');
    assert.equal(status(b, 'CTL.Logging'), 'pass');
  });

  it('a bare cloudtrail-lens-ignore comment above the block silences every rule', async () => {
    const t = report(await analyzeFixture('own/terraform/basic/main.tf'), 'aws_cloudtrail.ignored');
    assert.deepEqual(t.definition.suppressed, ['*']);
    assert.ok(t.checks.every((c) => c.suppressed));
  });

  it('for_each over a known map: instances that disagree make the value unknown', async () => {
    const a = await analyzeFixture('own/terraform/foreach/main.tf');
    const e = report(a, 'aws_cloudtrail.each');
    assert.equal(status(e, 'CloudTrail.1'), 'unknown');
    assert.match(reason(e, 'CloudTrail.1'), /differs between the instances of for_each = var\.trails/);
    assert.equal(status(e, 'CloudTrail.4'), 'pass');
    assert.deepEqual(e.definition.created, { known: true, value: true, note: 'for_each: 2 instances' });
  });

  it('count: 0 from a variable default means not created; count.index per instance', async () => {
    const a = await analyzeFixture('own/terraform/foreach/main.tf');
    const c = report(a, 'aws_cloudtrail.counted');
    assert.equal(c.definition.created.known && c.definition.created.value, false);
    const p = report(a, 'aws_cloudtrail.pair');
    assert.equal(status(p, 'CloudTrail.1'), 'unknown');
    const d = report(a, 'aws_cloudtrail.dyn');
    assert.equal(status(d, 'CloudTrail.1'), 'fail'); // not multi-region: decided before the selectors
    assert.equal(d.definition.snapshot.eventSelectors.known, false);
  });

  it('module calls from a root folder give module.<name>. prefixes; registry modules are left alone', async () => {
    const files = [...moduleFiles('own/terraform/root-module'), ...moduleFiles('own/terraform/root-module/modules/trail')];
    const out = await analyzeWorkspace(engine, files);
    const t = out.flatMap((f) => f.analysis.reports)[0];
    assert.ok(t);
    assert.equal(t.definition.name, 'module.baseline.aws_cloudtrail.this');
    // The module's own default decides (the caller's argument is outside the module).
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
  });

  it('syntax errors are reported, not thrown, and the readable blocks are still read', async () => {
    const text = 'resource "aws_cloudtrail" "ok" {\n  is_multi_region_trail = true\n}\n\nresource "aws_cloudtrail" "broken" {\n  enable_log_file_validation = \n';
    const a = await engine.analyze({ path: 'broken.tf', text }, 'terraform');
    assert.ok(a.problems.some((p) => p.severity === 'error' && /HCL syntax error/.test(p.message)));
    assert.ok(a.reports.some((r) => r.definition.name === 'aws_cloudtrail.ok'));
  });

  it('head span covers the block header; property spans point at the attribute', async () => {
    const file = iacFile('own/terraform/basic/main.tf');
    const a = await analyzeFixture('own/terraform/basic/main.tf');
    const t = report(a, 'aws_cloudtrail.vars');
    assert.equal(file.text.slice(t.definition.headSpan.start, t.definition.headSpan.end), 'resource "aws_cloudtrail" "vars"');
    const p = t.definition.properties.isMultiRegion;
    assert.ok(p);
    assert.equal(file.text.slice(p.keySpan.start, p.keySpan.end), 'is_multi_region_trail');
    assert.equal(file.text.slice(p.valueSpan.start, p.valueSpan.end), 'var.multi_region');
  });
});
