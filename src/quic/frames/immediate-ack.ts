/** IMMEDIATE_ACK (draft-ietf-quic-ack-frequency §5): acknowledge now. */
export interface ImmediateAckFrame {
  type: 'immediate_ack';
}

export const parseImmediateAck = (): ImmediateAckFrame => ({ type: 'immediate_ack' });
export const summarizeImmediateAck = () => 'IMMEDIATE_ACK';
