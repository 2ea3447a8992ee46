import type { Connection } from './connection.js';
import type { Fact, Finding } from './finding.js';
import type { Http3Request } from './http3-requests.js';
import type { PacketRecord } from './packet-record.js';

/** A resumed connection's early data (RFC 9001 §4.6), as design.md's `handshake.zeroRtt`. */
export interface ZeroRttStatus {
  /** the ClientHello offered early_data, or 0-RTT packets were seen */
  attempted: boolean;
  /** EncryptedExtensions' early_data (RFC 8446 §4.2.10); null while it was not read */
  accepted: boolean | null;
  packets: number;
  /** STREAM bytes the client sent in 0-RTT packets */
  bytes: number;
  /**
   * max_early_data_size of the latest ticket an earlier connection to this server issued
   * (in QUIC always 0xffffffff; the real bound is the remembered flow-control limits,
   * RFC 9001 §4.6.1)
   */
  maxEarlyDataSize: number | null;
  /** the HTTP/3 requests that travelled in 0-RTT, by stream */
  requests: number[];
  /** where `accepted` comes from */
  facts: { accepted: Fact };
}

/** Counts what each connection sent in 0-RTT packets. */
export class ZeroRttCounter {
  private readonly byConnection = new Map<Connection, { packets: number; bytes: number }>();

  observe(p: PacketRecord): void {
    if (p.header.type !== '0RTT') return;
    const c = this.byConnection.get(p.connection) ?? { packets: 0, bytes: 0 };
    c.packets++;
    for (const f of p.frames) if (f.type === 'stream') c.bytes += f.length;
    this.byConnection.set(p.connection, c);
  }

  status(conn: Connection, requests: Http3Request[], earlierTickets: readonly number[]): ZeroRttStatus {
    const seen = this.byConnection.get(conn) ?? { packets: 0, bytes: 0 };
    const ee = conn.tls.encryptedExtensions;
    const accepted = ee && !ee.earlyDataUnknown ? ee.earlyDataAccepted : null;
    const attempted = (conn.tls.clientHello?.earlyData ?? false) || seen.packets > 0;
    const facts: ZeroRttStatus['facts'] = {
      accepted:
        accepted !== null
          ? { evidence: 'proven', reason: `the server's EncryptedExtensions ${accepted ? 'holds' : 'lacks'} early_data` }
          : { evidence: 'unknown', reason: ee ? "the log does not say whether the server's EncryptedExtensions held early_data" : "the server's EncryptedExtensions, which says, was not read (it travels in an encrypted Handshake packet)" },
    };
    return {
      attempted,
      accepted,
      packets: seen.packets,
      bytes: seen.bytes,
      maxEarlyDataSize: earlierTickets.at(-1) ?? null,
      requests: requests.filter((r) => r.zeroRtt).map((r) => r.stream),
      facts,
    };
  }
}

/** RFC 9110 §9.2.2: the methods whose repetition is harmless by definition (safe ones) */
const REPLAY_SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The 0-RTT audit. Early data can be replayed by an attacker who captured it (RFC 9001
 * §9.2, RFC 8446 §8); only requests that are safe to repeat belong there (RFC 8470 §4).
 */
export function auditZeroRtt(conn: Connection, requests: Http3Request[], status?: ZeroRttStatus): Finding[] {
  const out: Finding[] = [];
  // early data whose requests cannot be read cannot be judged: say so rather than stay silent
  const unreadable = status !== undefined && status.packets > 0 && !requests.some((r) => r.zeroRtt) && (conn.log !== undefined ? status.bytes > 0 : status.bytes === 0);
  if (unreadable) {
    out.push({
      severity: 'info',
      code: 'zero_rtt_unaudited',
      connection: conn.id,
      frame: conn.firstFrame,
      message: `${status.packets} 0-RTT packet${status.packets === 1 ? '' : 's'} went out, but ${conn.log ? 'a log carries no payload bytes, so their requests' : 'without the key log their contents'} cannot be read: whether they were safe to replay is unknown (RFC 9001 §9.2)`,
      evidence: 'proven',
    });
  }
  for (const r of requests) {
    if (!r.zeroRtt) continue;
    if (r.method !== undefined && !REPLAY_SAFE.has(r.method)) {
      out.push({
        severity: 'warning',
        code: 'zero_rtt_non_idempotent',
        connection: conn.id,
        frame: r.frame,
        message: `a ${r.method} request (${r.path ?? '?'}, stream ${r.stream}) travelled in 0-RTT, where an attacker can replay it; only GET, HEAD and OPTIONS are safe there (RFC 9001 §9.2, RFC 8470)`,
        evidence: 'proven',
      });
    }
    if (r.status === 425) {
      out.push({
        severity: 'info',
        code: 'zero_rtt_too_early',
        connection: conn.id,
        frame: r.frame,
        message: `the server answered the 0-RTT request on stream ${r.stream} with 425 Too Early: it wants it again after the handshake (RFC 8470 §5.2)`,
        evidence: 'proven',
      });
    }
  }
  return out;
}
