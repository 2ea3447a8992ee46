import Table from 'cli-table3';

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/**
 * A table printed while rows keep coming: the column widths are fixed up front, so rows
 * printed batch by batch line up with the header without holding every row in memory.
 * Cells longer than their column are cut with an ellipsis by cli-table3.
 */
export class StreamingTable {
  private batch: string[][] = [];

  constructor(
    private readonly columns: readonly Column[],
    private readonly write: (s: string) => void,
    private readonly batchSize = 500,
  ) {}

  header(style: (s: string) => string): void {
    this.write(this.render([this.columns.map((c) => c.title)]).split('\n').map(style).join('\n') + '\n');
  }

  row(cells: string[]): void {
    this.batch.push(cells);
    if (this.batch.length >= this.batchSize) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    this.write(this.render(this.batch) + '\n');
    this.batch = [];
  }

  private render(rows: string[][]): string {
    const t = new Table({
      chars: NO_BORDERS,
      colWidths: this.columns.map((c) => c.width),
      colAligns: this.columns.map((c) => c.align ?? 'left'),
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
      wordWrap: false,
    });
    t.push(...rows);
    return t.toString();
  }
}

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '',
};
