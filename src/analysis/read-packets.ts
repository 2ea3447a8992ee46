import type { CaptureFile } from '../capture/open-capture.js';
import { readDatagramBatches } from '../capture/read-datagrams.js';
import type { CaptureSecrets } from '../capture/types.js';
import type { Datagram, DatagramEvent } from '../capture/types.js';
import { DatagramDecoder } from '../quic/decode-datagram.js';
import type { PacketHeader } from '../quic/packet-header.js';
import { scaleAckDelay } from '../quic/frames/index.js';
import type { InputIssue } from '../wire/input-issue.js';
import { ConnectionTracker } from './connection-tracker.js';
import { KeyLog, SECRETS_TYPE_TLS_KEYLOG } from '../crypto/keylog.js';
import { AmplificationAudit } from './audit-amplification.js';
import { FramePermissionAudit } from './audit-frames.js';
import { auditHandshake } from './audit-handshake.js';
import type { Connection, Role } from './connection.js';
import { Decryption, type DecryptedPacket } from './decryption.js';
import type { PnSyncReport } from './packet-number-sync.js';
import { GsoSegmentSizes } from './gso-segments.js';
import { HandshakeTimeline } from './handshake-timeline.js';
import { Http3Tracker } from './http3-requests.js';
import { isStatelessReset } from './stateless-reset.js';
import { MigrationTracker } from './migrations.js';
import { auditZeroRtt, ZeroRttCounter, type ZeroRttStatus } from './zero-rtt.js';
import { ZeroRttReplays } from './zero-rtt-replay.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';
import { LoggedPackets } from './logged-packets.js';
import { PacketFates } from './recovery/packet-fates.js';
import { isRecoveryLogEvent, LoggedRecoveryLog, type LoggedRecovery } from './recovery/logged-recovery.js';
import { RecoveryAnalysis } from './recovery/recovery-analysis.js';
import { StreamsTracker } from './streams/streams-tracker.js';
import type { StreamsReport } from './streams/stream-types.js';
import type { QlogFile } from '../qlog/open-qlog.js';

export type PacketEvent =
  | { kind: 'packet'; packet: PacketRecord }
  | { kind: 'secrets'; secrets: CaptureSecrets }
  | { kind: 'issue'; issue: InputIssue };

export interface ReadPacketsOptions {
  /** --port: UDP ports where QUIC is assumed even before a long header is seen */
  ports?: readonly number[];
  /** TLS secrets from --keylog files; pcapng Decryption Secrets Blocks are added to it */
  keylog?: KeyLog;
  /**
   * false: packets only, none of the per-connection analyses (findings, handshake timeline,
   * migrations, loss, streams, HTTP/3) is fed; for a caller that prints packets and nothing
   * they conclude. Decoding and decryption are the same either way.
   */
  analyses?: boolean;
}

/**
 * The ack_delay_exponent an endpoint announced: its own transport parameters, read from
 * the handshake; RFC 9000 §18.2's default 3 when they were seen without it; unknown when
 * they were never seen.
 */
function ackDelayExponent(c: Connection, sender: Role): number | undefined {
  const params = sender === 'client' ? c.tls.clientParameters : c.tls.serverParameters;
  return params ? (params.ack_delay_exponent ?? 3) : undefined;
}

/**
 * The packet pipeline for captures: datagrams → QUIC packets → connections. One session
 * reads any number of inputs so that connections are numbered across all of them.
 * Everything streams: per-connection state is all that is kept.
 */
export class PacketSession {
  readonly tracker = new ConnectionTracker();
  readonly keylog: KeyLog;
  /** per-packet findings, in order; see findings() for all */
  private readonly packetFindings: Finding[] = [];
  private readonly framePermissions = new FramePermissionAudit();
  readonly http3 = new Http3Tracker();
  private readonly zeroRttCounter = new ZeroRttCounter();
  private readonly replays = new ZeroRttReplays();
  readonly paths = new MigrationTracker();
  readonly timeline = new HandshakeTimeline();
  /** which packet numbers each side sent and the other acknowledged */
  readonly fates = new PacketFates();
  /** loss, retransmission, RTT, bytes in flight and flow control at the capture point */
  readonly recovery = new RecoveryAnalysis(this.fates);
  /** per stream: bytes, ends, head-of-line waits and the TCP counterfactual */
  private readonly streamTracker = new StreamsTracker(this.fates);
  /** the anti-amplification limit per client address (its budgets are read by `check`) */
  readonly amplification = new AmplificationAudit();
  private readonly segmentSizes = new GsoSegmentSizes();
  private readonly decoder: DatagramDecoder;
  private readonly decryption: Decryption;
  private readonly logged = new LoggedPackets(this.tracker);
  private readonly recoveryLogs = new LoggedRecoveryLog();

  private readonly analyses: boolean;

