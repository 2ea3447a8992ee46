import type { Connection, Role } from '../connection.js';
import type { PacketFate, PacketFates } from '../recovery/packet-fates.js';

/** A packet that carried STREAM data, waiting until the capture shows whether it arrived. */
export interface CarryingPacket {
  sender: Role;
  frame: number;
  pn: number;
  time: number;
  chunks: { stream: number; offset: number; length: number }[];
  /** the capture lost sync while this packet waited: the ACKs that would settle it may be among what it missed */
  uncertain?: true;
}

/** at most this many packets wait per sender for their fate; the oldest is then taken as arrived */
export const WINDOW = 4096;

/**
 * Holds each packet that carried STREAM data until the receiver's ACKs settle its fate
 * (acknowledged, or not acknowledged past RFC 9002's packet threshold), then hands the
 * packets on in capture order. The window is bounded by packets in flight; a packet still
 * pending when it overflows, or at the end, counts as arrived and as unsettled.
 */
export class FateWindow {
  private readonly queue: Record<Role, CarryingPacket[]> = { client: [], server: [] };
  unsettled = 0;

  constructor(
    private readonly conn: Connection,
    private readonly fates: PacketFates,
    private readonly settle: (p: CarryingPacket, fate: PacketFate) => void,
  ) {}

  push(p: CarryingPacket): void {
    const q = this.queue[p.sender];
    q.push(p);
    if (q.length > WINDOW) this.release(q.shift()!, true);
  }

  /**
   * The capture lost sync (a capture gap): the ACKs for the packets waiting now may have
   * been in it, so "never acknowledged" would prove nothing for them.
   */
  captureGap(): void {
    for (const q of Object.values(this.queue)) for (const p of q) p.uncertain = true;
  }

  /** hands on every packet at the front whose fate is now known */
  advance(): void {
    for (const sender of ['client', 'server'] as const) {
      const q = this.queue[sender];
      while (q.length > 0 && this.fateOf(q[0]!) !== 'pending') this.release(q.shift()!, false);
    }
  }

  /** the end of the input: what is still waiting is handed on as it stands */
  finish(): void {
    for (const sender of ['client', 'server'] as const) {
      const q = this.queue[sender];
      while (q.length > 0) this.release(q.shift()!, true);
    }
  }

  private fateOf(p: CarryingPacket): PacketFate {
    return this.fates.fate(this.conn, p.sender, 'application', p.pn);
  }

  private release(p: CarryingPacket, force: boolean): void {
    let fate = this.fateOf(p);
    if (fate === 'not_acknowledged' && p.uncertain) fate = 'pending';
    if (fate === 'pending' && (force || p.uncertain)) this.unsettled++;
    this.settle(p, fate);
  }
}
