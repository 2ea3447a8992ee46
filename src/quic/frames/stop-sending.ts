import type { ByteReader } from '../../wire/byte-reader.js';

/** STOP_SENDING (RFC 9000 §19.5) */
export interface StopSendingFrame {
  type: 'stop_sending';
  stream_id: number;
  error_code: number;
}

export function parseStopSending(r: ByteReader): StopSendingFrame {
  return { type: 'stop_sending', stream_id: r.varint('the stream ID'), error_code: r.varint('the application error code') };
}

export const summarizeStopSending = (f: StopSendingFrame) => `STOP_SENDING ${f.stream_id} error ${f.error_code}`;
