import { createHash } from 'node:crypto';
import type { Datagram } from '../capture/types.js';
import type { PacketHeader } from '../quic/packet-header.js';
import type { Connection } from './connection.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';

/** where a 0-RTT packet was first seen */
export interface ZeroRttSighting {
  connection: Connection;
  frame: number;
  /** seconds, as packet records count them */
  time: number;
  /** the server sent packets of the connection after it: any later copy is not the network's duplicate in flight */
  answered: boolean;
}

/** at most this many 0-RTT packets and binders are remembered; the oldest go first */
const REMEMBERED = 100_000;
/** 0-RTT packets per connection awaiting the server's first answer that are followed */
const UNANSWERED_PER_CONNECTION = 1000;

/**
 * Replays of early data (RFC 9001 §9.2, RFC 8446 §8): 0-RTT is not protected against them,
 * so an attacker who captured a client's first flight can send it again. Two signs, both
 * proven by bytes:
 * - a 0-RTT packet seen again byte for byte after the server answered the first copy (a
 *   capture on a proxy sees each packet twice too, but before any answer); the copy's
 *   datagram is kept apart as a connection of its own, not folded into the original;
 * - the same PSK binder in the ClientHello of two connections: the binder is an HMAC over
 *   the ClientHello, so a client never repeats one (RFC 8446 §4.2.11.2).
 */
export class ZeroRttReplays {
  private readonly seen = new Map<string, ZeroRttSighting>();
  private readonly unanswered = new Map<Connection, ZeroRttSighting[]>();
  private readonly binders = new Map<string, { connection: Connection; frame: number }>();
  private readonly hellosChecked = new WeakSet<Connection>();
  private readonly found: Finding[] = [];

  /**
   * Before the datagram's packets are given to connections: the earlier 0-RTT packet one of
   * them copies, when the server has answered that one since; null otherwise.
   */
  replayed(d: Datagram, headers: readonly PacketHeader[]): ZeroRttSighting | null {
    for (const h of headers) {
      if (h.form !== 'long' || h.type !== '0RTT') continue;
      const first = this.seen.get(fingerprint(d.payload, h));
      if (first?.answered) return first;
    }
    return null;
  }

  /** every packet after it was given to a connection; `payload` is its datagram's UDP payload */
  observe(p: PacketRecord, payload: Buffer): void {
    if (p.direction === 'server') {
      for (const s of this.unanswered.get(p.connection) ?? []) s.answered = true;
      this.unanswered.delete(p.connection);
    } else if (p.header.form === 'long' && p.header.type === '0RTT') this.zeroRtt(p, fingerprint(payload, p.header));
    const hello = p.connection.tls.clientHello;
    if (hello && p.direction === 'client' && !this.hellosChecked.has(p.connection)) {
      this.hellosChecked.add(p.connection);
      for (const binder of hello.pskBinders) this.binder(p, binder);
    }
  }

  findings(): Finding[] {
    return this.found;
  }

  private zeroRtt(p: PacketRecord, key: string): void {
    const first = this.seen.get(key);
    if (!first) {
      const s: ZeroRttSighting = { connection: p.connection, frame: p.frame, time: p.time, answered: false };
      remember(this.seen, key, s);
      const list = this.unanswered.get(p.connection);
      // a flood of unanswered 0-RTT in one connection: the first ones are what a replay copies
      if (list) {
        if (list.length < UNANSWERED_PER_CONNECTION) list.push(s);
      }
      else remember(this.unanswered, p.connection, [s]);
      return;
    }
    if (p.connection.replayOf !== first.connection.id) return;
    const ms = ((p.time - first.time) * 1e3).toFixed(3);
    this.found.push({
      severity: 'warning',
      code: 'zero_rtt_replay',
      connection: p.connection.id,
      frame: p.frame,
      // identical bytes after the server's answer need no keys to prove
      evidence: 'proven',
      message: `frame ${p.frame} repeats byte for byte the 0-RTT packet connection ${first.connection.id} sent in frame ${first.frame}, ${ms} ms later, after the server had answered it: early data replayed (RFC 9001 §9.2), or a copy the network held back that long; kept apart as connection ${p.connection.id}`,
    });
  }

  private binder(p: PacketRecord, binder: string): void {
    const first = this.binders.get(binder);
    if (!first) {
      remember(this.binders, binder, { connection: p.connection, frame: p.frame });
      return;
    }
    // the same ClientHello resent within one connection (a lost Initial, a Retry) is no replay,
    // and a copied datagram was flagged as zero_rtt_replay already
    if (first.connection === p.connection || p.connection.replayOf === first.connection.id) return;
    this.found.push({
      severity: 'warning',
      code: 'psk_binder_reused',
      connection: p.connection.id,
      frame: p.frame,
      // the binder is read from the ClientHello in an Initial, which needs no key log
      evidence: 'proven',
      message: `the ClientHello of connection ${p.connection.id} carries the PSK binder of connection ${first.connection.id}'s (frame ${first.frame}): one ClientHello sent twice, a replay of a resumption attempt (RFC 8446 §8, §4.2.11.2)`,
    });
  }
}

/** a packet's bytes on the wire, as a short hash: equal bytes, equal key */
function fingerprint(payload: Buffer, h: PacketHeader): string {
  return createHash('sha256').update(payload.subarray(h.offset, h.offset + h.length)).digest('hex').slice(0, 32);
}

function remember<K, T>(map: Map<K, T>, key: K, value: T): void {
  if (map.size >= REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
}
