import type { ByteReader } from '../../wire/byte-reader.js';

/** RETIRE_CONNECTION_ID (RFC 9000 §19.16) */
export interface RetireConnectionIdFrame {
  type: 'retire_connection_id';
  sequence_number: number;
}

export function parseRetireConnectionId(r: ByteReader): RetireConnectionIdFrame {
  return { type: 'retire_connection_id', sequence_number: r.varint('the sequence number') };
}

export const summarizeRetireConnectionId = (f: RetireConnectionIdFrame) => `RETIRE_CONNECTION_ID #${f.sequence_number}`;
