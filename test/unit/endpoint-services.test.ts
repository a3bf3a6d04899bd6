import { strict as assert } from 'node:assert';
import { AWS_REGIONS } from '../../src/core/aws/regions';
import { BucketStore, LOG_ARCHIVE_ACCOUNT_ID } from '../support/endpoint/buckets';
import { DEFAULT_ACCOUNT_ID, SECOND_ACCOUNT_ID } from '../support/endpoint/accounts';
import { enabledRegionsOf, regionsOf, scopeService } from '../support/endpoint/services';
import type { TrailState } from '../support/endpoint/trails';

describe('local endpoint: EC2 regions and S3 buckets (test/support/endpoint)', () => {
  it('tells the service from the credential scope', () => {
    assert.equal(scopeService('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250615/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc'), 's3');
    assert.equal(scopeService('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250615/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=abc'), 'ec2');
    assert.equal(scopeService(undefined), undefined);
    assert.equal(scopeService('Bearer x'), undefined);
  });

  it('enables the 17 default regions in every account, plus the opt-in regions an account chose', () => {
    const defaults = AWS_REGIONS.filter((r) => !r.optIn).map((r) => r.id).sort();
    assert.equal(defaults.length, 17);
    assert.deepEqual(enabledRegionsOf(DEFAULT_ACCOUNT_ID).sort(), defaults);
    assert.deepEqual(enabledRegionsOf(SECOND_ACCOUNT_ID).sort(), [...defaults, 'ap-south-2'].sort());
    assert.equal(regionsOf(DEFAULT_ACCOUNT_ID).find((r) => r.name === 'ap-south-2')?.optInStatus, 'not-opted-in');
    assert.equal(regionsOf(SECOND_ACCOUNT_ID).find((r) => r.name === 'ap-south-2')?.optInStatus, 'opted-in');
  });

  it('knows the seeded buckets, deleted ones, and gives a trail\'s new bucket default settings', () => {
    const trails: TrailState[] = [];
    const store = new BucketStore(1_750_000_000, () => trails);
    assert.equal(store.get('nosetest-bucket')?.policyPublic, true);
    assert.equal(store.get('nosetest-bucket')?.publicAccessBlock, null);
    assert.equal(store.get(`aws-controltower-logs-${DEFAULT_ACCOUNT_ID}-us-east-1`)?.ownerAccountId, LOG_ARCHIVE_ACCOUNT_ID);
    assert.equal(store.get('hazmat-audit-logs'), undefined);
    assert.equal(store.get('created-later'), undefined);
    trails.push({ s3BucketName: 'created-later', ownerAccountId: SECOND_ACCOUNT_ID, homeRegion: 'eu-west-1' } as TrailState);
    assert.deepEqual(
      { owner: store.get('created-later')?.ownerAccountId, region: store.get('created-later')?.region, logging: store.get('created-later')?.logging },
      { owner: SECOND_ACCOUNT_ID, region: 'eu-west-1', logging: null },
    );
    assert.ok(store.ownedBy(SECOND_ACCOUNT_ID).some((b) => b.name === 'created-later'));
    assert.ok(!store.ownedBy(DEFAULT_ACCOUNT_ID).some((b) => b.ownerAccountId !== DEFAULT_ACCOUNT_ID));
    assert.equal(store.get('missing-anything'), undefined);
  });
});
