import { palette } from '../report/colour.js';
import { recoveryText } from '../report/recovery-table.js';
import { recoveryToJson } from '../report/recovery-json.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { Output } from './output.js';

/** `quiclens recovery`: per connection and sender, loss, retransmission, RTT, bytes in flight and flow control at the capture point. */
export async function recoveryCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  const recovery = view.recovery!;
  if (opts.format === 'table') {
    if (view.connections.length === 0) out.write('no QUIC connections found\n');
    else out.write(recoveryText(view.connections, recovery, palette(process.stdout, opts.color)));
  } else {
    const doc = recoveryToJson(view.inputs, view.connections, recovery);
    out.write((opts.format === 'ndjson' ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n');
  }
  await out.flush();
  return exitCode(problems, [], opts);
}
