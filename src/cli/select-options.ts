import type { Argv } from 'yargs';
import { resolvePath, type FieldSpace, type UnknownField } from '../report/select/field-names.js';
import type { FieldsFormat, SelectedField } from '../report/select/field-rows.js';
import { FilterError, parseFilter, type RowFilter } from '../report/select/filter-expression.js';
import type { OutputFormat } from './common-options.js';
import { nearestNames } from './nearest-command.js';

/** `--filter`, `--fields` and `--header` as the command handlers receive them */
export interface SelectOptions {
  filter?: RowFilter;
  fields?: SelectedField[];
  header: boolean;
}

/**
 * `--filter EXPR` over the rows a command prints (docs/filter.md). It is read as the
 * command line is: a filter that cannot be read is a usage error (exit 2) before any input
 * is opened, with the expression shown and a caret under the column.
 */
export function withFilterOption<T>(y: Argv<T>, space: FieldSpace) {
  return y.option('filter', {
    describe: `show only the ${space.row}s for which this holds, e.g. ${space.row === 'packet' ? `'type == "1RTT" && frames.type == "path_challenge"'` : `'sni == "example.com"'`} (docs/filter.md)`,
    type: 'string',
    requiresArg: true,
    coerce: (v: string | string[] | undefined): RowFilter | undefined => {
      if (v === undefined) return undefined;
      if (Array.isArray(v)) throw new Error('--filter is given more than once: join the conditions with && in one');
      return readFilter(v, space);
    },
  });
}

/** `--fields f1,f2,…`, `--header`, and `csv` among the formats */
export function withFieldsOptions<T>(y: Argv<T>, space: FieldSpace) {
  return y
    .option('fields', {
      describe: `print only these fields of each ${space.row}, comma-separated (dotted paths such as ${space.row === 'packet' ? 'frames.type' : 'handshake.durationMs'}): tab-separated, or CSV with --format csv`,
      type: 'string',
      requiresArg: true,
      coerce: (v: string | string[] | undefined): SelectedField[] | undefined => (v === undefined ? undefined : readFields([v].flat().join(','), space)),
    })
    .option('header', { describe: 'with --fields or --format csv: a first row naming the fields (--no-header to leave it out)', type: 'boolean', default: true })
    .option('format', { describe: 'output format (csv: one row per line, RFC 4180)', choices: ['csv'] as const });
}

/** the filter, or a usage error in words with the expression and a caret */
export function readFilter(text: string, space: FieldSpace): RowFilter {
  try {
    return parseFilter(text, space);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    const hint = err.unknown ? `; ${suggest(err.unknown)}` : '';
    throw new Error(`--filter, column ${err.column + 1}: ${err.message}${hint}\n  ${text}\n  ${' '.repeat(err.column)}^`);
  }
}

export function readFields(list: string, space: FieldSpace): SelectedField[] {
  const names = list.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new Error(`--fields expects field names separated by commas, such as ${space.fields.slice(0, 3).join(',')}`);
  return names.map((name) => {
    const resolved = resolvePath(space, name.split('.'));
    if (!Array.isArray(resolved)) throw new Error(`--fields: no ${space.row} field is named ${resolved.name}; ${suggest(resolved)}`);
    return { name, path: resolved };
  });
}

function suggest(u: UnknownField): string {
  const near = nearestNames(u.name, u.known);
  return near.length > 0 ? `did you mean ${near.join(', ')}?` : `the fields are ${u.known.join(', ')}`;
}

/**
 * What `--fields` and `--format` together print: the fields' rows (tab-separated unless a
 * format is asked for), or undefined for the command's own output.
 */
export function fieldsFormat(format: OutputFormat | 'csv', fields: readonly SelectedField[] | undefined): FieldsFormat | undefined {
  if (format === 'csv') return 'csv';
  if (!fields) return undefined;
  return format === 'table' ? 'tsv' : format;
}
