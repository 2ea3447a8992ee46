import type { Frame } from '../quic/frames/index.js';
import type { StreamType } from '../quic/frames/flow-control.js';
import type { QlogFrame } from './qlog-events.js';
import { hexOf, integer } from './qlog-values.js';

/** qlog logs no frame payloads: a STREAM, CRYPTO or DATAGRAM frame read from one carries no bytes */
const NO_BYTES = Buffer.alloc(0);

const num = (v: unknown, fallback = 0): number => integer(v) ?? fallback;
const hex = (v: unknown): string => hexOf(v) ?? '';
const streamType = (v: unknown): StreamType => (String(v).startsWith('uni') ? 'unidirectional' : 'bidirectional');

function ranges(v: unknown): [number, number][] {
  if (!Array.isArray(v)) return [];
  // quic-events: [[smallest, largest], …], a single packet may be written as [n]
  return v.flatMap((r): [number, number][] => {
    if (!Array.isArray(r) || r.length === 0) return [];
    const lo = num(r[0]);
    return [[lo, num(r[1], lo)]];
  });
}

/**
 * A frame as an endpoint logged it (quic-events §QUIC Frames, names already normalised by
 * the reader) in the shape a decoded frame has, so the analyses read both alike. Fields a
 * writer left out take the neutral value; payload bytes are never in a qlog.
 */
export function frameFromQlog(q: QlogFrame): Frame {
  switch (q.frame_type) {
    case 'padding':
      return integer(q.length ?? q.payload_length) === undefined ? { type: 'padding' } : { type: 'padding', length: integer(q.length ?? q.payload_length) };
    case 'ping':
      return { type: 'ping' };
    case 'ack': {
      const f: Frame = { type: 'ack', raw_ack_delay: num(q.raw_ack_delay), acked_ranges: ranges(q.acked_ranges) };
      if (typeof q.ack_delay === 'number') f.ack_delay = q.ack_delay;
      for (const k of ['ect0', 'ect1', 'ce'] as const) if (integer(q[k]) !== undefined) f[k] = integer(q[k]);
      return f;
    }
    case 'reset_stream':
      return { type: 'reset_stream', stream_id: num(q.stream_id), error_code: num(q.error_code ?? q.application_error_code), final_size: num(q.final_size) };
    case 'stop_sending':
      return { type: 'stop_sending', stream_id: num(q.stream_id), error_code: num(q.error_code ?? q.application_error_code) };
    case 'crypto':
      return { type: 'crypto', offset: num(q.offset), length: num(q.length), raw: NO_BYTES };
    case 'new_token':
      return { type: 'new_token', token: hex(q.token), length: num(q.length, hex(q.token).length / 2) };
    case 'stream':
      return { type: 'stream', stream_id: num(q.stream_id), offset: num(q.offset), length: num(q.length), fin: q.fin === true, raw: NO_BYTES };
    case 'max_data':
      return { type: 'max_data', maximum: num(q.maximum) };
    case 'max_stream_data':
      return { type: 'max_stream_data', stream_id: num(q.stream_id), maximum: num(q.maximum) };
    case 'max_streams':
      return { type: 'max_streams', stream_type: streamType(q.stream_type), maximum: num(q.maximum) };
    case 'data_blocked':
      return { type: 'data_blocked', limit: num(q.limit) };
    case 'stream_data_blocked':
      return { type: 'stream_data_blocked', stream_id: num(q.stream_id), limit: num(q.limit) };
    case 'streams_blocked':
      return { type: 'streams_blocked', stream_type: streamType(q.stream_type), limit: num(q.limit) };
    case 'new_connection_id':
      return {
        type: 'new_connection_id',
        sequence_number: num(q.sequence_number),
        retire_prior_to: num(q.retire_prior_to),
        connection_id: hex(q.connection_id),
        stateless_reset_token: hex(q.stateless_reset_token ?? q.reset_token),
      };
    case 'retire_connection_id':
      return { type: 'retire_connection_id', sequence_number: num(q.sequence_number) };
    case 'path_challenge':
      return { type: 'path_challenge', data: hex(q.data) };
    case 'path_response':
      return { type: 'path_response', data: hex(q.data) };
    case 'connection_close': {
      const application = q.error_space === 'application';
      const code = q.error_code ?? q.raw_error_code ?? 0;
      const f: Frame = {
        type: 'connection_close',
        error_space: application ? 'application' : 'transport',
        raw_error_code: num(q.raw_error_code ?? (typeof code === 'number' ? code : undefined)),
        error_code: typeof code === 'number' || typeof code === 'string' ? code : 0,
        reason: typeof q.reason === 'string' ? q.reason : '',
      };
      if (integer(q.trigger_frame_type) !== undefined) f.trigger_frame_type = integer(q.trigger_frame_type);
      return f;
    }
    case 'handshake_done':
      return { type: 'handshake_done' };
    case 'datagram':
      return { type: 'datagram', length: num(q.length), raw: NO_BYTES };
    case 'ack_frequency':
      return {
        type: 'ack_frequency',
        sequence_number: num(q.sequence_number),
        ack_eliciting_threshold: num(q.ack_eliciting_threshold),
        request_max_ack_delay: num(q.request_max_ack_delay),
        reordering_threshold: num(q.reordering_threshold),
      };
    case 'immediate_ack':
      return { type: 'immediate_ack' };
    default:
      return { type: 'unknown', frame_type_value: num(q.raw_frame_type ?? q.frame_type_value, -1) };
  }
}
