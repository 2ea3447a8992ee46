import { createHash } from 'node:crypto';
import type { Connection } from '../analysis/connection.js';
import { historyString, type HistoryItem } from './conn-history.js';
import { noVersion } from './fleet-summary.js';
import { connectionToJson, unknownTls, type AnalysisView, type ConnectionJson } from './summary.js';

/**
 * One connection of the conn log (`summary --format conn` / `conn-ndjson`): a flat record
 * for a SIEM, as Zeek's conn.log and quic.log give one line per connection. A value that is
 * `null` with an entry in `unknown` was not in what was read; `null` without one is absent
 * (the ClientHello was read and names no server, say).
 */
export interface ConnRecord {
  /** stable across runs: see connUid */
  uid: string;
  /** the connection's number in this run (`summary`, `packets --connection`) */
  connection: number;
  /** first and last packet, seconds since the Unix epoch (a qlog's: its own clock) */
  start: number;
  end: number;
  durationMs: number;
  clientAddr: string | null;
  clientPort: number | null;
  serverAddr: string | null;
  serverPort: number | null;
  version: string | null;
  sni: string | null;
  alpn: string | null;
  ja4: string | null;
  originalDcid: string | null;
  clientCids: string[];
  serverCids: string[];
  /** the handshake's milestones as letters (docs/fleet.md) */
  history: string;
  clientPackets: number;
  clientBytes: number | null;
  serverPackets: number;
  serverBytes: number | null;
  /** client Initial to client Finished */
  handshakeMs: number | null;
  roundTrips: number | null;
  /** `none` when not attempted */
  zeroRtt: 'accepted' | 'rejected' | 'none' | null;
  migrations: number;
  /** `connection_close`, `idle`, `version_negotiation` */
  ended: string | null;
  /** the handshake: `completed` (proven), `failed` (proven not to complete in the capture), `unknown` */
  result: 'completed' | 'failed' | 'unknown';
  /** what proves the result, or why it is unknown */
  resultReason: string;
  /** the codes of the connection's findings */
  findings: string[];
  /** for each field that is null because it is unknown: why */
  unknown: Record<string, string>;
}

/** every connection of the view as a conn log record, in connection order */
export function connRecords(v: AnalysisView): ConnRecord[] {
  return v.connections.map((c) => connRecord(v, c, connectionToJson(v, c)));
}

