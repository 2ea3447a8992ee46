import type { Argv } from 'yargs';
import { PacketSession } from '../analysis/read-packets.js';
import { QlogWriter } from '../qlog/write-qlog.js';
import { withCommonOptions, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs } from './keylogs.js';
import { ProblemReporter } from './problems.js';

export interface ExportOptions extends CommonOptions {
  out: string;
}

export function withExportOptions<T>(y: Argv<T>) {
  return withCommonOptions(y).option('out', { describe: 'folder for the qlog files (created if missing)', type: 'string', default: 'qlog' });
}

/**
 * `quiclens export qlog CAPTURE…`: a qlog trace per connection and vantage point, for qvis
 * and other qlog tools. Prints the files written, one per line.
 */
export async function exportQlogCommand(opts: ExportOptions): Promise<number> {
  const problems = new ProblemReporter();
  const session = new PacketSession({ ports: opts.port, keylog: readKeyLogs(opts.keylog, problems) });
  // one writer for all inputs: connection numbers and time zero run across them
  let writer: QlogWriter | undefined;
  for await (const file of openInputs(opts.inputs, problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      if (opts.connection !== undefined && ev.packet.connection.id !== opts.connection) continue;
      writer ??= new QlogWriter(opts.out, (file.stats.firstTime ?? 0) * 1000, opts.inputs.join(', '));
      writer.write(ev.packet);
    }
  }
  const files = writer ? writer.finish() : [];
  process.stdout.write(files.length > 0 ? `${files.join('\n')}\n` : '');
  if (files.length === 0) process.stderr.write('quiclens: no QUIC connections found: no qlog written\n');
  problems.finish();
  return problems.exitCode;
}
