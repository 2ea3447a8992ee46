import type { AckFrame } from './ack.js';
import type { AckFrequencyFrame } from './ack-frequency.js';
import type { ConnectionCloseFrame } from './connection-close.js';
import type { CryptoFrame } from './crypto.js';
import type { DatagramFrame } from './datagram.js';
import type {
  DataBlockedFrame,
  MaxDataFrame,
  MaxStreamDataFrame,
  MaxStreamsFrame,
  StreamDataBlockedFrame,
  StreamsBlockedFrame,
} from './flow-control.js';
import type { HandshakeDoneFrame } from './handshake-done.js';
import type { ImmediateAckFrame } from './immediate-ack.js';
import type { NewConnectionIdFrame } from './new-connection-id.js';
import type { NewTokenFrame } from './new-token.js';
import type { PaddingFrame } from './padding.js';
import type { PathChallengeFrame } from './path-challenge.js';
import type { PathResponseFrame } from './path-response.js';
import type { PingFrame } from './ping.js';
import type { ResetStreamFrame } from './reset-stream.js';
import type { RetireConnectionIdFrame } from './retire-connection-id.js';
import type { StopSendingFrame } from './stop-sending.js';
import type { StreamFrame } from './stream.js';

/** A frame type we do not know: reported with its number; the rest of the packet is not read. */
export interface UnknownFrame {
  type: 'unknown';
  frame_type_value: number;
}

/** Every QUIC frame, keyed by its qlog name in `type`. */
export type Frame =
  | PaddingFrame
  | PingFrame
  | AckFrame
  | ResetStreamFrame
  | StopSendingFrame
  | CryptoFrame
  | NewTokenFrame
  | StreamFrame
  | MaxDataFrame
  | MaxStreamDataFrame
  | MaxStreamsFrame
  | DataBlockedFrame
  | StreamDataBlockedFrame
  | StreamsBlockedFrame
  | NewConnectionIdFrame
  | RetireConnectionIdFrame
  | PathChallengeFrame
  | PathResponseFrame
  | ConnectionCloseFrame
  | HandshakeDoneFrame
  | DatagramFrame
  | AckFrequencyFrame
  | ImmediateAckFrame
  | UnknownFrame;

export type FrameType = Frame['type'];
