import { valuesAt } from './field-values.js';

/** `--fields` output: tab-separated (tshark's `-T fields`), CSV (RFC 4180), or JSON rows holding only those fields */
export type FieldsFormat = 'tsv' | 'csv' | 'ndjson' | 'json';

export interface SelectedField {
  /** as the user typed it: the header's word and the JSON key */
  name: string;
  /** the path it reads, aliases resolved */
  path: readonly string[];
}

/**
 * Rows of the chosen fields, written one by one as they come (nothing is held). A field
 * with several values (a packet's `frames.type`) is one cell, its values joined with `,`,
 * as tshark joins a field that occurs more than once; an absent field is an empty cell.
 */
export class FieldRows {
  private rows = 0;

  constructor(
    private readonly fields: readonly SelectedField[],
    private readonly format: FieldsFormat,
    private readonly write: (s: string) => void,
    private readonly header = true,
  ) {}

  start(): void {
    if (this.format === 'json') this.write('[');
    else if (this.header && (this.format === 'tsv' || this.format === 'csv')) this.line(this.fields.map((f) => f.name));
  }

  add(row: unknown): void {
    if (this.format === 'ndjson' || this.format === 'json') {
      const o: Record<string, unknown> = {};
      for (const f of this.fields) {
        const { values, list } = valuesAt(row, f.path);
        o[f.name] = list ? values : (values[0] ?? null);
      }
      this.write(this.format === 'json' ? `${this.rows === 0 ? '\n' : ',\n'}${JSON.stringify(o)}` : `${JSON.stringify(o)}\n`);
    } else {
      this.line(this.fields.map((f) => valuesAt(row, f.path).values.map(valueText).join(',')));
    }
    this.rows++;
  }

  end(): void {
    if (this.format === 'json') this.write(this.rows === 0 ? ']\n' : '\n]\n');
  }

  private line(cells: string[]): void {
    // RFC 4180 ends CSV records with CRLF; a TSV line ends as any text line does
    if (this.format === 'csv') this.write(cells.map(csvCell).join(',') + '\r\n');
    else this.write(cells.map(tsvCell).join('\t') + '\n');
  }
}

function valueText(v: unknown): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * RFC 4180 §2: a field holding a comma, a quote or a line break is quoted, its quotes
 * doubled. A spreadsheet opening the file runs a cell that starts with = + - @ (or a tab or
 * carriage return before one) as a formula, and an SNI or a reason phrase is whatever the
 * peer sent: such a cell gets a leading ' so that it is shown as text. A number (-1) is
 * left as it is.
 */
export function csvCell(s: string): string {
  const text = /^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A tab or line break inside a value (an SNI is whatever the client sent) would shift the
 * columns: escaped with a backslash, as Zeek escapes its TSV logs; a backslash is doubled.
 */
export function tsvCell(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c]!) : s;
}

const TSV_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
