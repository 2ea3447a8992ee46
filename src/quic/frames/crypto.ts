import type { ByteReader } from '../../wire/byte-reader.js';

/** CRYPTO (RFC 9000 §19.6): TLS handshake bytes at an offset of the level's stream. */
export interface CryptoFrame {
  type: 'crypto';
  offset: number;
  length: number;
  /** the data (a view into the decrypted payload) */
  raw: Buffer;
}

export function parseCrypto(r: ByteReader): CryptoFrame {
  const offset = r.varint('the CRYPTO offset');
  const length = r.varint('the CRYPTO length');
  return { type: 'crypto', offset, length, raw: r.bytes(length, `${length} bytes of CRYPTO data`) };
}

export const summarizeCrypto = (f: CryptoFrame) => `CRYPTO off ${f.offset} len ${f.length}`;
