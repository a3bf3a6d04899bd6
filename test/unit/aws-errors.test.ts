import * as assert from 'node:assert/strict';
import { AwsError, backoffDelay, classifyAwsError, errorFacts, isAwsError, missingActionFrom, retryClassOf, toAwsError, type ErrorFacts } from '../../src/core/aws/errors';

function kind(facts: ErrorFacts): string {
  return classifyAwsError(facts).kind;
}

/** Shaped like the SDK's ServiceException: name, message, $metadata.httpStatusCode, $fault. */
function serviceError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'r-1', attempts: 1 } });
}

function systemError(code: string, message = `connect ${code} 127.0.0.1:1`): Error {
  return Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });
}

describe('aws error classification', () => {
  it('knows throttles (CloudTrail sends them as HTTP 400) and never calls them failures', () => {
    const throttle = classifyAwsError({ name: 'ThrottlingException', message: 'Rate exceeded', httpStatus: 400, operation: 'cloudtrail:LookupEvents' });
    assert.equal(throttle.kind, 'throttled');
    assert.equal(throttle.retry, 'throttle');
    for (const name of ['Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']) assert.equal(kind({ name }), 'throttled', name);
    assert.equal(kind({ name: 'Whatever', httpStatus: 429 }), 'throttled');
    assert.equal(kind({ name: 'Error', message: 'Rate exceeded' }), 'throttled');
  });

  it('names the missing action of an access denial, from the message or from the operation', () => {
    const denied = classifyAwsError({
      ...errorFacts(
        serviceError(
          'AccessDeniedException',
          'User: arn:aws:iam::777788889999:user/x is not authorized to perform: cloudtrail:LookupEvents on resource: arn:aws:cloudtrail:us-east-1:777788889999:trail/* because no identity-based policy allows the cloudtrail:LookupEvents action',
        ),
      ),
      operation: 'cloudtrail:LookupEvents',
      profile: 'ctl-denied',
      region: 'us-east-1',
    });
    assert.equal(denied.kind, 'access-denied');
    assert.equal(denied.missingAction, 'cloudtrail:LookupEvents');
    assert.match(denied.message, /cloudtrail:LookupEvents/);
    assert.match(denied.next, /cloudtrail:LookupEvents/);
    assert.equal(denied.retry, 'none');

    const bare = classifyAwsError({ name: 'AccessDenied', message: 'Access Denied', httpStatus: 403, operation: 'cloudtrail:DescribeTrails' });
    assert.equal(bare.missingAction, 'cloudtrail:DescribeTrails');

    const scp = classifyAwsError({ name: 'AccessDeniedException', message: 'User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: cloudtrail:GetTrailStatus with an explicit deny in a service control policy' });
    assert.equal(scp.missingAction, 'cloudtrail:GetTrailStatus');
    assert.match(scp.next, /service control policy/);
    assert.equal(missingActionFrom('no identity-based policy allows the s3:GetBucketPolicy action'), 's3:GetBucketPolicy');
  });

  it('tells an expired SSO session, with the command that fixes it', () => {
    const sso = classifyAwsError({
      name: 'CredentialsProviderError',
      message: 'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      profile: 'sso-dev',
    });
    assert.equal(sso.kind, 'sso-expired');
    assert.equal(sso.command, 'aws sso login --profile sso-dev');
    assert.match(sso.next, /aws sso login --profile sso-dev/);
    assert.equal(kind({ name: 'TokenProviderError', message: 'Token is expired. To refresh this SSO session run \'aws sso login\' with the corresponding profile.' }), 'sso-expired');
    assert.equal(kind({ name: 'UnauthorizedException', message: 'Session token not found or invalid' }), 'sso-expired');
    // Expired credentials of an SSO profile are an SSO matter too.
    assert.equal(classifyAwsError({ name: 'ExpiredTokenException', profile: 'sso-dev', profileKind: 'sso' }).command, 'aws sso login --profile sso-dev');
    // The default profile needs no --profile; odd names are quoted for the shell.
    assert.equal(classifyAwsError({ name: 'TokenProviderError', message: 'Token is expired.', profile: 'default' }).command, 'aws sso login');
    assert.equal(classifyAwsError({ name: 'TokenProviderError', message: 'Token is expired.', profile: 'a b;c' }).command, "aws sso login --profile 'a b;c'");
    const login = classifyAwsError({ name: 'CredentialsProviderError', message: 'Failed to load a token for session x, please re-authenticate using aws login', profile: 'console' });
    assert.equal(login.command, 'aws login --profile console');
  });

  it('tells expired from invalid credentials and from missing ones', () => {
    assert.equal(kind({ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }), 'credentials-expired');
    assert.equal(kind({ name: 'ExpiredToken', httpStatus: 403 }), 'credentials-expired');
    assert.equal(kind({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }), 'invalid-credentials');
    assert.equal(kind({ name: 'InvalidClientTokenId', httpStatus: 403 }), 'invalid-credentials');
    assert.equal(kind({ name: 'SignatureDoesNotMatch', httpStatus: 403 }), 'invalid-credentials');
    assert.equal(kind({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }), 'no-credentials');
    const missing = classifyAwsError({ name: 'CredentialsProviderError', message: 'Profile nope could not be found in shared credentials file.', profile: 'nope' });
    assert.equal(missing.kind, 'no-credentials');
    assert.match(missing.next, /aws configure --profile nope/);
    assert.match(classifyAwsError({ name: 'CredentialsProviderError', message: 'Profile role requires multi-factor authentication, but no MFA code callback was provided.' }).next, /MFA/);
    assert.equal(kind({ name: 'InvalidSignatureException', message: 'Signature expired: 20240101T000000Z is now earlier than 20240101T010000Z' }), 'clock-skew');
  });

  it('tells an unreachable endpoint (refused, DNS, timeouts, TLS) and retries only what may recover', () => {
    const refused = toAwsError(systemError('ECONNREFUSED'), { endpoint: 'http://127.0.0.1:1', operation: 'cloudtrail:LookupEvents' });
    assert.equal(refused.kind, 'unreachable');
    assert.equal(refused.retry, 'transient');
    assert.match(refused.next, /127\.0\.0\.1:1/);
    const dns = toAwsError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND cloudtrail.us-eats-1.amazonaws.com'), { region: 'us-eats-1' });
    assert.equal(dns.kind, 'unreachable');
    assert.equal(dns.retry, 'none');
    assert.match(dns.next, /region name "us-eats-1"/);
    assert.equal(toAwsError(Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })).kind, 'unreachable');
    assert.equal(toAwsError(systemError('ECONNRESET', 'socket hang up')).retry, 'transient');
    assert.equal(toAwsError(systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')).kind, 'unreachable');
    // Node 20 wraps dual-stack connection failures in an AggregateError.
    const aggregate = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:1')], '');
    assert.equal(toAwsError(aggregate).kind, 'unreachable');
  });

  it('tells invalid input with a next step fit for LookupEvents', () => {
    const range = classifyAwsError({ name: 'InvalidTimeRangeException', message: 'Start time must be before end time', httpStatus: 400 });
    assert.equal(range.kind, 'invalid-input');
    assert.match(range.next, /90 days/);
    assert.match(classifyAwsError({ name: 'InvalidLookupAttributesException' }).next, /one lookup attribute/);
    assert.match(classifyAwsError({ name: 'InvalidNextTokenException' }).next, /identical parameters/);
    assert.equal(kind({ name: 'ValidationException' }), 'invalid-input');
    assert.equal(kind({ name: 'InvalidEventCategoryException' }), 'invalid-input');
    assert.equal(kind({ name: 'TrailNotFoundException', message: 'Unknown trail' }), 'not-found');
  });

  it('retries server errors a few times, then calls them service failures', () => {
    const failure = classifyAwsError({ name: 'InternalFailure', httpStatus: 500 });
    assert.equal(failure.kind, 'service');
    assert.equal(failure.retry, 'transient');
    assert.equal(retryClassOf({ name: 'ServiceUnavailable', httpStatus: 503 }), 'transient');
    assert.equal(retryClassOf({ name: 'AccessDeniedException', httpStatus: 400 }), 'none');
    assert.equal(retryClassOf({ name: 'InvalidTimeRangeException', httpStatus: 400 }), 'none');
  });

  it('treats cancellation as its own quiet kind', () => {
    const abort = toAwsError(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
    assert.equal(abort.kind, 'cancelled');
    assert.equal(abort.retry, 'none');
  });

  it('reads facts from SDK-shaped errors, strings and odd values', () => {
    assert.deepEqual(errorFacts(serviceError('ThrottlingException', 'Rate exceeded', 400)), { name: 'ThrottlingException', code: undefined, message: 'Rate exceeded', httpStatus: 400 });
    assert.deepEqual(errorFacts('boom'), { message: 'boom' });
    assert.equal(errorFacts(undefined).message, 'undefined');
    assert.equal(errorFacts({ __type: 'X', Message: 'y' }).name, 'X');
    assert.equal(errorFacts(Object.assign(new Error('outer'), { cause: systemError('ENOTFOUND') })).code, 'ENOTFOUND');
  });

  it('redacts secrets from what it repeats', () => {
    const error = classifyAwsError({ name: 'Weird', message: 'failed with aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY for AKIAIOSFODNN7EXAMPLE' });
    const text = JSON.stringify(error);
    assert.ok(!text.includes('wJalrXUtnFEMI'), text);
    assert.ok(!text.includes('AKIAIOSFODNN7EXAMPLE'), text);
  });

  it('is an Error with kind, message, next and missingAction, and serialises to JSON', () => {
    const error = toAwsError(serviceError('AccessDeniedException', 'not authorized to perform: cloudtrail:LookupEvents'), { profile: 'p', operation: 'cloudtrail:LookupEvents' });
    assert.ok(error instanceof Error);
    assert.ok(isAwsError(error));
    assert.equal(toAwsError(error), error, 'an AwsError is kept as it is');
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    assert.equal(json.kind, 'access-denied');
    assert.equal(json.missingAction, 'cloudtrail:LookupEvents');
    assert.equal(typeof json.next, 'string');
    assert.ok(new AwsError({ kind: 'unknown', message: 'm', next: 'n', retry: 'none' }).stack);
  });

  it('backs off exponentially with full jitter, capped', () => {
    assert.equal(backoffDelay(0, { random: () => 0.999999 }), 100);
    assert.equal(backoffDelay(3, { random: () => 0.999999 }), 800);
    assert.equal(backoffDelay(30, { random: () => 0.999999 }), 20_000);
    assert.equal(backoffDelay(5, { random: () => 0 }), 0);
    for (let attempt = 0; attempt < 10; attempt++) {
      const delay = backoffDelay(attempt, { baseMs: 200, capMs: 5000 });
      assert.ok(delay >= 0 && delay <= Math.min(5000, 200 * 2 ** attempt));
    }
  });
});
