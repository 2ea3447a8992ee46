import { palette } from '../report/colour.js';
import { streamsText, streamsToJson } from '../report/streams-report.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { Output } from './output.js';

/** `quiclens streams`: per connection, its streams, their head-of-line waits, and what TCP would have done. */
export async function streamsCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  const report = view.streams!;
  if (opts.format === 'table') out.write(streamsText(view.connections, report, palette(out.stream, opts.color)));
  else {
    const connections = view.connections.map((c) => streamsToJson(c, report(c)));
    if (opts.format === 'ndjson') for (const c of connections) out.write(JSON.stringify(c) + '\n');
    else out.write(JSON.stringify({ inputs: view.inputs, connections }, null, 2) + '\n');
  }
  await out.flush();
  return exitCode(problems, [], opts);
}
