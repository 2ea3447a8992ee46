import type { RangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { FillPacket, StallCause } from './stream-types.js';

/** at most this many losses wait in the model per sender; beyond it the oldest is given up as never repaired */
export const MAX_HOLES = 4096;
/** at most this many TCP holds are kept per connection and sender */
export const MAX_HOLDS = 1000;

/** one stream's bytes that arrived behind a loss, and since when */
interface Behind {
  since: number;
  bytes: number;
}

interface Hole {
  stream: number;
  start: number;
  end: number;
  cause: StallCause;
  filledAt: number | null;
  filledBy: FillPacket | null;
  /** data first sent after this loss and before the next one, per stream */
  behind: Map<number, Behind>;
}

/** one loss as the model saw it, before it is put in words */
export interface RawHold {
  sender: Role;
  stream: number;
  cause: StallCause;
  until: number | null;
  end: number;
  filledBy: FillPacket | null;
  held: { stream: number; since: number; bytes: number }[];
}

/**
 * The counterfactual: the same bytes sent as ONE ordered byte stream (HTTP/2 over TCP), in
 * the order each was first sent. A byte is delivered only when every byte sent before it,
 * of any stream, has arrived, so a loss holds back everything sent after it until its
 * retransmission arrives — assumed to arrive when QUIC's did.
 *
 * The model keeps only the losses not yet repaired, each with what arrived behind it, per
 * stream; a stream's wait is the union of the intervals it had data held back.
 */
export class TcpOrder {
  private readonly holes: Hole[] = [];
  private readonly waits = new Map<number, { count: number; since: number; totalMs: number }>();
  readonly holds: RawHold[] = [];
  omitted = 0;

  constructor(private readonly sender: Role) {}

  /** bytes [start, end) of a stream, first sent now, did not arrive: everything sent later waits for them */
  loss(stream: number, start: number, end: number, cause: StallCause, time: number): void {
    this.holes.push({ stream, start, end, cause, filledAt: null, filledBy: null, behind: new Map() });
    if (this.holes.length > MAX_HOLES) this.release(this.holes.shift()!, time, false);
  }

  /** bytes of a stream, first sent now, arrived now */
  firstArrival(stream: number, bytes: number, time: number): void {
    const last = this.holes.at(-1);
    if (!last) return;
    const b = last.behind.get(stream);
    if (b) {
      b.bytes += bytes;
      return;
    }
    last.behind.set(stream, { since: time, bytes });
    const w = this.waits.get(stream) ?? { count: 0, since: time, totalMs: 0 };
    if (w.count === 0) w.since = time;
    w.count++;
    this.waits.set(stream, w);
  }

  /** a stream's bytes arrived: the losses of that stream they complete are repaired, and what waited in order goes on */
  arrived(stream: number, got: RangeSet, time: number, packet: FillPacket): void {
    for (const h of this.holes) {
      if (h.stream === stream && h.filledAt === null && got.overlap(h.start, h.end) === h.end - h.start) {
        h.filledAt = time;
        h.filledBy = packet;
      }
    }
    while (this.holes.length > 0 && this.holes[0]!.filledAt !== null) this.release(this.holes.shift()!, time, true);
  }

  /**
   * The end of the input: a loss never repaired within the capture is not taken as one (see
   * HolDelivery.finish); the repaired ones it stood in front of go on when they were filled.
   */
  finish(): void {
    let time = -Infinity;
    for (const h of this.holes.splice(0)) {
      if (h.filledAt === null) this.release(h, time, false, false);
      else this.release(h, (time = Math.max(time, h.filledAt)), true);
    }
  }

  waitMs(stream: number): number {
    const w = this.waits.get(stream);
    return w ? w.totalMs : 0;
  }

  /** `counted`: false for a loss the capture cannot show was one, whose waits are not counted */
  private release(h: Hole, time: number, repaired: boolean, counted = true): void {
    const held: RawHold['held'] = [];
    for (const [stream, b] of h.behind) {
      held.push({ stream, since: b.since, bytes: b.bytes });
      const w = this.waits.get(stream)!;
      w.count--;
      if (w.count === 0 && counted) w.totalMs += Math.max(0, time - w.since) * 1000;
    }
    if (held.length === 0 || !counted) return;
    if (this.holds.length >= MAX_HOLDS) {
      this.omitted++;
      return;
    }
    this.holds.push({
      sender: this.sender,
      stream: h.stream,
      cause: h.cause,
      until: repaired ? time : null,
      end: time,
      filledBy: repaired ? h.filledBy : null,
      held: held.sort((a, b) => a.stream - b.stream),
    });
  }
}
