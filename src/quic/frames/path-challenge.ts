import type { ByteReader } from '../../wire/byte-reader.js';

/** PATH_CHALLENGE (RFC 9000 §19.17): 8 bytes the peer must echo on the same path */
export interface PathChallengeFrame {
  type: 'path_challenge';
  data: string;
}

export function parsePathChallenge(r: ByteReader): PathChallengeFrame {
  return { type: 'path_challenge', data: r.bytes(8, 'the 8-byte challenge data').toString('hex') };
}

export const summarizePathChallenge = (f: PathChallengeFrame) => `PATH_CHALLENGE ${f.data}`;
