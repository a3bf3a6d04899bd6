/**
 * The incremental record splitter (src/core/archive/splitter.ts): every shape of CloudTrail file,
 * any chunking, hostile strings, and damaged input reported without losing the good records.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RecordSplitter, parseRecordText, type SplitItem } from '../../src/core/archive/splitter';
import { fixturePath } from '../support/fixtures';

function split(text: string, chunk = Infinity, options = {}): SplitItem[] {
  const splitter = new RecordSplitter(options);
  const out: SplitItem[] = [];
  for (let i = 0; i < text.length; i += chunk === Infinity ? text.length || 1 : chunk) out.push(...splitter.feed(text.slice(i, chunk === Infinity ? undefined : i + chunk)));
  out.push(...splitter.finish());
  return out;
}

const texts = (items: SplitItem[]): string[] => items.filter((item): item is { text: string } => 'text' in item).map((item) => item.text);
const errors = (items: SplitItem[]): string[] => items.filter((item): item is { error: string } => 'error' in item).map((item) => item.error);

const A = '{"eventName":"A","requestParameters":{"s":"{[\\"]}","list":[1,{"x":"]"}]}}';
const B = '{"eventName":"B \\\\ \\u00fc 🚀","userAgent":"x\\"y"}';

describe('archive: record splitter', () => {
  it('reads a delivery file, a plain array, JSON Lines, concatenated containers and saved LookupEvents answers', () => {
    assert.deepEqual(texts(split(`{"Records":[${A},${B}]}`)), [A, B]);
    assert.deepEqual(texts(split(`[ ${A} , ${B} ]`)), [A, B]);
    assert.deepEqual(texts(split(`${A}\n${B}\n`)), [A, B]);
    assert.deepEqual(texts(split(`{"Records":[${A}]}\n{"Records":[${B}]}`)), [A, B]);
    assert.deepEqual(texts(split(`{"Events":[${A}],"NextToken":"x"}`)), [A]);
    assert.deepEqual(texts(split(`{"meta":{"Records":"no"},"list":[1,2],"Records":[${A}],"after":{"a":[]}}`)), [A]);
    assert.deepEqual(texts(split(`{"Records":[]}`)), []);
    assert.deepEqual(errors(split(`{"Records":[${A},${B}]}`)), []);
  });

  it('gives the same records whatever the chunk size (escapes and surrogate pairs split across chunks)', () => {
    const text = `\ufeff{"Records":[${A},${B},${A}]}`;
    const whole = texts(split(text));
    for (const size of [1, 2, 3, 5, 7, 13, 64]) assert.deepEqual(texts(split(text, size)), whole, `chunk ${size}`);
  });

  it('reports a truncated file after the complete records', () => {
    const items = split(`{"Records":[${A},${B},{"eventName":"C","x":"unterminated`, 9);
    assert.deepEqual(texts(items), [A, B]);
    assert.match(errors(items)[0] ?? '', /truncated: the file ends inside a record after 2 complete record/);
    assert.match(errors(split(`{"Records":[${A},`))[0] ?? '', /inside the records array after 1/);
  });

  it('stops at structural damage, skips garbage lines in JSON Lines, skips oversized records and scalars', () => {
    const damaged = split(`{"Records":[${A},{"a":[1}]}`);
    assert.deepEqual(texts(damaged), [A]);
    assert.match(errors(damaged)[0] ?? '', /malformed: a "}" closes a "\[".*after 1 record/);
    const lines = split(`${A}\nnot json at all\n${B}\n`);
    assert.deepEqual(texts(lines), [A, B]);
    assert.equal(errors(lines).length, 1);
    const big = split(`[${A},{"big":"${'x'.repeat(500)}"},${B}]`, 50, { maxRecordChars: 200 });
    assert.deepEqual(texts(big), [A, B]);
    assert.match(errors(big)[0] ?? '', /larger than 200/);
    const scalars = split(`{"Records":[1,"two",${A}]}`);
    assert.deepEqual(texts(scalars), [A]);
    assert.equal(errors(scalars).length, 1);
    assert.match(errors(split('{"a":1}]'))[0] ?? '', /unmatched/);
    assert.deepEqual(texts(split('[[1,2],{"a":[{"b":{}}]}]')), ['[1,2]', '{"a":[{"b":{}}]}']);
  });

  it('recovers the lines after a broken line of a JSON Lines file', () => {
    const unclosed = split(`${A}\n{broken\n${B}\n${A}\n`, 11);
    assert.deepEqual(texts(unclosed), [A, B, A]);
    assert.equal(errors(unclosed).length, 1);
    const mismatched = split(`${A}\n{"a":[1}\n${B}\n`, 5);
    assert.deepEqual(texts(mismatched), [A, B]);
    assert.equal(errors(mismatched).length, 1);
    // Indented lines belong to a pretty-printed value: never taken for records.
    assert.deepEqual(texts(split('{\n  "a": 1,\n  "b": {"c": 2}\n')), []);
  });

  it('refuses hostile nesting depth without recursion', () => {
    const items = split(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    assert.match(errors(items)[0] ?? '', /nesting deeper than 512/);
  });

  it('parses record texts, unwrapping saved LookupEvents events', () => {
    assert.deepEqual(parseRecordText('{"eventName":"X"}'), { record: { eventName: 'X' } });
    assert.deepEqual(parseRecordText('{"EventId":"1","CloudTrailEvent":"{\\"eventName\\":\\"Y\\"}"}'), { record: { eventName: 'Y' } });
    assert.ok('error' in parseRecordText('[1]'));
    assert.ok('error' in parseRecordText('{"a":'));
  });

  it('splits real files exactly as JSON.parse reads them, in any chunking', () => {
    const files = [
      'endpoint/events/opensearch-catalog/raw-large-samples.json.gz',
      'endpoint/events/otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json.gz',
      'labelled/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json',
      'demo-workspace/cloudtrail-logs/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz',
    ];
    for (const file of files) {
      let data = readFileSync(fixturePath(file));
      if (file.endsWith('.gz')) data = gunzipSync(data);
      const text = data.toString('utf8');
      let expected: unknown[];
      try {
        const value = JSON.parse(text) as { Records?: unknown[] } | unknown[];
        expected = Array.isArray(value) ? value : (value.Records ?? []);
      } catch {
        expected = text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as unknown);
      }
      for (const size of [Infinity, 65_536, 1000, 77]) {
        const items = split(text, size);
        assert.deepEqual(errors(items), [], file);
        assert.deepEqual(
          texts(items).map((t) => JSON.parse(t) as unknown),
          expected,
          `${file} @${size}`,
        );
      }
    }
  });
});
