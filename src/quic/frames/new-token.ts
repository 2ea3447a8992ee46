import type { ByteReader } from '../../wire/byte-reader.js';

/** NEW_TOKEN (RFC 9000 §19.7): a token for the client's next connection */
export interface NewTokenFrame {
  type: 'new_token';
  length: number;
  token: string;
}

export function parseNewToken(r: ByteReader): NewTokenFrame {
  const length = r.varint('the token length');
  return { type: 'new_token', length, token: r.bytes(length, `a token of ${length} bytes`).toString('hex') };
}

export const summarizeNewToken = (f: NewTokenFrame) => `NEW_TOKEN ${f.length} bytes`;
