/**
 * The real AWS SDK over real HTTP to a minimal local server: proves the SDK's wire format (JSON 1.1,
 * X-Amz-Target, SigV4) and our reading of it, independent of the full local endpoint.
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';

describe('AWS SDK over real HTTP (smoke)', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; path?: string; headers: IncomingHttpHeaders; body: string }> = [];

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        seen.push({ method: request.method, path: request.url, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ trailList: [{ Name: 'smoke', TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/smoke', IsMultiRegionTrail: true, HomeRegion: 'us-east-1' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it('sends a signed JSON 1.1 request and parses the response', async () => {
    const client = new CloudTrailClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    const result = await client.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    client.destroy();
    assert.equal(result.trailList?.[0]?.Name, 'smoke');
    assert.equal(result.trailList?.[0]?.IsMultiRegionTrail, true);
    const request = seen.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/');
    // The service model's targetPrefix is com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101 (the
    // AWS CLI sends that); current SDK v3 releases send the short CloudTrail_20131101 form. AWS takes both.
    assert.match(String(request.headers['x-amz-target']), /^(com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.DescribeTrails$/);
    assert.equal(request.headers['content-type'], 'application/x-amz-json-1.1');
    assert.match(String(request.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/cloudtrail\/aws4_request/);
    assert.deepEqual(JSON.parse(request.body), { includeShadowTrails: false });
  });
});
