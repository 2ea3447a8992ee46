import type { ByteReader } from '../../wire/byte-reader.js';

/** RESET_STREAM (RFC 9000 §19.4) */
export interface ResetStreamFrame {
  type: 'reset_stream';
  stream_id: number;
  error_code: number;
  final_size: number;
}

export function parseResetStream(r: ByteReader): ResetStreamFrame {
  return {
    type: 'reset_stream',
    stream_id: r.varint('the stream ID'),
    error_code: r.varint('the application error code'),
    final_size: r.varint('the final size'),
  };
}

export const summarizeResetStream = (f: ResetStreamFrame) => `RESET_STREAM ${f.stream_id} error ${f.error_code} final ${f.final_size}`;
