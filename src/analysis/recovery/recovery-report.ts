import type { Connection, Role } from '../connection.js';
import { unreadReason, type Fact } from '../finding.js';
import { judgeGaps, type GapVerdicts } from './before-capture.js';
import type { FlowControlCounts, FlowControlWait } from './flow-control.js';
import type { HandshakeSplit } from './handshake-split.js';
import type { PacketFates } from './packet-fates.js';
import { PN_SPACES, type PnSpace } from './pn-space.js';
import type { ConnectionRecovery, SenderState } from './recovery-tracker.js';
import type { RttEstimate } from './rtt-estimator.js';
import type { SenderSpace } from './sender-space.js';

/** One sender's packets in one packet-number space. Counts are null where `fact` is unknown. */
export interface SpaceRecovery {
  /** packets that crossed the capture point (ack-eliciting or not) */
  packets: number;
  /** their bytes on the wire */
  bytes: number;
  ackEliciting: number;
  /** packets seen again under a number already seen (both legs of a proxy, or duplicated): not counted in `packets` */
  duplicates: number;
  /** packets whose frames were not read */
  unread: number;
  /** 0-RTT packets never acknowledged because the server rejected early data: not losses */
  rejectedZeroRtt: number;
  /** crossed the capture point, never acknowledged while 3 later ones were */
  lostAfterCapture: number | null;
  /** never crossed it, and the receiver's ACKs skip them */
  lostBeforeCapture: number | null;
  /** never crossed it, yet the receiver acknowledged them: the capture missed them, no loss */
  missedByCapture: number | null;
  /** found lost, then acknowledged after all */
  spuriousLosses: number | null;
  /** packets (or missing numbers) whose fate the capture does not tell: no ACK read reports on them, or the capture ends first */
  unresolved: number | null;
  fact: Fact;
}

/** the leg capture → peer → capture, from the peer's ACKs of this sender's packets (RFC 9002 §5) */
export interface LegRtt extends RttEstimate {
  leg: string;
  /** samples whose ack_delay could not be taken off */
  unadjustedSamples: number;
}

export interface DirectionRecovery {
  sender: Role;
  spaces: Record<PnSpace, SpaceRecovery>;
  packets: number;
  lostAfterCapture: number | null;
  lostBeforeCapture: number | null;
  missedByCapture: number | null;
  /** packets and missing numbers whose fate the capture does not tell */
  unresolved: number | null;
  /** lost (both kinds) over the packets sent (seen, plus those lost before the capture point), in percent */
  lossPercent: number | null;
  retransmittedBytes: { stream: number; crypto: number } | null;
  retransmittedPackets: number | null;
  spuriousRetransmissions: number | null;
  rtt: LegRtt | null;
  maxBytesInFlight: number | null;
  flowControl: { frames: FlowControlCounts; waits: number; waitedMs: number };
  facts: { losses: Fact; retransmissions: Fact; rtt: Fact };
}

export interface ConnectionRecoveryReport {
  connection: number;
  directions: DirectionRecovery[];
  /** the two legs together: each endpoint's RTT less its own ack delays, as the capture point sees it */
  endToEndRtt: { minMs: number; smoothedMs: number; latestMs: number } | null;
  endToEndFact: Fact;
  flowControlWaits: FlowControlWait[];
  /** the handshake's time split between network round trips and each side's own work; the fact alone when unknown */
  handshake?: HandshakeSplit | { fact: Fact };
  /** how many of each event list were found, and how many were not kept (lists are bounded) */
  events: Record<'losses' | 'rttSamples' | 'flight' | 'flowControlWaits', { count: number; omitted: number }>;
}

const other = (r: Role): Role => (r === 'client' ? 'server' : 'client');
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * whether the receiver's ACKs of one space can be read: unknown when it sent packets there
 * and none of them was read. A receiver whose packets were all read and held no ACK leaves
 * the sender's packets unresolved, not unknown.
 */
function ackFact(sender: SenderSpace, receiver: SenderSpace, space: PnSpace): Fact {
  if (sender.packets === 0) return { evidence: 'proven', reason: `no ${space} packets from this sender` };
  const n = sender.ackFramesRead;
  if (n > 0) return { evidence: 'proven', reason: `${n} ACK frame${n === 1 ? '' : 's'} from the receiver in the ${space} space` };
  const why = receiver.firstUnread;
  if (why) return { evidence: 'unknown', reason: `the receiver's ${space} ACKs would be in packets not read (${unreadReason(why)})` };
  return { evidence: 'proven', reason: `the capture holds no ACK from the receiver in the ${space} space: the fate of these packets is not in it` };
}

function spaceReport(st: ConnectionRecovery, sender: Role, space: PnSpace, gaps: GapVerdicts): SpaceRecovery {
  const sp = st.senders[sender].spaces[space];
  const fact = ackFact(sp, st.senders[other(sender)].spaces[space], space);
  const known = fact.evidence !== 'unknown';
  return {
    packets: sp.packets,
    bytes: sp.bytes,
    ackEliciting: sp.ackEliciting,
    duplicates: sp.duplicates,
    rejectedZeroRtt: sp.rejectedZeroRtt,
    unread: sp.unread,
    lostAfterCapture: known ? sp.lostAfterCapture : null,
    lostBeforeCapture: known ? gaps.lost : null,
    missedByCapture: known ? gaps.missedByCapture : null,
    spuriousLosses: known ? sp.spuriousLosses : null,
    unresolved: known ? gaps.unresolved + sp.unjudged + sp.untracked + [...sp.inFlight.values()].filter((e) => e.ackEliciting !== false).length : null,
    fact,
  };
}

