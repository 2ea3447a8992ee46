import type { Role } from '../connection.js';
import type { PnSpace } from './pn-space.js';

/**
 * What the recovery analysis finds in a capture, event by event: the contract between the
 * analysis (src/analysis/recovery) and what shows it (`recovery`, `timeline --explain`,
 * `export qlog`). Times are seconds on the input's clock, as PacketRecord.time.
 */

/** A packet the capture shows was lost, and how it was recovered. */
export interface LossEvent {
  connection: number;
  /** who sent the lost packet */
  sender: Role;
  space: PnSpace;
  pn: number;
  /**
   * `after_capture`: the packet crossed the capture point, the receiver never acknowledged
   * it and its data was sent again; `before_capture`: its number is missing from the
   * capture and from the receiver's ACKs
   */
  where: 'after_capture' | 'before_capture';
  /** the record of the lost packet; null when it never reached the capture point */
  frame: number | null;
  /** when it crossed the capture point, or (before_capture) when the next packet of its sender did */
  time: number;
  /** when the capture first showed it lost: the ACK that skipped it, or the retransmission */
  detectedAt: number;
  /** the packet that carried its data again, if the capture shows one */
  retransmission: { frame: number; pn: number; time: number } | null;
  /** STREAM bytes it carried, per stream (after_capture only; before_capture: what was sent again) */
  streams: { id: number; offset: number; length: number }[];
  cryptoBytes: number;
  /** the original was acknowledged after all, so the retransmission was not needed */
  spurious: boolean;
  evidence: 'proven' | 'inferred';
  /** why the loss is inferred, in plain words */
  reason?: string;
}

/**
 * One RTT sample (RFC 9002 §5.1) taken at the capture point: the time from a packet to the
 * ACK that first acknowledged it as its largest, both seen here. That is the round trip
 * from the capture point to `peer` and back, not the sender's whole RTT unless the capture
 * ran on the sender's host.
 */
export interface RttSample {
  connection: number;
  /** the side whose packet was acknowledged */
  sender: Role;
  /** the side that acknowledged it: the leg is capture → peer → capture */
  peer: Role;
  space: PnSpace;
  /** the record of the ACK */
  frame: number;
  time: number;
  latestMs: number;
  /** ack_delay from the ACK frame, scaled by the peer's ack_delay_exponent (RFC 9000 §18.2), ms */
  ackDelayMs: number;
  /** latest less ack_delay where RFC 9002 §5.3 allows it */
  adjustedMs: number;
  /** the running estimate after this sample (RFC 9002 §5.3) */
  minMs: number;
  smoothedMs: number;
  rttVarMs: number;
  /** ack_delay could not be scaled (the peer's ack_delay_exponent was not seen): the sample is unadjusted */
  ackDelayUnknown?: true;
  /** ack_delay was not taken off: that would have put the sample below min_rtt (RFC 9002 §5.3) */
  ackDelayNotTaken?: true;
}

/** Bytes in flight at the capture point after a packet or an ACK changed them. */
export interface FlightSample {
  connection: number;
  sender: Role;
  time: number;
  frame: number;
  /** ack-eliciting bytes sent and neither acknowledged nor found lost */
  bytes: number;
}
