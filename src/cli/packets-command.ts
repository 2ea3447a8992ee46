import { PacketSession } from '../analysis/read-packets.js';
import { palette } from '../report/colour.js';
import { packetToJson } from '../report/packet-json.js';
import { PacketTable } from '../report/packet-table.js';
import { missingConnection, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

/** `quiclens packets`: one line or row per QUIC packet, streamed. */
export async function packetsCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const problems = new ProblemReporter();
  const keys = readKeyLogs(opts.keylog, problems);
  const session = new PacketSession({ ports: opts.port, keylog: keys });
  const table =
    opts.format === 'table'
      ? new PacketTable(out.write, palette(process.stdout, opts.color), process.stdout.isTTY ? process.stdout.columns : undefined)
      : null;
  const jsonRows: string[] = [];

  for await (const file of openInputs(opts.inputs, problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      const p = ev.packet;
      if (opts.connection !== undefined && p.connection.id !== opts.connection) continue;
      if (table) table.add(p);
      else if (opts.format === 'ndjson') out.write(JSON.stringify(packetToJson(p)) + '\n');
      else jsonRows.push(JSON.stringify(packetToJson(p)));
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
