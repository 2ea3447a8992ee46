import type { ByteReader } from '../../wire/byte-reader.js';

/** PADDING (RFC 9000 §19.1): a run of zero bytes, collapsed into one frame with its length. */
export interface PaddingFrame {
  type: 'padding';
  /** bytes of padding; absent when a log says there was padding but not how much */
  length?: number;
}

export function parsePadding(r: ByteReader): PaddingFrame {
  // the type byte is already read; count the zero bytes that follow it
  let length = 1;
  while (!r.atEnd && r.peekU8() === 0) {
    r.u8();
    length++;
  }
  return { type: 'padding', length };
}

export const summarizePadding = (f: PaddingFrame) => (f.length === undefined ? 'PADDING' : `PADDING ×${f.length}`);