  constructor(options: ReadPacketsOptions = {}) {
    this.analyses = options.analyses ?? true;
    this.decoder = new DatagramDecoder({ ports: options.ports });
    this.keylog = options.keylog ?? new KeyLog();
    this.decryption = new Decryption(this.keylog);
  }

  /**
   * A short header running to the end of its datagram that would not open may be a GSO
   * super-datagram whose DCID marks no boundary (zero-length). Try segment sizes; a split
   * counts only when every segment's AEAD tag verifies (RFC 9001 §5.3 makes a wrong guess
   * fail). A DCID of some length recurs at each segment, so the datagram decoder has split
   * those already: a packet with one that fails is not tried again in pieces.
   */
  private splitByAead(conn: Connection, h: PacketHeader, d: Datagram, from: Role): { header: PacketHeader; opened: DecryptedPacket; gso: number }[] | null {
    if (h.form !== 'short' || h.dcid.length > 0 || h.offset + h.length !== d.payload.length) return null;
    for (const size of this.segmentSizes.candidates(d, h.offset)) {
      const out: { header: PacketHeader; opened: DecryptedPacket; gso: number }[] = [];
      for (let start = 0; start < d.payload.length; start += size) {
        const at = start === 0 ? h.offset : start;
        const end = Math.min(start + size, d.payload.length);
        const first = d.payload[at]!;
        // every segment must start like a short header of this connection (RFC 9000 §17.3)
        if ((first & 0x80) !== 0 || end - at <= h.pnOffset + 20) break;
        const seg: PacketHeader = { ...h, offset: at, length: end - at, firstByte: first, spinBit: (first & 0x20) === 0x20 ? 1 : 0 };
        const opened = this.decryption.packet(conn, seg, d.payload, from, { frame: d.frame, time: d.time });
        if (opened.decrypted !== true) break;
        out.push({ header: seg, opened, gso: size });
      }
      if (out.length > 1 && out.at(-1)!.header.offset + out.at(-1)!.header.length === d.payload.length) return out;
    }
    return null;
  }

  /** everything the audits found so far: per packet, then per connection */
  findings(): Finding[] {
    return [
      ...this.packetFindings,
      ...this.replays.findings(),
      ...this.tracker.connections.flatMap((c) => [...auditHandshake(c), ...auditZeroRtt(c, this.http3.requests(c), this.zeroRtt(c)), ...this.paths.audit(c)]),
    ];
  }

  /** a connection's 1-RTT packet numbers kept across capture gaps: the re-anchorings and what they recovered */
  pnSync(conn: Connection): PnSyncReport {
    return this.decryption.pnSync(conn);
  }

