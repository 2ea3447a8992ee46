import Table from 'cli-table3';
import type { Connection } from '../analysis/connection.js';
import { formatEndpoint } from '../capture/types.js';
import { formatVersion, versionInfo } from '../quic/versions.js';
import type { Palette } from './colour.js';
import { roundTime } from './packet-json.js';

export interface InputSummary {
  path: string;
  format: string;
  records: number;
}

export interface ConnectionCounts {
  total: number;
  decrypted: number;
}

/** `summary --format json`: the part of design.md's contract this version can fill. */
export function summaryToJson(
  inputs: readonly InputSummary[],
  connections: readonly Connection[],
  counts: ReadonlyMap<number, ConnectionCounts>,
): Record<string, unknown> {
  return {
    inputs,
    connections: connections.map((c) => ({
      id: c.id,
      version: c.version === null ? null : formatVersion(c.version),
      client: c.client ? formatEndpoint(c.client) : null,
      server: c.server ? formatEndpoint(c.server) : null,
      originalDcid: c.originalDcid,
      clientCids: [...c.clientCids],
      serverCids: [...c.serverCids],
      firstFrame: c.firstFrame,
      durationMs: Math.round((c.lastTime - c.firstTime) * 1e6) / 1e3,
      roles: c.roleSource,
      packets: counts.get(c.id) ?? { total: 0, decrypted: 0 },
    })),
    findings: [],
  };
}

export function summaryTable(
  connections: readonly Connection[],
  counts: ReadonlyMap<number, ConnectionCounts>,
  zero: number,
  colour: Palette,
): string {
  const t = new Table({
    head: ['#', 'client', 'server', 'version', 'start', 'duration', 'packets', 'original dcid'].map(colour.bold),
    colAligns: ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [] },
  });
  for (const c of connections) {
    const n = counts.get(c.id) ?? { total: 0, decrypted: 0 };
    t.push([
      String(c.id),
      c.client ? formatEndpoint(c.client) : '?',
      c.server ? formatEndpoint(c.server) : '?',
      c.version === null ? '?' : versionInfo(c.version).name,
      `${roundTime(c.firstTime - zero).toFixed(3)} s`,
      `${((c.lastTime - c.firstTime) * 1e3).toFixed(1)} ms`,
      String(n.total),
      c.originalDcid ?? colour.dim('(not seen)'),
    ]);
  }
  return t.toString();
}
