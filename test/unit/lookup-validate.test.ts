/** Input validation of the palette lookups: clear messages before any request, normalised values. */
import { strict as assert } from 'node:assert';
import { validateAccessKeyId, validateEventId, validateEventName, validateResourceName, validateUsername, type Validation } from '../../src/core/lookup/validate';

function ok(result: Validation): string {
  assert.ok(result.ok, `expected valid, got: ${result.ok ? '' : result.message}`);
  return result.value;
}

function message(result: Validation): string {
  assert.ok(!result.ok, `expected a message, got the value ${result.ok ? result.value : ''}`);
  return result.message;
}

describe('lookup: validators', () => {
  describe('access key id', () => {
    it('accepts AKIA/ASIA + 16 upper-case letters and digits (IAM documentation examples)', () => {
      assert.equal(ok(validateAccessKeyId('AKIAIOSFODNN7EXAMPLE')), 'AKIAIOSFODNN7EXAMPLE');
      assert.equal(ok(validateAccessKeyId('  ASIAIOSFODNN7EXAMPLE ')), 'ASIAIOSFODNN7EXAMPLE');
      assert.equal(ok(validateAccessKeyId('AKIADENIEDEXAMPLE001')), 'AKIADENIEDEXAMPLE001');
    });

    it('normalises lower case with a note', () => {
      const result = validateAccessKeyId('akiaiosfodnn7example');
      assert.ok(result.ok);
      assert.equal(result.value, 'AKIAIOSFODNN7EXAMPLE');
      assert.match(result.note ?? '', /upper case/);
    });

    it('says what is wrong', () => {
      assert.match(message(validateAccessKeyId('')), /AKIA/);
      assert.match(message(validateAccessKeyId('ABCDIOSFODNN7EXAMPLE')), /starts with AKIA/);
      assert.match(message(validateAccessKeyId('AIDAJQABLZS4A3QDU576Q')), /not an access key id/);
      assert.match(message(validateAccessKeyId('AKIAIOSFODNN7EXAMPL')), /20 characters; this one has 19/);
      assert.match(message(validateAccessKeyId('AKIAIOSFODNN7EXAMPLE1')), /this one has 21/);
      assert.match(message(validateAccessKeyId('AKIA-OSFODNN7EXAMPLE')), /A–Z and digits/);
    });

    it('warns instead of echoing when a secret access key is pasted', () => {
      assert.match(message(validateAccessKeyId('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')), /SECRET access key/);
    });
  });

  describe('event id', () => {
    it('accepts a UUID in any case, lower-cased', () => {
      assert.equal(ok(validateEventId('cdc73f9d-aea9-11e3-9d5a-835b769c0d9c')), 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c');
      assert.equal(ok(validateEventId(' "CDC73F9D-AEA9-11E3-9D5A-835B769C0D9C" ')), 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c');
    });

    it('says what is wrong', () => {
      assert.match(message(validateEventId('')), /UUID/);
      assert.match(message(validateEventId('cdc73f9daea911e39d5a835b769c0d9c')), /with hyphens/);
      assert.match(message(validateEventId('cdc73f9d-aea9-11e3-9d5a-835b769c0d9')), /this one has 35/);
      assert.match(message(validateEventId('not-an-event-id')), /UUID/);
      assert.match(message(validateEventId('cdc73f9d-aea9-11e3-9d5a-835b769c0d9g')), /UUID/);
    });
  });

  describe('user name', () => {
    it('accepts IAM users, role sessions, root and e-mail style Identity Center users', () => {
      assert.equal(ok(validateUsername('alice')), 'alice');
      assert.equal(ok(validateUsername('root')), 'root');
      assert.equal(ok(validateUsername('jane.doe@example.com')), 'jane.doe@example.com');
      assert.equal(ok(validateUsername('i-0123456789abcdef0')), 'i-0123456789abcdef0');
    });

    it('reads the name out of a user or assumed-role ARN, with a note', () => {
      const user = validateUsername('arn:aws:iam::123456789012:user/division_abc/Jane');
      assert.ok(user.ok);
      assert.equal(user.value, 'Jane');
      assert.match(user.note ?? '', /IAM user name/);
      const session = validateUsername('arn:aws:sts::123456789012:assumed-role/Accounting-Role/Mary');
      assert.ok(session.ok);
      assert.equal(session.value, 'Mary');
      assert.match(session.note ?? '', /role session name/);
    });

    it('says what is wrong', () => {
      assert.match(message(validateUsername('  ')), /user name/);
      assert.match(message(validateUsername('arn:aws:iam::123456789012:role/deploy')), /by name/);
      assert.match(message(validateUsername('two words')), /no spaces/);
      assert.match(message(validateUsername('a\nb')), /control characters/);
      assert.match(message(validateUsername('x'.repeat(129))), /128/);
    });
  });

  describe('event name', () => {
    it('accepts API action names; strips a service prefix; notes a lower-case start', () => {
      assert.equal(ok(validateEventName('StopLogging')), 'StopLogging');
      const prefixed = validateEventName('cloudtrail.amazonaws.com:StopLogging');
      assert.ok(prefixed.ok);
      assert.equal(prefixed.value, 'StopLogging');
      const iam = validateEventName('iam:CreateAccessKey');
      assert.ok(iam.ok);
      assert.equal(iam.value, 'CreateAccessKey');
      const lower = validateEventName('stopLogging');
      assert.ok(lower.ok);
      assert.match(lower.note ?? '', /case-sensitive/);
    });

    it('says what is wrong', () => {
      assert.match(message(validateEventName('')), /event name/);
      assert.match(message(validateEventName('Stop Logging')), /letters and digits/);
      assert.match(message(validateEventName('StopLogging*')), /letters and digits/);
    });
  });

  describe('resource', () => {
    it('accepts names, ids and ARNs; reads s3:// URIs as their bucket', () => {
      assert.equal(ok(validateResourceName('sg-0123456789abcdef0')), 'sg-0123456789abcdef0');
      assert.equal(ok(validateResourceName('arn:aws:iam::123456789012:role/deploy')), 'arn:aws:iam::123456789012:role/deploy');
      assert.equal(ok(validateResourceName('s3://amzn-s3-demo-bucket/photos/x.jpg')), 'amzn-s3-demo-bucket');
    });

    it('says what is wrong', () => {
      assert.match(message(validateResourceName('')), /resource name/);
      assert.match(message(validateResourceName('arn:aws:')), /incomplete/);
      assert.match(message(validateResourceName('arn:aws:iam::123456789012')), /incomplete/);
      assert.match(message(validateResourceName('s3://Bad_Bucket')), /not a valid S3 bucket name/);
      assert.match(message(validateResourceName('a\u0000b')), /control characters/);
      assert.match(message(validateResourceName('x'.repeat(2001))), /2000/);
    });
  });
});