  /** what a logged connection's writer said of its loss recovery (qlog packet_lost, metrics_updated, packet_dropped); null otherwise */
  loggedRecovery(conn: Connection): LoggedRecovery | null {
    return this.recoveryLogs.of(conn);
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

  /** a connection's streams, call once the inputs are read: the delivery models settle what is still in flight */
  streams(conn: Connection): StreamsReport {
    return this.streamTracker.report(conn, this.http3.requests(conn), this.zeroRtt(conn), (id) => this.http3.roleOf(conn, id));
  }

  /** every analysis, fed one packet from a capture or a log */
  private analyse(packet: PacketRecord): void {
    if (!this.analyses) return;
    this.packetFindings.push(...this.framePermissions.check(packet), ...this.amplification.check(packet));
    // a log holds no STREAM bytes: HTTP/3 is read from captures only
    if (!packet.connection.log) this.http3.frames(packet.connection, packet.frames, packet.direction, packet.header.type, packet.frame);
    this.zeroRttCounter.observe(packet);
    this.paths.observe(packet);
    this.timeline.observe(packet);
    this.fates.observe(packet);
    this.recovery.observe(packet);
    this.streamTracker.observe(packet);
  }

  /**
   * Reads one input: a capture, or endpoint logs (qlog) through the same analyses. Each
   * event is handed over before the next packet is read, so the state of its connection is
   * as of that packet.
   */
  async *read(file: CaptureFile | QlogFile): AsyncGenerator<PacketEvent> {
    if ('kind' in file) {
      yield* this.readQlog(file);
      return;
    }
    const clock: { zero?: number } = {};
    for await (const events of readDatagramBatches(file)) {
      for (const ev of events) yield* this.captureEvents(file, clock, ev);
    }
  }

  /**
   * As read, for a caller whose work on each event is synchronous: `onEvent` is called for
   * each event in order, before the next packet is read, and no promise is made per packet
   * (a chunk of the capture at a time). `between`, when given, is awaited after each chunk:
   * a slow writer of the output holds the reading back there.
   */
  async readEach(file: CaptureFile | QlogFile, onEvent: (ev: PacketEvent) => void, between?: () => Promise<void>): Promise<void> {
    if ('kind' in file) {
      let n = 0;
      for await (const ev of this.readQlog(file)) {
        onEvent(ev);
        if (between && (++n & 255) === 0) await between();
      }
      return;
    }
    const clock: { zero?: number } = {};
    for await (const events of readDatagramBatches(file)) {
      for (const ev of events) for (const out of this.captureEvents(file, clock, ev)) onEvent(out);
      await between?.();
    }
  }

  /**
   * A qlog's packets. The logs hold no payload bytes, so TLS and HTTP/3 are known only as
   * far as the log's own events say (parameters_set, alpn_information).
   */
  private async *readQlog(file: QlogFile): AsyncGenerator<PacketEvent> {
    this.logged.startInput();
    for await (const item of file.items()) {
      if (item.kind === 'problem') {
        yield { kind: 'issue', issue: item.problem };
        continue;
      }
      if (item.kind !== 'event') continue;
      file.stats.records++;
      const packet = this.logged.event(item.event);
      if (isRecoveryLogEvent(item.event)) {
        const at = this.logged.place(item.event);
        this.recoveryLogs.observe(at.connection, at.vantage, at.time, item.event);
      }
      if (file.stats.firstTime === undefined && this.logged.firstTimeMs !== undefined) file.stats.firstTime = this.logged.firstTimeMs / 1000;
      if (!packet) continue;
      this.analyse(packet);
      yield { kind: 'packet', packet };
    }
  }

  /** one event of a capture read into packet events, in order; a packet's consumer runs before the next is decoded */
  private *captureEvents(file: CaptureFile, clock: { zero?: number }, ev: DatagramEvent): Generator<PacketEvent> {
    if (ev.kind === 'secrets') {
      // pcapng Decryption Secrets Block: a key log carried in the capture itself
      if (ev.secrets.secretsType === SECRETS_TYPE_TLS_KEYLOG) {
        for (const p of this.keylog.add(ev.secrets.data.toString('latin1'))) {
          yield { kind: 'issue', issue: { file: file.path, offset: ev.secrets.fileOffset, message: `key log in a Decryption Secrets Block, line ${p.line}: ${p.message}`, fatal: false } };
        }
      }
      yield ev;
      return;
    }
    if (ev.kind !== 'datagram') {
      yield ev;
      return;
    }
    const d = ev.datagram;
    const decoded = this.decoder.decode(d);
    if (!decoded) return;
    clock.zero ??= file.stats.firstTime ?? d.time;
    const t0 = clock.zero;
    const units: { header: PacketHeader; opened?: DecryptedPacket; gso?: number }[] = decoded.packets.map((header) => ({ header }));
    // a copy of an earlier first flight is a replay, not more of that connection
    const replayOf = this.replays.replayed(d, decoded.packets);
    for (let i = 0; i < units.length; i++) {
      const unit = units[i]!;
      const header = unit.header;
      const { connection, direction } = replayOf ? this.tracker.trackReplay(header, d, replayOf.connection) : this.tracker.track(header, d);
      let opened = unit.opened ?? this.decryption.packet(connection, header, d.payload, direction, { frame: d.frame, time: d.time });
      const split = opened.decrypted === 'aead failed' && !unit.gso ? this.splitByAead(connection, header, d, direction) : null;
      if (split) {
        // the rest of the datagram is segments of a GSO batch, each now opened
        units.splice(i, 1, ...split);
        opened = split[0]!.opened!;
      }
      if (opened.decrypted === 'aead failed') this.decryption.undecrypted(connection, header, direction, d.frame);
      const gsoSize = split ? split[0]!.gso : unit.gso;
      const preferredCid = this.tracker.learnPreferredAddressCid(connection);
      if (preferredCid) this.decoder.dcids.learnCid(Buffer.from(preferredCid, 'hex'), connection.version ?? 0);
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
        header: opened.reread?.header ?? units[i]!.header,
        pn: opened.pn,
        keyPhase: opened.keyPhase,
        decrypted: opened.decrypted,
        frames: opened.frames,
      };
      if (d.ecn !== undefined) packet.ecn = d.ecn;
      if (opened.retryIntegrity) packet.retryIntegrity = opened.retryIntegrity;
      if (isStatelessReset(packet, d.payload)) packet.statelessReset = true;
      if (opened.pnSearched) packet.pnSearched = true;
      if (opened.pnRecovery) packet.pnRecovery = opened.pnRecovery;
      if (opened.reread) packet.layoutOf = opened.reread.layoutOf;
      if (decoded.gsoSegmentSize) packet.gsoSegmentSize = decoded.gsoSegmentSize;
      else if (gsoSize) packet.gsoSegmentSize = gsoSize;
      if (opened.frameError) {
        yield {
          kind: 'issue',
          issue: { file: file.path, frame: d.frame, message: `${header.type} packet ${opened.pn}: ${opened.frameError.message} (payload byte ${opened.frameError.offset})`, fatal: false },
        };
      }
      this.analyse(packet);
      this.replays.observe(packet, d.payload);
      yield { kind: 'packet', packet };
    }
    if (!decoded.gsoSegmentSize && units.every((u) => !u.gso)) this.segmentSizes.observe(d);
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
