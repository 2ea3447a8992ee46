import type { FrameType } from './frame.js';

type ProtectedPacketType = 'initial' | 'handshake' | '0RTT' | '1RTT';

/**
 * RFC 9000 §12.4, Table 3, "Pkts" column: the packet types each frame may appear in
 * (I Initial, H Handshake, 0 0-RTT, 1 1-RTT). DATAGRAM (RFC 9221 §4) and the ack frequency
 * frames are 0-RTT/1-RTT only, like STREAM.
 */
const ALLOWED: Record<Exclude<FrameType, 'unknown'>, string> = {
  padding: 'IH01',
  ping: 'IH01',
  ack: 'IH_1',
  reset_stream: '__01',
  stop_sending: '__01',
  crypto: 'IH_1',
  new_token: '___1',
  stream: '__01',
  max_data: '__01',
  max_stream_data: '__01',
  max_streams: '__01',
  data_blocked: '__01',
  stream_data_blocked: '__01',
  streams_blocked: '__01',
  new_connection_id: '__01',
  retire_connection_id: '__01',
  path_challenge: '__01',
  path_response: '___1',
  // a transport close (0x1c) may go in any packet; the application variant only in 0-RTT/1-RTT
  connection_close: 'IH01',
  handshake_done: '___1',
  datagram: '__01',
  ack_frequency: '__01',
  immediate_ack: '__01',
};

const COLUMN: Record<ProtectedPacketType, number> = { initial: 0, handshake: 1, '0RTT': 2, '1RTT': 3 };

export function allowedIn(frame: FrameType, packet: ProtectedPacketType): boolean {
  if (frame === 'unknown') return true;
  return ALLOWED[frame][COLUMN[packet]] !== '_';
}
