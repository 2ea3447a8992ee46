/** The estimate after some samples, RFC 9002 §5 (milliseconds). */
export interface RttEstimate {
  samples: number;
  latestMs: number;
  minMs: number;
  smoothedMs: number;
  rttVarMs: number;
}

/** One sample, as RFC 9002 §5.3 takes it in. */
export interface RttInput {
  latestMs: number;
  /** the ACK's ack_delay, ms; undefined when it could not be scaled (the peer's ack_delay_exponent unknown) */
  ackDelayMs: number | undefined;
  /** the peer's max_ack_delay, ms, once known; clamps ack_delay (RFC 9002 §5.3) */
  maxAckDelayMs: number | undefined;
  /** Initial ACKs are not delayed on purpose: their ack_delay is ignored (RFC 9002 §5.3) */
  ignoreAckDelay: boolean;
}

/**
 * RFC 9002 §5.3's estimator, fed samples taken at the capture point. min_rtt takes the
 * sample as measured; the smoothed RTT and its variation take it less the peer's ack_delay,
 * but only where that leaves it at or above min_rtt.
 */
export class RttEstimator {
  private state: RttEstimate | null = null;

  get estimate(): RttEstimate | null {
    return this.state;
  }

  /** adds a sample; returns the ack_delay taken off and the adjusted sample */
  add(s: RttInput): { ackDelayMs: number; adjustedMs: number } {
    let ackDelay = s.ignoreAckDelay || s.ackDelayMs === undefined ? 0 : s.ackDelayMs;
    if (s.maxAckDelayMs !== undefined) ackDelay = Math.min(ackDelay, s.maxAckDelayMs);
    const st = this.state;
    if (!st) {
      // §5.3: the first sample sets every estimate
      this.state = { samples: 1, latestMs: s.latestMs, minMs: s.latestMs, smoothedMs: s.latestMs, rttVarMs: s.latestMs / 2 };
      return { ackDelayMs: 0, adjustedMs: s.latestMs };
    }
    st.samples++;
    st.latestMs = s.latestMs;
    st.minMs = Math.min(st.minMs, s.latestMs);
    const adjusted = s.latestMs >= st.minMs + ackDelay ? s.latestMs - ackDelay : s.latestMs;
    st.rttVarMs = (3 / 4) * st.rttVarMs + (1 / 4) * Math.abs(st.smoothedMs - adjusted);
    st.smoothedMs = (7 / 8) * st.smoothedMs + (1 / 8) * adjusted;
    return { ackDelayMs: adjusted === s.latestMs ? 0 : ackDelay, adjustedMs: adjusted };
  }
}
