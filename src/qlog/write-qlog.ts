import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, Role } from '../analysis/connection.js';
import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint } from '../capture/types.js';
import { frameToJson } from '../quic/frames/index.js';
import { formatVersion } from '../quic/versions.js';
import { cipherSuiteName } from '../tls/names.js';
import { mergeIntoSeq } from './merge-seq.js';
import { recoveryQlogEvents, type RecoverySource } from './recovery-qlog.js';

/** JSON-SEQ record separator (RFC 7464 §2) */
const RS = '\x1e';
/** a connection's pending lines are appended to its files beyond this many characters */
const FLUSH_AT = 16 * 1024;
/** every trace is flushed when all the pending lines together pass this: memory stays bounded with many connections */
const FLUSH_ALL_AT = 8 * 1024 * 1024;

interface Trace {
  path: string;
  pending: string;
  paramsWritten: { client: boolean; server: boolean };
}

interface Open {
  connection: Connection;
  client: Trace;
  server: Trace;
  /** the last path each direction used, to note a change */
  lastPath?: string;
}

/** milliseconds with microsecond precision, as qlog's relative times are written */
const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;

function header(p: PacketRecord): Record<string, unknown> {
  const h = p.header;
  const o: Record<string, unknown> = {
    packet_type: p.statelessReset ? 'stateless_reset' : h.type,
  };
  if (p.pn !== null) o.packet_number = p.pn;
  const version = h.form === 'long' ? h.version : (h.version ?? p.connection.version);
  if (version !== null && version !== undefined) o.version = formatVersion(version).replace(/^0x/, '');
  o.dcil = h.dcid.length;
  o.dcid = h.dcid.toString('hex');
  if (h.form === 'long') {
    o.scil = h.scid.length;
    o.scid = h.scid.toString('hex');
    if (h.token !== undefined && h.type === 'initial') o.token = { data: h.token.toString('hex') };
    if (h.type === 'version_negotiation' && h.supportedVersions) o.supported_versions = h.supportedVersions.map((v) => formatVersion(v).replace(/^0x/, ''));
  } else if (p.keyPhase !== null) o.key_phase_bit = String(p.keyPhase);
  return o;
}

/**
 * Writes a capture's connections as qlog: one file per connection and vantage point, in
 * the JSON-SEQ serialization of qlog 0.3 (draft-ietf-quic-qlog-main-schema-03), the newest
 * version qvis reads. Each packet appears twice: sent in its sender's trace, received in
 * its peer's. Lines are buffered per connection and appended, so memory stays bounded by
 * the number of connections, not the capture's size.
 */
export class QlogWriter {
  private readonly open = new Map<number, Open>();
  private pending = 0;
  readonly files: string[] = [];

  constructor(
    /** an existing folder */
    private readonly dir: string,
    /** epoch milliseconds of time zero (the capture's first record) */
    private readonly referenceMs: number,
    private readonly source: string,
  ) {
  }

  private traceOf(c: Connection, role: Role): Trace {
    let o = this.open.get(c.id);
    if (!o) {
      const make = (vantage: Role): Trace => {
        const path = join(this.dir, `connection-${c.id}${c.originalDcid ? `-${c.originalDcid}` : ''}-${vantage}.sqlog`);
        const head = {
          qlog_format: 'JSON-SEQ',
          qlog_version: '0.3',
          title: `quiclens export of ${this.source}, connection ${c.id}`,
          description: `rebuilt from a capture: the ${vantage}'s view of the packets on the wire; its recovery events are what the capture implies at the capture point, not the endpoint's own state`,
          trace: {
            vantage_point: { name: 'quiclens', type: vantage },
            common_fields: {
              protocol_type: ['QUIC'],
              time_format: 'relative',
              reference_time: this.referenceMs,
              ...(c.originalDcid ? { group_id: c.originalDcid, ODCID: c.originalDcid } : {}),
            },
          },
        };
        writeFileSync(path, `${RS}${JSON.stringify(head)}\n`);
        this.files.push(path);
        return { path, pending: '', paramsWritten: { client: false, server: false } };
      };
      o = { connection: c, client: make('client'), server: make('server') };
      this.open.set(c.id, o);
      this.event(o.client, ms(c.firstTime - this.referenceMs / 1000), 'connectivity:connection_started', this.started(c, 'client'));
      this.event(o.server, ms(c.firstTime - this.referenceMs / 1000), 'connectivity:connection_started', this.started(c, 'server'));
    }
    return o[role];
  }

