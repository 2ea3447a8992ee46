import type { Role } from '../connection.js';

/**
 * RFC 9000 §2.1: the two low bits of a stream ID say who opened the stream (0x01: the
 * server) and whether it carries data one way only (0x02: unidirectional).
 */
export function streamOpener(id: number): Role {
  return (id & 0x01) === 0 ? 'client' : 'server';
}

export function streamDirectionality(id: number): 'bidi' | 'uni' {
  return (id & 0x02) === 0 ? 'bidi' : 'uni';
}