export function connRecord(v: AnalysisView, c: Connection, json: ConnectionJson): ConnRecord {
  const h = json.handshake;
  const unknown: Record<string, string> = {};
  const tls = unknownTls(v, c);
  const tlsWhy = c.log ? 'the endpoint log does not record it' : (tls?.why ?? 'no TLS message in the capture says');
  const noAddress = 'the endpoint log gives no addresses';
  if (!c.client) unknown.clientAddr = unknown.clientPort = noAddress;
  if (!c.server) unknown.serverAddr = unknown.serverPort = noAddress;
  if (json.version === null) unknown.version = noVersion(c);
  if (json.sni === null && !c.tls.clientHello && !c.tls.gquicHello) unknown.sni = `no ClientHello read: ${tlsWhy}`;
  if (json.ja4 === null && !c.tls.clientHello && !c.tls.gquicHello) unknown.ja4 = `no ClientHello read: ${tlsWhy}`;
  if (json.alpn === null && !c.tls.encryptedExtensions) unknown.alpn = `the server's EncryptedExtensions was not read: ${tlsWhy}`;
  if (json.originalDcid === null) unknown.originalDcid = "the client's first Initial is not in the input";
  const sent = json.packets.sent;
  const bytes = (side: 'client' | 'server'): number | null => {
    const s = sent?.[side];
    if (s && s.unsized === 0) return s.bytes;
    unknown[`${side}Bytes`] = s ? `the input gives no size for ${s.unsized} of the ${side}'s ${s.packets} packets` : 'not counted';
    return null;
  };
  if (h.complete === true) {
    if (h.durationMs === null && h.facts.durationMs) unknown.handshakeMs = h.facts.durationMs.reason;
    if (h.roundTrips === null && h.facts.roundTrips) unknown.roundTrips = h.facts.roundTrips.reason;
  } else if (h.complete === null) {
    unknown.handshakeMs = unknown.roundTrips = h.facts.complete.reason;
  }
  let zeroRtt: ConnRecord['zeroRtt'] = h.zeroRtt.attempted ? (h.zeroRtt.accepted === null ? null : h.zeroRtt.accepted ? 'accepted' : 'rejected') : 'none';
  if (h.zeroRtt.attempted && h.zeroRtt.accepted === null) unknown.zeroRtt = h.zeroRtt.facts.accepted.reason;
  if (!h.zeroRtt.attempted && !c.log && !c.tls.clientHello && !c.tls.gquicHello) {
    // no 0-RTT packet in the capture proves nothing when the ClientHello that would offer it was not read
    zeroRtt = null;
    unknown.zeroRtt = 'the ClientHello, which would offer early data, was not read, and no 0-RTT packet is in the capture';
  }
  if (h.ended === null) unknown.ended = h.facts.ended.reason;
  const history: HistoryItem[] = [
    ...h.events.map((e) => ({ time: e.time, frame: e.frame, by: e.by, event: e.event })),
    ...json.migrations.map((m) => ({ time: m.time, frame: m.frame, by: m.side, event: 'migration' as const })),
  ];
  return {
    uid: connUid(c),
    connection: c.id,
    start: Math.round(c.firstTime * 1e6) / 1e6,
    end: Math.round(c.lastTime * 1e6) / 1e6,
    durationMs: json.durationMs,
    clientAddr: c.client?.ip ?? null,
    clientPort: c.client?.port ?? null,
    serverAddr: c.server?.ip ?? null,
    serverPort: c.server?.port ?? null,
    version: json.version,
    sni: json.sni,
    alpn: json.alpn,
    ja4: json.ja4,
    originalDcid: json.originalDcid,
    clientCids: json.clientCids,
    serverCids: json.serverCids,
    history: historyString(history),
    clientPackets: sent?.client.packets ?? 0,
    clientBytes: bytes('client'),
    serverPackets: sent?.server.packets ?? 0,
    serverBytes: bytes('server'),
    handshakeMs: h.durationMs,
    roundTrips: h.roundTrips,
    zeroRtt,
    migrations: json.migrations.length,
    ended: h.ended,
    ...result(json),
    findings: [...new Set(v.findings.filter((f) => f.connection === c.id).map((f) => f.code))],
    unknown,
  };
}

/** the handshake's outcome in one word, and what says so */
function result(json: ConnectionJson): Pick<ConnRecord, 'result' | 'resultReason'> {
  const h = json.handshake;
  if (h.complete === true) return { result: 'completed', resultReason: h.facts.complete.reason };
  if (h.complete === null) return { result: 'unknown', resultReason: h.facts.complete.reason };
  const close = h.events.find((e) => e.event === 'connection_close');
  if (close) return { result: 'failed', resultReason: `${close.by} closed it before the handshake completed: ${close.detail} (frame ${close.frame})` };
  if (h.ended === 'version_negotiation') return { result: 'failed', resultReason: `the client abandoned it after the server's Version Negotiation: ${h.facts.ended.reason}` };
  const answered = json.packets.sent?.server.packets !== 0;
  return { result: 'failed', resultReason: `${h.facts.complete.reason} in the capture${answered ? '' : ', and nothing from the server'}` };
}

/**
 * A connection's uid: a hash of its first packet as the input shows it (time to the
 * microsecond, endpoints, the client's first DCID and SCID, the version) and, for a
 * connection read from an endpoint log, which side logged it. The same capture gives the same
 * uids on every run, under any file name; two connections never share a first packet.
 */
export function connUid(c: Connection): string {
  const first = [
    Math.round(c.firstTime * 1e6),
    c.client ? `${c.client.ip} ${c.client.port}` : '',
    c.server ? `${c.server.ip} ${c.server.port}` : '',
    c.originalDcid ?? '',
    c.clientInitialScid ?? '',
    c.firstVersion ?? c.version ?? '',
    c.log?.vantage ?? 'capture',
  ].join('|');
  // Q for QUIC, as Zeek's uids start with C; 80 bits of the hash
  return `Q${createHash('sha256').update(first).digest('hex').slice(0, 20)}`;
}
