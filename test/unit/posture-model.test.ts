import { strict as assert } from 'node:assert';
import {
  DEFAULT_EVENT_SELECTORS,
  dedupeTrails,
  isShadowTrail,
  known,
  parseTimestamp,
  parseTrailArn,
  snapshotFromApi,
  trailKey,
  unknown,
  valueOr,
  type ApiTrail,
  type ApiTrailStatus,
  type TrailSnapshot,
} from '../../src/core/posture';
import { placeboSelectorsByArn, placeboStatus, placeboTrails, readJson } from './posture-support';

describe('core/posture model and API builder', () => {
  describe('Known values', () => {
    it('carries a value with an optional note, or a reason', () => {
      assert.deepEqual(known(true), { known: true, value: true });
      assert.deepEqual(known(true, "from parameter EnableValidation's Default"), { known: true, value: true, note: "from parameter EnableValidation's Default" });
      assert.deepEqual(unknown('decided by parameter EnableValidation'), { known: false, reason: 'decided by parameter EnableValidation' });
      assert.equal(valueOr(known(false), 'x'), false);
      assert.equal(valueOr(unknown<boolean>('condition IsProd'), 'x'), 'x');
    });
  });

  describe('timestamps', () => {
    it('reads Date, epoch seconds (wire), epoch text and ISO text (CLI)', () => {
      const expected = Date.UTC(2016, 0, 28, 23, 2, 24, 869);
      assert.equal(parseTimestamp(1454022144.869)?.getTime(), expected);
      assert.equal(parseTimestamp('1454022144.869')?.getTime(), expected);
      assert.equal(parseTimestamp('2016-01-28T23:02:24.869Z')?.getTime(), expected);
      assert.equal(parseTimestamp(new Date(expected))?.getTime(), expected);
    });
    it('treats empty and unparsable values as absent', () => {
      assert.equal(parseTimestamp(''), undefined);
      assert.equal(parseTimestamp(null), undefined);
      assert.equal(parseTimestamp('not a date'), undefined);
    });
  });

  it('parses trail ARNs', () => {
    assert.deepEqual(parseTrailArn('arn:aws:cloudtrail:us-east-2:123456789012:trail/my-trail'), { region: 'us-east-2', accountId: '123456789012', name: 'my-trail' });
    assert.deepEqual(parseTrailArn('not-an-arn'), {});
    assert.deepEqual(parseTrailArn(undefined), {});
  });

  describe('snapshotFromApi', () => {
    it('builds a live snapshot from the AWS CLI describe-trails and get-trail-status examples', () => {
      const { trailList } = readJson('aws-cli', 'describe-trails__01__describetrails-response.json') as { trailList: ApiTrail[] };
      const status = readJson('aws-cli', 'get-trail-status__01__gettrailstatus-response.json') as ApiTrailStatus;
      const sel = readJson('aws-cli', 'get-event-selectors__01__eventselectors.json') as { EventSelectors: [] };
      const [t1, t2] = trailList;
      const s1 = snapshotFromApi(t1, status, sel, undefined, [{ Key: 'owner', Value: 'security' }]);
      assert.equal(s1.origin, 'api');
      assert.equal(s1.name, 'Trail1');
      assert.equal(s1.arn, 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1');
      assert.equal(s1.homeRegion, 'us-east-1');
      assert.equal(s1.accountId, '123456789012');
      assert.deepEqual(s1.isMultiRegion, known(false));
      assert.deepEqual(s1.logFileValidation, known(false));
      assert.deepEqual(s1.kmsKeyId, known(null));
      assert.deepEqual(s1.cloudWatchLogsLogGroupArn, known('arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*'));
      assert.deepEqual(s1.snsTopic, known('my-topic'));
      assert.deepEqual(s1.isLogging, known(true));
      assert.deepEqual(s1.tags, known({ owner: 'security' }));
      assert.equal(s1.status?.latestCloudWatchLogsDeliveryTime?.getTime(), 1454022144918);
      assert.equal(s1.status?.startLoggingTime?.toISOString(), '2015-11-06T18:36:38.695Z');
      assert.deepEqual(s1.eventSelectors, known({ kind: 'basic', selectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] }));
      // Parts not read are unknown, with the reason.
      assert.deepEqual(s1.insightTypes, unknown('Insights selectors were not read'));
      const s2 = snapshotFromApi(t2);
      assert.deepEqual(s2.kmsKeyId, known('arn:aws:kms:us-east-1:123456789012:key/4c5ae5ac-3c13-421e-8335-c7868ef6a769'));
      assert.deepEqual(s2.s3KeyPrefix, known('my-prefix'));
      assert.deepEqual(s2.isLogging, unknown('trail status was not read'));
      assert.deepEqual(s2.tags, unknown('tags were not read'));
      assert.equal(s2.status, undefined);
    });

    it('takes the home region and account from the ARN when DescribeTrails omits them (user guide example)', () => {
      const trail = readJson('awsdocs-user-guide', 'cloudtrail-log-file-encryption-cli__02__trail-response.json') as ApiTrail;
      const s = snapshotFromApi(trail);
      assert.equal(s.homeRegion, 'us-east-2');
      assert.equal(s.accountId, '123456789012');
      // An absent IsMultiRegionTrail means a single-region trail; absent validation means off.
      assert.deepEqual(s.isMultiRegion, known(false));
      assert.deepEqual(s.logFileValidation, known(false));
    });

    it('knows the default selectors and no Insights from HasCustomEventSelectors/HasInsightSelectors false', () => {
      const [, orgTrail] = placeboTrails('test_trail_tag_augment');
      const s = snapshotFromApi(orgTrail);
      assert.ok(s.eventSelectors.known);
      assert.equal(s.eventSelectors.value, DEFAULT_EVENT_SELECTORS);
      assert.deepEqual(s.insightTypes, known([]));
      assert.deepEqual(s.isOrganization, known(true));
    });

    it('reads Insights selectors (user guide example)', () => {
      const on = readJson('awsdocs-user-guide', 'cloudtrail-additional-cli-commands__02__trail-response.json') as { TrailARN: string; InsightSelectors: { InsightType: string }[] };
      const off = readJson('awsdocs-user-guide', 'cloudtrail-additional-cli-commands__03__trail-response.json') as { TrailARN: string; InsightSelectors: [] };
      assert.deepEqual(snapshotFromApi({ TrailARN: on.TrailARN }, undefined, undefined, on).insightTypes, known(['ApiErrorRateInsight', 'ApiCallRateInsight']));
      assert.deepEqual(snapshotFromApi({ TrailARN: off.TrailARN }, undefined, undefined, off).insightTypes, known([]));
      assert.equal(snapshotFromApi({ TrailARN: on.TrailARN }).name, 'TrailName3');
    });

    it('revives placebo datetimes and reads a stopped trail', () => {
      const [trail] = placeboTrails('test_cloudtrail_set_logging');
      const stopped = snapshotFromApi(trail, placeboStatus('test_cloudtrail_set_logging', 'GetTrailStatus_2'));
      assert.deepEqual(stopped.isLogging, known(false));
      assert.equal(stopped.status?.stopLoggingTime?.toISOString(), '2019-01-22T21:06:56.616Z');
    });

    it('tolerates null members as recorded by other tools (panther)', () => {
      const s = snapshotFromApi({ Name: 'x', LogFileValidationEnabled: null, KmsKeyId: null, CloudWatchLogsLogGroupArn: null }, { IsLogging: null });
      assert.deepEqual(s.logFileValidation, known(false));
      assert.deepEqual(s.kmsKeyId, known(null));
      assert.equal(s.isLogging.known, false);
      const sel = snapshotFromApi({ Name: 'x' }, undefined, { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: null }] }] });
      assert.ok(sel.eventSelectors.known && sel.eventSelectors.value.kind === 'basic');
      assert.deepEqual(sel.eventSelectors.value.selectors[0]?.dataResources, [{ type: 'AWS::S3::Object', values: [] }]);
    });

    it('reads advanced selectors, dropping empty operator lists', () => {
      const sel = readJson('awsdocs-user-guide', 'cloudtrail-additional-cli-commands__12__eventselectors.json') as object;
      const s = snapshotFromApi({ Name: 'x' }, undefined, sel);
      assert.deepEqual(s.eventSelectors, known({
        kind: 'advanced',
        selectors: [{ name: 'Log all management events except KMS events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'eventSource', notEquals: ['kms.amazonaws.com'] }] }],
      }));
    });
  });

  describe('shadow trails', () => {
    const trails = placeboTrails('test_cloudtrail_is_shadow_or_not').map((t) => snapshotFromApi(t));
    const names = (xs: TrailSnapshot[]): string[] => xs.map((t) => t.name).sort();

    it('from us-east-1, only the multi-Region trail homed in us-east-2 is a shadow (custodian test_is_shadow_or_not)', () => {
      assert.deepEqual(names(trails.filter((t) => isShadowTrail(t, 'us-east-1'))), ['MultiRegion2CloudTrail']);
      assert.deepEqual(names(trails.filter((t) => !isShadowTrail(t, 'us-east-1'))), ['MultiRegion1CloudTrail', 'SingleCloudTrail']);
    });

    it('from us-east-2, the us-east-1 multi-Region trail is the shadow (custodian test_is_shadow_multiregion)', () => {
      assert.deepEqual(names(trails.filter((t) => isShadowTrail(t, 'us-east-2'))), ['MultiRegion1CloudTrail']);
    });

    it('an organization trail of another account is a shadow in the member account (custodian test_is_shadow)', () => {
      const [org] = placeboTrails('test_cloudtrail_is_shadow').map((t) => snapshotFromApi(t));
      assert.equal(isShadowTrail(org, 'us-east-1', '111000111222'), true);
      assert.equal(org.arn, 'arn:aws:cloudtrail:us-east-1:644160558196:trail/orgTrail');
      assert.equal(isShadowTrail(org, 'us-east-1', '644160558196'), false);
    });

    it('counts the same ARN once when DescribeTrails is called in every region, keeping the most complete copy', () => {
      const raw = placeboTrails('test_cloudtrail_is_shadow_or_not');
      const selectors = placeboSelectorsByArn('test_cloudtrail_event_selectors');
      const seen: TrailSnapshot[] = [];
      for (const region of ['us-east-1', 'us-east-2', 'eu-west-1']) {
        for (const t of raw) {
          const applies = t.IsMultiRegionTrail === true || t.HomeRegion === region;
          if (!applies) continue;
          // Only the home-region copy gets status and selectors read (as src/aws does).
          const home = t.HomeRegion === region;
          seen.push(snapshotFromApi(t, home ? { IsLogging: true } : undefined, home ? selectors.get(t.TrailARN ?? '') : undefined));
        }
      }
      assert.equal(seen.length, 7);
      const unique = dedupeTrails(seen);
      assert.deepEqual(unique.map((t) => t.name), ['MultiRegion1CloudTrail', 'MultiRegion2CloudTrail', 'SingleCloudTrail']);
      for (const t of unique) assert.deepEqual(t.isLogging, known(true), `${t.name} kept the home copy`);
      assert.equal(new Set(unique.map(trailKey)).size, 3);
    });
  });
});
