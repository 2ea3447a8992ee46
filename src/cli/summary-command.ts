import { palette } from '../report/colour.js';
import { connectionRows } from '../report/select/connection-rows.js';
import { CONNECTION_DEFAULT_FIELDS, CONNECTION_SPACE } from '../report/select/field-names.js';
import { FieldRows } from '../report/select/field-rows.js';
import { findingsText, migrationsText, pnSyncText, requestsText, summaryTable, summaryToJson, unjudgedText } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions, OutputFormat } from './common-options.js';
import { Output } from './output.js';
import { fieldsFormat, readFields, type SelectOptions } from './select-options.js';

export type SummaryOptions = Omit<CommonOptions, 'format'> & Partial<SelectOptions> & { format: OutputFormat | 'csv' };

/** `quiclens summary` (the default command): one row per connection, then what happened in them. */
export async function summaryCommand(opts: SummaryOptions): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  const rowsFormat = fieldsFormat(opts.format, opts.fields);
  if (rowsFormat) {
    const rows = new FieldRows(opts.fields ?? readFields(CONNECTION_DEFAULT_FIELDS.join(','), CONNECTION_SPACE), rowsFormat, out.write, opts.header ?? true);
    rows.start();
    for (const { row } of connectionRows(view)) rows.add(row);
    rows.end();
  } else if (opts.format === 'table') {
    const colour = palette(out.stream, opts.color);
    if (view.connections.length === 0) out.write(opts.filter ? `no QUIC connection matches the filter\n` : 'no QUIC connections found\n');
    else {
      out.write(summaryTable(view, colour) + '\n');
      out.write(requestsText(view, colour) + migrationsText(view, colour) + pnSyncText(view, colour) + findingsText(view.findings, colour) + unjudgedText(view.unjudged, colour));
    }
  } else {
    const doc = summaryToJson(view);
    out.write((opts.format === 'ndjson' ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n');
  }
  await out.flush();
  return exitCode(problems, view.findings, opts);
}
