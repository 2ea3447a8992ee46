import { PacketSession } from '../analysis/read-packets.js';
import { packetToJson } from '../report/packet-json.js';
import { PacketTable } from '../report/packet-table.js';
import { processIo, type CommandIo } from './command-io.js';
import { missingConnection, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';

/** a capture's bytes read so far; a qlog does not count them */
export function bytesRead(file: { stats: object }): number | undefined {
  return (file.stats as { bytesRead?: number }).bytesRead;
}

export interface PacketsOptions extends CommonOptions {
  /** the table shows everything, nothing cut */
  wide?: boolean;
}

/** `quiclens packets`: one line or row per QUIC packet, streamed. */
export async function packetsCommand(opts: PacketsOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out, problems } = io;
  const keys = readKeyLogs(opts.keylog, problems);
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
  table?.end();
  reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  // --format json is one array; it necessarily holds every packet until the end
  if (opts.format === 'json') out.write(`[\n${jsonRows.join(',\n')}\n]\n`);
  await out.flush();
  problems.finish();
  return problems.exitCode;
}