/** the before-capture verdicts of one sender's space (recomputed from the packet fates at the end) */
export function gapVerdicts(st: ConnectionRecovery, fates: PacketFates, sender: Role, space: PnSpace, maxEvents: number): GapVerdicts {
  const sp = st.senders[sender].spaces[space];
  return judgeGaps(st.connection.id, sender, space, sp.gaps.items, fates.numbers(st.connection, sender, space), sp.reported, maxEvents);
}

function direction(st: ConnectionRecovery, fates: PacketFates, sender: Role): DirectionRecovery {
  const me: SenderState = st.senders[sender];
  const spaces = Object.fromEntries(PN_SPACES.map((s) => [s, spaceReport(st, sender, s, gapVerdicts(st, fates, sender, s, 0))])) as Record<PnSpace, SpaceRecovery>;
  const used = PN_SPACES.filter((s) => spaces[s].packets > 0);
  const unknown = used.filter((s) => spaces[s].fact.evidence === 'unknown');
  const whys = [...new Set(unknown.map((s) => unreadReason(st.senders[other(sender)].spaces[s].firstUnread!)))].join('; ');
  const losses: Fact = unknown.length
    ? { evidence: 'unknown', reason: `the receiver's ${unknown.join(' and ')} ACKs would be in packets not read (${whys})` }
    : { evidence: 'proven', reason: "from the receiver's ACK frames: a packet is lost when ACKs reporting on its number skip it while acknowledging 3 later ones (RFC 9002 §6.1.1)" };
  const total = (k: 'lostAfterCapture' | 'lostBeforeCapture' | 'missedByCapture' | 'unresolved') => (unknown.length ? null : sum(used.map((s) => spaces[s][k]!)));
  const packets = sum(used.map((s) => spaces[s].packets));
  const after = total('lostAfterCapture');
  const before = total('lostBeforeCapture');
  const unreadSpaces = used.filter((s) => me.spaces[s].packets === me.spaces[s].unread);
  const retransmissions: Fact = unreadSpaces.length
    ? { evidence: 'unknown', reason: `the sender's ${unreadSpaces.join(', ')} packets were not read (${unreadReason(me.spaces[unreadSpaces[0]!].firstUnread!)})` }
    : { evidence: 'proven', reason: 'STREAM and CRYPTO byte ranges sent a second time; data whose first copy never reached the capture point is not counted' };
  const retrans = retransmissions.evidence !== 'unknown';
  const est = me.rtt.estimate;
  const peer = other(sender);
  const rttFact: Fact = losses.evidence === 'unknown'
    ? { evidence: 'unknown', reason: losses.reason }
    : est
    ? me.unadjustedSamples > 0
      ? { evidence: 'inferred', reason: `${me.unadjustedSamples} of ${est.samples} samples keep their ack_delay: the ${peer}'s transport parameters (ack_delay_exponent) were not read` }
      : { evidence: 'proven', reason: `${est.samples} samples: ${peer} ACKs whose largest acknowledged was a packet seen here (RFC 9002 §5.1)` }
    : { evidence: 'unknown', reason: `no ${peer} ACK newly acknowledged an ack-eliciting packet seen here` };
  return {
    sender,
    spaces,
    packets,
    lostAfterCapture: after,
    lostBeforeCapture: before,
    missedByCapture: total('missedByCapture'),
    unresolved: total('unresolved'),
    lossPercent: after === null || before === null || packets + before === 0 ? null : round3(((after + before) * 100) / (packets + before)),
    retransmittedBytes: retrans ? { ...me.retransmittedBytes } : null,
    retransmittedPackets: retrans ? me.retransmittedPackets : null,
    spuriousRetransmissions: retrans && losses.evidence !== 'unknown' ? me.spuriousRetransmissions : null,
    rtt: est && rttFact.evidence !== 'unknown'
      ? {
          leg: `capture→${peer}→capture`,
          samples: est.samples,
          latestMs: round3(est.latestMs),
          minMs: round3(est.minMs),
          smoothedMs: round3(est.smoothedMs),
          rttVarMs: round3(est.rttVarMs),
          unadjustedSamples: me.unadjustedSamples,
        }
      : null,
    maxBytesInFlight: losses.evidence === 'unknown' ? null : me.maxBytesInFlight,
    flowControl: {
      frames: st.flowControl.counts[sender],
      waits: st.flowControl.waits.items.filter((w) => w.sender === sender).length,
      waitedMs: round3(st.flowControl.waitedMs[sender]),
    },
    facts: { losses, retransmissions, rtt: rttFact },
  };
}

/** one connection's recovery at the capture point, for the `recovery` and `summary` views */
export function recoveryReport(conn: Connection, st: ConnectionRecovery, fates: PacketFates): ConnectionRecoveryReport {
  const directions = (['client', 'server'] as const).map((r) => direction(st, fates, r));
  const [c, s] = directions.map((d) => d.rtt);
  const endToEndRtt = c && s ? { minMs: round3(c.minMs + s.minMs), smoothedMs: round3(c.smoothedMs + s.smoothedMs), latestMs: round3(c.latestMs + s.latestMs) } : null;
  const endToEndFact: Fact = endToEndRtt
    ? { evidence: 'inferred', reason: 'the sum of the two legs at the capture point: each endpoint measures about this, wherever the capture ran' }
    : {
        evidence: 'unknown',
        reason: `needs both legs; ${[...new Set(directions.filter((d) => !d.rtt).map((d) => d.facts.rtt.reason))].join('; ')}`,
      };
  const count = (l: { count: number; omitted: number }) => ({ count: l.count, omitted: l.omitted });
  return {
    connection: conn.id,
    directions,
    endToEndRtt,
    endToEndFact,
    flowControlWaits: st.flowControl.waits.items,
    events: { losses: count(st.losses), rttSamples: count(st.rttSamples), flight: count(st.flight), flowControlWaits: count(st.flowControl.waits) },
  };
}
