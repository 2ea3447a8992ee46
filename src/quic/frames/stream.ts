import type { ByteReader } from '../../wire/byte-reader.js';

/** STREAM (RFC 9000 §19.8): type bits 0x04 OFF, 0x02 LEN, 0x01 FIN */
export interface StreamFrame {
  type: 'stream';
  stream_id: number;
  offset: number;
  length: number;
  fin: boolean;
  raw: Buffer;
}

export function parseStream(r: ByteReader, frameType: number): StreamFrame {
  const stream_id = r.varint('the stream ID');
  const offset = frameType & 0x04 ? r.varint('the stream offset') : 0;
  // without LEN the data runs to the end of the packet
  const length = frameType & 0x02 ? r.varint('the stream data length') : r.remaining;
  return { type: 'stream', stream_id, offset, length, fin: (frameType & 0x01) !== 0, raw: r.bytes(length, `${length} bytes of stream data`) };
}

export const summarizeStream = (f: StreamFrame) => `STREAM ${f.stream_id} off ${f.offset} len ${f.length}${f.fin ? ' fin' : ''}`;
