import * as assert from 'node:assert/strict';
import { ApiError } from '../support/endpoint/errors';
import { type CallContext, type TrailState, TrailStore } from '../support/endpoint/trails';

const A = '111122223333';
const ORG = '210987654321';

function trail(name: string, homeRegion: string, overrides: Partial<TrailState> = {}): TrailState {
  return {
    ownerAccountId: A,
    name,
    homeRegion,
    s3BucketName: 'logs',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: false,
    isOrganizationTrail: false,
    logFileValidationEnabled: false,
    hasCustomEventSelectors: false,
    insightSelectors: [],
    status: { IsLogging: true },
    tags: [],
    sharedWith: [],
    ...overrides,
  };
}

const SEED = [
  trail('multi', 'us-east-2', { isMultiRegionTrail: true }),
  trail('single', 'us-east-1'),
  trail('west', 'us-west-2'),
  trail('org', 'us-east-1', { ownerAccountId: ORG, sharedWith: ['444455556666'], isMultiRegionTrail: true, isOrganizationTrail: true }),
];
const at = (region: string, accountId = A): CallContext => ({ accountId, region, nowSec: 1_800_000_000 });
const names = (output: { trailList?: unknown }): string[] => (output.trailList as Array<{ Name: string }>).map((t) => t.Name);

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof ApiError && error.code === code);
}

describe('endpoint trails', () => {
  it('shows multi-region trails as shadow trails unless includeShadowTrails is false', () => {
    const store = new TrailStore(SEED);
    assert.deepEqual(names(store.describeTrails(at('us-east-1'), undefined, true)), ['multi', 'single']);
    assert.deepEqual(names(store.describeTrails(at('us-east-1'), undefined, false)), ['single']);
    assert.deepEqual(names(store.describeTrails(at('us-east-2'), undefined, false)), ['multi']);
    assert.deepEqual(names(store.describeTrails(at('eu-west-1', '444455556666'), undefined, true)), ['org']);
    assert.deepEqual(names(store.describeTrails(at('eu-west-1', '444455556666'), undefined, false)), []);
  });

  it('resolves names in the caller region only and ARNs anywhere', () => {
    const store = new TrailStore(SEED);
    const arn = `arn:aws:cloudtrail:us-east-2:${A}:trail/multi`;
    assert.deepEqual(names(store.describeTrails(at('us-east-1'), ['multi', 'single', 'nope'], true)), ['single']);
    assert.deepEqual(names(store.describeTrails(at('us-east-1'), [arn], true)), ['multi']);
    assert.equal(store.getTrailStatus(at('us-east-1'), { Name: arn }).IsLogging, true);
    expectCode(() => store.getTrailStatus(at('us-east-1'), { Name: 'multi' }), 'TrailNotFoundException');
    expectCode(() => store.getTrailStatus(at('us-east-1'), { Name: 'x' }), 'InvalidTrailNameException');
    expectCode(() => store.getTrailStatus(at('us-east-1'), { Name: 'arn:aws:cloudtrail:bad' }), 'CloudTrailARNInvalidException');
  });

  it('writes only from the home region and the owning account', () => {
    const store = new TrailStore(SEED);
    expectCode(() => store.stopLogging(at('us-east-1'), { Name: `arn:aws:cloudtrail:us-east-2:${A}:trail/multi` }), 'InvalidHomeRegionException');
    expectCode(() => store.updateTrail(at('us-east-1'), { Name: 'multi', EnableLogFileValidation: true }), 'InvalidHomeRegionException');
    expectCode(() => store.deleteTrail(at('us-east-1', '444455556666'), { Name: `arn:aws:cloudtrail:us-east-1:${ORG}:trail/org` }), 'NotOrganizationMasterAccountException');
    store.stopLogging(at('us-east-2'), { Name: 'multi' });
    assert.equal(store.getTrailStatus(at('us-east-2'), { Name: 'multi' }).IsLogging, false);
    assert.equal(store.getTrailStatus(at('us-east-2'), { Name: 'multi' }).TimeLoggingStopped, '2027-01-15T08:00:00Z');
  });

  it('creates, updates and deletes with the real rules', () => {
    const store = new TrailStore(SEED);
    const created = store.createTrail(at('eu-west-1'), { Name: 'new-trail', S3BucketName: 'my-bucket', KmsKeyId: 'alias/ct', SnsTopicName: 'topic' });
    assert.equal(created.TrailARN, `arn:aws:cloudtrail:eu-west-1:${A}:trail/new-trail`);
    assert.equal(created.KmsKeyId, `arn:aws:kms:eu-west-1:${A}:alias/ct`);
    assert.equal(created.SnsTopicARN, `arn:aws:sns:eu-west-1:${A}:topic`);
    assert.equal(store.getTrailStatus(at('eu-west-1'), { Name: 'new-trail' }).IsLogging, false);
    expectCode(() => store.createTrail(at('eu-west-1'), { Name: 'new-trail', S3BucketName: 'my-bucket' }), 'TrailAlreadyExistsException');
    expectCode(() => store.createTrail(at('eu-west-1'), { Name: 'a--b', S3BucketName: 'my-bucket' }), 'InvalidTrailNameException');
    expectCode(() => store.createTrail(at('eu-west-1'), { Name: 'other', S3BucketName: 'Bad_Bucket' }), 'InvalidS3BucketNameException');
    expectCode(() => store.createTrail(at('eu-west-1'), { Name: 'other', S3BucketName: 'missing-bucket' }), 'S3BucketDoesNotExistException');
    const updated = store.updateTrail(at('eu-west-1'), { Name: 'new-trail', EnableLogFileValidation: true, KmsKeyId: '' });
    assert.equal(updated.LogFileValidationEnabled, true);
    assert.equal(updated.KmsKeyId, undefined);
    store.deleteTrail(at('eu-west-1'), { Name: 'new-trail' });
    expectCode(() => store.getTrail(at('eu-west-1'), { Name: 'new-trail' }), 'TrailNotFoundException');
  });

  it('stops at five trails per region, counting multi-region trails everywhere', () => {
    const store = new TrailStore(SEED);
    for (const name of ['trail-1', 'trail-2', 'trail-3']) store.createTrail(at('us-east-1'), { Name: name, S3BucketName: 'my-bucket' });
    expectCode(() => store.createTrail(at('us-east-1'), { Name: 'trail-4', S3BucketName: 'my-bucket' }), 'MaximumNumberOfTrailsExceededException');
  });

  it('reads and writes event selectors', () => {
    const store = new TrailStore(SEED);
    assert.deepEqual(store.getEventSelectors(at('us-east-1'), { TrailName: 'single' }).EventSelectors, [
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    const advanced = [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }];
    store.putEventSelectors(at('us-east-1'), { TrailName: 'single', AdvancedEventSelectors: advanced });
    assert.deepEqual(store.getEventSelectors(at('us-east-1'), { TrailName: 'single' }), { TrailARN: `arn:aws:cloudtrail:us-east-1:${A}:trail/single`, AdvancedEventSelectors: advanced });
    expectCode(() => store.putEventSelectors(at('us-east-1'), { TrailName: 'single', EventSelectors: [], AdvancedEventSelectors: advanced }), 'InvalidParameterCombinationException');
    expectCode(() => store.getInsightSelectors(at('us-east-1'), { TrailName: 'single' }), 'InsightNotEnabledException');
  });
});
