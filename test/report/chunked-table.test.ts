import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { tableText, type TableOptions } from '../../src/report/chunked-table.js';

const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
const bold = (s: string) => `\u001b[1m${s}\u001b[22m`;

function whole(options: TableOptions, rows: string[][]): string {
  const t = new Table(options);
  for (const r of rows) t.push(r);
  return t.toString();
}

const options = (): TableOptions => ({
  head: ['#', 'client', 'SNI', 'duration'].map(bold),
  colAligns: ['right', 'left', 'left', 'right'],
  style: { head: [], border: [] },
});

// widths vary from row to row, so a piece's own widths differ from the whole table's
const rows = (n: number, sni: (i: number) => string = (i) => (i % 7 === 0 ? dim('?') : `host${'x'.repeat(i % 13)}.example`)) =>
  Array.from({ length: n }, (_, i) => [String(i + 1), `127.0.0.1:${40000 + i * 37}`, sni(i), `${(i * 1.7).toFixed(1)} ms`]);

describe('a cli-table3 table laid out a few rows at a time (summary --format table)', () => {
  it('prints what cli-table3 prints for the whole table, byte for byte, in pieces of at most `chunk` rows', () => {
    const r = rows(50);
    const pieces = [...tableText(options(), r, 8)];
    expect(pieces.join('')).toBe(whole(options(), r));
    // 7 pieces of rows (50 / 8 rounded up) and the bottom border: no piece holds the whole table
    expect(pieces.length).toBe(8);
    for (const p of pieces) expect(p.split('\n').length).toBeLessThanOrEqual(2 * 8 + 3);
  });

  it('reads the widths off cli-table3 when a cell is not plain ASCII (wide characters count two cells)', () => {
    const r = rows(30, (i) => (i === 17 ? '例え.example' : i === 4 ? 'café.example' : 'h.example'));
    expect([...tableText(options(), r, 8)].join('')).toBe(whole(options(), r));
  });

  it('a table of no more than one piece, or with a cell of several lines, is laid out whole', () => {
    const small = rows(5);
    expect([...tableText(options(), small, 8)]).toEqual([whole(options(), small)]);
    const tall = rows(20);
    tall[3]![2] = 'two\nlines';
    expect([...tableText(options(), tall, 8)]).toEqual([whole(options(), tall)]);
  });
});
