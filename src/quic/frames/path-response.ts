import type { ByteReader } from '../../wire/byte-reader.js';

/** PATH_RESPONSE (RFC 9000 §19.18): the echo of a PATH_CHALLENGE's data */
export interface PathResponseFrame {
  type: 'path_response';
  data: string;
}

export function parsePathResponse(r: ByteReader): PathResponseFrame {
  return { type: 'path_response', data: r.bytes(8, 'the 8-byte response data').toString('hex') };
}

export const summarizePathResponse = (f: PathResponseFrame) => `PATH_RESPONSE ${f.data}`;
