import type { Connection, Role } from '../connection.js';
import { unreadReason } from '../finding.js';
import type { Fact } from '../finding.js';
import type { Http3Request } from '../http3-requests.js';
import type { PacketRecord } from '../packet-record.js';
import { RangeSet } from '../../quic/range-set.js';
import type { PacketFates } from '../recovery/packet-fates.js';
import type { ZeroRttStatus } from '../zero-rtt.js';
import { earlyData } from './early-data.js';
import { FateWindow } from './fate-window.js';
import { SenderDelivery } from './sender-delivery.js';
import { StreamCounters } from './stream-counters.js';
import { streamDirectionality, streamOpener } from './stream-id.js';
import type { StreamReport, StreamRole, StreamsReport } from './stream-types.js';
import { tcpHold } from './tcp-sentence.js';

/** what a connection's streams need once a packet of it is read or a capture gap is found */
interface StreamModel {
  counters: StreamCounters;
  senders: Record<Role, SenderDelivery>;
  window: FateWindow;
  /** per sender: the numbers the capture lost sync over (a capture gap) */
  captureGaps: Record<Role, RangeSet>;
}

interface ConnectionStreams {
  /**
   * made with the first packet read or capture gap: a connection whose 0-RTT/1-RTT packets
   * were never read (no keys) keeps the counts below and nothing else
   */
  model: StreamModel | undefined;
  /** application-space packets read, and those whose frames could not be read, by why */
  appPackets: number;
  unread: Map<string, number> | undefined;
  /** per sender: the largest packet number read */
  largestPn: Record<Role, number>;
  finished: boolean;
}

/**
 * Every connection's streams, fed packet by packet from PacketSession.analyse after the
 * packet fates: the counters at once, the delivery models once each packet's fate is known.
 * Memory per connection: counters and offset ranges per stream, and the packets in flight.
 */
export class StreamsTracker {
  private readonly byConnection = new Map<Connection, ConnectionStreams>();

  constructor(private readonly fates: PacketFates) {}

  observe(packet: PacketRecord): void {
    const type = packet.header.type;
    if (type !== '1RTT' && type !== '0RTT') return;
    const c = this.connection(packet.connection);
    c.appPackets++;
    if (packet.pn !== null) {
      // a packet number found only beyond the nearest candidate: the capture missed the ones before it
      if ((packet.pnRecovery || packet.pnSearched) && packet.pn > c.largestPn[packet.direction] + 1) {
        const m = this.model(packet.connection, c);
        m.captureGaps[packet.direction].add(c.largestPn[packet.direction] + 1, packet.pn);
        m.window.captureGap();
      }
      c.largestPn[packet.direction] = Math.max(c.largestPn[packet.direction], packet.pn);
    }
    if (packet.decrypted !== true) {
      c.unread ??= new Map();
      c.unread.set(packet.decrypted, (c.unread.get(packet.decrypted) ?? 0) + 1);
    } else {
      const m = this.model(packet.connection, c);
      m.counters.observe(packet.frames, packet.direction, packet.time, packet.frame);
      // the delivery models follow the streams the counters follow: memory bounded by MAX_STREAMS
      const chunks = packet.frames.flatMap((f) => (f.type === 'stream' && f.length > 0 && m.counters.has(f.stream_id) ? [{ stream: f.stream_id, offset: f.offset, length: f.length }] : []));
      // a log's packets carry no arrival at the receiver: the delivery models run on captures
      if (chunks.length > 0 && packet.pn !== null && !packet.connection.log) {
        m.window.push({ sender: packet.direction, frame: packet.frame, pn: packet.pn, time: packet.time, chunks });
      }
    }
    c.model?.window.advance();
  }

