import { PacketSession } from '../analysis/read-packets.js';
import { packetToJson } from '../report/packet-json.js';
import { PacketTable } from '../report/packet-table.js';
import { bytesRead, processIo, type CommandIo } from './command-io.js';
import { missingConnection, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';

export interface PacketsOptions extends CommonOptions {
  /** the table shows everything, nothing cut */
  wide?: boolean;
  /** each file on its own, this many at a time (each-file.ts) */
  jobs?: number;
}

/** `quiclens packets`: one line or row per QUIC packet, streamed. */
export async function packetsCommand(opts: PacketsOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out, problems } = io;
  const keys = io.keyLogs ?? readKeyLogs(opts.keylog, problems);
  const session = new PacketSession({ ports: opts.port, keylog: keys });
  const table = opts.format === 'table' ? new PacketTable(out.write, io.colour, { terminalColumns: io.columns, wide: opts.wide }) : null;
  const jsonRows: string[] = [];
  const json = (p: Parameters<typeof packetToJson>[0]) => JSON.stringify(io.input === undefined ? packetToJson(p) : { ...packetToJson(p), input: io.input });
  let packets = 0;

  for await (const file of openInputs(opts.inputs, problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      if (io.onProgress && (++packets & 1023) === 0) io.onProgress(packets, file.path, bytesRead(file));
      const p = ev.packet;
      if (opts.connection !== undefined && p.connection.id !== opts.connection) continue;
      if (table) table.add(p);
      else if (opts.format === 'ndjson') out.write(json(p) + '\n');
      else jsonRows.push(json(p));
      await out.drain();
    }
  }
  io.readDone?.();
  table?.end();
  if (!io.keyLogs) reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  // --format json is one array; it necessarily holds every packet until the end
  if (opts.format === 'json') out.write(`[\n${jsonRows.join(',\n')}\n]\n`);
  await out.flush();
  problems.finish();
  return problems.exitCode;
}
