import type { ByteReader } from '../../wire/byte-reader.js';

/** DATAGRAM (RFC 9221 §4): 0x30 runs to the end of the packet, 0x31 has a length */
export interface DatagramFrame {
  type: 'datagram';
  length: number;
  raw: Buffer;
}

export function parseDatagram(r: ByteReader, frameType: number): DatagramFrame {
  const length = frameType === 0x31 ? r.varint('the datagram length') : r.remaining;
  return { type: 'datagram', length, raw: r.bytes(length, `${length} bytes of datagram data`) };
}

export const summarizeDatagram = (f: DatagramFrame) => `DATAGRAM ${f.length} bytes`;
