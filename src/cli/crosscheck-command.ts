import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { KEYLOG_OPTION } from './common-options.js';
import type { Connection } from '../analysis/connection.js';
import { crosscheckLog, LoggedIndex, twinOf, unexplained, WireIndex } from '../analysis/crosscheck.js';
import { PacketSession } from '../analysis/read-packets.js';
import { openCaptureInput, openInputs } from './inputs.js';
import { palette } from '../report/colour.js';
import { crosscheckTable, crosscheckToJson } from '../report/crosscheck-report.js';
import { InputError } from '../wire/input-issue.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

export interface CrosscheckOptions {
  capture: string;
  qlogs: string[];
  keylog: string[];
  format: 'table' | 'json';
  color: boolean;
}

export function withCrosscheckOptions<T>(y: Argv<T>) {
  return y
    .positional('capture', { describe: 'the capture', type: 'string', demandOption: true })
    .positional('qlogs', { describe: "the endpoints' qlog files or folders of them", type: 'string', array: true, demandOption: true })
    .option('keylog', { ...KEYLOG_OPTION, describe: 'TLS key log for the capture (packet numbers and frames need it); repeatable' })
    .option('format', { requiresArg: true, describe: 'output format', choices: ['table', 'json'] as const, default: 'table' as const })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true });
}

/**
 * `quiclens crosscheck CAPTURE QLOG…`: each endpoint log held against the capture of the
 * same run. Exit 1 when something disagrees that the capture does not explain, 2 on input
 * that cannot be read.
 */
export async function crosscheckCommand(opts: CrosscheckOptions): Promise<number> {
  const problems = new ProblemReporter();
  // the logs first: the capture then keeps only the connections they name
  const logs = new Map<Connection, LoggedIndex>();
  const networkLogs = new Set<Connection>();
  const logged = new PacketSession();
  // the same opener as every command: folders searched, a file given twice read once
  for await (const file of openInputs(opts.qlogs, problems)) {
    if (!('kind' in file)) {
      // the capture itself, met again in its scenario folder, is no mistake
      if (resolve(file.path) !== resolve(opts.capture)) problems.report({ file: file.path, offset: 0, message: 'expected a qlog here (the capture comes first, once)', fatal: true });
      continue;
    }
    for await (const ev of logged.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      if (ev.kind !== 'packet') continue;
      const c = ev.packet.connection;
      // a log made from a capture (network vantage) has no sender's view to hold against it
      if (!c.log || c.log.vantage === 'network') {
        if (c.log) networkLogs.add(c);
        continue;
      }
      let index = logs.get(c);
      if (!index) logs.set(c, (index = new LoggedIndex(c.log.file, c.log.vantage, c)));
      index.add(ev.packet);
    }
  }
  if (logs.size === 0) {
    // checking nothing must not pass in CI
    const why = networkLogs.size > 0 ? `the ${networkLogs.size === 1 ? 'log was' : `${networkLogs.size} logs were`} made from a capture (vantage point "network"), with no sender's view to hold against one` : 'no endpoint log with packets was read';
    problems.report({ file: opts.qlogs.join(', '), message: `nothing to cross-check: ${why}; expected the qlogs the endpoints wrote (their qlog folder)`, fatal: true });
    problems.finish();
    return 2;
  }
  const wire = new WireIndex(new Set([...logs.keys()].flatMap((c) => (c.originalDcid === null ? [] : [c.originalDcid]))));
  const keys = readKeyLogs(opts.keylog, problems);
  const captured = new PacketSession({ keylog: keys });
  try {
    for await (const ev of captured.read(await openCaptureInput(opts.capture, problems))) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      else if (ev.kind === 'packet') wire.add(ev.packet);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.report(err.issue);
    problems.finish();
    return 2;
  }
  reportUnmatchedKeyLogs(keys, problems);
  const indexes = [...logs.values()];
  const results = indexes.map((log) => {
    const twin = twinOf(wire, log.connection);
    const peer = twin ? indexes.find((o) => o !== log && o.vantage !== log.vantage && twinOf(wire, o.connection) === twin) : undefined;
    return crosscheckLog(wire, log, twin, peer);
  });
  const out = new Output();
  out.write(opts.format === 'json' ? JSON.stringify(crosscheckToJson(opts.capture, results), null, 2) + '\n' : crosscheckTable(opts.capture, results, palette(out.stream, opts.color)));
  await out.flush();
  problems.finish();
  if (problems.exitCode !== 0) return problems.exitCode;
  return results.some((r) => unexplained(r) > 0) ? 1 : 0;
}
