import { strict as assert } from 'node:assert';
import { parseWebviewMessage } from '../../src/shared/protocol';

describe('shared/protocol: messages from the webview are validated', () => {
  const query = { profiles: ['dev'], regions: ['us-east-1'], time: { preset: '24h' }, attributes: { EventName: ' DeleteTrail ' }, limit: 100 };

  it('accepts a well-formed search and trims attribute values', () => {
    const message = parseWebviewMessage({ type: 'search', query });
    assert.equal(message.type, 'search');
    if (message.type === 'search') assert.deepEqual(message.query.attributes, { EventName: 'DeleteTrail' });
  });

  it('accepts ready and cancel', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
  });

  const bad: Array<[string, unknown]> = [
    ['not an object', 'ready'],
    ['no type', {}],
    ['unknown type', { type: 'runShell', command: 'rm -rf /' }],
    ['unknown attribute', { type: 'search', query: { ...query, attributes: { Evil: 'x' } } }],
    ['attribute not a string', { type: 'search', query: { ...query, attributes: { EventName: { $gt: '' } } } }],
    ['profiles not a list', { type: 'search', query: { ...query, profiles: 'dev' } }],
    ['too many regions', { type: 'search', query: { ...query, regions: Array.from({ length: 100 }, () => 'us-east-1') } }],
    ['unknown preset', { type: 'search', query: { ...query, time: { preset: '1y' } } }],
    ['inverted range', { type: 'search', query: { ...query, time: { start: 10, end: 5 } } }],
    ['limit too large', { type: 'search', query: { ...query, limit: 1e9 } }],
    ['limit not an integer', { type: 'search', query: { ...query, limit: 1.5 } }],
  ];
  for (const [what, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseWebviewMessage(message), Error);
    });
  }
});
