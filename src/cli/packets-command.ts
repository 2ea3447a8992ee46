import { PacketSession } from '../analysis/read-packets.js';
import { palette } from '../report/colour.js';
import { packetToJson } from '../report/packet-json.js';
import { PacketTable } from '../report/packet-table.js';
import { PACKET_DEFAULT_FIELDS, PACKET_SPACE } from '../report/select/field-names.js';
import { FieldRows } from '../report/select/field-rows.js';
import { missingConnection, type CommonOptions, type OutputFormat } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { note } from './notes.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';
import { fieldsFormat, readFields, type SelectOptions } from './select-options.js';

export type PacketsOptions = Omit<CommonOptions, 'format'> & Partial<SelectOptions> & { format: OutputFormat | 'csv' };

/** `quiclens packets`: one line or row per QUIC packet, streamed; `--filter` and `--fields` narrow them as they pass. */
export async function packetsCommand(opts: PacketsOptions): Promise<number> {
  const out = new Output();
  const problems = new ProblemReporter();
  const keys = readKeyLogs(opts.keylog, problems);
  const session = new PacketSession({ ports: opts.port, keylog: keys });
  const rowsFormat = fieldsFormat(opts.format, opts.fields);
  const rows = rowsFormat ? new FieldRows(opts.fields ?? readFields(PACKET_DEFAULT_FIELDS.join(','), PACKET_SPACE), rowsFormat, out.write, opts.header ?? true) : null;
  const table =
    !rows && opts.format === 'table'
      ? new PacketTable(out.write, palette(out.stream, opts.color), out.stream.isTTY ? out.stream.columns : undefined)
      : null;
  const jsonRows: string[] = [];
  const filter = opts.filter;
  let seen = 0;
  let shown = 0;

  rows?.start();
  for await (const file of openInputs(opts.inputs, problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      const p = ev.packet;
      if (opts.connection !== undefined && p.connection.id !== opts.connection) continue;
      seen++;
      // the JSON object is made only when something reads it
      const json = filter || rows || !table ? packetToJson(p) : undefined;
      if (filter && !filter.test(json)) continue;
      shown++;
      if (rows) rows.add(json);
      else if (table) table.add(p);
      else if (opts.format === 'ndjson') out.write(JSON.stringify(json) + '\n');
      else jsonRows.push(JSON.stringify(json));
      await out.drain();
    }
  }
  rows?.end();
  table?.end();
  reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  // --format json is one array; it necessarily holds every packet until the end
  if (!rows && opts.format === 'json') out.write(`[\n${jsonRows.join(',\n')}\n]\n`);
  await out.flush();
  if (filter && shown === 0 && seen > 0) note(`--filter matched no packet (of ${seen})`);
  problems.finish();
  return problems.exitCode;
}
