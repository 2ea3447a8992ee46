import type { Argv } from 'yargs';
import { connRecords } from '../report/conn-log.js';
import { connTsvHeader, connTsvLine } from '../report/conn-tsv.js';
import { fleetSummary, GROUP_BY, type GroupBy } from '../report/fleet-summary.js';
import { fleetTable } from '../report/fleet-table.js';
import { connectionRows } from '../report/select/connection-rows.js';
import { CONNECTION_DEFAULT_FIELDS, CONNECTION_SPACE } from '../report/select/field-names.js';
import { FieldRows } from '../report/select/field-rows.js';
import { findingsText, migrationsText, pnSyncText, requestsText, summaryJsonLists, summaryTableText, unjudgedText } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import { processIo, type CommandIo } from './command-io.js';
import { writeJsonLists } from './json-output.js';
import type { CommonOptions, OutputFormat } from './common-options.js';
import { fieldsFormat, readFields, type SelectOptions } from './select-options.js';

/** the conn log (docs/fleet.md): one line per connection for a SIEM, TSV with a Zeek-style header, or NDJSON */
const CONN_FORMATS = ['conn', 'conn-ndjson'] as const;

export interface SummaryOptions extends Omit<CommonOptions, 'format'>, Partial<SelectOptions> {
  format: OutputFormat | 'csv' | (typeof CONN_FORMATS)[number];
  /** group the connections by this value (a fleet at a glance) */
  by?: GroupBy;
  /** with --by: the N largest groups, the rest folded into one `other` row */
  top?: number;
}

/** summary's own options: --by, --top, and the conn log's formats beside the shared ones */
export function withSummaryOptions<T>(y: Argv<T>) {
  return y
    .choices('format', [...CONN_FORMATS])
    .option('by', {
      describe: 'one row per group of connections with this value: counts, handshake time percentiles, round trips, 0-RTT, migrations, findings',
      choices: GROUP_BY,
      requiresArg: true,
    })
    .option('top', {
      describe: 'with --by: only the N largest groups, the rest folded into one "other" row',
      type: 'number',
      requiresArg: true,
      coerce: (v: number | undefined) => {
        if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error('--top expects a number of groups: 1, 2, …');
        return v;
      },
    })
    .check((argv) => {
      const a = argv as unknown as SummaryOptions;
      if (a.top !== undefined && a.by === undefined) throw new Error('--top needs --by: it keeps the largest groups of connections');
      if (a.by !== undefined && (CONN_FORMATS as readonly string[]).includes(a.format)) throw new Error(`--by groups connections; --format ${a.format} writes one line per connection: use one or the other`);
      if (a.by !== undefined && (a.fields !== undefined || a.format === 'csv')) throw new Error('--by groups connections; --fields and --format csv select fields of each connection: use one or the other');
      if (a.fields !== undefined && (CONN_FORMATS as readonly string[]).includes(a.format)) throw new Error(`--fields selects its own columns; --format ${a.format} has a fixed set: use one or the other`);
      return true;
    });
}

/** `quiclens summary` (the default command): one row per connection, then what happened in them. */
export async function summaryCommand(opts: SummaryOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out } = io;
  const { view, problems } = await analyseInputs({ ...opts, format: 'json' }, undefined, io.problems, io);
  io.readDone?.();
  const rowsFormat = opts.format === 'conn' || opts.format === 'conn-ndjson' ? undefined : fieldsFormat(opts.format, opts.fields);
  if (opts.by !== undefined) {
    const fleet = fleetSummary(view, opts.by, opts.top);
    if (opts.format === 'table') out.write(view.connections.length === 0 ? (opts.filter ? 'no QUIC connection matches the filter\n' : 'no QUIC connections found\n') : fleetTable(fleet, io.colour));
    else if (opts.format === 'ndjson') for (const g of fleet.groups) out.write(JSON.stringify({ by: fleet.by, ...g }) + '\n');
    else out.write(JSON.stringify({ inputs: view.inputs, ...fleet }, null, 2) + '\n');
  } else if (opts.format === 'conn' || opts.format === 'conn-ndjson') {
    const tsv = opts.format === 'conn';
    if (tsv) out.write(connTsvHeader());
    for (const r of connRecords(view)) {
      out.write(tsv ? connTsvLine(r) : JSON.stringify(r) + '\n');
      await out.drain();
    }
  } else if (rowsFormat) {
    const rows = new FieldRows(opts.fields ?? readFields(CONNECTION_DEFAULT_FIELDS.join(','), CONNECTION_SPACE), rowsFormat, out.write, opts.header ?? true);
    rows.start();
    for (const { row } of connectionRows(view)) rows.add(row);
    rows.end();
  } else if (opts.format === 'table') {
    const colour = io.colour;
    if (view.connections.length === 0) out.write(opts.filter ? `no QUIC connection matches the filter\n` : 'no QUIC connections found\n');
    else {
      for (const piece of summaryTableText(view, colour)) {
        out.write(piece);
        await out.drain();
      }
      out.write('\n');
      out.write(requestsText(view, colour) + migrationsText(view, colour) + pnSyncText(view, colour) + findingsText(view.findings, colour) + unjudgedText(view.unjudged, colour));
    }
  } else {
    await writeJsonLists(out, summaryJsonLists(view), opts.format !== 'ndjson');
  }
  await out.flush();
  return exitCode(problems, view.findings, opts);
}
