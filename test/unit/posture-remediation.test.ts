import { strict as assert } from 'node:assert';
import {
  REMEDIABLE_RULES,
  RULES,
  evaluateTrail,
  fixSnippets,
  iacPropertyFix,
  known,
  remediationFor,
  shellArg,
  snapshotFromApi,
  type RuleId,
  type TrailSnapshot,
} from '../../src/core/posture';
import { placeboTrails, readJson } from './posture-support';

describe('core/posture remediation', () => {
  // The user guide's create-trail example: a single-Region trail without validation.
  const trail = snapshotFromApi(readJson('awsdocs-user-guide', 'cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-create-trail__03__trail-response.json') as object, { IsLogging: false });

  it('enables log file validation with UpdateTrail in the home region', () => {
    const r = remediationFor('CloudTrail.4', trail)!;
    assert.deepEqual(r, {
      ruleId: 'CloudTrail.4',
      title: 'Enable log file validation',
      call: { operation: 'UpdateTrail', input: { Name: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/my-trail', EnableLogFileValidation: true } },
      region: 'us-east-2',
      cli: 'aws cloudtrail update-trail --name my-trail --enable-log-file-validation --region us-east-2',
    });
  });

  it('makes a trail multi-Region (with global service events, which multi-Region trails need)', () => {
    const r = remediationFor('CloudTrail.1', trail)!;
    assert.deepEqual(r.call, { operation: 'UpdateTrail', input: { Name: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/my-trail', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true } });
    assert.equal(r.cli, 'aws cloudtrail update-trail --name my-trail --is-multi-region-trail --include-global-service-events --region us-east-2');
    // Already multi-Region: the failure is about selectors, no one-call fix.
    assert.equal(remediationFor('CloudTrail.1', { ...trail, isMultiRegion: known(true) }), undefined);
  });

  it('starts logging and includes global service events', () => {
    assert.deepEqual(remediationFor('CTL.Logging', trail)?.call, { operation: 'StartLogging', input: { Name: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/my-trail' } });
    assert.equal(remediationFor('CTL.Logging', trail)?.cli, 'aws cloudtrail start-logging --name my-trail --region us-east-2');
    const [nosetest] = placeboTrails('test_cloudtrail_enable', 'DescribeTrails_2');
    const r = remediationFor('CTL.GlobalServiceEvents', snapshotFromApi(nosetest))!;
    assert.deepEqual(r.call.input, { Name: 'arn:aws:cloudtrail:us-east-1:644160558196:trail/nosetest', IncludeGlobalServiceEvents: true });
    assert.equal(r.cli, 'aws cloudtrail update-trail --name nosetest --include-global-service-events --region us-east-1');
  });

  it('offers API remediations only for the four one-call fixes and only on live trails', () => {
    for (const id of Object.keys(RULES) as RuleId[]) {
      assert.equal(remediationFor(id, trail) !== undefined, REMEDIABLE_RULES.includes(id), id);
    }
    const iac: TrailSnapshot = { ...trail, origin: 'terraform' };
    assert.equal(remediationFor('CloudTrail.4', iac), undefined);
  });

  it('every rule that can fail has CloudFormation and Terraform fix snippets', () => {
    for (const id of Object.keys(RULES) as RuleId[]) {
      const s = fixSnippets(id);
      if (id === 'CTL.S3Delivery' || id === 'CTL.DataEvents') {
        // Delivery errors are fixed in the bucket/KMS policy; data events are a choice, not a fix.
        assert.equal(s, undefined, id);
        continue;
      }
      assert.ok(s, id);
      assert.ok(s.cloudformation.length > 0 && s.terraform.length > 0, id);
      assert.ok(!s.cloudformation.includes('\t') && !s.terraform.includes('\t'), id);
    }
    assert.equal(fixSnippets('CloudTrail.4')?.cloudformation, 'EnableLogFileValidation: true');
    assert.equal(fixSnippets('CloudTrail.4')?.terraform, 'enable_log_file_validation = true');
    assert.equal(fixSnippets('CloudTrail.6')?.target, 'bucket');
    assert.equal(fixSnippets('CloudTrail.3')?.target, 'new-trail');
    assert.match(fixSnippets('CloudTrail.5')!.terraform, /cloud_watch_logs_group_arn = "\$\{aws_cloudwatch_log_group\.trail\.arn\}:\*"/);
  });

  it('gives the single property to flip in a template', () => {
    assert.deepEqual(iacPropertyFix('CloudTrail.4'), {
      ruleId: 'CloudTrail.4',
      cloudformation: { property: 'EnableLogFileValidation', value: true },
      terraform: { attribute: 'enable_log_file_validation', value: true },
      cdk: { property: 'enableFileValidation', value: true },
    });
    assert.equal(iacPropertyFix('CTL.Logging')?.terraform.attribute, 'enable_logging');
    assert.equal(iacPropertyFix('CTL.Logging')?.cdk, undefined);
    assert.equal(iacPropertyFix('CloudTrail.2'), undefined);
    assert.equal(iacPropertyFix('CloudTrail.1', { ...trail, isMultiRegion: known(true) }), undefined);
    assert.equal(iacPropertyFix('CloudTrail.1', trail)?.cloudformation.property, 'IsMultiRegionTrail');
  });

  it('quotes shell arguments only when needed', () => {
    assert.equal(shellArg('my-trail'), 'my-trail');
    assert.equal(shellArg('arn:aws:cloudtrail:us-east-1:123456789012:trail/x'), 'arn:aws:cloudtrail:us-east-1:123456789012:trail/x');
    assert.equal(shellArg('a b'), "'a b'");
    assert.equal(shellArg("$(rm -rf ~)'"), `'$(rm -rf ~)'\\'''`);
  });

  it('each failing finding of the example trail has a fix that names the trail', () => {
    for (const f of evaluateTrail(trail, { context: 'live' })) {
      if (f.status !== 'fail') continue;
      assert.ok(f.fix.includes('my-trail'), `${f.ruleId}: ${f.fix}`);
    }
  });
});
