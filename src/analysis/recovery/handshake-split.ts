import type { Connection } from '../connection.js';
import type { Fact } from '../finding.js';
import type { PacketRecord } from '../packet-record.js';

/** The handshake's moments at the capture point that split its time between the network and each side. */
interface Moments {
  clientInitial?: { frame: number; time: number };
  /** the server's last Initial or Handshake packet with CRYPTO data before the client's Finished */
  serverFlightEnd?: { frame: number; time: number };
  /** the client's first Handshake packet with CRYPTO data: its Finished (RFC 9001 §4.1.1) */
  clientFinished?: { frame: number; time: number };
}

/** The handshake's time at the capture point, against the round trips it needed and the time each side spent. */
export interface HandshakeSplit {
  /** client Initial to client Finished, at the capture point */
  durationMs: number;
  /** client Initial to the server's last handshake packet, less the capture→server→capture min RTT: the server's own work */
  serverMs: number;
  /** server's last handshake packet to the client's Finished, less the capture→client→capture min RTT: the client's own work (certificate checks) */
  clientMs: number;
  /** the two legs' min RTT: one round trip of network */
  networkMs: number;
  frames: { clientInitial: number; serverFlightEnd: number; clientFinished: number };
  fact: Fact;
}

const ms = (s: number) => Math.round(s * 1e6) / 1e3;

/**
 * Watches the handshake's CRYPTO-carrying packets. The split is inferred: a leg's min RTT
 * stands for the network part of each interval, so what is left is the side's own time.
 */
export class HandshakeMoments {
  private readonly byConnection = new Map<Connection, Moments>();

  observe(p: PacketRecord): void {
    const t = p.header.type;
    if (t !== 'initial' && t !== 'handshake') return;
    let m = this.byConnection.get(p.connection);
    if (!m) {
      m = {};
      this.byConnection.set(p.connection, m);
    }
    const at = { frame: p.frame, time: p.time };
    if (p.direction === 'client' && t === 'initial') m.clientInitial ??= at;
    if (p.decrypted !== true || !p.frames.some((f) => f.type === 'crypto')) return;
    if (p.direction === 'server' && !m.clientFinished) m.serverFlightEnd = at;
    if (p.direction === 'client' && t === 'handshake') m.clientFinished ??= at;
  }

  /** the split, given each leg's min RTT; null with why when the capture does not hold the moments */
  split(conn: Connection, serverLegMinMs: number | undefined, clientLegMinMs: number | undefined): HandshakeSplit | { fact: Fact } {
    const m = this.byConnection.get(conn);
    const missing = !m?.clientInitial
      ? "the client's first Initial is not in the capture"
      : !m.clientFinished
        ? "the client's Finished is not in the packets read"
        : !m.serverFlightEnd
          ? "the server's handshake flight is not in the packets read"
          : serverLegMinMs === undefined || clientLegMinMs === undefined
            ? 'needs both legs of the RTT'
            : null;
    if (missing) return { fact: { evidence: 'unknown', reason: missing } };
    const { clientInitial: a, serverFlightEnd: b, clientFinished: c } = m as Required<Moments>;
    const serverMs = Math.max(0, ms(b.time - a.time) - serverLegMinMs!);
    const clientMs = Math.max(0, ms(c.time - b.time) - clientLegMinMs!);
    return {
      durationMs: ms(c.time - a.time),
      serverMs: Math.round(serverMs * 1000) / 1000,
      clientMs: Math.round(clientMs * 1000) / 1000,
      networkMs: Math.round((serverLegMinMs! + clientLegMinMs!) * 1000) / 1000,
      frames: { clientInitial: a.frame, serverFlightEnd: b.frame, clientFinished: c.frame },
      fact: {
        evidence: 'inferred',
        reason: `each interval less its leg's min RTT: frames ${a.frame} → ${b.frame} is the server's (its flight sent), ${b.frame} → ${c.frame} the client's (to its Finished)`,
      },
    };
  }
}
