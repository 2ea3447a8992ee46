import type { Argv } from 'yargs';
import { KEYLOG_OPTION } from './common-options.js';
import { PacketSession } from '../analysis/read-packets.js';
import { connectionCids, quicLbListeners, readCid, type ConnectionCids } from '../lb/decode-cids.js';
import { readLbConfig } from '../lb/read-config.js';
import { palette } from '../report/colour.js';
import { lbDecodeJson, lbDecodeTable, type LbDecode } from '../report/lb-decode-report.js';
import { InputError } from '../wire/input-issue.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

export interface LbDecodeOptions {
  config: string;
  cids: string[];
  capture?: string;
  keylog: string[];
  format: 'table' | 'json';
  color: boolean;
}

export function withLbDecodeOptions<T>(y: Argv<T>) {
  return y
    .positional('cids', { describe: 'connection IDs in hex', type: 'string', array: true, default: [] as string[] })
    .option('config', { requiresArg: true, describe: 'a QUIC-LB config file (docs/lb/quic-lb.md)', type: 'string', demandOption: true })
    .option('capture', { requiresArg: true, describe: 'check that every CID each server issued in this capture decodes to that one server', type: 'string' })
    .option('keylog', { ...KEYLOG_OPTION, describe: 'TLS key log for the capture (NEW_CONNECTION_ID frames are encrypted); repeatable' })
    .option('format', { requiresArg: true, describe: 'output format', choices: ['table', 'json'] as const, default: 'table' as const })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true })
    .check((argv) => {
      if ((argv.cids as string[]).length === 0 && !argv.capture) throw new Error('name connection IDs to decode, or a --capture to check');
      return true;
    });
}

/**
 * `quiclens lb decode`: the server ID a QUIC-LB balancer reads from each CID, and for a
 * capture, whether each connection's CIDs all lead to one server. Exit 1 when a CID leads
 * nowhere or a connection's CIDs lead to different servers, 2 when the config cannot be read.
 */
export async function lbDecodeCommand(opts: LbDecodeOptions): Promise<number> {
  const problems = new ProblemReporter();
  let listener;
  try {
    const config = readLbConfig(opts.config);
    listener = quicLbListeners(config.listeners)[0];
    if (!listener) {
      problems.report({ file: opts.config, message: `expected a QUIC-LB config (kind: quic-lb), found a ${config.kind} config`, fatal: true });
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.report(err.issue);
  }
  if (!listener) {
    problems.finish();
    return 2;
  }
  const result: LbDecode = { config: opts.config, listen: listener.listen, cids: opts.cids.map((c) => readCid(listener, c)) };
  // text that is no CID at all is bad input (exit 2), not a CID that leads nowhere (exit 1)
  for (const c of result.cids) if (c.malformed) problems.report({ file: 'the command line', message: c.problem!, fatal: true });
  if (opts.capture) {
    const keys = readKeyLogs(opts.keylog, problems);
    const session = new PacketSession({ keylog: keys });
    for await (const file of openInputs([opts.capture], problems)) {
      for await (const ev of session.read(file)) if (ev.kind === 'issue') problems.report(ev.issue);
    }
    reportUnmatchedKeyLogs(keys, problems);
    const connections: ConnectionCids[] = session.tracker.connections.map((c) => connectionCids(listener, c));
    result.capture = { file: opts.capture, connections };
  }
  const out = new Output();
  out.write(opts.format === 'json' ? JSON.stringify(lbDecodeJson(result), null, 2) + '\n' : lbDecodeTable(result, palette(out.stream, opts.color)));
  await out.flush();
  problems.finish();
  if (problems.exitCode !== 0) return problems.exitCode;
  const bad = result.cids.some((c) => c.backend === null) || (result.capture?.connections.some((c) => c.verdict !== 'one_server') ?? false);
  return bad ? 1 : 0;
}
