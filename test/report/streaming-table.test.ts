import { describe, expect, it } from 'vitest';
import { StreamingTable, type Column } from '../../src/report/streaming-table.js';
import { cutToWidth, displayWidth, printable } from '../../src/report/text-width.js';

const COLUMNS: Column[] = [
  { title: 'n', width: 5, align: 'right', whole: true },
  { title: 'name', width: 8 },
  { title: 'rest', width: 10 },
];

function render(rows: string[][], wide = false, styles?: ((s: string) => string)[]): string[] {
  let text = '';
  const t = new StreamingTable(COLUMNS, (s) => (text += s), { wide });
  t.header((s) => s);
  for (const r of rows) t.row(r, styles);
  return text.split('\n').slice(0, -1);
}

describe('StreamingTable', () => {
  it('pads each cell to its column less one space, right-aligned numbers, left-aligned text', () => {
    expect(render([['7', 'alice', 'x']])).toEqual(['   n name    rest      ', '   7 alice   x         ']);
  });

  it('cuts text longer than its column with an ellipsis, within the column', () => {
    const [, row] = render([['1', 'abcdefghij', '0123456789abc']]);
    expect(row).toBe('   1 abcdef… 01234567… ');
    expect(row).toHaveLength(5 + 8 + 10);
  });

  it('never cuts a whole number: it pushes the row right', () => {
    const [, row] = render([['1234567', 'a', 'b']]);
    expect(row).toBe('1234567 a       b         ');
  });

  it('wide: nothing cut, the last column as long as its text', () => {
    const [head, row] = render([['1', 'abcdefghij', '0123456789abc']], true);
    expect(head).toBe('   n name    rest');
    expect(row).toBe('   1 abcdefghij 0123456789abc');
  });

  it('colours the text after cutting, so the escape codes never count toward the width', () => {
    const red = (s: string) => `<${s}>`;
    const [, row] = render([['1', 'abcdefghij', 'x']], false, [undefined as never, red, undefined as never]);
    expect(row).toBe('   1 <abcdef…> x         ');
  });

  it('shows a control character from the wire as U+FFFD, never sends it to the terminal', () => {
    const [, row] = render([['1', 'a\x1b[2Jb', '']]);
    expect(row).not.toContain('\x1b');
    expect(row).toBe('   1 a\ufffd[2Jb  ' + ' '.repeat(10));
  });
});

describe('text width', () => {
  it('counts a wide character two cells and a combining mark none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('C→S')).toBe(3);
  });

  it('cuts by cells, not by code units', () => {
    expect(cutToWidth('日本語テキスト', 6)).toEqual({ text: '日本…', width: 5 });
    expect(cutToWidth('abcdef', 4)).toEqual({ text: 'abc…', width: 4 });
    expect(cutToWidth('abc', 4)).toEqual({ text: 'abc', width: 3 });
  });

  it('printable leaves plain text as it is', () => {
    expect(printable('STREAM 0 off 5 len 9 ×2')).toBe('STREAM 0 off 5 len 9 ×2');
    expect(printable('a\nb')).toBe('a\ufffdb');
  });
});
