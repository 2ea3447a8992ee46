import Table from 'cli-table3';

export type TableOptions = NonNullable<ConstructorParameters<typeof Table>[0]> & { head: string[] };

/** rows laid out by cli-table3 at a time: its layout of a whole table grows faster than the table (issue 15) */
export const TABLE_CHUNK = 64;

/**
 * The text cli-table3 prints for a table with these options and rows, in pieces of a few
 * dozen rows, so that a table of thousands of connections is never laid out whole: its
 * layout keeps several objects per cell and takes time that grows faster than the rows.
 * Each piece is laid out with the whole table's column widths, found first from each
 * cell's text (or from cli-table3's layout of each piece when a cell is not plain ASCII),
 * and the pieces are joined where cli-table3 would put the line between two rows. Uses
 * the default border characters.
 */
export function* tableText(options: TableOptions, rows: readonly string[][], chunk = TABLE_CHUNK): Generator<string> {
  // a cell of several lines makes rows of unequal height: laid out whole, as before
  if (rows.length <= chunk || rows.some((r) => r.some((cell) => cell.includes('\n'))) || options.head.some((h) => h.includes('\n'))) {
    yield render(options, rows);
    return;
  }
  const fixed = { ...options, colWidths: plainWidths(options.head, rows) ?? laidOutWidths(options, rows, chunk) };
  for (let at = 0; at < rows.length; at += chunk) {
    // top border, head, the line under it, then one line per row and one between rows, bottom border
    const lines = render(fixed, rows.slice(at, at + chunk)).split('\n');
    const last = at + chunk >= rows.length;
    if (at === 0) yield lines.slice(0, -1).join('\n');
    else yield '\n' + lines.slice(2, -1).join('\n');
    if (last) yield '\n' + lines.at(-1)!;
  }
}

/** an SGR escape (colour, bold, dim): it takes no cell */
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The columns' widths as cli-table3 finds them (the widest cell's text and a space each
 * side, at least 1) when every cell is printable ASCII once its colours are taken out, where
 * a character is a cell; undefined otherwise.
 */
function plainWidths(head: readonly string[], rows: readonly string[][]): number[] | undefined {
  const widths = head.map(() => 1);
  for (const row of [head, ...rows]) {
    for (let i = 0; i < row.length; i++) {
      const text = row[i]!.replace(SGR, '');
      if (!PRINTABLE_ASCII.test(text)) return undefined;
      widths[i] = Math.max(widths[i] ?? 1, text.length + 2);
    }
  }
  return widths;
}

/** the columns' widths read off cli-table3's own layout of each piece: ┌───┬──────┐ has a run of ─ per column */
function laidOutWidths(options: TableOptions, rows: readonly string[][], chunk: number): number[] {
  const widths: number[] = options.head.map(() => 0);
  for (let at = 0; at < rows.length; at += chunk) {
    const top = render(options, rows.slice(at, at + chunk)).split('\n', 1)[0]!;
    top
      .slice(1, -1)
      .split('┬')
      .forEach((run, i) => (widths[i] = Math.max(widths[i] ?? 0, run.length)));
  }
  return widths;
}

function render(options: TableOptions, rows: readonly string[][]): string {
  const t = new Table(options);
  for (const r of rows) t.push(r);
  return t.toString();
}
