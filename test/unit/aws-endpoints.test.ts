import * as assert from 'node:assert/strict';
import { checkEndpointUrl, ENDPOINT_PRECEDENCE, resolveEndpoint, serviceEnvironmentVariable } from '../../src/core/aws/endpoints';
import { parseProfiles, type AwsProfile } from '../../src/core/aws/profiles';

function profile(text: string, name = 'dev'): AwsProfile {
  const found = parseProfiles(text, '').profiles.find((item) => item.name === name);
  assert.ok(found, `profile ${name}`);
  return found;
}

const FULL = profile(
  [
    '[profile dev]',
    'endpoint_url = http://profile.local:1',
    'services = local',
    '[services local]',
    'cloudtrail =',
    '  endpoint_url = http://profile-service.local:2',
    'sts =',
    '  endpoint_url = http://profile-sts.local:3',
  ].join('\n'),
);

const ENV = {
  AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://env-service.local:4',
  AWS_ENDPOINT_URL: 'http://env-global.local:5',
};

describe('aws endpoint precedence', () => {
  it('is setting > AWS_ENDPOINT_URL_<SERVICE> > profile services section > profile endpoint_url > AWS_ENDPOINT_URL', () => {
    assert.deepEqual(ENDPOINT_PRECEDENCE, ['setting', 'env-service', 'profile-service', 'profile', 'env-global']);
    const cases: { setting?: string; env: Record<string, string>; profile?: AwsProfile; expect?: string; source?: string }[] = [
      { setting: 'http://setting.local:9', env: ENV, profile: FULL, expect: 'http://setting.local:9', source: 'setting' },
      { env: ENV, profile: FULL, expect: 'http://env-service.local:4', source: 'env-service' },
      { env: { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL }, profile: FULL, expect: 'http://profile-service.local:2', source: 'profile-service' },
      { env: { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL }, profile: profile('[profile dev]\nendpoint_url = http://profile.local:1\n'), expect: 'http://profile.local:1', source: 'profile' },
      { env: { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL }, profile: profile('[profile dev]\nregion = x\n'), expect: 'http://env-global.local:5', source: 'env-global' },
      { env: {}, profile: profile('[profile dev]\nregion = x\n') },
      { env: {} },
    ];
    for (const [index, item] of cases.entries()) {
      const { endpoint } = resolveEndpoint('cloudtrail', { setting: item.setting, env: item.env, profile: item.profile });
      assert.equal(endpoint?.url, item.expect, `case ${index}`);
      assert.equal(endpoint?.source, item.source, `case ${index}`);
    }
  });

  it('resolves each service on its own', () => {
    const env = { AWS_ENDPOINT_URL_STS: 'http://env-sts.local:6' };
    assert.equal(resolveEndpoint('sts', { env, profile: FULL }).endpoint?.url, 'http://env-sts.local:6');
    assert.equal(resolveEndpoint('cloudtrail', { env, profile: FULL }).endpoint?.url, 'http://profile-service.local:2');
    assert.equal(resolveEndpoint('sts', { env: {}, profile: FULL }).endpoint?.url, 'http://profile-sts.local:3');
    assert.equal(resolveEndpoint('s3', { env: {}, profile: FULL }).endpoint?.url, 'http://profile.local:1');
  });

  it('honours service sub-sections written inside the profile', () => {
    const inline = profile('[profile dev]\ncloudtrail =\n  endpoint_url = http://inline.local:7\n');
    assert.equal(resolveEndpoint('cloudtrail', { env: {}, profile: inline }).endpoint?.url, 'http://inline.local:7');
    assert.equal(resolveEndpoint('sts', { env: {}, profile: inline }).endpoint, undefined);
  });

  it('ignores configured endpoints when asked to, but never the explicit setting', () => {
    const env = { ...ENV, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    assert.equal(resolveEndpoint('cloudtrail', { env, profile: FULL }).endpoint, undefined);
    assert.equal(resolveEndpoint('cloudtrail', { env, profile: FULL, setting: 'http://s.local' }).endpoint?.url, 'http://s.local');
    const ignoring = profile('[profile dev]\nendpoint_url = http://p.local\nignore_configured_endpoint_urls = true\n');
    assert.equal(resolveEndpoint('cloudtrail', { env: ENV, profile: ignoring }).endpoint, undefined);
  });

  it('skips invalid values, saying why, and falls through to the next source', () => {
    const result = resolveEndpoint('cloudtrail', { setting: 'not a url', env: { AWS_ENDPOINT_URL_CLOUDTRAIL: 'ftp://x', AWS_ENDPOINT_URL: 'https://ok.example' } });
    assert.equal(result.endpoint?.url, 'https://ok.example');
    assert.deepEqual(
      result.ignored.map((item) => item.source),
      ['setting', 'env-service'],
    );
    assert.ok('reason' in checkEndpointUrl('http://user:pw@host'));
    assert.deepEqual(checkEndpointUrl(' http://127.0.0.1:4566/ '), { url: 'http://127.0.0.1:4566' });
    assert.deepEqual(checkEndpointUrl('https://host/prefix/'), { url: 'https://host/prefix/' });
  });

  it('names the service variable as the SDKs do', () => {
    assert.equal(serviceEnvironmentVariable('cloudtrail'), 'AWS_ENDPOINT_URL_CLOUDTRAIL');
    assert.equal(serviceEnvironmentVariable('sts'), 'AWS_ENDPOINT_URL_STS');
    assert.equal(serviceEnvironmentVariable('CloudTrail Data'), 'AWS_ENDPOINT_URL_CLOUDTRAIL_DATA');
  });
});
