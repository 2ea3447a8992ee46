import Table from 'cli-table3';
import type { Palette } from './colour.js';

/** how many rows a table shows before it says how many more there are: a table is for people, JSON and CSV carry all */
export const TABLE_ROWS = 1000;

/**
 * The rows of `quiclens query` as a table, in the style of the other tables: numbers to the
 * right, null written as `null` (dim) so an unknown never looks like an empty string.
 */
export function queryTable(columns: readonly string[], rows: readonly (readonly unknown[])[], colour: Palette): string {
  if (columns.length === 0) return '';
  const numeric = columns.map((_, c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const t = new Table({
    head: columns.map((c) => colour.bold(c)),
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
    style: { head: [], border: [] },
  });
  for (const r of rows.slice(0, TABLE_ROWS)) t.push(r.map((v) => cell(v, colour)));
  const more = rows.length > TABLE_ROWS ? `\n${colour.dim(`… ${rows.length - TABLE_ROWS} more rows (--format csv or ndjson writes them all)`)}` : '';
  return `${t.toString()}\n${colour.dim(`${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`)}${more}\n`;
}

function cell(v: unknown, colour: Palette): string {
  if (v === null || v === undefined) return colour.dim('null');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
