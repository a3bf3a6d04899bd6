import { strict as assert } from 'node:assert';
import { redact } from '../../src/core/redact';

describe('core/redact', () => {
  it('removes secret keys, session tokens and signatures', () => {
    const text = 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and {"SessionToken":"IQoJb3JpZ2luX2VjEXAMPLE"} Signature=abc123';
    const out = redact(text);
    assert.ok(!out.includes('wJalrXUtnFEMI'), out);
    assert.ok(!out.includes('IQoJb3JpZ2lu'), out);
    assert.ok(!out.includes('abc123'), out);
  });

  it('shortens access key ids but keeps them recognisable', () => {
    assert.equal(redact('key AKIAIOSFODNN7EXAMPLE used'), 'key AKIA…MPLE used');
  });

  it('removes Authorization headers whole', () => {
    const out = redact('Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/cloudtrail/aws4_request, Signature=deadbeef');
    assert.ok(!out.includes('deadbeef') && !out.includes('AKIAIOSFODNN7EXAMPLE'), out);
  });

  it('leaves ordinary text alone', () => {
    assert.equal(redact('DescribeTrails in us-east-1 took 120 ms'), 'DescribeTrails in us-east-1 took 120 ms');
  });
});
