import type { CaptureFile } from '../capture/open-capture.js';
import { readDatagrams } from '../capture/read-datagrams.js';
import type { CaptureSecrets } from '../capture/types.js';
import { DatagramDecoder } from '../quic/decode-datagram.js';
import { scaleAckDelay } from '../quic/frames/index.js';
import type { InputIssue } from '../wire/input-issue.js';
import { ConnectionTracker } from './connection-tracker.js';
import { KeyLog, SECRETS_TYPE_TLS_KEYLOG } from '../crypto/keylog.js';
import { AmplificationAudit } from './audit-amplification.js';
import { FramePermissionAudit } from './audit-frames.js';
import { auditHandshake } from './audit-handshake.js';
import type { Connection, Role } from './connection.js';
import { Decryption } from './decryption.js';
import { HandshakeTimeline } from './handshake-timeline.js';
import { Http3Tracker } from './http3-requests.js';
import { isStatelessReset } from './stateless-reset.js';
import { MigrationTracker } from './migrations.js';
import { auditZeroRtt, ZeroRttCounter, type ZeroRttStatus } from './zero-rtt.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';

export type PacketEvent =
  | { kind: 'packet'; packet: PacketRecord }
  | { kind: 'secrets'; secrets: CaptureSecrets }
  | { kind: 'issue'; issue: InputIssue };

export interface ReadPacketsOptions {
  /** --port: UDP ports where QUIC is assumed even before a long header is seen */
  ports?: readonly number[];
  /** TLS secrets from --keylog files; pcapng Decryption Secrets Blocks are added to it */
  keylog?: KeyLog;
}

/**
 * The packet pipeline for captures: datagrams → QUIC packets → connections. One session
 * reads any number of inputs so that connections are numbered across all of them.
 * Everything streams: per-connection state is all that is kept.
 */
/**
 * The ack_delay_exponent an endpoint announced: its own transport parameters, read from
 * the handshake; RFC 9000 §18.2's default 3 when they were seen without it; unknown when
 * they were never seen.
 */
function ackDelayExponent(c: Connection, sender: Role): number | undefined {
  const params = sender === 'client' ? c.tls.clientParameters : c.tls.serverParameters;
  return params ? (params.ack_delay_exponent ?? 3) : undefined;
}

export class PacketSession {
  readonly tracker = new ConnectionTracker();
  readonly keylog: KeyLog;
  /** per-packet findings, in order; see findings() for all */
  private readonly packetFindings: Finding[] = [];
  private readonly framePermissions = new FramePermissionAudit();
  readonly http3 = new Http3Tracker();
  private readonly zeroRttCounter = new ZeroRttCounter();
  readonly paths = new MigrationTracker();
  readonly timeline = new HandshakeTimeline();
  private readonly amplification = new AmplificationAudit();
  private readonly decoder: DatagramDecoder;
  private readonly decryption: Decryption;

  constructor(options: ReadPacketsOptions = {}) {
    this.decoder = new DatagramDecoder({ ports: options.ports });
    this.keylog = options.keylog ?? new KeyLog();
    this.decryption = new Decryption(this.keylog);
  }

  /** everything the audits found so far: per packet, then per connection */
  findings(): Finding[] {
    return [
      ...this.packetFindings,
      ...this.tracker.connections.flatMap((c) => [...auditHandshake(c), ...auditZeroRtt(c, this.http3.requests(c)), ...this.paths.audit(c)]),
    ];
  }

  /** a connection's 0-RTT: what it sent early, and whether the server took it */
  zeroRtt(conn: Connection): ZeroRttStatus {
    // the ticket it resumed came from an earlier connection to the same server
    const earlier = this.tracker.connections.filter(
      (c) => c.id < conn.id && c.server && conn.server && c.server.ip === conn.server.ip && c.server.port === conn.server.port,
    );
    const tickets = earlier.flatMap((c) => c.tls.tickets.flatMap((t) => (t.maxEarlyDataSize === undefined ? [] : [t.maxEarlyDataSize])));
    return this.zeroRttCounter.status(conn, this.http3.requests(conn), tickets);
  }

  async *read(file: CaptureFile): AsyncGenerator<PacketEvent> {
    let zero: number | undefined;
    for await (const ev of readDatagrams(file)) {
      if (ev.kind === 'secrets') {
        // pcapng Decryption Secrets Block: a key log carried in the capture itself
        if (ev.secrets.secretsType === SECRETS_TYPE_TLS_KEYLOG) {
          for (const p of this.keylog.add(ev.secrets.data.toString('latin1'))) {
            yield { kind: 'issue', issue: { file: file.path, offset: ev.secrets.fileOffset, message: `key log in a Decryption Secrets Block, line ${p.line}: ${p.message}`, fatal: false } };
          }
        }
        yield ev;
        continue;
      }
      if (ev.kind !== 'datagram') {
        yield ev;
        continue;
      }
      const d = ev.datagram;
      const decoded = this.decoder.decode(d);
      if (!decoded) continue;
      zero ??= file.stats.firstTime ?? d.time;
      const t0 = zero;
      for (const header of decoded.packets) {
        const { connection, direction } = this.tracker.track(header, d);
        const opened = this.decryption.packet(connection, header, d.payload, direction);
        const exponent = ackDelayExponent(connection, direction);
        for (const f of opened.frames) {
          if (f.type === 'ack' && exponent !== undefined) scaleAckDelay(f, exponent);
          if (f.type !== 'new_connection_id') continue;
          this.tracker.addIssuedCid(connection, direction, f.connection_id, f.stateless_reset_token);
          this.decoder.dcids.learnCid(Buffer.from(f.connection_id, 'hex'), connection.version ?? 0);
        }
        const packet: PacketRecord = {
          frame: d.frame,
          time: d.time - t0,
          connection,
          direction,
          src: d.src,
          dst: d.dst,
          datagramBytes: d.payload.length,
          header: opened.reread?.header ?? header,
          pn: opened.pn,
          keyPhase: opened.keyPhase,
          decrypted: opened.decrypted,
          frames: opened.frames,
        };
        if (opened.retryIntegrity) packet.retryIntegrity = opened.retryIntegrity;
        if (isStatelessReset(packet, d.payload)) packet.statelessReset = true;
        if (opened.pnSearched) packet.pnSearched = true;
        if (opened.reread) packet.layoutOf = opened.reread.layoutOf;
        if (decoded.gsoSegmentSize) packet.gsoSegmentSize = decoded.gsoSegmentSize;
        if (opened.frameError) {
          yield {
            kind: 'issue',
            issue: { file: file.path, frame: d.frame, message: `${header.type} packet ${opened.pn}: ${opened.frameError.message} (payload byte ${opened.frameError.offset})`, fatal: false },
          };
        }
        this.packetFindings.push(...this.framePermissions.check(packet), ...this.amplification.check(packet));
        this.http3.frames(connection, packet.frames, direction, packet.header.type, packet.frame);
        this.zeroRttCounter.observe(packet);
        this.paths.observe(packet);
        this.timeline.observe(packet);
        yield { kind: 'packet', packet };
      }
      if (decoded.problem) {
        yield {
          kind: 'issue',
          issue: {
            file: file.path,
            frame: d.frame,
            message: `QUIC packet at byte ${decoded.problem.offset} of the UDP payload: ${decoded.problem.message}`,
            fatal: false,
          },
        };
      }
    }
  }
}
