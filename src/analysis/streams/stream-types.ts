import type { Fact } from '../finding.js';
import type { Role } from '../connection.js';

/**
 * What the `streams` analysis finds per connection: the contract between
 * src/analysis/streams and its views (`streams` table, JSON). Times are seconds on the
 * input's clock, as PacketRecord.time; durations are milliseconds.
 */

/** what an HTTP/3 stream carries (RFC 9114 §6.1, §6.2; RFC 9204 §4.2), null when the connection does not speak HTTP/3 */
export type StreamRole = 'request' | 'control' | 'push' | 'qpack_encoder' | 'qpack_decoder' | 'reserved' | 'unknown';

/** One direction of one stream, as the capture shows it. */
export interface StreamDirection {
  /** distinct bytes of the stream the capture held */
  bytes: number;
  /** bytes the capture saw again in later STREAM frames: sent more than once */
  retransmittedBytes: number;
  /** when the first and the last STREAM frame of this direction crossed the capture point */
  firstTime: number | null;
  lastTime: number | null;
  /** a STREAM frame with FIN was seen (RFC 9000 §19.8) */
  fin: boolean;
  /** the final size (§4.5), from FIN or RESET_STREAM */
  finalSize: number | null;
  /** the sender abandoned this direction (RESET_STREAM, §19.4) */
  reset: { errorCode: number; finalSize: number; frame: number } | null;
  /** the receiver of this direction asked its sender to stop (STOP_SENDING, §19.5) */
  stopSending: { errorCode: number; frame: number } | null;
  /** the offsets seen are a lower bound: too many separate ranges to keep */
  exact: boolean;
}

/** Why a stream's in-order delivery waited: the packet whose data was missing. */
export interface StallCause {
  /**
   * `after_capture`: the packet crossed the capture point and was never acknowledged;
   * `before_capture`: the bytes never crossed it before their retransmission (a hole in the
   * stream's offsets)
   */
  where: 'after_capture' | 'before_capture';
  /** the lost packet: its record and number (after_capture) */
  frame: number | null;
  pn: number | null;
  /** when it crossed the capture point (after_capture) */
  time: number | null;
  /** before_capture: packet numbers of this sender the capture lacks, near the hole (at most 4) */
  missingPns?: number[];
  /** the bytes of the stream that were missing, [start, end) */
  bytes: [number, number];
  evidence: 'proven' | 'inferred';
  reason: string;
}

/** The packet whose arrival filled a hole. */
export interface FillPacket {
  frame: number;
  pn: number | null;
  time: number;
}

/** A head-of-line wait of one stream (RFC 9000 §2.2: data is delivered to the application in order). */
export interface Stall {
  stream: number;
  /** who sent the stream's data */
  sender: Role;
  /** when data after the hole first arrived, and when the hole was filled */
  from: number;
  until: number;
  waitMs: number;
  /** most bytes of this stream held back at once */
  heldBytes: number;
  cause: StallCause;
  filledBy: FillPacket;
  /** other streams of the same sender whose data was delivered in order meanwhile */
  othersDelivering: number[];
}

/**
 * A hole never filled within the capture: bytes of a stream that did not arrive as far as
 * the capture shows, and were never sent again in it. A sender repeats what it declares
 * lost, so this is more likely a capture that missed the ACKs (or an end of capture): no
 * wait is counted for it.
 */
export interface Unfilled {
  stream: number;
  sender: Role;
  /** when bytes after the hole first arrived */
  from: number;
  heldBytes: number;
  cause: StallCause;
}

/** One stream under the TCP model: the wait it had here and the wait one ordered byte stream would have given it. */
export interface TcpHeld {
  stream: number;
  /** how long the stream's arrived data would have waited behind this loss under TCP */
  tcpWaitMs: number;
  /** how long it waited here, in the same interval */
  quicWaitMs: number;
  bytes: number;
}

/** One loss as an ordered byte stream (HTTP/2 over TCP) would have felt it. */
export interface TcpHold {
  sender: Role;
  /** the stream whose data was lost */
  stream: number;
  cause: StallCause;
  /** when the first byte behind the loss arrived, and when the loss was repaired */
  from: number;
  until: number | null;
  filledBy: FillPacket | null;
  /** every stream whose data arrived behind the loss while it was missing, the lost stream included */
  held: TcpHeld[];
  /** the sentence for learners */
  sentence: string;
}

/** One stream of a connection. */
export interface StreamReport {
  id: number;
  opener: Role;
  directionality: 'bidi' | 'uni';
  role: StreamRole | null;
  client: StreamDirection;
  server: StreamDirection;
  request: { method?: string; path?: string; status?: number } | null;
  /** time the stream's data waited in order here (sum of its stalls), and would have under TCP; null where not modelled (a log) */
  quicWaitMs: number | null;
  tcpWaitMs: number | null;
  /** what TCP would have added: tcpWaitMs - quicWaitMs */
  tcpExtraMs: number | null;
}

/** 0-RTT early data against the limit the server's ticket set, and requests answered 425. */
export interface EarlyDataReport {
  attempted: boolean;
  accepted: boolean | null;
  /** STREAM bytes the client sent in 0-RTT packets */
  bytes: number;
  /** max_early_data_size from the NewSessionTicket (RFC 8446 §4.6.1), null when unknown */
  maxEarlyDataSize: number | null;
  /** bytes ≤ maxEarlyDataSize; null when the limit is unknown */
  withinLimit: boolean | null;
  limit: Fact;
  /** request streams sent in 0-RTT, and those the server answered 425 Too Early (RFC 8470 §5.2) */
  requests: number[];
  tooEarly: number[];
}

export interface StreamsReport {
  connection: number;
  /** whether the streams could be read: without keys they are unknown, never "none" */
  known: Fact;
  streams: StreamReport[];
  /** head-of-line waits at the receiver, in time order (at most a bounded number; `stallsOmitted` counts the rest) */
  stalls: Stall[];
  stallsOmitted: number;
  /** STREAM frames of streams beyond the 4,096 followed per connection: not counted */
  untrackedStreams: number;
  /** holes never filled within the capture, not counted as waits */
  unfilled: Unfilled[];
  tcp: TcpHold[];
  tcpOmitted: number;
  /** whether the head-of-line and TCP models ran, and on what */
  model: Fact;
  /** packets whose fate the capture never settled (no ACK reached them): taken as arrived */
  unsettledPackets: number;
  /**
   * stream bytes in packets the capture lacks that the receiver acknowledged (a capture
   * drop, not a loss) or that a capture gap hid: taken as arrived with the next packet captured
   */
  uncapturedBytes: number;
  earlyData: EarlyDataReport;
}
