import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caBundlePath, defaultRegion, environmentProfile, hasEnvironmentKeys, parseProfiles, shellQuote } from '../../src/core/aws/profiles';
import { ProfileStore } from '../../src/aws/profiles';

const CONFIG = `
[default]
region = us-east-1

[profile dev]
region = eu-west-1
output = json

[profile sso-dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-central-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile role]
role_arn = arn:aws:iam::777788889999:role/Audit
source_profile = dev
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile process]
credential_process = /usr/local/bin/get-creds --account prod

[profile local]
region = us-west-2
endpoint_url = http://127.0.0.1:4566
services = local-services

[services local-services]
cloudtrail =
  endpoint_url = http://127.0.0.1:4567

[profile both]
region = ap-south-1
ca_bundle = /etc/corp/ca.pem
`;

const CREDENTIALS = `
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[dev]
aws_access_key_id = AKIADEVDEVDEVDEVDEV1
aws_secret_access_key = secret-dev

[creds-only]
aws_access_key_id = AKIACREDSONLYCREDSO1
aws_secret_access_key = secret-only
region = sa-east-1

[both]
aws_access_key_id = AKIABOTHBOTHBOTHBOT1
aws_secret_access_key = secret-both
region = ca-central-1
`;

describe('aws profiles (pure)', () => {
  const set = parseProfiles(CONFIG, CREDENTIALS);
  const byName = new Map(set.profiles.map((profile) => [profile.name, profile]));

  it('lists profiles of both files once, default first, then by name', () => {
    assert.deepEqual(
      set.profiles.map((profile) => profile.name),
      ['default', 'both', 'creds-only', 'dev', 'local', 'process', 'role', 'sso-dev', 'sso-legacy'],
    );
    assert.deepEqual(byName.get('dev')?.sources, ['config', 'credentials']);
    assert.deepEqual(byName.get('creds-only')?.sources, ['credentials']);
    assert.deepEqual(byName.get('sso-dev')?.sources, ['config']);
  });

  it('tells how each profile gets credentials', () => {
    const kinds = Object.fromEntries(set.profiles.map((profile) => [profile.name, profile.kind]));
    assert.deepEqual(kinds, {
      default: 'static',
      both: 'static',
      'creds-only': 'static',
      dev: 'static',
      local: 'unknown',
      process: 'process',
      role: 'role',
      'sso-dev': 'sso',
      'sso-legacy': 'sso',
    });
  });

  it('merges a profile of both files key by key, the credentials file winning', () => {
    assert.equal(byName.get('both')?.region, 'ca-central-1');
    assert.equal(byName.get('creds-only')?.region, 'sa-east-1');
  });

  it('reads SSO sessions, role and account hints, endpoints', () => {
    const sso = byName.get('sso-dev');
    assert.equal(sso?.ssoSession, 'corp');
    assert.equal(sso?.ssoStartUrl, 'https://corp.awsapps.com/start');
    assert.equal(sso?.ssoRegion, 'eu-west-1');
    assert.equal(sso?.accountHint, '111122223333');
    assert.equal(byName.get('sso-legacy')?.ssoStartUrl, 'https://legacy.awsapps.com/start');
    assert.deepEqual(set.ssoSessions, [{ name: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1' }]);
    const role = byName.get('role');
    assert.equal(role?.roleArn, 'arn:aws:iam::777788889999:role/Audit');
    assert.equal(role?.sourceProfile, 'dev');
    assert.equal(role?.mfaSerial, 'arn:aws:iam::123456789012:mfa/me');
    assert.equal(role?.accountHint, '777788889999');
    const local = byName.get('local');
    assert.equal(local?.endpointUrl, 'http://127.0.0.1:4566');
    assert.equal(local?.serviceEndpoints.cloudtrail, 'http://127.0.0.1:4567');
  });

  it('reads ca_bundle, AWS_CA_BUNDLE first', () => {
    assert.equal(caBundlePath(byName.get('both'), {}), '/etc/corp/ca.pem');
    assert.equal(caBundlePath(byName.get('both'), { AWS_CA_BUNDLE: '/env.pem' }), '/env.pem');
    assert.equal(caBundlePath(byName.get('dev'), {}), undefined);
  });

  it('never copies secrets into the model', () => {
    const text = JSON.stringify(set);
    assert.ok(!text.includes('wJalrXUtnFEMI'), 'secret key');
    assert.ok(!text.includes('AKIA'), 'access key id');
    assert.ok(!text.includes('secret-dev'));
  });

  it('treats [profile default] as the default profile', () => {
    const names = parseProfiles('[profile default]\nregion = eu-west-3\n', '').profiles;
    assert.deepEqual(
      names.map((profile) => [profile.name, profile.region]),
      [['default', 'eu-west-3']],
    );
    // In the credentials file a "profile " prefix is part of the name, as the SDK reads it.
    assert.equal(parseProfiles('', '[profile odd]\naws_access_key_id=a\naws_secret_access_key=b\n').profiles[0].name, 'profile odd');
  });

  it('picks the environment profile and region as the SDK and CLI do', () => {
    assert.equal(environmentProfile({}), 'default');
    assert.equal(environmentProfile({ AWS_PROFILE: 'dev' }), 'dev');
    assert.equal(environmentProfile({ AWS_DEFAULT_PROFILE: 'old' }), 'old');
    assert.equal(environmentProfile({ AWS_PROFILE: ' ', AWS_DEFAULT_PROFILE: 'old' }), 'old');
    const dev = byName.get('dev');
    assert.equal(defaultRegion(dev, {}), 'eu-west-1');
    assert.equal(defaultRegion(dev, { AWS_DEFAULT_REGION: 'ap-northeast-1' }), 'ap-northeast-1');
    assert.equal(defaultRegion(dev, { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'ap-northeast-1' }), 'us-west-1');
    assert.equal(defaultRegion(byName.get('process'), {}), 'us-east-1');
    assert.equal(defaultRegion(undefined, {}), 'us-east-1');
    assert.equal(hasEnvironmentKeys({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }), true);
    assert.equal(hasEnvironmentKeys({ AWS_ACCESS_KEY_ID: 'a' }), false);
  });

  it('quotes profile names for a shell', () => {
    assert.equal(shellQuote('dev'), 'dev');
    assert.equal(shellQuote('team.prod-admin@corp'), 'team.prod-admin@corp');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("x'; rm -rf ~; echo '"), `'x'\\''; rm -rf ~; echo '\\'''`);
    assert.equal(shellQuote('$(evil)'), "'$(evil)'");
  });
});

describe('aws ProfileStore (files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-aws-profiles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    writeFileSync(join(dir, 'cfg'), CONFIG);
    writeFileSync(join(dir, 'creds'), CREDENTIALS);
    const store = new ProfileStore({ env: { AWS_CONFIG_FILE: join(dir, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') }, homedir: '/nonexistent' });
    assert.equal(store.configFile, join(dir, 'cfg'));
    assert.equal((await store.profiles()).length, 9);
    assert.equal((await store.get('sso-dev'))?.region, 'eu-central-1');
    assert.equal(await store.defaultRegion('dev'), 'eu-west-1');
    assert.equal(await store.defaultRegion('missing'), 'us-east-1');
    store.dispose();
  });

  it('defaults to ~/.aws/config and ~/.aws/credentials, and expands ~ in the variables', async () => {
    mkdirSync(join(dir, '.aws'));
    writeFileSync(join(dir, '.aws', 'config'), '[profile home]\nregion = eu-west-2\n');
    const store = new ProfileStore({ env: {}, homedir: dir });
    assert.equal(store.configFile, join(dir, '.aws', 'config'));
    assert.equal(store.credentialsFile, join(dir, '.aws', 'credentials'));
    assert.deepEqual(
      (await store.profiles()).map((profile) => profile.name),
      ['home'],
    );
    const tilde = new ProfileStore({ env: { AWS_CONFIG_FILE: '~/.aws/config' }, homedir: dir });
    assert.equal(tilde.configFile, join(dir, '.aws', 'config'));
  });

  it('is empty, not failing, when the files do not exist', async () => {
    const store = new ProfileStore({ env: { AWS_CONFIG_FILE: join(dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope2') } });
    assert.deepEqual(await store.profiles(), []);
  });

  it('fires onDidChange when a file really changed, not when it was only touched', async () => {
    const config = join(dir, 'cfg');
    writeFileSync(config, '[profile a]\n');
    const store = new ProfileStore({ env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') } });
    await store.load();
    const seen: string[][] = [];
    store.onDidChange((set) => seen.push(set.profiles.map((profile) => profile.name)));
    writeFileSync(config, '[profile a]\n');
    assert.equal(await store.reload(), false);
    writeFileSync(config, '[profile a]\n[profile b]\n');
    assert.equal(await store.reload(), true);
    writeFileSync(join(dir, 'creds'), '[c]\naws_access_key_id=x\naws_secret_access_key=y\n');
    assert.equal(await store.reload(), true);
    assert.deepEqual(seen, [['a', 'b'], ['a', 'b', 'c']]);
    store.dispose();
  });

  it('debounces scheduled reloads into one', async () => {
    const config = join(dir, 'cfg');
    writeFileSync(config, '[profile a]\n');
    const store = new ProfileStore({ env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') } });
    await store.load();
    let fired = 0;
    store.onDidChange(() => fired++);
    writeFileSync(config, '[profile a]\n[profile b]\n');
    for (let i = 0; i < 5; i++) store.scheduleReload(20);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(fired, 1);
    assert.equal((await store.profiles()).length, 2);
    store.dispose();
  });

  it('notices changes through its own file watcher', async function () {
    this.timeout(5000);
    const config = join(dir, 'cfg');
    writeFileSync(config, '[profile a]\n');
    const store = new ProfileStore({ env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') } });
    await store.load();
    const changed = new Promise<string[]>((resolve) => store.onDidChange((set) => resolve(set.profiles.map((profile) => profile.name))));
    const watching = store.watch();
    // Editors often save by writing a new file and renaming it over the old one.
    writeFileSync(join(dir, 'cfg.tmp'), '[profile a]\n[profile z]\n');
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'cfg.tmp'), config);
    assert.deepEqual(await changed, ['a', 'z']);
    watching.dispose();
    store.dispose();
  });
});