  private started(c: Connection, vantage: Role): Record<string, unknown> {
    const self = vantage === 'client' ? c.client : c.server;
    const peer = vantage === 'client' ? c.server : c.client;
    if (!self || !peer) return {};
    return { ip_version: self.ip.includes(':') ? 'ipv6' : 'ipv4', src_ip: self.ip, src_port: self.port, dst_ip: peer.ip, dst_port: peer.port };
  }

  private event(t: Trace, time: number, name: string, data: Record<string, unknown>): void {
    const line = `${RS}${JSON.stringify({ time, name, data })}\n`;
    t.pending += line;
    this.pending += line.length;
    if (t.pending.length > FLUSH_AT) this.flushTrace(t);
    if (this.pending > FLUSH_ALL_AT) this.flushAll();
  }

  private flushTrace(t: Trace): void {
    if (t.pending === '') return;
    appendFileSync(t.path, t.pending);
    this.pending -= t.pending.length;
    t.pending = '';
  }

  private flushAll(): void {
    for (const o of this.open.values()) {
      this.flushTrace(o.client);
      this.flushTrace(o.server);
    }
  }

  /** the transport parameters each side announced, once the handshake has shown them */
  private parameters(p: PacketRecord, o: Open, time: number): void {
    for (const owner of ['client', 'server'] as const) {
      const params = owner === 'client' ? p.connection.tls.clientParameters : p.connection.tls.serverParameters;
      if (!params) continue;
      for (const vantage of ['client', 'server'] as const) {
        const t = o[vantage];
        if (t.paramsWritten[owner]) continue;
        t.paramsWritten[owner] = true;
        // qlog 0.3 carries the server's TLS choices beside its transport parameters
        const tls = p.connection.tls;
        const chosen =
          owner === 'server'
            ? { ...(tls.encryptedExtensions?.alpn ? { alpn: tls.encryptedExtensions.alpn } : {}), ...(tls.serverHello ? { tls_cipher: cipherSuiteName(tls.serverHello.cipherSuite) } : {}) }
            : {};
        this.event(t, time, 'transport:parameters_set', { owner: vantage === owner ? 'local' : 'remote', ...chosen, ...params });
      }
    }
  }

  write(p: PacketRecord): void {
    const sender = this.traceOf(p.connection, p.direction);
    const o = this.open.get(p.connection.id)!;
    const receiver = o[p.direction === 'client' ? 'server' : 'client'];
    const time = ms(p.time);
    const client = p.direction === 'client' ? p.src : p.dst;
    const server = p.direction === 'client' ? p.dst : p.src;
    // an input without addresses (a qlog) has no path to follow
    const path = client && server ? `${formatEndpoint(client)} ${formatEndpoint(server)}` : undefined;
    if (path !== undefined && o.lastPath !== undefined && o.lastPath !== path) {
      // qlog 0.3 has no path event: this one is ours, in our own namespace, and viewers skip it
      for (const t of [sender, receiver]) this.event(t, time, 'quiclens:path_changed', { old: o.lastPath, new: path, frame: p.frame });
    }
    if (path !== undefined) o.lastPath = path;
    const data: Record<string, unknown> = { header: header(p), raw: { length: p.header.length } };
    // a packet we could not open is still logged, without frames, as an endpoint logs a packet it cannot decrypt
    if (p.decrypted === true) data.frames = p.frames.map(frameToJson).map(({ type, ...rest }) => ({ frame_type: type, ...rest }));
    this.event(sender, time, 'transport:packet_sent', data);
    this.event(receiver, time, 'transport:packet_received', data);
    this.parameters(p, o, time);
  }

  /**
   * Adds each vantage point's recovery events as the capture implies them (losses, RTT
   * samples, bytes in flight: see recovery-qlog.ts) to its trace, in time order among the
   * packets. Call after the last write(), before finish(): the analysis knows a loss only
   * once later packets showed it.
   */
  addRecovery(source: RecoverySource): void {
    this.flushAll();
    for (const o of this.open.values()) {
      for (const vantage of ['client', 'server'] as const) mergeIntoSeq(o[vantage].path, recoveryQlogEvents(o.connection, vantage, source));
    }
  }

  /** writes what is pending; call once at the end */
  finish(): string[] {
    this.flushAll();
    return this.files;
  }
}
