import { cutToWidth, displayWidth, printable } from './text-width.js';

export interface Column {
  title: string;
  /** the column's cells, the one space after the text included */
  width: number;
  align?: 'left' | 'right';
  /**
   * a number is never cut: one longer than its column (frame 10,000,000) pushes the rest
   * of its row right rather than print a wrong value
   */
  whole?: boolean;
}

export type Style = (s: string) => string;

export interface StreamingTableOptions {
  /** nothing is cut: each column is as wide as its widest possible value, the last as its text */
  wide?: boolean;
}

const SPACES = ' '.repeat(256);
function spaces(n: number): string {
  return n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n);
}

/**
 * A table printed while rows keep coming: the column widths are fixed up front, so each
 * row is written as it comes, lined up with the header, and no row is held. Each cell is
 * its text then one space, within the column's width; text longer than that is cut with an
 * ellipsis (unless the column holds whole numbers, or the table is wide). Colour is applied
 * to the text after it is cut and before it is padded, so it never counts toward a width.
 *
 * Our own renderer rather than cli-table3 for this one table: cli-table3 lays out a whole
 * table at a time, which made `packets` ten times slower than its NDJSON (issue 15).
 */
export class StreamingTable {
  private readonly last: number;

  constructor(
    private readonly columns: readonly Column[],
    private readonly write: (s: string) => void,
    private readonly options: StreamingTableOptions = {},
  ) {
    this.last = columns.length - 1;
  }

  header(style: Style): void {
    this.write(style(this.line(this.columns.map((c) => c.title))) + '\n');
  }

  /** one row; `styles[i]` (when set) colours cell i */
  row(cells: readonly string[], styles?: readonly (Style | undefined)[]): void {
    this.write(this.line(cells, styles) + '\n');
  }

  private line(cells: readonly string[], styles?: readonly (Style | undefined)[]): string {
    let out = '';
    const { columns, last } = this;
    const wide = this.options.wide === true;
    for (let i = 0; i <= last; i++) {
      const col = columns[i]!;
      const room = col.width - 1;
      const raw = printable(cells[i] ?? '');
      let text: string;
      let used: number;
      if (wide || col.whole === true) {
        text = raw;
        used = displayWidth(raw);
      } else {
        const cut = cutToWidth(raw, room);
        text = cut.text;
        used = cut.width;
      }
      const style = styles?.[i];
      if (style && text.length > 0) text = style(text);
      // in a wide table the last column is as long as its text: no padding after it
      if (wide && i === last) {
        out += text;
        break;
      }
      const pad = room > used ? spaces(room - used) : '';
      out += col.align === 'right' ? pad + text + ' ' : text + pad + ' ';
    }
    return out;
  }
}
