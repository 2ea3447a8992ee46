/** HANDSHAKE_DONE (RFC 9000 §19.20): the server confirms the handshake. */
export interface HandshakeDoneFrame {
  type: 'handshake_done';
}

export const parseHandshakeDone = (): HandshakeDoneFrame => ({ type: 'handshake_done' });
export const summarizeHandshakeDone = () => 'HANDSHAKE_DONE';
