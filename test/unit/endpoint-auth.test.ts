import * as assert from 'node:assert/strict';
import { amzDateToMs, parseAuthorization } from '../support/endpoint/auth';

const DATE = '20261127T120000Z';
const NOW = amzDateToMs(DATE);
const header = (credential: string): string => `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123abcd`;

describe('endpoint SigV4 header', () => {
  it('reads key, date, region and service from the credential scope', () => {
    const result = parseAuthorization({ authorization: header('AKIAIOSFODNN7EXAMPLE/20261127/eu-west-1/cloudtrail/aws4_request'), amzDate: DATE }, NOW);
    assert.ok(result.ok);
    assert.deepEqual(result.scope, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', date: '20261127', region: 'eu-west-1', service: 'cloudtrail' });
    assert.deepEqual(result.signedHeaders, ['host', 'x-amz-date', 'x-amz-target']);
  });

  it('answers MissingAuthenticationTokenException without a header', () => {
    const result = parseAuthorization({ amzDate: DATE }, NOW);
    assert.ok(!result.ok);
    assert.equal(result.code, 'MissingAuthenticationTokenException');
  });

  it('answers IncompleteSignatureException for a garbled header', () => {
    for (const authorization of ['Bearer abc', 'AWS4-HMAC-SHA256 Signature=abc', header('AKID/20261127/us-east-1/cloudtrail'), header('AKID/20261127/us-east-1/cloudtrail/aws5_request'), header('AKID/20261127/nowhere/cloudtrail/aws4_request')]) {
      const result = parseAuthorization({ authorization, amzDate: DATE }, NOW);
      assert.ok(!result.ok, authorization);
      assert.equal(result.code, 'IncompleteSignatureException', authorization);
    }
    const noDate = parseAuthorization({ authorization: header('AKID/20261127/us-east-1/cloudtrail/aws4_request') }, NOW);
    assert.ok(!noDate.ok && /X-Amz-Date/.test(noDate.message));
  });

  it('answers InvalidSignatureException for a mismatched or stale date', () => {
    const mismatch = parseAuthorization({ authorization: header('AKID/20261126/us-east-1/cloudtrail/aws4_request'), amzDate: DATE }, NOW);
    assert.ok(!mismatch.ok && mismatch.code === 'InvalidSignatureException');
    const stale = parseAuthorization({ authorization: header('AKID/20261127/us-east-1/cloudtrail/aws4_request'), amzDate: DATE }, NOW + 6 * 60_000);
    assert.ok(!stale.ok && stale.code === 'InvalidSignatureException' && /Signature expired/.test(stale.message));
    const noClock = parseAuthorization({ authorization: header('AKID/20261127/us-east-1/cloudtrail/aws4_request'), amzDate: DATE });
    assert.ok(noClock.ok);
  });
});
