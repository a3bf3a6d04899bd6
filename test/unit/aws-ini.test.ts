import * as assert from 'node:assert/strict';
import { normaliseSectionName, parseIni } from '../../src/core/aws/ini';

describe('aws ini parser', () => {
  it('reads sections, keys and values, trimming both', () => {
    const ini = parseIni('[default]\nregion = eu-west-1\n  \n[profile dev]\noutput=json\nregion=us-east-2   \n');
    assert.deepEqual(Object.keys(ini.sections), ['default', 'profile dev']);
    assert.equal(ini.sections.default.props.region, 'eu-west-1');
    assert.equal(ini.sections['profile dev'].props.output, 'json');
    assert.equal(ini.sections['profile dev'].props.region, 'us-east-2');
    assert.equal(ini.sections['profile dev'].line, 4);
    assert.deepEqual(ini.warnings, []);
  });

  it('drops full-line and inline comments, but keeps # and ; inside values', () => {
    const ini = parseIni(
      ['# comment', '; another', '[default] # trailing', 'region = us-west-2 ; inline', 'endpoint_url = http://localhost:4566/#frag', 'role_session_name = a;b', '  # indented comment'].join('\n'),
    );
    assert.equal(ini.sections.default.props.region, 'us-west-2');
    assert.equal(ini.sections.default.props.endpoint_url, 'http://localhost:4566/#frag');
    assert.equal(ini.sections.default.props.role_session_name, 'a;b');
    assert.deepEqual(ini.warnings, []);
  });

  it('reads sub-properties (`s3 =` followed by indented lines)', () => {
    const ini = parseIni('[profile dev]\ns3 =\n  endpoint_url = http://s3.local\n  max_concurrent_requests=20\nregion = us-east-1\ncloudtrail =\n\tendpoint_url=http://ct.local\n');
    const section = ini.sections['profile dev'];
    assert.deepEqual({ ...section.sub.s3 }, { endpoint_url: 'http://s3.local', max_concurrent_requests: '20' });
    assert.deepEqual({ ...section.sub.cloudtrail }, { endpoint_url: 'http://ct.local' });
    assert.equal(section.props.region, 'us-east-1');
    assert.equal(section.props.s3, undefined, 'an empty parent is not a property');
    assert.equal(section.props.endpoint_url, undefined, 'sub-properties do not leak into the section');
  });

  it('joins continuation lines to the previous value', () => {
    const ini = parseIni('[default]\ncredential_process = /usr/bin/tool\n    --profile x\nregion = us-east-1\n');
    assert.equal(ini.sections.default.props.credential_process, '/usr/bin/tool\n--profile x');
    assert.equal(ini.sections.default.props.region, 'us-east-1');
  });

  it('merges repeated sections, the later key winning', () => {
    const ini = parseIni('[a]\nx = 1\ny = 1\n[b]\nz = 1\n[a]\ny = 2\n');
    assert.deepEqual({ ...ini.sections.a.props }, { x: '1', y: '2' });
    assert.equal(ini.sections.a.line, 1);
  });

  it('handles CRLF, CR, a BOM and odd header spacing and quotes', () => {
    const ini = parseIni('\uFEFF[ profile   "my dev" ]\r\nregion = eu-north-1\r[default]\rregion=x');
    assert.equal(ini.sections['profile my dev'].props.region, 'eu-north-1');
    assert.equal(ini.sections.default.props.region, 'x');
    assert.equal(normaliseSectionName("  sso-session 'corp' "), 'sso-session corp');
  });

  it('warns about lines it cannot read, and keeps going', () => {
    const ini = parseIni('orphan = 1\n[default\nregion = a\n[ok]\nnot a pair\nregion = b\n[]\n');
    assert.equal(ini.sections.ok.props.region, 'b');
    assert.deepEqual(
      ini.warnings.map((warning) => warning.line),
      [1, 2, 3, 5, 7],
    );
  });

  it('treats __proto__ as an ordinary name', () => {
    const ini = parseIni('[__proto__]\n__proto__ = polluted\nconstructor = x\n');
    assert.equal(ini.sections.__proto__.props.__proto__, 'polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(ini.sections), null);
  });

  it('keeps `=` inside values (split on the first only)', () => {
    const ini = parseIni('[default]\ncredential_process = tool --arg=a=b\n');
    assert.equal(ini.sections.default.props.credential_process, 'tool --arg=a=b');
  });
});
