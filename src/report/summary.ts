import Table from 'cli-table3';
import type { Connection } from '../analysis/connection.js';
import type { Finding } from '../analysis/finding.js';
import type { Http3Request } from '../analysis/http3-requests.js';
import type { ZeroRttStatus } from '../analysis/zero-rtt.js';
import { cipherSuiteName } from '../tls/names.js';
import { tlsToJson } from './tls-json.js';
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
  findings: readonly Finding[],
  requests: (c: Connection) => Http3Request[],
  zeroRtt: (c: Connection) => ZeroRttStatus,
): Record<string, unknown> {
  return {
    inputs,
    connections: connections.map((c) => ({
      id: c.id,
      version: c.version === null ? null : formatVersion(c.version),
      client: c.client ? formatEndpoint(c.client) : null,
      server: c.server ? formatEndpoint(c.server) : null,
      sni: c.tls.clientHello?.serverName ?? null,
      alpn: c.tls.encryptedExtensions?.alpn ?? null,
      cipherSuite: c.tls.serverHello ? cipherSuiteName(c.tls.serverHello.cipherSuite) : null,
      ja4: c.tls.ja4 ?? null,
      tls: tlsToJson(c.tls),
      transportParameters: { client: c.tls.clientParameters ?? null, server: c.tls.serverParameters ?? null },
      // the part of design.md's handshake object this version fills
      handshake: { retry: c.retryScid !== null, zeroRtt: zeroRtt(c) },
      originalDcid: c.originalDcid,
      clientCids: [...c.clientCids],
      serverCids: [...c.serverCids],
      firstFrame: c.firstFrame,
      durationMs: Math.round((c.lastTime - c.firstTime) * 1e6) / 1e3,
      roles: c.roleSource,
      packets: counts.get(c.id) ?? { total: 0, decrypted: 0 },
      requests: requests(c),
    })),
    findings,
  };
}

export function summaryTable(
  connections: readonly Connection[],
  counts: ReadonlyMap<number, ConnectionCounts>,
  zero: number,
  colour: Palette,
): string {
  const t = new Table({
    head: ['#', 'client', 'server', 'version', 'SNI', 'ALPN', 'cipher suite', 'start', 'duration', 'packets (decrypted)'].map(colour.bold),
    colAligns: ['right', 'left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  const unknown = colour.dim('?');
  for (const c of connections) {
    const n = counts.get(c.id) ?? { total: 0, decrypted: 0 };
    t.push([
      String(c.id),
      c.client ? formatEndpoint(c.client) : unknown,
      c.server ? formatEndpoint(c.server) : unknown,
      c.version === null ? unknown : versionInfo(c.version).name,
      c.tls.clientHello?.serverName ?? unknown,
      c.tls.encryptedExtensions?.alpn ?? unknown,
      c.tls.serverHello ? cipherSuiteName(c.tls.serverHello.cipherSuite).replace(/^TLS_/, '') : unknown,
      `${roundTime(c.firstTime - zero).toFixed(3)} s`,
      `${((c.lastTime - c.firstTime) * 1e3).toFixed(1)} ms`,
      `${n.total} (${n.decrypted})`,
    ]);
  }
  return t.toString();
}

/** the HTTP/3 requests under the table, one line each */
export function requestsText(connections: readonly Connection[], requests: (c: Connection) => Http3Request[], colour: Palette): string {
  const lines: string[] = [];
  for (const c of connections) {
    for (const r of requests(c)) {
      const url = `${r.scheme ?? '?'}://${r.authority ?? '?'}${r.path ?? '?'}`;
      const status = r.status === undefined ? colour.dim('no response') : String(r.status);
      const early = r.zeroRtt ? colour.yellow(' (in 0-RTT)') : '';
      const unresolved = r.unresolved ? colour.dim(` [unresolved: ${r.unresolved.join(', ')}]`) : '';
      lines.push(`  ${c.id}  stream ${r.stream}  ${r.method ?? '?'} ${url} → ${status}, ${r.responseBodyBytes} bytes${early}${unresolved}`);
    }
  }
  return lines.length ? `\n${colour.bold('HTTP/3 requests')}\n${lines.join('\n')}\n` : '';
}

/** findings under the table, one line each */
export function findingsText(findings: readonly Finding[], colour: Palette): string {
  if (findings.length === 0) return '';
  const lines = findings.map((f) => {
    const tag = f.severity === 'error' ? colour.red('error') : f.severity === 'warning' ? colour.yellow('warning') : 'info';
    return `  ${tag} ${f.code}: connection ${f.connection}${f.frame !== undefined ? `, frame ${f.frame}` : ''}: ${f.message}`;
  });
  return `\n${colour.bold('Findings')}\n${lines.join('\n')}\n`;
}
