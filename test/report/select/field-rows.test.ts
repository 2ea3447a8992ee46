import { describe, expect, it } from 'vitest';
import { csvCell, FieldRows, tsvCell, type FieldsFormat } from '../../../src/report/select/field-rows.js';

const FIELDS = [
  { name: 'frame', path: ['frame'] },
  { name: 'sni', path: ['sni'] },
  { name: 'frames.type', path: ['frames', 'type'] },
  { name: 'token', path: ['token'] },
];
const ROWS = [
  { frame: 1, sni: 'a,"b"', frames: [{ type: 'crypto' }, { type: 'padding' }], token: '' },
  { frame: 2, sni: 'tab\there\nand\\', frames: [], token: null },
];

function print(format: FieldsFormat, header = true): string {
  let s = '';
  const rows = new FieldRows(FIELDS, format, (t) => (s += t), header);
  rows.start();
  for (const r of ROWS) rows.add(r);
  rows.end();
  return s;
}

describe('--fields rows', () => {
  it('tab-separated: a header, lists joined with commas, absent and null fields empty, tabs and line breaks escaped', () => {
    expect(print('tsv')).toBe('frame\tsni\tframes.type\ttoken\n1\ta,"b"\tcrypto,padding\t\n2\ttab\\there\\nand\\\\\t\t\n');
    expect(print('tsv', false).split('\n')[0]).toBe('1\ta,"b"\tcrypto,padding\t');
  });
  it('CSV as RFC 4180 writes it: CRLF, quotes around commas, quotes and line breaks, quotes doubled', () => {
    expect(print('csv')).toBe('frame,sni,frames.type,token\r\n1,"a,""b""","crypto,padding",\r\n2,"tab\there\nand\\",,\r\n');
  });
  it('JSON rows with only those fields: a list where the path crosses one, null where absent', () => {
    const lines = print('ndjson').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ frame: 1, sni: 'a,"b"', 'frames.type': ['crypto', 'padding'], token: '' });
    expect(lines[1]).toEqual({ frame: 2, sni: 'tab\there\nand\\', 'frames.type': [], token: null });
    expect(JSON.parse(print('json'))).toEqual(lines);
    let empty = '';
    const none = new FieldRows(FIELDS, 'json', (t) => (empty += t));
    none.start();
    none.end();
    expect(JSON.parse(empty)).toEqual([]);
  });
  it('a cell a spreadsheet would run as a formula is shown as text; a negative number stays a number', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('-2e-3')).toBe('-2e-3');
    expect(csvCell('a=b')).toBe('a=b');
  });
  it('cells that need nothing are left as they are', () => {
    expect(csvCell('0x00000001')).toBe('0x00000001');
    expect(tsvCell('127.0.0.1:4433')).toBe('127.0.0.1:4433');
  });
});