  report(conn: Connection, requests: readonly Http3Request[], zeroRtt: ZeroRttStatus, roleOf: (id: number) => StreamRole | null): StreamsReport {
    const state = this.byConnection.get(conn);
    // no packet read: what an empty model reports
    const c = state?.model;
    if (state && c && !state.finished) {
      c.window.finish();
      for (const s of Object.values(c.senders)) s.finish();
      state.finished = true;
    }
    const stalls = c ? [...c.senders.client.hol.stalls, ...c.senders.server.hol.stalls].sort((a, b) => a.from - b.from) : [];
    const byStream = new Map(requests.map((r) => [r.stream, r]));
    const streams: StreamReport[] = (c?.counters.ids() ?? []).map((id) => {
      const req = byStream.get(id);
      // both directions' waits: each side receives in order on its own
      const modelled = !conn.log;
      const quicWaitMs = modelled ? c!.senders.client.hol.waitMs(id) + c!.senders.server.hol.waitMs(id) : null;
      const tcpWaitMs = modelled ? c!.senders.client.tcp.waitMs(id) + c!.senders.server.tcp.waitMs(id) : null;
      return {
        id,
        opener: streamOpener(id),
        directionality: streamDirectionality(id),
        role: roleOf(id),
        client: c!.counters.report(id, 'client'),
        server: c!.counters.report(id, 'server'),
        request: req ? { method: req.method, path: req.path, status: req.status } : null,
        quicWaitMs,
        tcpWaitMs,
        tcpExtraMs: tcpWaitMs === null || quicWaitMs === null ? null : tcpWaitMs - quicWaitMs,
      };
    });
    const holds = c ? [...c.senders.client.tcp.holds, ...c.senders.server.tcp.holds].map((h) => tcpHold(h, stalls)).sort((a, b) => a.from - b.from) : [];
    return {
      connection: conn.id,
      known: this.known(state),
      streams,
      stalls,
      stallsOmitted: c ? c.senders.client.hol.omitted + c.senders.server.hol.omitted : 0,
      untrackedStreams: c?.counters.untracked ?? 0,
      unfilled: c ? [...c.senders.client.hol.unfilled, ...c.senders.server.hol.unfilled] : [],
      tcp: holds,
      tcpOmitted: c ? c.senders.client.tcp.omitted + c.senders.server.tcp.omitted : 0,
      model: conn.log
        ? { evidence: 'unknown', reason: "a log gives no arrival times at the receiver for the capture point's view: head-of-line waits are modelled on captures only" }
        : { evidence: 'inferred', reason: "bytes in packets the receiver never acknowledged are taken as lost, their retransmission's as arrived; arrival is when a packet crossed the capture point" },
      unsettledPackets: c?.window.unsettled ?? 0,
      uncapturedBytes: c ? c.senders.client.uncapturedBytes + c.senders.server.uncapturedBytes : 0,
      earlyData: earlyData(zeroRtt, requests),
    };
  }

  /** whether the connection's streams could be read, and why not */
  private known(c: ConnectionStreams | undefined): Fact {
    if (!c || c.appPackets === 0) return { evidence: 'unknown', reason: 'no 0-RTT or 1-RTT packets in the capture: no stream data was sent, or none was captured' };
    const unread = [...(c.unread?.values() ?? [])].reduce((a, b) => a + b, 0);
    if (unread === 0) return { evidence: 'proven', reason: `all ${c.appPackets} 0-RTT/1-RTT packets read` };
    const [why] = [...c.unread!.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const because = unreadReason(why as Parameters<typeof unreadReason>[0]);
    if (unread === c.appPackets) return { evidence: 'unknown', reason: `${because}: none of the ${c.appPackets} 0-RTT/1-RTT packets could be read, so which streams they carried is unknown${why === 'no keys' ? ' (give the key log with --keylog)' : ''}` };
    return { evidence: 'inferred', reason: `${unread} of ${c.appPackets} 0-RTT/1-RTT packets could not be read (${because}): the streams show only what the others carried` };
  }

  private connection(conn: Connection): ConnectionStreams {
    let c = this.byConnection.get(conn);
    if (!c) {
      c = { model: undefined, appPackets: 0, unread: undefined, largestPn: { client: -1, server: -1 }, finished: false };
      this.byConnection.set(conn, c);
    }
    return c;
  }

  private model(conn: Connection, c: ConnectionStreams): StreamModel {
    if (c.model) return c.model;
    const seen = (sender: Role) => () => this.fates.numbers(conn, sender, 'application');
    const captureGaps = { client: new RangeSet(), server: new RangeSet() };
    const senders = {
      client: new SenderDelivery('client', seen('client'), captureGaps.client),
      server: new SenderDelivery('server', seen('server'), captureGaps.server),
    };
    c.model = {
      counters: new StreamCounters(),
      senders,
      window: new FateWindow(conn, this.fates, (p, fate) => senders[p.sender].settle(p, fate)),
      captureGaps,
    };
    return c.model;
  }
}
