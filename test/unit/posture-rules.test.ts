import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  ACCOUNT_RULE_IDS,
  DEFAULT_EVENT_SELECTORS,
  IAC_RULE_IDS,
  RULES,
  TRAIL_RULE_IDS,
  compareSeverity,
  evaluateAccount,
  evaluateRule,
  evaluateTrail,
  known,
  regionCoverage,
  ruleAnchor,
  snapshotFromApi,
  snapshotFromDefinition,
  summarize,
  unknown,
  type Finding,
  type RuleId,
  type TrailSnapshot,
} from '../../src/core/posture';
import { projectRoot } from '../support/fixtures';
import { readJson } from './posture-support';

/** A CloudFormation definition as an IaC reader would give it (AWS defaults for absent properties). */
function cfn(over: Partial<TrailSnapshot> = {}): TrailSnapshot {
  return {
    origin: 'cloudformation',
    name: 'MyTrail',
    isMultiRegion: known(false, 'IsMultiRegionTrail absent: AWS default'),
    isOrganization: known(false),
    logFileValidation: known(false, 'EnableLogFileValidation absent: AWS default'),
    kmsKeyId: known(null),
    cloudWatchLogsLogGroupArn: known(null),
    cloudWatchLogsRoleArn: known(null),
    includeGlobalServiceEvents: known(true),
    s3BucketName: known('logs-bucket'),
    isLogging: known(true),
    tags: known({}),
    eventSelectors: known(DEFAULT_EVENT_SELECTORS),
    insightTypes: known([]),
    ...over,
  };
}

/** A live trail that passes everything. */
function good(over: Partial<TrailSnapshot> = {}): TrailSnapshot {
  const base = snapshotFromApi(
    {
      Name: 'main',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main',
      HomeRegion: 'us-east-1',
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail:*',
      CloudWatchLogsRoleArn: 'arn:aws:iam::111122223333:role/trail',
      IncludeGlobalServiceEvents: true,
      S3BucketName: 'logs-bucket',
    },
    { IsLogging: true, LatestCloudWatchLogsDeliveryTime: new Date('2024-05-01T11:00:00Z'), LatestDeliveryTime: new Date('2024-05-01T11:30:00Z') },
    { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
    { InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] },
    [{ Key: 'owner', Value: 'security' }],
    { publiclyAccessible: known(false), accessLogging: known(true) },
  );
  return { ...base, ...over };
}

const NOW = new Date('2024-05-01T12:00:00Z');
const live = { context: 'live' as const, now: NOW };

function byId(findings: readonly Finding[]): Map<RuleId, Finding> {
  return new Map(findings.map((f) => [f.ruleId, f]));
}

