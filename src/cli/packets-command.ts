import { PacketSession } from '../analysis/read-packets.js';
import { packetToJson } from '../report/packet-json.js';
import { PacketTable } from '../report/packet-table.js';
import { PACKET_DEFAULT_FIELDS, PACKET_SPACE } from '../report/select/field-names.js';
import { FieldRows } from '../report/select/field-rows.js';
import { bytesRead, processIo, type CommandIo } from './command-io.js';
import { missingConnection, type CommonOptions, type OutputFormat } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { note } from './notes.js';
import { fieldsFormat, readFields, type SelectOptions } from './select-options.js';

export interface PacketsOptions extends Omit<CommonOptions, 'format'>, Partial<SelectOptions> {
  format: OutputFormat | 'csv';
  /** the table shows everything, nothing cut */
  wide?: boolean;
  /** each file on its own, this many at a time (each-file.ts) */
  jobs?: number;
}

/** `quiclens packets`: one line or row per QUIC packet, streamed; `--filter` and `--fields` narrow them as they pass. */
export async function packetsCommand(opts: PacketsOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out, problems } = io;
  const keys = io.keyLogs ?? readKeyLogs(opts.keylog, problems);
  // a list of packets: nothing that only the other commands' conclusions need is worked out
  const session = new PacketSession({ ports: opts.port, keylog: keys, analyses: false });
  const rowsFormat = fieldsFormat(opts.format, opts.fields);
  const rows = rowsFormat ? new FieldRows(opts.fields ?? readFields(PACKET_DEFAULT_FIELDS.join(','), PACKET_SPACE), rowsFormat, out.write, opts.header ?? true) : null;
  const table = !rows && opts.format === 'table' ? new PacketTable(out.write, io.colour, { terminalColumns: io.columns, wide: opts.wide }) : null;
  // --format json is one array, written as its items come: `[`, the items one a line between commas, `]`
  let jsonItems = 0;
  const filter = opts.filter;
  // each packet's JSON, with the file it came from when each file is analysed on its own (--jobs)
  const toJson = (p: Parameters<typeof packetToJson>[0]) => (io.input === undefined ? packetToJson(p) : { ...packetToJson(p), input: io.input });
  let packets = 0;
  let seen = 0;
  let shown = 0;

  rows?.start();
  for await (const file of openInputs(opts.inputs, problems)) {
    await session.readEach(
      file,
      (ev) => {
        if (ev.kind === 'issue') problems.report(ev.issue);
        if (ev.kind !== 'packet') return;
        if (io.onProgress && (++packets & 1023) === 0) io.onProgress(packets, file.path, bytesRead(file));
        const p = ev.packet;
        if (opts.connection !== undefined && p.connection.id !== opts.connection) return;
        seen++;
        // the JSON object is made only when something reads it
        const json = filter || rows || !table ? toJson(p) : undefined;
        if (filter && !filter.test(json)) return;
        shown++;
        if (rows) rows.add(json);
        else if (table) table.add(p);
        else if (opts.format === 'ndjson') out.write(JSON.stringify(json) + '\n');
        else out.write((jsonItems++ === 0 ? '[\n' : ',\n') + JSON.stringify(json));
      },
      // a slow reader of the output holds the capture's reading back
      () => out.drain(),
    );
  }
  io.readDone?.();
  rows?.end();
  table?.end();
  if (!io.keyLogs) reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  if (!rows && opts.format === 'json') out.write(jsonItems === 0 ? '[\n\n]\n' : '\n]\n');
  await out.flush();
  if (filter && shown === 0 && seen > 0) note(`--filter matched no packet (of ${seen})`);
  problems.finish();
  return problems.exitCode;
}
