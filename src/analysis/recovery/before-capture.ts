import type { ReadonlyRangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { ReadonlySpaceNumbers } from './packet-fates.js';
import { PACKET_THRESHOLD } from './packet-fates.js';
import type { PnSpace } from './pn-space.js';
import type { LossEvent } from './recovery-events.js';
import type { PnGap } from './sender-space.js';

/** What became of the packet numbers a sender used that never crossed the capture point. */
export interface GapVerdicts {
  /** the receiver's ACKs skip them while acknowledging 3 later ones: lost before the capture point */
  lost: number;
  /** the receiver acknowledged them: they got there, the capture missed them (not losses) */
  missedByCapture: number;
  /** no ACK read reports on them: their fate is not in the capture */
  unresolved: number;
  events: LossEvent[];
}

/**
 * Sorts the numbers a sender skipped at the capture point. A number missing here and from
 * the receiver's ACKs, while ACKs go 3 past it (RFC 9002 §6.1.1), is taken as lost between
 * the sender and the capture point. The alternative, that the sender skipped it on purpose
 * (RFC 9000 §21.4 allows that against optimistic ACKs), makes it inferred.
 */
export function judgeGaps(
  connection: number,
  sender: Role,
  space: PnSpace,
  gaps: readonly PnGap[],
  numbers: ReadonlySpaceNumbers,
  reported: ReadonlyRangeSet,
  maxEvents: number,
): GapVerdicts {
  const out: GapVerdicts = { lost: 0, missedByCapture: 0, unresolved: 0, events: [] };
  for (const g of gaps) {
    for (let pn = g.start; pn < g.end; pn++) {
      // seen later: the capture point saw it out of order
      if (numbers.seen.has(pn)) continue;
      if (numbers.acked.has(pn)) out.missedByCapture++;
      else if (reported.has(pn) && numbers.largestAcked >= pn + PACKET_THRESHOLD) {
        out.lost++;
        if (out.events.length >= maxEvents) continue;
        out.events.push({
          connection,
          sender,
          space,
          pn,
          where: 'before_capture',
          frame: null,
          time: g.time,
          detectedAt: g.detectedAt ?? g.time,
          retransmission: null,
          streams: [],
          cryptoBytes: 0,
          spurious: false,
          evidence: 'inferred',
          reason: `packet number ${pn} never crossed the capture point and the receiver's ACKs skip it while acknowledging later ones; a sender may also skip numbers on purpose (RFC 9000 §21.4)`,
        });
      } else out.unresolved++;
    }
  }
  return out;
}
