import { ladder } from '../report/ladder.js';
import { palette } from '../report/colour.js';
import { summaryToJson } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { Output } from './output.js';

/** `quiclens timeline`: each connection's handshake as a ladder diagram. */
export async function timelineCommand(opts: CommonOptions & { explain?: boolean }): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  if (opts.format === 'table') {
    const colour = palette(process.stdout, opts.color);
    if (view.connections.length === 0) out.write('no QUIC connections found\n');
    out.write(view.connections.map((c) => ladder(c, view.handshake(c), colour, opts.explain ?? false, view.zero)).join('\n'));
  } else {
    const doc = summaryToJson(view);
    out.write((opts.format === 'ndjson' ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n');
  }
  await out.flush();
  return exitCode(problems, view.findings, opts);
}
