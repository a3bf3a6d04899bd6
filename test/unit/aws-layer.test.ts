/**
 * The SDK glue of src/aws without network: which clients exist, how they are configured, how
 * credentials are memoized, and that the facade does not load the SDK until asked.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClientFactory } from '../../src/aws/clients';
import { CredentialCache } from '../../src/aws/credentials';
import { AwsServices } from '../../src/aws/index';
import { AwsLayer } from '../../src/aws/layer';
import { ProfileStore } from '../../src/aws/profiles';
import { silentLog } from '../../src/aws/types';

interface EndpointV2 {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

async function endpointOf(client: { config: { endpoint?: unknown } }): Promise<string | undefined> {
  const provider = client.config.endpoint as (() => Promise<EndpointV2>) | undefined;
  if (!provider) return undefined;
  const endpoint = await provider();
  return `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`;
}

describe('aws layer (no network)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-aws-layer-'));
    writeFileSync(
      join(dir, 'config'),
      ['[profile dev]', 'region = eu-west-1', '[profile local]', 'region = us-west-2', 'endpoint_url = http://127.0.0.1:4566', '[profile proc]', `credential_process = ${process.execPath} ${join(dir, 'proc.js')}`].join('\n'),
    );
    writeFileSync(join(dir, 'credentials'), ['[dev]', 'aws_access_key_id = AKIADEVDEVDEVDEVDEV1', 'aws_secret_access_key = dev-secret', '[local]', 'aws_access_key_id = AKIALOCALLOCALLOCAL1', 'aws_secret_access_key = local-secret'].join('\n'));
    env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('importing the facade does not load the AWS SDK', () => {
    const index = resolve(__dirname, '../../src/aws/index.js');
    const script = `const m = require(${JSON.stringify(index)}); const s = new m.AwsServices({ env: {} }); const loaded = Object.keys(require.cache).filter((k) => k.includes('@aws-sdk') || k.includes('@smithy')); console.log(JSON.stringify({ loaded: loaded.length, facade: s.loaded }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { loaded: number; facade: boolean };
    assert.deepEqual(out, { loaded: 0, facade: false });
  });

  it('caches one client per profile, region, endpoint and retry mode, and destroys them on clear', async () => {
    const profiles = new ProfileStore({ env });
    const credentials = new CredentialCache({ profiles, stsEndpoint: () => Promise.resolve(undefined), log: silentLog });
    let endpoint: string | undefined = 'http://127.0.0.1:9999';
    const factory = new ClientFactory({ credentials, endpointFor: () => Promise.resolve(endpoint), log: silentLog });
    const a = await factory.cloudTrail('dev', 'eu-west-1');
    assert.equal(await factory.cloudTrail('dev', 'eu-west-1'), a);
    assert.notEqual(await factory.cloudTrail('dev', 'us-east-1'), a);
    const paced = await factory.cloudTrail('dev', 'eu-west-1', 'paced');
    assert.notEqual(paced, a);
    assert.equal(await a.config.maxAttempts(), 3);
    assert.equal(await paced.config.maxAttempts(), 1);
    assert.equal(await a.config.region(), 'eu-west-1');
    assert.equal(await endpointOf(a), 'http://127.0.0.1:9999');
    endpoint = 'http://127.0.0.1:8888';
    const moved = await factory.cloudTrail('dev', 'eu-west-1');
    assert.notEqual(moved, a, 'another endpoint, another client');
    assert.equal(factory.size, 4);
    let destroyed = 0;
    const original = a.destroy.bind(a);
    a.destroy = () => {
      destroyed++;
      original();
    };
    factory.clear();
    assert.equal(factory.size, 0);
    assert.equal(destroyed, 1);
    assert.notEqual(await factory.cloudTrail('dev', 'eu-west-1'), a);
    factory.clear();
  });

  it('resolves credentials lazily, memoizes them, and refreshes them before they expire', async () => {
    const counter = join(dir, 'count');
    writeFileSync(counter, '0');
    writeFileSync(
      join(dir, 'proc.js'),
      `const fs = require('fs'); const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1; fs.writeFileSync(${JSON.stringify(counter)}, String(n));
       console.log(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCPROCPROC000' + n, SecretAccessKey: 'proc-secret', SessionToken: 'tok', Expiration: new Date(Date.now() + 3600e3).toISOString() }));`,
    );
    const profiles = new ProfileStore({ env });
    let now = Date.now();
    const credentials = new CredentialCache({ profiles, stsEndpoint: () => Promise.resolve(undefined), log: silentLog, now: () => now });
    const provider = credentials.provider('proc');
    assert.equal(readFileSync(counter, 'utf8'), '0', 'nothing resolved before the first use');
    const [first, second] = await Promise.all([provider(), provider()]);
    assert.equal(first.accessKeyId, 'ASIAPROCPROCPROC0001');
    assert.equal(second, first, 'concurrent callers share one resolution');
    assert.equal((await provider()).accessKeyId, 'ASIAPROCPROCPROC0001');
    assert.equal(readFileSync(counter, 'utf8'), '1');
    now += 56 * 60_000; // within 5 minutes of expiry
    assert.equal((await provider()).accessKeyId, 'ASIAPROCPROCPROC0002');
    assert.equal(credentials.provider('proc'), provider, 'one provider per profile');
    credentials.clear();
    assert.equal(credentials.provider('proc'), provider, 'clients keep their provider');
    assert.equal((await provider()).accessKeyId, 'ASIAPROCPROCPROC0003', 'and it resolves again after clear()');

    const dev = await credentials.provider('dev')();
    assert.equal(dev.accessKeyId, 'AKIADEVDEVDEVDEVDEV1');
  });

  it('resolves endpoints per profile with the override first, and resets clients when profiles or the override change', async () => {
    const layer = new AwsLayer({ env, log: silentLog });
    assert.equal((await layer.endpoint('cloudtrail', { profile: 'local', region: 'us-west-2' }))?.url, 'http://127.0.0.1:4566');
    assert.equal(await layer.endpoint('cloudtrail', { profile: 'dev', region: 'eu-west-1' }), undefined);
    let changes = 0;
    layer.onDidChange(() => changes++);
    layer.setEndpointOverride('http://127.0.0.1:7777');
    assert.equal((await layer.endpoint('sts', { profile: 'local', region: 'us-west-2' }))?.url, 'http://127.0.0.1:7777');
    layer.setEndpointOverride('http://127.0.0.1:7777');
    assert.equal(changes, 1, 'no change, no event');
    writeFileSync(env.AWS_CONFIG_FILE, '[profile dev]\nregion = eu-west-3\n');
    assert.equal(await layer.profiles.reload(), true);
    assert.equal(changes, 2);
    assert.equal(await layer.profiles.defaultRegion('dev'), 'eu-west-3');
    layer.dispose();
  });

  it('rejects with kind "cancelled" when the signal already fired, without any request', async () => {
    const layer = new AwsLayer({ env, endpointUrl: 'http://127.0.0.1:1', log: silentLog });
    const pages = layer.lookupEvents({ profile: 'dev', region: 'eu-west-1' }, {}, { signal: AbortSignal.abort() });
    await assert.rejects(pages.next(), (error: unknown) => (error as { kind?: string }).kind === 'cancelled');
    await assert.rejects(layer.accountId('dev', { signal: AbortSignal.abort() }), (error: unknown) => (error as { kind?: string }).kind === 'cancelled');
    layer.dispose();
  });

  it('reports an unreadable AWS_CA_BUNDLE before any request', async () => {
    const layer = new AwsLayer({ env: { ...env, AWS_CA_BUNDLE: join(dir, 'missing.pem') }, endpointUrl: 'http://127.0.0.1:1', log: silentLog });
    await assert.rejects(layer.describeTrails({ profile: 'dev', region: 'eu-west-1' }), (error: unknown) => {
      const failure = error as { kind?: string; message?: string };
      return failure.kind === 'unreachable' && /missing\.pem/.test(failure.message ?? '');
    });
    layer.dispose();
  });

  it('the facade lists profiles and the default target without the SDK, and loads it once', async () => {
    const services = new AwsServices({ env: { ...env, AWS_PROFILE: 'dev' }, log: silentLog });
    assert.deepEqual(
      (await services.listProfiles()).map((profile) => profile.name),
      ['dev', 'local', 'proc'],
    );
    assert.deepEqual(await services.defaultTarget(), { profile: 'dev', region: 'eu-west-1' });
    assert.equal(services.loaded, false);
    const [one, two] = await Promise.all([services.layer(), services.layer()]);
    assert.equal(one, two);
    assert.equal(services.loaded, true);
    services.setEndpointOverride('http://127.0.0.1:5555');
    assert.equal(one.endpointOverride, 'http://127.0.0.1:5555');
    services.dispose();
  });
});
