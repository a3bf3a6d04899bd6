import * as assert from 'node:assert/strict';
import { type LookupQueryIdentity, NextTokenCodec } from '../support/endpoint/token';

const QUERY: LookupQueryIdentity = { accountId: '111122223333', region: 'us-east-1', attributeKey: 'EventName', attributeValue: 'ConsoleLogin', startTime: 1_700_000_000 };

describe('endpoint NextToken', () => {
  const codec = new NextTokenCodec('secret');

  it('round-trips a cursor with the same parameters', () => {
    const token = codec.encode(QUERY, { time: 1_700_000_123, seq: 42 });
    assert.match(token, /^[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(codec.decode({ ...QUERY }, token), { time: 1_700_000_123, seq: 42 });
  });

  it('is refused with different parameters', () => {
    const token = codec.encode(QUERY, { time: 1, seq: 2 });
    assert.equal(codec.decode({ ...QUERY, attributeValue: 'GetObject' }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, attributeKey: 'Username' }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, startTime: 1_700_000_001 }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, endTime: 1_800_000_000 }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, region: 'us-west-2' }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, accountId: '444455556666' }, token), undefined);
    assert.equal(codec.decode({ ...QUERY, eventCategory: 'insight' }, token), undefined);
  });

  it('is refused when garbled, forged or cut by another secret', () => {
    const token = codec.encode(QUERY, { time: 1, seq: 2 });
    assert.equal(codec.decode(QUERY, 'not a token'), undefined);
    assert.equal(codec.decode(QUERY, ''), undefined);
    assert.equal(codec.decode(QUERY, token.slice(0, -4)), undefined);
    const raw = Buffer.from(token, 'base64');
    raw[5] = raw[5] ^ 1;
    assert.equal(codec.decode(QUERY, raw.toString('base64')), undefined);
    assert.equal(new NextTokenCodec('other').decode(QUERY, token), undefined);
  });

  it('is stable for the same secret (deterministic data, deterministic tokens)', () => {
    assert.equal(codec.encode(QUERY, { time: 5, seq: 6 }), new NextTokenCodec('secret').encode(QUERY, { time: 5, seq: 6 }));
  });
});
