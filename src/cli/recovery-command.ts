import { palette } from '../report/colour.js';
import { recoveryText } from '../report/recovery-table.js';
import { recoveryToJson } from '../report/recovery-json.js';
import { loggedRecoveryFields, loggedRecoverySection, type LoggedRecoveryView } from '../report/logged-recovery-report.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { Output } from './output.js';
import type { AnalysisView } from '../report/summary.js';

/** `recovery --format json`: the capture's recovery per connection, with its endpoint logs' own beside it */
export function recoveryDocument(view: AnalysisView): Record<string, unknown> {
  const recovery = view.recovery!;
  const logged: LoggedRecoveryView = { report: (c) => recovery.report(c), loggedRecovery: (c) => view.loggedRecovery!(c), endpointLogs: (c) => view.endpointLogs!(c) };
  const doc = recoveryToJson(view.inputs, view.connections, recovery);
  const byId = new Map(view.connections.map((c) => [c.id, c]));
  for (const entry of doc.connections as Record<string, unknown>[]) Object.assign(entry, loggedRecoveryFields(byId.get(entry.id as number)!, logged));
  return doc;
}

/** `quiclens recovery`: per connection and sender, loss, retransmission, RTT, bytes in flight and flow control at the capture point. */
export async function recoveryCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  const recovery = view.recovery!;
  // endpoint logs (qlog) read with the capture: their own recovery beside the capture's
  const logged: LoggedRecoveryView = { report: (c) => recovery.report(c), loggedRecovery: (c) => view.loggedRecovery!(c), endpointLogs: (c) => view.endpointLogs!(c) };
  if (opts.format === 'table') {
    const colour = palette(out.stream, opts.color);
    if (view.connections.length === 0) out.write('no QUIC connections found\n');
    else {
      out.write(recoveryText(view.connections, recovery, colour));
      const section = loggedRecoverySection(view.connections, logged, colour);
      if (section) out.write(`\n${section}`);
    }
  } else {
    const doc = recoveryDocument(view);
    out.write((opts.format === 'ndjson' ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n');
  }
  await out.flush();
  return exitCode(problems, [], opts);
}
