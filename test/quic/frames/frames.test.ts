import { describe, expect, it } from 'vitest';
import { allowedIn, frameSummary, frameToJson, parseFrames } from '../../../src/quic/frames/index.js';
import { loadVectors } from '../../support/vectors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const one = (s: string) => {
  const out = parseFrames(hex(s));
  expect(out.error).toBeUndefined();
  expect(out.frames).toHaveLength(1);
  return frameToJson(out.frames[0]!);
};

describe('frames (RFC 9000 §19)', () => {
  it.each([
    ['§19.2 PING', '01', { type: 'ping' }],
    ['§19.3 ACK, one range', '02 05 0a 00 02', { type: 'ack', raw_ack_delay: 10, acked_ranges: [[3, 5]] }],
    // largest 20, first range 2 → 18-20; gap 1: largest 18-1-2 = 15, length 3 → 12-15; gap 0: 10
    ['§19.3.1 ACK, three ranges', '02 14 00 02 02 01 03 00 00', { type: 'ack', raw_ack_delay: 0, acked_ranges: [[18, 20], [12, 15], [10, 10]] }],
    ['§19.3.2 ACK_ECN', '03 01 00 00 01 02 03 04', { type: 'ack', raw_ack_delay: 0, acked_ranges: [[0, 1]], ect0: 2, ect1: 3, ce: 4 }],
    ['§19.4 RESET_STREAM', '04 04 4001 10', { type: 'reset_stream', stream_id: 4, error_code: 1, final_size: 16 }],
    ['§19.5 STOP_SENDING', '05 08 00', { type: 'stop_sending', stream_id: 8, error_code: 0 }],
    ['§19.6 CRYPTO', '06 00 03 aabbcc', { type: 'crypto', offset: 0, length: 3 }],
    ['§19.7 NEW_TOKEN', '07 02 abcd', { type: 'new_token', length: 2, token: 'abcd' }],
    ['§19.8 STREAM, no bits: to the end', '08 00 6869', { type: 'stream', stream_id: 0, offset: 0, length: 2, fin: false }],
    ['§19.8 STREAM, FIN', '09 04 68', { type: 'stream', stream_id: 4, offset: 0, length: 1, fin: true }],
    ['§19.8 STREAM, LEN', '0a 04 01 68', { type: 'stream', stream_id: 4, offset: 0, length: 1, fin: false }],
    ['§19.8 STREAM, OFF', '0c 04 4100 68', { type: 'stream', stream_id: 4, offset: 256, length: 1, fin: false }],
    ['§19.8 STREAM, OFF+LEN+FIN', '0f 00 05 01 68', { type: 'stream', stream_id: 0, offset: 5, length: 1, fin: true }],
    ['§19.9 MAX_DATA', '10 8000 4000', { type: 'max_data', maximum: 16384 }],
    ['§19.10 MAX_STREAM_DATA', '11 04 20', { type: 'max_stream_data', stream_id: 4, maximum: 32 }],
    ['§19.11 MAX_STREAMS bidi', '12 10', { type: 'max_streams', stream_type: 'bidirectional', maximum: 16 }],
    ['§19.11 MAX_STREAMS uni', '13 03', { type: 'max_streams', stream_type: 'unidirectional', maximum: 3 }],
    ['§19.12 DATA_BLOCKED', '14 20', { type: 'data_blocked', limit: 32 }],
    ['§19.13 STREAM_DATA_BLOCKED', '15 00 20', { type: 'stream_data_blocked', stream_id: 0, limit: 32 }],
    ['§19.14 STREAMS_BLOCKED uni', '17 03', { type: 'streams_blocked', stream_type: 'unidirectional', limit: 3 }],
    ['§19.15 NEW_CONNECTION_ID', '18 01 00 04 a1a2a3a4 ' + '11'.repeat(16), { type: 'new_connection_id', sequence_number: 1, retire_prior_to: 0, connection_id: 'a1a2a3a4', stateless_reset_token: '11'.repeat(16) }],
    ['§19.16 RETIRE_CONNECTION_ID', '19 02', { type: 'retire_connection_id', sequence_number: 2 }],
    ['§19.17 PATH_CHALLENGE', '1a a1b2c3d4e5f60708', { type: 'path_challenge', data: 'a1b2c3d4e5f60708' }],
    ['§19.18 PATH_RESPONSE', '1b a1b2c3d4e5f60708', { type: 'path_response', data: 'a1b2c3d4e5f60708' }],
    ['§19.19 CONNECTION_CLOSE, crypto_error', '1c 4128 06 03 626164', { type: 'connection_close', error_space: 'transport', raw_error_code: 0x128, error_code: 'crypto_error (handshake_failure)', trigger_frame_type: 6, reason: 'bad' }],
    ['§19.19 CONNECTION_CLOSE, application', '1d 4100 00', { type: 'connection_close', error_space: 'application', raw_error_code: 256, error_code: 256, reason: '' }],
    ['§19.20 HANDSHAKE_DONE', '1e', { type: 'handshake_done' }],
    ['RFC 9221 DATAGRAM with length', '31 02 abcd', { type: 'datagram', length: 2 }],
    ['RFC 9221 DATAGRAM to the end', '30 abcdef', { type: 'datagram', length: 3 }],
    ['ACK_FREQUENCY', '40af 01 02 4064 01', { type: 'ack_frequency', sequence_number: 1, ack_eliciting_threshold: 2, request_max_ack_delay: 100, reordering_threshold: 1 }],
    ['IMMEDIATE_ACK', '1f', { type: 'immediate_ack' }],
  ])('%s', (_n, bytes, want) => {
    expect(one(bytes)).toEqual(want);
  });

  it('collapses a run of PADDING into one frame with its count (§19.1)', () => {
    const out = parseFrames(Buffer.concat([hex('01'), Buffer.alloc(1000)]));
    expect(out.frames.map(frameToJson)).toEqual([{ type: 'ping' }, { type: 'padding', length: 1000 }]);
  });

  it('stops at an unknown frame type: reported with its number, the rest undecodable', () => {
    const out = parseFrames(hex('01 4021 aabbccdd'));
    expect(out.frames.map(frameToJson)).toEqual([{ type: 'ping' }, { type: 'unknown', frame_type_value: 0x21 }]);
    expect(out.undecodableBytes).toBe(4);
  });

  it('keeps the frames before a truncated one and says where it broke', () => {
    const out = parseFrames(hex('01 06 00 10 aabb'), 100);
    expect(out.frames.map((f) => f.type)).toEqual(['ping']);
    expect(out.error).toEqual({ offset: 104, message: 'expected 16 bytes of CRYPTO data (16 bytes), found 2' });
  });

  it('rejects a NEW_CONNECTION_ID with an impossible CID length', () => {
    const out = parseFrames(hex('18 01 00 15' + '00'.repeat(40)));
    expect(out.error?.message).toBe('expected a connection ID length from 1 to 20, found 21');
    expect(out.error?.offset).toBe(3);
  });

  it('reads the RFC 9001 Appendix A payloads', () => {
    const v = loadVectors('rfc9001-appendix-a.json');
    expect(parseFrames(hex(v.a2_client_initial.payload)).frames.map(frameSummary)).toEqual(['CRYPTO off 0 len 241', 'PADDING ×917']);
    expect(parseFrames(hex(v.a3_server_initial.payload)).frames.map(frameSummary)).toEqual(['ACK 0', 'CRYPTO off 0 len 90']);
    expect(parseFrames(hex(v.extra_short_server.payload)).frames.map((f) => f.type)).toEqual(['crypto']);
  });

  it('summarises frames in one line each', () => {
    expect(parseFrames(hex('02 14 00 02 02 01 03 00 00')).frames.map(frameSummary)).toEqual(['ACK 10,12-15,18-20']);
    expect(parseFrames(hex('1c 0a 00 03 626164')).frames.map(frameSummary)).toEqual(['CONNECTION_CLOSE protocol_violation "bad"']);
  });
});

describe('which frames each packet type may carry (RFC 9000 §12.4, Table 3)', () => {
  it.each([
    ['stream', 'initial', false],
    ['stream', '0RTT', true],
    ['ack', '0RTT', false],
    ['ack', 'handshake', true],
    ['crypto', '0RTT', false],
    ['path_challenge', '0RTT', true],
    ['path_response', '0RTT', false],
    ['padding', 'initial', true],
    ['handshake_done', 'handshake', false],
    ['handshake_done', '1RTT', true],
    ['new_token', '1RTT', true],
  ] as const)('%s in %s: %s', (frame, packet, ok) => {
    expect(allowedIn(frame, packet)).toBe(ok);
  });
});
