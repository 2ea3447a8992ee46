import type { Connection, Role } from '../connection.js';
import type { PacketRecord } from '../packet-record.js';
import { EMPTY_RANGES, RangeSet, type ReadonlyRangeSet } from '../../quic/range-set.js';
import { pnSpaceOf, type PnSpace } from './pn-space.js';

/**
 * What became of a packet, as far as the capture shows it:
 * - `acknowledged`: an ACK from the receiver covers it (RFC 9000 §13.2), so it arrived;
 * - `not_acknowledged`: the receiver acknowledged at least 3 later packets of the same space
 *   (RFC 9002 §6.1.1's packet threshold) and never this one: lost, or its ACKs were lost;
 * - `pending`: no ACK reaches that far yet (or the ACKs were never readable: no keys).
 */
export type PacketFate = 'acknowledged' | 'not_acknowledged' | 'pending';

/** RFC 9002 §6.1.1: kPacketThreshold */
export const PACKET_THRESHOLD = 3;

/** One sender's packet numbers in one space: the ones the capture held, the ones the peer acknowledged. */
export interface SpaceNumbers {
  /** packet numbers the capture held (decrypted or not: the number was read) */
  seen: RangeSet;
  /** packet numbers the receiver's ACK frames covered, in any packet the capture held */
  acked: RangeSet;
  /** the largest packet number the receiver acknowledged, -1 before any ACK */
  largestAcked: number;
}

/** SpaceNumbers as its readers see them */
export interface ReadonlySpaceNumbers {
  readonly seen: ReadonlyRangeSet;
  readonly acked: ReadonlyRangeSet;
  readonly largestAcked: number;
}

const NO_NUMBERS: ReadonlySpaceNumbers = Object.freeze({ seen: EMPTY_RANGES, acked: EMPTY_RANGES, largestAcked: -1 });

type Spaces = Record<PnSpace, SpaceNumbers>;

const newSpace = (): SpaceNumbers => ({ seen: new RangeSet(), acked: new RangeSet(), largestAcked: -1 });
const newSpaces = (): Spaces => ({ initial: newSpace(), handshake: newSpace(), application: newSpace() });

/**
 * Per connection and sender: which packet numbers crossed the capture point and which the
 * peer acknowledged. Both are kept as ranges, so memory grows with holes, not packets.
 * An ACK frame acknowledges the other side's packets in the space of the packet carrying it
 * (RFC 9000 §12.3, §13.2).
 */
export class PacketFates {
  private readonly byConnection = new Map<Connection, Record<Role, Spaces>>();

  observe(packet: PacketRecord): void {
    const space = pnSpaceOf(packet.header.type);
    if (space === null || packet.pn === null) return;
    const sides = this.sides(packet.connection);
    sides[packet.direction][space].seen.add(packet.pn, packet.pn + 1);
    const other: Role = packet.direction === 'client' ? 'server' : 'client';
    for (const f of packet.frames) {
      if (f.type !== 'ack') continue;
      const theirs = sides[other][space];
      for (const [smallest, largest] of f.acked_ranges) {
        theirs.acked.add(smallest, largest + 1);
        if (largest > theirs.largestAcked) theirs.largestAcked = largest;
      }
    }
  }

  /** the numbers one sender used in one space, as the capture shows them (a connection with none read shares an empty record: reading makes no state) */
  numbers(conn: Connection, sender: Role, space: PnSpace): ReadonlySpaceNumbers {
    return this.byConnection.get(conn)?.[sender][space] ?? NO_NUMBERS;
  }

  fate(conn: Connection, sender: Role, space: PnSpace, pn: number): PacketFate {
    const s = this.numbers(conn, sender, space);
    if (s.acked.has(pn)) return 'acknowledged';
    return s.largestAcked >= pn + PACKET_THRESHOLD ? 'not_acknowledged' : 'pending';
  }

  private sides(conn: Connection): Record<Role, Spaces> {
    let s = this.byConnection.get(conn);
    if (!s) {
      s = { client: newSpaces(), server: newSpaces() };
      this.byConnection.set(conn, s);
    }
    return s;
  }
}
