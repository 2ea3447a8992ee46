import Table from 'cli-table3';
import type { CidReading, ConnectionCids } from '../lb/decode-cids.js';
import type { Palette } from './colour.js';

/** Everything `lb decode` read: the CIDs named on the command line, and a capture's connections. */
export interface LbDecode {
  config: string;
  listen: string;
  cids: CidReading[];
  capture?: { file: string; connections: ConnectionCids[] };
}

/** `lb decode --format json` (docs/json.md) */
export function lbDecodeJson(d: LbDecode): Record<string, unknown> {
  return {
    config: d.config,
    listen: d.listen,
    cids: d.cids,
    ...(d.capture ? { capture: { file: d.capture.file, connections: d.capture.connections } } : {}),
  };
}

const VERDICT_WORDS: Record<ConnectionCids['verdict'], string> = {
  one_server: 'every CID leads to one server',
  several_servers: 'the CIDs lead to different servers',
  undecodable: 'some CIDs lead to no server',
  no_cids: 'the server issued no CIDs: there is nothing to route by',
};

function cidTable(rows: CidReading[], colour: Palette): string {
  const t = new Table({ head: ['CID', 'config', 'server ID', 'nonce', 'backend'].map(colour.bold), style: { head: [], border: [] } });
  for (const r of rows) {
    t.push([
      r.cid,
      r.configId === null ? '' : String(r.configId),
      r.serverId ?? '',
      r.nonce ?? '',
      r.backend ?? colour.red(r.problem ?? ''),
    ]);
  }
  return t.toString();
}

/** `lb decode` for people */
export function lbDecodeTable(d: LbDecode, colour: Palette): string {
  const parts: string[] = [];
  if (d.cids.length > 0) parts.push(cidTable(d.cids, colour));
  if (d.capture) {
    const head = colour.bold(`Connection IDs the servers issued in ${d.capture.file}`);
    parts.push(d.capture.connections.length === 0 ? `${head}\nno QUIC connections` : head);
    for (const c of d.capture.connections) {
      const ok = c.verdict === 'one_server';
      const title = `connection ${c.id} (${c.client ?? '?'} → ${c.server ?? '?'}): ${(ok ? colour.green : colour.red)(VERDICT_WORDS[c.verdict])}${c.servers.length > 0 ? ` (${c.servers.join(', ')})` : ''}`;
      parts.push(c.cids.length > 0 ? `${title}\n${cidTable(c.cids, colour)}` : title);
    }
  }
  return parts.join('\n\n') + '\n';
}
