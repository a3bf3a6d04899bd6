import { strict as assert } from 'node:assert';
import { dataEventTypes, eventSelectorsFromApi, managementCoverage, type ApiEventSelectors } from '../../src/core/posture';
import { files, placeboSelectors, readJson } from './posture-support';

interface Expect {
  read: boolean;
  write: boolean;
  complete: boolean;
  excluded?: string[];
  data?: string[];
}

const ALL: Expect = { read: true, write: true, complete: true };
const NONE: Expect = { read: false, write: false, complete: false };
const EXCL = (source: string): Expect => ({ read: true, write: true, complete: false, excluded: [source] });
const EVERY_DATA_TYPE = [
  'AWS::CloudTrail::Channel',
  'AWS::Cognito::IdentityPool',
  'AWS::DynamoDB::Stream',
  'AWS::DynamoDB::Table',
  'AWS::EC2::Snapshot',
  'AWS::FinSpace::Environment',
  'AWS::Glue::Table',
  'AWS::KendraRanking::ExecutionPlan',
  'AWS::Lambda::Function',
  'AWS::ManagedBlockchain::Node',
  'AWS::S3::AccessPoint',
  'AWS::S3::Object',
  'AWS::S3ObjectLambda::AccessPoint',
  'AWS::S3Outposts::Object',
  'AWS::SageMaker::ExperimentTrialComponent',
  'AWS::SageMaker::FeatureGroup',
];

// Every GetEventSelectors / PutEventSelectors example of the AWS CLI and the CloudTrail User Guide.
const EXAMPLES: Record<string, Expect> = {
  'aws-cli/get-event-selectors__01__eventselectors.json': ALL,
  'aws-cli/put-event-selectors__01__eventselectors.json': { ...ALL, data: ['AWS::Lambda::Function', 'AWS::S3::Object', 'AWS::SNS::Topic'] },
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__04__eventselectors.json': ALL,
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__05__eventselectors.json': { ...ALL, data: ['AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::S3::Object'] },
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__06__eventselectors.json': EXCL('kms.amazonaws.com'),
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__07__eventselectors.json': { read: false, write: true, complete: false },
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__08__eventselectors.json': EXCL('rdsdata.amazonaws.com'),
  // An empty advanced selector list records nothing at all.
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__09__eventselectors.json': NONE,
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__10__eventselectors.json': { ...ALL, data: EVERY_DATA_TYPE },
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__11__eventselectors.json': { ...NONE, data: ['AWS::S3Outposts::Object'] },
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__12__eventselectors.json': EXCL('kms.amazonaws.com'),
  'awsdocs-user-guide/cloudtrail-additional-cli-commands__13__eventselectors.json': EXCL('rdsdata.amazonaws.com'),
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__01__eventselectors.json': ALL,
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__02__eventselectors.json': NONE,
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__03__eventselectors.json': { ...ALL, data: ['AWS::S3::Object'] },
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__04__eventselectors.json': { ...NONE, data: ['AWS::S3::Object'] },
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__05__eventselectors.json': { ...NONE, data: ['AWS::S3Outposts::Object'] },
  'awsdocs-user-guide/logging-data-events-with-cloudtrail__06__eventselectors.json': { ...NONE, data: EVERY_DATA_TYPE },
  'awsdocs-user-guide/logging-management-events-with-cloudtrail__01__eventselectors.json': ALL,
  'awsdocs-user-guide/logging-management-events-with-cloudtrail__02__eventselectors.json': EXCL('kms.amazonaws.com'),
  'awsdocs-user-guide/logging-management-events-with-cloudtrail__03__eventselectors.json': EXCL('rdsdata.amazonaws.com'),
};

function check(label: string, response: ApiEventSelectors, e: Expect): void {
  const config = eventSelectorsFromApi(response);
  const cov = managementCoverage(config);
  assert.equal(cov.read, e.read, `${label}: read`);
  assert.equal(cov.write, e.write, `${label}: write`);
  assert.equal(cov.complete, e.complete, `${label}: complete`);
  assert.deepEqual(cov.excludedSources, e.excluded ?? [], `${label}: excluded sources`);
  assert.deepEqual(dataEventTypes(config), e.data ?? [], `${label}: data event types`);
}

describe('core/posture selectors', () => {
  it('covers every trail event-selector example we hold', () => {
    const held = [...files('aws-cli'), ...files('awsdocs-user-guide').map((f) => f)]
      .filter((f) => f.includes('eventselectors'))
      .map((f) => (f.startsWith('cloudtrail-') || f.startsWith('logging-') ? `awsdocs-user-guide/${f}` : `aws-cli/${f}`));
    assert.deepEqual(held.sort(), Object.keys(EXAMPLES).sort());
  });

  for (const [file, e] of Object.entries(EXAMPLES)) {
    it(`reads ${file}`, () => {
      const [dir, name] = file.split('/');
      check(file, readJson(dir, name) as ApiEventSelectors, e);
    });
  }

  it('read-only basic selectors are not complete (custodian fail_include_management_events)', () => {
    check('ReadOnly', placeboSelectors('test_cloudtrail_fail_include_management_events'), { read: true, write: false, complete: false, data: ['AWS::S3::Object'] });
  });

  it('advanced readOnly=false with excluded sources is write-only (custodian fail_management_advanced)', () => {
    check('advanced write-only', placeboSelectors('test_cloudtrail_fail_management_advanced_events_included'), { read: false, write: true, complete: false, excluded: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] });
  });

  it('advanced eventSource NotEquals is an excluded source (custodian success_management_advanced)', () => {
    check('advanced excl rdsdata', placeboSelectors('test_cloudtrail_success_management_advanced_events_included'), EXCL('rdsdata.amazonaws.com'));
  });

  it('data-only selectors record no management events (custodian s3_data_events)', () => {
    check('data only', placeboSelectors('test_s3_data_events', 'GetEventSelectors_2'), { ...NONE, data: ['AWS::S3::Object'] });
  });

  it('an unrecognised ReadWriteType records nothing (panther "Read")', () => {
    check('Read', { EventSelectors: [{ ReadWriteType: 'Read', IncludeManagementEvents: true, DataResources: null }] }, NONE);
  });

  it('a ReadOnly and a WriteOnly selector together record read and write', () => {
    check('union', { EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }, { ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }, ALL);
    const mgmt = (ro: string): object => ({ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: [ro] }] });
    check('advanced union', { AdvancedEventSelectors: [mgmt('true'), mgmt('false')] }, ALL);
    check('advanced read only', { AdvancedEventSelectors: [mgmt('true')] }, { read: true, write: false, complete: false });
  });

  it('an advanced management selector limited to some sources is not complete', () => {
    const cov = managementCoverage(
      eventSelectorsFromApi({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', Equals: ['iam.amazonaws.com'] }] }] }),
    );
    assert.equal(cov.complete, false);
    assert.equal(cov.restrictedToSources, true);
    assert.equal(cov.description, 'read and write management events (only some event sources)');
  });

  it('management events switched off in a basic selector record nothing', () => {
    check('off', placeboSelectors('test_account_data_events', 'GetEventSelectors_2'), { ...NONE, data: ['AWS::S3::Object'] });
  });
});
