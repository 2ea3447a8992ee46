import { analyseInputs } from '../../src/cli/analyse-inputs.js';
import { recoveryDocument } from '../../src/cli/recovery-command.js';
import { ProblemReporter } from '../../src/cli/problems.js';
import { packetToJson } from '../../src/report/packet-json.js';
import { streamsToJson } from '../../src/report/streams-report.js';
import { summaryToJson } from '../../src/report/summary.js';

/**
 * What `packets --format ndjson`, `timeline --format json`, `recovery --format json` and
 * `streams --format json` print for the same inputs, made by the functions those commands
 * call, from one read of the inputs in this process: for tests about what the output says
 * (the HTML report against it), not about the CLI process. Each document goes through
 * JSON text as the command's does, so that it has the shape a reader of the output parses.
 * test/cli/command-documents.test.ts holds these equal to the commands' own output.
 */
export interface CommandDocuments {
  /** one object per packet, in capture order */
  packets: unknown[];
  timeline: unknown;
  recovery: unknown;
  streams: unknown;
}

const viaText = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

export async function commandDocuments(inputs: string[], keylog: string[] = []): Promise<CommandDocuments> {
  const packets: unknown[] = [];
  // each packet's JSON made as it is read, as `packets` writes it before reading the next
  const { view, problems } = await analyseInputs({ inputs, keylog, port: [], color: false, quiet: true }, (p) => packets.push(viaText(packetToJson(p))), new ProblemReporter());
  problems.finish();
  if (problems.exitCode !== 0) throw new Error(`${inputs.join(' ')}: the inputs could not all be read (exit ${problems.exitCode})`);
  return {
    packets,
    timeline: viaText(summaryToJson(view)),
    recovery: viaText(recoveryDocument(view)),
    streams: viaText({ inputs: view.inputs, connections: view.connections.map((c) => streamsToJson(c, view.streams!(c))) }),
  };
}