describe('core/posture rules', () => {
  describe('registry', () => {
    it('describes every rule id once, with a Security Hub link for CloudTrail.N', () => {
      for (const [id, info] of Object.entries(RULES)) {
        assert.equal(info.id, id);
        assert.equal(info.docsAnchor, ruleAnchor(info.id));
        if (id.startsWith('CloudTrail.')) {
          assert.equal(info.securityHubControl, id);
          assert.equal(info.docsUrl, `https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-${id.slice(11)}`);
        } else {
          assert.equal(info.securityHubControl, undefined);
          assert.match(info.docsUrl, /^https:\/\/docs\.aws\.amazon\.com\/awscloudtrail\//);
        }
      }
      assert.deepEqual([...new Set([...TRAIL_RULE_IDS, ...ACCOUNT_RULE_IDS])].sort(), Object.keys(RULES).sort());
    });

    it('uses the Security Hub severities', () => {
      const expected: Partial<Record<RuleId, string>> = {
        'CloudTrail.1': 'high',
        'CloudTrail.2': 'medium',
        'CloudTrail.3': 'high',
        'CloudTrail.4': 'low',
        'CloudTrail.5': 'low',
        'CloudTrail.6': 'critical',
        'CloudTrail.7': 'low',
        'CloudTrail.9': 'low',
      };
      for (const [id, sev] of Object.entries(expected)) assert.equal(RULES[id as RuleId].severity, sev, id);
    });

    it('runs exactly the agreed rules for IaC', () => {
      assert.deepEqual([...IAC_RULE_IDS].sort(), ['CTL.GlobalServiceEvents', 'CTL.Logging', 'CloudTrail.1', 'CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5']);
    });

    it('has a docs/rules.md section for every rule', () => {
      const doc = readFileSync(`${projectRoot}/docs/rules.md`, 'utf8');
      for (const id of Object.keys(RULES) as RuleId[]) {
        assert.ok(doc.includes(`<a id="${ruleAnchor(id)}"></a>`), `anchor for ${id}`);
        assert.ok(doc.includes(`## ${id}`), `heading for ${id}`);
      }
    });

    it('anchors are the id lowercased without dots', () => {
      assert.equal(ruleAnchor('CloudTrail.4'), 'cloudtrail4');
      assert.equal(ruleAnchor('CTL.Logging'), 'ctllogging');
    });

    it('orders severities', () => {
      assert.ok(compareSeverity('critical', 'high') > 0);
      assert.ok(compareSeverity('low', 'medium') < 0);
    });
  });

  describe('live context', () => {
    it('passes a well-configured trail on every rule, infos for data events and Insights', () => {
      const findings = evaluateTrail(good(), live);
      assert.deepEqual(findings.map((f) => f.ruleId), TRAIL_RULE_IDS);
      for (const f of findings) {
        assert.equal(f.status, RULES[f.ruleId].informational ? 'info' : 'pass', `${f.ruleId}: ${f.reason}`);
        assert.equal(f.trailName, 'main');
        assert.equal(f.trailArn, 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main');
        assert.ok(f.reason.endsWith('.'), f.reason);
      }
      assert.deepEqual(summarize(findings), { passed: 11, failed: 0, unknown: 0, info: 2, total: 11 });
      assert.equal(byId(findings).get('CTL.Insights')!.reason, 'CloudTrail Insights is enabled (ApiCallRateInsight).');
    });

    it('fails each rule on its own misconfiguration, with a CLI fix for the trail', () => {
      const cases: Array<[RuleId, Partial<TrailSnapshot>, RegExp, RegExp]> = [
        ['CloudTrail.1', { isMultiRegion: known(false) }, /records only its home region \(us-east-1\)/, /aws cloudtrail update-trail --name main --is-multi-region-trail --include-global-service-events --region us-east-1/],
        ['CloudTrail.2', { kmsKeyId: known(null) }, /No KMS key is set/, /--kms-key-id <key-arn>/],
        ['CloudTrail.4', { logFileValidation: known(false) }, /Log file validation is disabled/, /aws cloudtrail update-trail --name main --enable-log-file-validation --region us-east-1/],
        ['CloudTrail.5', { cloudWatchLogsLogGroupArn: known(null) }, /not integrated with CloudWatch Logs/, /--cloud-watch-logs-log-group-arn/],
        ['CloudTrail.6', { bucket: { publiclyAccessible: known(true, 'bucket policy grants "*" s3:GetObject'), accessLogging: known(true) } }, /logs-bucket is publicly accessible \(bucket policy/, /put-public-access-block --bucket logs-bucket/],
        ['CloudTrail.7', { bucket: { publiclyAccessible: known(false), accessLogging: known(false) } }, /Server access logging is off/, /put-bucket-logging --bucket logs-bucket/],
        ['CloudTrail.9', { tags: known({ 'aws:cloudformation:stack-name': 'x' }) }, /The trail has no tags/, /add-tags --resource-id arn:aws:cloudtrail:us-east-1:111122223333:trail\/main --tags-list Key=owner,Value=<value> --region us-east-1/],
        ['CTL.Logging', { isLogging: known(false) }, /The trail is not logging/, /aws cloudtrail start-logging --name main --region us-east-1/],
        ['CTL.S3Delivery', { status: { latestDeliveryError: 'AccessDenied' } }, /Log delivery to logs-bucket fails: AccessDenied/, /get-trail-status --name main/],
        ['CTL.S3Delivery', { status: { latestDigestDeliveryError: 'NoSuchBucket' } }, /Digest file delivery to logs-bucket fails: NoSuchBucket/, /bucket policy/],
        ['CTL.GlobalServiceEvents', { includeGlobalServiceEvents: known(false) }, /Global service events are excluded/, /--include-global-service-events/],
        ['CTL.ManagementEvents', { eventSelectors: known({ kind: 'basic', selectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] }) }, /write-only management events/, /put-event-selectors --trail-name main/],
      ];
      for (const [id, over, reason, fix] of cases) {
        const f = evaluateRule(id, good(over), live);
        assert.equal(f.status, 'fail', `${id}: ${f.reason}`);
        assert.match(f.reason, reason);
        assert.match(f.fix, fix);
        assert.equal(f.severity, RULES[id].severity);
        assert.equal(f.docsUrl, RULES[id].docsUrl);
      }
    });

    it('CloudTrail.5: fails on a CloudWatch Logs delivery error or a delivery older than 24 hours', () => {
      const err = evaluateRule('CloudTrail.5', good({ status: { latestCloudWatchLogsDeliveryError: 'AccessDeniedException' } }), live);
      assert.equal(err.status, 'fail');
      assert.match(err.reason, /Delivery to CloudWatch Logs fails: AccessDeniedException/);
      const stale = evaluateRule('CloudTrail.5', good({ status: { latestCloudWatchLogsDeliveryTime: new Date('2024-04-30T11:00:00Z') } }), live);
      assert.equal(stale.status, 'fail');
      assert.match(stale.reason, /25 hours ago/);
      const fresh = evaluateRule('CloudTrail.5', good({ status: { latestCloudWatchLogsDeliveryTime: new Date('2024-04-30T13:00:00Z') } }), live);
      assert.equal(fresh.status, 'pass');
    });

    it('gives unknown, with the reason, for live facts that were not read', () => {
      const bare = snapshotFromApi({ Name: 'bare', TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/bare', CloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:x:*' });
      const f = byId(evaluateTrail(bare, live));
      const expected: Partial<Record<RuleId, RegExp>> = {
        'CTL.Logging': /trail status was not read/,
        'CloudTrail.5': /trail status was not read/,
        'CTL.S3Delivery': /trail status was not read/,
        'CloudTrail.6': /was not checked/,
        'CloudTrail.7': /was not checked/,
        'CloudTrail.9': /tags were not read/,
        'CTL.ManagementEvents': /event selectors were not read/,
        'CTL.DataEvents': /event selectors were not read/,
        'CTL.Insights': /Insights selectors were not read/,
      };
      for (const [id, re] of Object.entries(expected)) {
        assert.equal(f.get(id as RuleId)!.status, 'unknown', id);
        assert.match(f.get(id as RuleId)!.reason, re);
      }
      // Unknown informational findings count as info, not against the roll-up.
      const s = summarize([...f.values()]);
      assert.equal(s.info, 2);
    });

    it('bucket facts unknown for a cross-account bucket say so', () => {
      const f = evaluateRule('CloudTrail.6', good({ bucket: { publiclyAccessible: unknown('bucket is in account 444455556666'), accessLogging: unknown('bucket is in account 444455556666') } }), live);
      assert.equal(f.status, 'unknown');
      assert.equal(f.reason, 'Whether the log bucket logs-bucket is public is not known: bucket is in account 444455556666.');
    });

    it('CloudTrail.9 honours requiredTagKeys and ignores aws: system tags', () => {
      const s = good({ tags: known({ owner: 'a', 'aws:createdBy': 'b' }) });
      assert.equal(evaluateRule('CloudTrail.9', s, live).status, 'pass');
      const missing = evaluateRule('CloudTrail.9', s, { ...live, requiredTagKeys: ['owner', 'cost-center'] });
      assert.equal(missing.status, 'fail');
      assert.equal(missing.reason, 'The trail lacks the required tag key cost-center.');
      assert.match(missing.fix, /Key=owner,Value=<value> Key=cost-center,Value=<value>/);
    });

    it('CTL.S3Delivery and CTL.Logging name the times from GetTrailStatus', () => {
      const s = snapshotFromApi({ Name: 'x' }, readJson('aws-cli', 'get-trail-status__01__gettrailstatus-response.json') as object);
      assert.equal(evaluateRule('CTL.S3Delivery', s, live).reason, 'CloudTrail reports no delivery errors; last delivery 2016-01-28T23:02:24Z.');
      assert.equal(evaluateRule('CTL.Logging', s, live).reason, 'The trail is logging since 2015-11-06T18:36:38Z.');
    });

    it('quotes unusual trail names in CLI fixes', () => {
      const f = evaluateRule('CloudTrail.4', good({ name: "it's odd", homeRegion: 'us-east-1' }), live);
      assert.match(f.fix, /--name 'it'\\''s odd'/);
    });
  });

  describe('IaC context', () => {
    it('runs only the IaC rules, in display order', () => {
      assert.deepEqual(evaluateTrail(cfn(), { context: 'iac' }).map((f) => f.ruleId), ['CTL.Logging', 'CloudTrail.1', 'CloudTrail.4', 'CloudTrail.2', 'CloudTrail.5', 'CTL.GlobalServiceEvents']);
    });

    it('fails the AWS defaults of a bare CloudFormation trail, quoting where the value came from', () => {
      const f = byId(evaluateTrail(cfn(), { context: 'iac' }));
      assert.equal(f.get('CloudTrail.1')!.status, 'fail');
      assert.match(f.get('CloudTrail.1')!.reason, /\(IsMultiRegionTrail absent: AWS default\)/);
      assert.equal(f.get('CloudTrail.4')!.reason, 'Log file validation is disabled (EnableLogFileValidation absent: AWS default): changed or deleted log files cannot be detected.');
      assert.equal(f.get('CloudTrail.4')!.fix, 'Enable log file validation so CloudTrail writes signed digest files. Set `EnableLogFileValidation: true` on the AWS::CloudTrail::Trail resource.');
      assert.equal(f.get('CTL.Logging')!.status, 'pass');
      assert.equal(f.get('CTL.GlobalServiceEvents')!.status, 'pass');
      assert.equal(f.get('CloudTrail.5')!.status, 'fail');
      assert.equal(f.get('CloudTrail.2')!.status, 'fail');
    });

    it('passes with values from parameter defaults and explains them', () => {
      const f = evaluateRule('CloudTrail.4', cfn({ logFileValidation: known(true, "from parameter EnableValidation's Default") }), { context: 'iac' });
      assert.equal(f.status, 'pass');
      assert.equal(f.reason, "Log file validation is enabled (from parameter EnableValidation's Default).");
    });

    it('reports unknown with the reader\'s reason for deploy-time values', () => {
      const snapshot = cfn({
        isMultiRegion: unknown('decided by parameter MultiRegion'),
        logFileValidation: unknown('condition IsProd'),
        kmsKeyId: unknown('expression'),
        cloudWatchLogsLogGroupArn: unknown('decided by variable log_group_arn'),
        isLogging: unknown('decided by parameter Enabled'),
        includeGlobalServiceEvents: unknown('condition IsProd'),
      });
      const f = evaluateTrail(snapshot, { context: 'iac' });
      for (const x of f) assert.equal(x.status, 'unknown', x.ruleId);
      assert.equal(byId(f).get('CloudTrail.4')!.reason, 'Log file validation is not known: condition IsProd.');
      assert.equal(byId(f).get('CloudTrail.1')!.reason, 'Whether the trail is multi-Region is not known: decided by parameter MultiRegion.');
      assert.deepEqual(summarize(f), { passed: 0, failed: 0, unknown: 6, info: 0, total: 6 });
    });

    it('CloudTrail.1 also needs read and write management events when the template sets selectors', () => {
      const readOnly = cfn({
        isMultiRegion: known(true),
        eventSelectors: known({ kind: 'basic', selectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] }),
      });
      const f = evaluateRule('CloudTrail.1', readOnly, { context: 'iac' });
      assert.equal(f.status, 'fail');
      assert.match(f.reason, /records read-only management events/);
      assert.match(f.fix, /EventSelectors/);
      const unknownSelectors = evaluateRule('CloudTrail.1', cfn({ isMultiRegion: known(true), eventSelectors: unknown('expression') }), { context: 'iac' });
      assert.equal(unknownSelectors.status, 'unknown');
      assert.equal(unknownSelectors.reason, 'The trail is multi-Region, but what its event selectors record is not known: expression.');
    });

    it('names the property per format', () => {
      assert.match(evaluateRule('CloudTrail.4', cfn({ origin: 'terraform', name: 'aws_cloudtrail.main' }), { context: 'iac' }).fix, /Set `enable_log_file_validation = true` in the aws_cloudtrail resource\./);
      assert.match(evaluateRule('CloudTrail.4', cfn({ origin: 'cdk', name: 'Trail' }), { context: 'iac' }).fix, /Set `enableFileValidation: true` in the Trail props\./);
      assert.match(evaluateRule('CTL.Logging', cfn({ origin: 'cdk', isLogging: known(false) }), { context: 'iac' }).reason, /defined with logging off/);
    });

    it('throws for account-only rules asked at trail level', () => {
      assert.throws(() => evaluateRule('CloudTrail.3', cfn(), { context: 'iac' }), /not a trail-level rule/);
    });
  });

  describe('account', () => {
    it('fails CloudTrail.1 and CloudTrail.3 for an account without trails', () => {
      const a = evaluateAccount([], { enabledRegions: ['us-east-1', 'eu-west-1'] });
      const f = byId(a.findings);
      assert.equal(f.get('CloudTrail.1')!.reason, 'The account has no trails.');
      assert.equal(f.get('CloudTrail.3')!.status, 'fail');
      assert.deepEqual(a.uncoveredRegions, ['us-east-1', 'eu-west-1']);
      for (const x of a.findings) {
        assert.equal(x.trailName, undefined);
        assert.match(x.fix, /aws cloudtrail/);
      }
    });

    it('names what the closest multi-Region trails lack', () => {
      const a = evaluateAccount([good({ isLogging: known(false) }), good({ name: 'ro', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/ro', eventSelectors: known({ kind: 'basic', selectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] }) })]);
      const f = byId(a.findings).get('CloudTrail.1')!;
      assert.equal(f.status, 'fail');
      assert.equal(f.reason, 'No multi-Region trail both logs and records all read and write management events: main is not logging; ro records read-only management events.');
      assert.equal(byId(a.findings).get('CloudTrail.3')!.status, 'pass');
    });

    it('region coverage: single-Region trails cover their home, unknown logging leaves regions undetermined', () => {
      const single = (name: string, region: string, logging: boolean | undefined): TrailSnapshot =>
        good({ name, arn: `arn:aws:cloudtrail:${region}:111122223333:trail/${name}`, homeRegion: region, isMultiRegion: known(false), isLogging: logging === undefined ? unknown('trail status was not read') : known(logging) });
      const trails = [single('a', 'us-east-1', true), single('b', 'eu-west-1', undefined), single('c', 'ap-south-2', false)];
      assert.deepEqual(regionCoverage(trails, ['us-east-1', 'eu-west-1', 'ap-south-2', 'sa-east-1']), { uncovered: ['ap-south-2', 'sa-east-1'], undetermined: ['eu-west-1'] });
      const a = evaluateAccount(trails, { enabledRegions: ['us-east-1', 'eu-west-1'] });
      assert.deepEqual(a.uncoveredRegions, []);
      assert.deepEqual(a.undeterminedRegions, ['eu-west-1']);
      assert.equal(byId(a.findings).get('CTL.RegionCoverage')!.status, 'unknown');
    });

    it('a logging multi-Region trail of unknown selectors makes CloudTrail.1 unknown, not failed', () => {
      const a = evaluateAccount([good({ eventSelectors: unknown('event selectors were not read') })]);
      assert.equal(byId(a.findings).get('CloudTrail.1')!.status, 'unknown');
    });

    it('counts a multi-Region trail once however many regions returned it', () => {
      const t = good();
      const shadow = good({ status: undefined, isLogging: unknown('trail status was not read') });
      const a = evaluateAccount([shadow, t, shadow, shadow]);
      assert.equal(a.trails.length, 1);
      assert.deepEqual(a.trails[0].isLogging, known(true));
      assert.equal(byId(a.findings).get('CloudTrail.3')!.reason, '1 trail is logging (main).');
    });
  });
});

describe('core/posture IaC definitions', () => {
  it('fills absent properties with each format\'s AWS defaults, noted', () => {
    const cf = snapshotFromDefinition('cloudformation', 'Trail', { isLogging: known(true) });
    assert.deepEqual(cf.isMultiRegion, known(false, 'IsMultiRegionTrail not set: AWS default'));
    assert.deepEqual(cf.logFileValidation, known(false, 'EnableLogFileValidation not set: AWS default'));
    assert.deepEqual(cf.includeGlobalServiceEvents, known(true, 'IncludeGlobalServiceEvents not set: AWS default'));
    assert.equal(snapshotFromDefinition('cloudformation', 'Trail').isLogging.known, false);
    const tf = snapshotFromDefinition('terraform', 'aws_cloudtrail.main');
    assert.deepEqual(tf.isLogging, known(true, 'enable_logging not set: AWS default'));
    assert.deepEqual(tf.isMultiRegion, known(false, 'is_multi_region_trail not set: AWS default'));
    const cdk = snapshotFromDefinition('cdk', 'Trail');
    assert.deepEqual(cdk.isMultiRegion, known(true, 'isMultiRegionTrail not set: AWS default'));
    assert.deepEqual(cdk.logFileValidation, known(true, 'enableFileValidation not set: AWS default'));
    assert.equal(cdk.status, undefined);
    assert.equal(cdk.bucket, undefined);
  });

  it('keeps what the reader found, including unknowns, and the IaC rules read it', () => {
    const s = snapshotFromDefinition('terraform', 'module.audit.aws_cloudtrail.this', {
      isMultiRegion: unknown('decided by variable multi_region'),
      logFileValidation: known(true, 'from variable enable_validation\'s default'),
      kmsKeyId: undefined,
    });
    assert.equal(s.name, 'module.audit.aws_cloudtrail.this');
    assert.deepEqual(s.kmsKeyId, known(null));
    const f = byId(evaluateTrail(s, { context: 'iac' }));
    assert.equal(f.get('CloudTrail.1')!.status, 'unknown');
    assert.equal(f.get('CloudTrail.4')!.reason, "Log file validation is enabled (from variable enable_validation's default).");
    assert.equal(f.get('CTL.Logging')!.reason, 'The trail is logging (enable_logging not set: AWS default).');
    // A bare CDK Trail passes everything but KMS and CloudWatch Logs.
    const cdk = byId(evaluateTrail(snapshotFromDefinition('cdk', 'Trail'), { context: 'iac' }));
    assert.deepEqual([...cdk.values()].filter((x) => x.status !== 'pass').map((x) => x.ruleId), ['CloudTrail.2', 'CloudTrail.5']);
  });
});
