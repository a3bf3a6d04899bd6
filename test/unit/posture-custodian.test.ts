// Real recorded CloudTrail responses from cloud-custodian's placebo data (Apache-2.0), with what
// custodian's own tests assert about them (EXPECTATIONS.tsv) restated in our rules' terms.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_EVENT_SELECTORS,
  evaluateAccount,
  evaluateRule,
  evaluateTrail,
  known,
  remediationFor,
  snapshotFromApi,
  summarize,
  type Finding,
  type RuleId,
  type TrailSnapshot,
} from '../../src/core/posture';
import { placeboSelectors, placeboSelectorsByArn, placeboStatus, placeboTrails, posturePath } from './posture-support';

const live = { context: 'live' as const };

function status(findings: readonly Finding[], id: RuleId): string {
  const f = findings.find((x) => x.ruleId === id);
  assert.ok(f, `no ${id} finding`);
  return f.status;
}

function one(dir: string, statusFile?: string, selectorFile?: string): TrailSnapshot {
  const [trail] = placeboTrails(dir);
  return snapshotFromApi(trail, statusFile ? placeboStatus(dir, statusFile) : undefined, selectorFile ? placeboSelectors(dir, selectorFile) : undefined);
}

describe('core/posture on cloud-custodian recorded responses', () => {
  it('holds the recordings of every custodian expectation restated here', () => {
    const rows = readFileSync(posturePath('cloud-custodian-placebo', 'EXPECTATIONS.tsv'), 'utf8').trim().split('\n').slice(1);
    assert.equal(rows.length, 15);
    for (const row of rows) {
      const dir = row.split('\t')[0];
      assert.ok(placeboTrails(dir).length > 0, dir);
    }
  });

  describe('test_account_trail: check-cloudtrail {multi-region, kms, file-digest, global-events} finds the account compliant', () => {
    // Recorded in 2016: DescribeTrails did not yet say HasCustomEventSelectors, and no
    // GetEventSelectors was recorded, so the selectors are honestly unknown…
    const trail = one('test_account_trail', 'GetTrailStatus_1');

    it('passes KMS, validation and global events; CloudTrail.1 waits for the selectors', () => {
      const f = evaluateTrail(trail, live);
      assert.equal(status(f, 'CloudTrail.2'), 'pass');
      assert.equal(status(f, 'CloudTrail.4'), 'pass');
      assert.equal(status(f, 'CTL.GlobalServiceEvents'), 'pass');
      assert.equal(status(f, 'CTL.Logging'), 'pass');
      assert.equal(status(f, 'CloudTrail.1'), 'unknown');
      assert.match(f.find((x) => x.ruleId === 'CloudTrail.1')!.reason, /event selectors were not read/);
      const account = evaluateAccount([trail]);
      assert.equal(status(account.findings, 'CloudTrail.1'), 'unknown');
      assert.equal(status(account.findings, 'CloudTrail.3'), 'pass');
    });

    it('…and with the selectors such a trail has (the defaults) CloudTrail.1 passes for the account', () => {
      const withSelectors = { ...trail, eventSelectors: known(DEFAULT_EVENT_SELECTORS) };
      assert.equal(evaluateRule('CloudTrail.1', withSelectors, live).status, 'pass');
      assert.equal(status(evaluateAccount([withSelectors]).findings, 'CloudTrail.1'), 'pass');
    });

    it('current-region: the multi-Region trail covers every enabled region', () => {
      const account = evaluateAccount([trail], { enabledRegions: ['us-east-1', 'us-west-2', 'ap-south-2'] });
      assert.deepEqual(account.uncoveredRegions, []);
      assert.equal(status(account.findings, 'CTL.RegionCoverage'), 'pass');
    });

    it('notifies: the trail has no SNS topic (custodian flags it; we have no SNS rule, see docs/rules.md)', () => {
      assert.deepEqual(trail.snsTopic, known(null));
    });
  });

  it('test_account_trail_same_region: a single-Region trail covers its own region', () => {
    const account = evaluateAccount([one('test_account_trail_same_region', 'GetTrailStatus_1')], { enabledRegions: ['us-east-1'] });
    assert.deepEqual(account.uncoveredRegions, []);
  });

  it('test_account_trail_different_region: a single-Region trail in us-west-2 leaves us-east-1 uncovered', () => {
    const trail = one('test_account_trail_different_region', 'GetTrailStatus_1');
    const account = evaluateAccount([trail], { enabledRegions: ['us-east-1', 'us-west-2'] });
    assert.deepEqual(account.uncoveredRegions, ['us-east-1']);
    const f = account.findings.find((x) => x.ruleId === 'CTL.RegionCoverage')!;
    assert.equal(f.status, 'fail');
    assert.match(f.reason, /1 of 2 enabled regions has no logging trail: us-east-1/);
    assert.equal(evaluateRule('CloudTrail.1', trail, live).status, 'fail');
  });

  it('test_cloudtrail_enable (running): logging off before StartLogging, on after', () => {
    const [trail] = placeboTrails('test_cloudtrail_enable', 'DescribeTrails_2');
    const before = snapshotFromApi(trail, placeboStatus('test_cloudtrail_enable', 'GetTrailStatus_1'));
    const after = snapshotFromApi(trail, placeboStatus('test_cloudtrail_enable', 'GetTrailStatus_2'));
    assert.equal(evaluateRule('CTL.Logging', before, live).status, 'fail');
    assert.match(evaluateRule('CTL.Logging', before, live).reason, /not logging \(stopped 2017-02-07T17:25:49Z\)/);
    assert.equal(evaluateRule('CTL.Logging', after, live).status, 'pass');
    assert.equal(status(evaluateAccount([before]).findings, 'CloudTrail.3'), 'fail');
    assert.equal(status(evaluateAccount([after]).findings, 'CloudTrail.3'), 'pass');
    // DescribeTrails_2 also shows global service events switched off.
    assert.equal(evaluateRule('CTL.GlobalServiceEvents', after, live).status, 'fail');
  });

  it('test_cloudtrail_status: exactly one of the two trails is logging', () => {
    const trails = placeboTrails('test_cloudtrail_status').map((t, i) => snapshotFromApi(t, placeboStatus('test_cloudtrail_status', `GetTrailStatus_${i + 1}`)));
    const logging = trails.filter((t) => evaluateRule('CTL.Logging', t, live).status === 'pass');
    assert.equal(logging.length, 1);
    assert.equal(status(evaluateAccount(trails).findings, 'CloudTrail.3'), 'pass');
  });

  it('test_cloudtrail_set_logging: StopLogging turns CTL.Logging to fail and StartLogging is the remediation', () => {
    const running = one('test_cloudtrail_set_logging', 'GetTrailStatus_1');
    const stopped = one('test_cloudtrail_set_logging', 'GetTrailStatus_2');
    assert.equal(evaluateRule('CTL.Logging', running, live).status, 'pass');
    assert.equal(evaluateRule('CTL.Logging', stopped, live).status, 'fail');
    const fix = remediationFor('CTL.Logging', stopped);
    assert.deepEqual(fix?.call, { operation: 'StartLogging', input: { Name: 'arn:aws:cloudtrail:us-east-1:644160558196:trail/orgTrail' } });
  });

  it('test_cloudtrail_update: validation off before, on in the UpdateTrail response', () => {
    const before = snapshotFromApi(placeboTrails('test_cloudtrail_update').find((t) => t.Name === 'skunk-trails')!);
    assert.equal(evaluateRule('CloudTrail.4', before, live).status, 'fail');
    const fix = remediationFor('CloudTrail.4', before)!;
    assert.deepEqual(fix.call.input, { Name: 'arn:aws:cloudtrail:us-east-1:644160558196:trail/skunk-trails', EnableLogFileValidation: true });
    const after = snapshotFromApi(placebo_update_response());
    assert.equal(evaluateRule('CloudTrail.4', after, live).status, 'pass');
  });

  it('test_cloudtrail_event_selectors: all 4 trails include management events', () => {
    const byArn = placeboSelectorsByArn('test_cloudtrail_event_selectors');
    const trails = placeboTrails('test_cloudtrail_event_selectors').map((t) => snapshotFromApi(t, undefined, byArn.get(t.TrailARN ?? '')));
    assert.equal(trails.length, 4);
    for (const t of trails) assert.equal(evaluateRule('CTL.ManagementEvents', t, live).status, 'pass', t.name);
    // The single-Region trail records everything but is not multi-Region.
    const single = trails.find((t) => t.name === 'SingleCloudTrail')!;
    assert.equal(evaluateRule('CloudTrail.1', single, live).status, 'fail');
  });

  it('fail_include_management_events: read-only management events fail CloudTrail.1 and CTL.ManagementEvents', () => {
    const t = one('test_cloudtrail_fail_include_management_events', 'GetTrailStatus_1', 'GetEventSelectors_1');
    const f = evaluateTrail(t, live);
    assert.equal(status(f, 'CloudTrail.1'), 'fail');
    assert.match(f.find((x) => x.ruleId === 'CloudTrail.1')!.reason, /multi-Region but records read-only management events/);
    assert.equal(status(f, 'CTL.ManagementEvents'), 'fail');
    assert.equal(status(evaluateAccount([t]).findings, 'CloudTrail.1'), 'fail');
  });

  it('success_cloudtrail_include_management_events: read and write management events pass', () => {
    const t = one('test_cloudtrail_success_cloudtrail_include_management_events', 'GetTrailStatus_1', 'GetEventSelectors_1');
    assert.equal(evaluateRule('CloudTrail.1', t, live).status, 'pass');
    assert.equal(status(evaluateAccount([t]).findings, 'CloudTrail.1'), 'pass');
    assert.equal(evaluateRule('CTL.DataEvents', t, live).reason, 'The trail records data events for AWS::S3::Object.');
  });

  it('fail_management_advanced_events_included: advanced write-only with excluded sources fails', () => {
    const t = one('test_cloudtrail_fail_management_advanced_events_included', 'GetTrailStatus_1', 'GetEventSelectors_1');
    assert.equal(evaluateRule('CTL.ManagementEvents', t, live).reason, 'The trail records write-only management events (excluding kms.amazonaws.com, rdsdata.amazonaws.com).');
    assert.equal(status(evaluateAccount([t]).findings, 'CloudTrail.1'), 'fail');
  });

  it('success_management_advanced_events_included: custodian passes it, AWS CloudTrail.1 does not', () => {
    // Custodian's filter only asks that management events are included. AWS's CloudTrail.1 (and
    // its Config rule) fails a trail that excludes management event sources such as RDS Data API
    // events, which this trail's eventSource NotEquals does. We follow AWS.
    const t = one('test_cloudtrail_success_management_advanced_events_included', 'GetTrailStatus_1', 'GetEventSelectors_1');
    assert.equal(evaluateRule('CloudTrail.1', t, live).status, 'fail');
    assert.equal(status(evaluateAccount([t]).findings, 'CloudTrail.1'), 'fail');
    // Its CloudWatch Logs delivery was 4 minutes old when recorded, and stale a year later.
    assert.equal(evaluateRule('CloudTrail.5', t, { context: 'live', now: new Date('2023-09-22T16:00:00Z') }).status, 'pass');
    assert.equal(evaluateRule('CloudTrail.5', t, { context: 'live', now: new Date('2024-09-22T16:00:00Z') }).status, 'fail');
  });

  it('success_log_metric_filter: a log group that never received events fails live, passes as IaC', () => {
    const t = one('test_cloudtrail_success_log_metric_filter', 'GetTrailStatus_1');
    assert.equal(evaluateRule('CloudTrail.5', t, live).status, 'fail');
    assert.equal(evaluateRule('CloudTrail.5', t, { context: 'iac' }).status, 'pass');
  });

  it('test_s3_data_events: data-event-only trail, Control Tower baseline, and a shadow organization trail', () => {
    const [baseline, dataTrail, orgTrail] = placeboTrails('test_s3_data_events');
    const base = snapshotFromApi(baseline, { IsLogging: true }, placeboSelectors('test_s3_data_events', 'GetEventSelectors_1'));
    const data = snapshotFromApi(dataTrail, { IsLogging: true }, placeboSelectors('test_s3_data_events', 'GetEventSelectors_2'));
    const org = snapshotFromApi(orgTrail);
    assert.equal(evaluateRule('CTL.DataEvents', data, live).reason, 'The trail records data events for AWS::S3::Object.');
    assert.equal(evaluateRule('CTL.ManagementEvents', data, live).reason, 'The trail records no management events.');
    assert.equal(evaluateRule('CTL.DataEvents', base, live).status, 'info');
    assert.match(evaluateRule('CTL.DataEvents', base, live).reason, /records no data events/);
    assert.equal(org.accountId, '123456789012');
    const account = evaluateAccount([base, data, org]);
    assert.equal(status(account.findings, 'CloudTrail.1'), 'pass');
    assert.match(account.findings[0].reason, /^aws-controltower-BaselineCloudTrail is a logging multi-Region trail/);
  });

  it('test_cloudtrail_resource_with_not_filter: a plain name filter over snapshots leaves one trail', () => {
    const trails = placeboTrails('test_cloudtrail_resource_with_not_filter').map((t) => snapshotFromApi(t));
    assert.deepEqual(trails.filter((t) => t.name !== 'skunk-trails').map((t) => t.name), ['S3-DataEvents']);
  });

  it('summarizes a trail without counting informational findings', () => {
    const t = one('test_cloudtrail_fail_include_management_events', 'GetTrailStatus_1', 'GetEventSelectors_1');
    const s = summarize(evaluateTrail(t, live));
    assert.equal(s.info, 2);
    assert.equal(s.total, s.passed + s.failed + s.unknown);
    assert.equal(s.total, 11);
    assert.equal(s.worstFailure, 'high');
  });
});

function placebo_update_response(): { Name: string; TrailARN: string; LogFileValidationEnabled: boolean; IsMultiRegionTrail: boolean } {
  const raw = JSON.parse(readFileSync(posturePath('cloud-custodian-placebo', 'test_cloudtrail_update', 'cloudtrail.UpdateTrail_1.json'), 'utf8')) as {
    data: { Name: string; TrailARN: string; LogFileValidationEnabled: boolean; IsMultiRegionTrail: boolean };
  };
  return raw.data;
}
