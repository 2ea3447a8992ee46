import type { PacketRecord } from './packet-record.js';

/** RFC 9000 §10.3: at least 5 unpredictable bytes and the 16-byte token: 21 bytes */
const MIN_RESET = 21;

/**
 * A stateless reset looks like a short-header packet whose last 16 bytes are a token the
 * sender issued (its transport parameter stateless_reset_token as a server, or one sent in
 * NEW_CONNECTION_ID). Only a packet that failed to decrypt can be one (RFC 9000 §10.3.1).
 * `payload` is the packet's UDP payload.
 */
export function isStatelessReset(p: PacketRecord, payload: Buffer): boolean {
  if (p.header.form !== 'short' || p.decrypted === true || p.header.length < MIN_RESET) return false;
  const tokens = p.connection.resetTokens[p.direction];
  const fromParams = p.direction === 'server' ? p.connection.tls.serverParameters?.stateless_reset_token : undefined;
  if (fromParams) tokens.add(fromParams);
  if (tokens.size === 0) return false;
  const end = p.header.offset + p.header.length;
  return tokens.has(payload.toString('hex', end - 16, end));
}
