/**
 * `npm run -s endpoint` (scripts/endpoint.mjs): bundles, starts, prints exactly the listening line, serves
 * the built-in or an alternative dataset, and stops on SIGTERM.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { findFixturesDir } from '../support/endpoint/files';

const fixtures = findFixturesDir(__dirname);
const root = resolve(fixtures, '..', '..', '..');

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

function start(args: string[]): Promise<Running> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'endpoint.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no listening line after 30 s; stdout ${JSON.stringify(out)} stderr ${err}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (!match) reject(new Error(`unexpected stdout ${JSON.stringify(out)}`));
        else resolvePromise({ child, url: match[1], stdout: () => out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`endpoint exited with ${code}: ${err}`));
    });
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolvePromise) => {
    running.child.removeAllListeners('exit');
    running.child.once('exit', (code) => resolvePromise(code));
    running.child.kill('SIGTERM');
  });
}

function client(url: string, accessKeyId: string, region = 'us-east-1'): CloudTrailClient {
  return new CloudTrailClient({ endpoint: url, region, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
}

describe('npm run endpoint (scripts/endpoint.mjs)', function () {
  this.timeout(60_000);

  it('prints exactly the listening line, serves the built-in data, and stops on SIGTERM', async () => {
    const running = await start(['--port', '0', '--rate', '1']);
    const ct = client(running.url, 'AKIAIOSFODNN7EXAMPLE');
    try {
      const trails = await ct.send(new DescribeTrailsCommand({}));
      assert.equal(trails.trailList?.length, 5);
      const events = await ct.send(new LookupEventsCommand({}));
      assert.equal(events.Events?.length, 50);
      const throttled = await ct.send(new LookupEventsCommand({})).then(
        () => undefined,
        (error: Error) => error.name,
      );
      assert.equal(throttled, 'ThrottlingException', '--rate 1: the second call within a second is throttled');
    } finally {
      ct.destroy();
      assert.equal(await stop(running), 0);
    }
    assert.match(running.stdout(), /^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('serves an alternative dataset with --data', async () => {
    const running = await start(['--port', '0', '--data', join(fixtures, 'example-dataset')]);
    const ct = client(running.url, 'AKIAEXAMPLEDATASET01');
    const denied = client(running.url, 'AKIAEXAMPLEDENIED001');
    try {
      const trails = await ct.send(new DescribeTrailsCommand({}));
      assert.deepEqual(
        trails.trailList?.map((trail) => trail.Name),
        ['org-audit'],
      );
      const status = await ct.send(new GetTrailStatusCommand({ Name: 'org-audit' }));
      assert.ok(status.LatestDeliveryTime && Date.now() - status.LatestDeliveryTime.getTime() < 10 * 60_000);
      const events = await ct.send(new LookupEventsCommand({}));
      // Two stratus files moved into the window; the 2019 record kept its time and is past 90 days.
      assert.deepEqual(
        (events.Events ?? []).map((event) => event.EventName).sort(),
        ['AttachUserPolicy', 'CreateAccessKey', 'CreateUser', 'StopLogging'],
      );
      assert.ok((events.Events ?? []).every((event) => (JSON.parse(event.CloudTrailEvent!) as { recipientAccountId: string }).recipientAccountId === '123456789012'));
      const error = await denied.send(new DescribeTrailsCommand({})).then(
        () => undefined,
        (e: Error) => e.name,
      );
      assert.equal(error, 'AccessDeniedException');
    } finally {
      ct.destroy();
      denied.destroy();
      await stop(running);
    }
  });
});
