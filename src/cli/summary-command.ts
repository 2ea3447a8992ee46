import { PacketSession } from '../analysis/read-packets.js';
import { palette } from '../report/colour.js';
import type { Connection } from '../analysis/connection.js';
import type { Finding } from '../analysis/finding.js';
import { findingsText, requestsText, summaryTable, summaryToJson, type ConnectionCounts, type InputSummary } from '../report/summary.js';
import type { CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

const RANK = { info: 0, warning: 1, error: 2 } as const;

/** --fail-on: a finding of at least this severity makes the exit code 1, for CI */
function failsOn(findings: readonly Finding[], level: CommonOptions['failOn']): boolean {
  if (level === undefined) return false;
  return findings.some((f) => RANK[f.severity] >= RANK[level]);
}

/** `quiclens summary` (the default command): one row per connection. */
export async function summaryCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const problems = new ProblemReporter();
  const session = new PacketSession({ ports: opts.port, keylog: readKeyLogs(opts.keylog, problems) });
  const inputs: InputSummary[] = [];
  const counts = new Map<number, ConnectionCounts>();
  let zero: number | undefined;

  for await (const file of openInputs(opts.inputs, problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      const id = ev.packet.connection.id;
      const n = counts.get(id) ?? { total: 0, decrypted: 0 };
      n.total++;
      if (ev.packet.decrypted === true) n.decrypted++;
      counts.set(id, n);
    }
    zero ??= file.stats.firstTime;
    inputs.push({ path: file.path, format: file.format, records: file.stats.records });
  }

  const connections = session.tracker.connections.filter(
    (c) => opts.connection === undefined || c.id === opts.connection,
  );
  const requests = (c: Connection) => session.http3.requests(c);
  const findings = session.findings().filter((f) => opts.connection === undefined || f.connection === opts.connection);
  if (opts.format === 'table') {
    const colour = palette(process.stdout, opts.color);
    if (connections.length === 0) out.write('no QUIC connections found\n');
    else {
      out.write(summaryTable(connections, counts, zero ?? 0, colour) + '\n');
      out.write(requestsText(connections, requests, colour) + findingsText(findings, colour));
    }
  } else {
    const doc = summaryToJson(inputs, connections, counts, findings, requests, (c) => session.zeroRtt(c));
    out.write((opts.format === 'ndjson' ? JSON.stringify(doc) : JSON.stringify(doc, null, 2)) + '\n');
  }
  await out.flush();
  problems.finish();
  // bad input (2) outranks a finding the user asked to fail on (1)
  if (problems.exitCode !== 0) return problems.exitCode;
  return failsOn(findings, opts.failOn) ? 1 : 0;
}
