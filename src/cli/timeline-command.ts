import type { Connection } from '../analysis/connection.js';
import { ladder } from '../report/ladder.js';
import { palette } from '../report/colour.js';
import { summaryJsonLists } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { writeJsonLists } from './json-output.js';
import { Output } from './output.js';
import type { RowFilter } from '../report/select/filter-expression.js';

/** `quiclens timeline`: each connection's handshake as a ladder diagram. */
export async function timelineCommand(opts: CommonOptions & { explain?: boolean; filter?: RowFilter }): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  if (opts.format === 'table') {
    const colour = palette(out.stream, opts.color);
    if (view.connections.length === 0) out.write(opts.filter ? 'no QUIC connection matches the filter\n' : 'no QUIC connections found\n');
    const explain = opts.explain ?? false;
    // the losses the capture shows, explained among the milestones (--explain only), ordered by when the lost packet was sent
    const losses = (c: Connection) => (explain ? [...(view.recovery?.losses(c) ?? [])].sort((a, b) => a.time - b.time) : []);
    // for a connection read from an endpoint log: the losses its writer declared
    const declared = (c: Connection) => (explain ? (view.loggedRecovery?.(c)?.lost.declared ?? []) : []);
    out.write(view.connections.map((c) => ladder(c, view.handshake(c), colour, explain, view.zero, losses(c), declared(c))).join('\n'));
  } else {
    await writeJsonLists(out, summaryJsonLists(view), opts.format !== 'ndjson');
  }
  await out.flush();
  return exitCode(problems, view.findings, opts);
}
