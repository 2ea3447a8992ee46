import { findingsText, migrationsText, pnSyncText, requestsText, summaryTable, summaryToJson, unjudgedText } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import { processIo, type CommandIo } from './command-io.js';
import type { CommonOptions } from './common-options.js';

/** `quiclens summary` (the default command): one row per connection, then what happened in them. */
export async function summaryCommand(opts: CommonOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out } = io;
  const { view, problems } = await analyseInputs(opts, undefined, io.problems, io);
  io.readDone?.();
  if (opts.format === 'table') {
    const colour = io.colour;
    if (view.connections.length === 0) out.write('no QUIC connections found\n');
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
