import type { Frame } from '../../quic/frames/index.js';

/**
 * RFC 9002 §2: a packet is ack-eliciting when it holds a frame other than ACK, PADDING and
 * CONNECTION_CLOSE. Only such packets count in flight and are sent again when lost.
 */
export function isAckEliciting(frames: readonly Frame[]): boolean {
  return frames.some((f) => f.type !== 'ack' && f.type !== 'padding' && f.type !== 'connection_close');
}
