import type { Connection } from '../analysis/connection.js';
import type { Finding } from '../analysis/finding.js';
import type { PacketRecord } from '../analysis/packet-record.js';
import { PacketSession } from '../analysis/read-packets.js';
import { endpointLogsOf } from '../analysis/recovery/logged-recovery.js';
import type { AnalysisView, ConnectionCounts, InputSummary } from '../report/summary.js';
import { narrowView } from '../report/select/connection-rows.js';
import type { RowFilter } from '../report/select/filter-expression.js';
import { bytesRead, type CommandIo } from './command-io.js';
import { missingConnection, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { note } from './notes.js';
import { ProblemReporter } from './problems.js';

const RANK = { info: 0, warning: 1, error: 2 } as const;

/**
 * What the whole-capture commands (summary, migrations) share: every input read through
 * one session, packets counted per connection, the analyses' results for the connections
 * the user asked about.
 */
export async function analyseInputs(
  /** `filter`: --filter, over each connection as `summary --format json` prints it */
  opts: Omit<CommonOptions, 'format'> & { format?: string; filter?: RowFilter },
  /** each packet as it is read (the HTML report keeps them; the other commands need only the counts) */
  onPacket?: (p: PacketRecord) => void,
  problems: ProblemReporter = new ProblemReporter(),
  /** key logs already read, and the progress line (command-io.ts) */
  io: Pick<CommandIo, 'keyLogs' | 'onProgress'> = {},
): Promise<{ view: AnalysisView; problems: ProblemReporter }> {
  const keys = io.keyLogs ?? readKeyLogs(opts.keylog, problems);
  let packets = 0;
  const session = new PacketSession({ ports: opts.port, keylog: keys });
  const inputs: InputSummary[] = [];
  const counts = new Map<number, ConnectionCounts>();
  let zero: number | undefined;
  for await (const file of openInputs(opts.inputs, problems)) {
    await session.readEach(file, (ev) => {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') return;
      if (io.onProgress && (++packets & 1023) === 0) io.onProgress(packets, file.path, bytesRead(file));
      onPacket?.(ev.packet);
      const id = ev.packet.connection.id;
      const n = counts.get(id) ?? { total: 0, decrypted: 0, sent: { client: { packets: 0, bytes: 0, unsized: 0 }, server: { packets: 0, bytes: 0, unsized: 0 } } };
      n.total++;
      const side = n.sent![ev.packet.direction];
      side.packets++;
      // a real packet is never 0 bytes long: 0 is a log's event that gave no size
      if (ev.packet.header.length > 0) side.bytes += ev.packet.header.length;
      else side.unsized++;
      if (ev.packet.decrypted === true) n.decrypted++;
      else {
        n.notDecrypted ??= {};
        n.notDecrypted[ev.packet.decrypted] = (n.notDecrypted[ev.packet.decrypted] ?? 0) + 1;
      }
      counts.set(id, n);
    });
    zero ??= file.stats.firstTime;
    inputs.push({ path: file.path, format: file.format, records: file.stats.records });
  }
  if (!io.keyLogs) reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  const wanted = (id: number) => opts.connection === undefined || id === opts.connection;
  const view: AnalysisView = {
    inputs,
    zero: zero ?? 0,
    counts,
    connections: session.tracker.connections.filter((c) => wanted(c.id)),
    findings: session.findings().filter((f) => wanted(f.connection)),
    unjudged: session.tracker.connections.filter((c) => wanted(c.id)).flatMap((c) => session.paths.unjudged(c)),
    requests: (c: Connection) => session.http3.requests(c),
    zeroRtt: (c: Connection) => session.zeroRtt(c),
    migrations: (c: Connection) => session.paths.migrations(c),
    legs: (c: Connection) => session.paths.legs(c),
    handshake: (c: Connection) => session.timeline.summary(c),
    pnSync: (c: Connection) => session.pnSync(c),
    recovery: session.recovery,
    loggedRecovery: (c: Connection) => session.loggedRecovery(c),
    endpointLogs: (c: Connection) => endpointLogsOf(c, session.tracker.connections).flatMap((l) => session.loggedRecovery(l) ?? []),
    streams: (c: Connection) => session.streams(c),
    amplification: (c: Connection) => session.amplification.budgets(c),
  };
  if (!opts.filter) return { view, problems };
  // --filter narrows the connections as --connection does: their findings alone remain, for --fail-on too
  const narrowed = narrowView(view, opts.filter.test);
  if (narrowed.connections.length === 0 && view.connections.length > 0) {
    note(`--filter matched no connection (of ${view.connections.length})`);
  }
  return { view: narrowed, problems };
}

/**
 * bad input (2) outranks a finding the user asked to fail on with --fail-on (1); an inferred
 * finding counts only with --fail-on-inferred, so CI fails on what the packets prove
 */
export function exitCode(problems: ProblemReporter, findings: readonly Finding[], opts: Pick<CommonOptions, 'failOn' | 'failOnInferred'>): number {
  problems.finish();
  if (problems.exitCode !== 0) return problems.exitCode;
  const { failOn } = opts;
  if (failOn === undefined) return 0;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn] && (f.evidence === 'proven' || opts.failOnInferred === true)) ? 1 : 0;
}
