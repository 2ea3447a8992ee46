import type { ByteReader } from '../../wire/byte-reader.js';

/**
 * ACK_FREQUENCY (draft-ietf-quic-ack-frequency-11 §4): how often the peer should
 * acknowledge. Earlier drafts had an Ignore Order byte instead of the Reordering
 * Threshold; the current field list is read here.
 */
export interface AckFrequencyFrame {
  type: 'ack_frequency';
  sequence_number: number;
  ack_eliciting_threshold: number;
  request_max_ack_delay: number;
  reordering_threshold: number;
}

export function parseAckFrequency(r: ByteReader): AckFrequencyFrame {
  return {
    type: 'ack_frequency',
    sequence_number: r.varint('the sequence number'),
    ack_eliciting_threshold: r.varint('the ack-eliciting threshold'),
    request_max_ack_delay: r.varint('the requested max ack delay'),
    reordering_threshold: r.varint('the reordering threshold'),
  };
}

export const summarizeAckFrequency = (f: AckFrequencyFrame) =>
  `ACK_FREQUENCY #${f.sequence_number} every ${f.ack_eliciting_threshold} within ${f.request_max_ack_delay} µs`;
