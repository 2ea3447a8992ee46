/** PING (RFC 9000 §19.2): no content; it elicits an acknowledgement. */
export interface PingFrame {
  type: 'ping';
}

export const parsePing = (): PingFrame => ({ type: 'ping' });
export const summarizePing = () => 'PING';
