/** TLS 1.3 handshake message types (RFC 8446 §4) that travel in QUIC CRYPTO frames. */
export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

export type HandshakeTypeName = keyof typeof HandshakeType;

const NAMES = new Map<number, HandshakeTypeName>(
  Object.entries(HandshakeType).map(([k, v]) => [v, k as HandshakeTypeName]),
);

export function handshakeTypeName(type: number): string {
  return NAMES.get(type) ?? `unknown_${type}`;
}

export interface HandshakeMessage {
  type: number;
  /** the message body, without the 4-byte header */
  body: Buffer;
}

/**
 * Splits a stream of TLS handshake bytes into messages: a 1-byte type and a 24-bit length
 * (RFC 8446 §4). A message split across CRYPTO frames waits until its last byte arrives.
 */
export class HandshakeFramer {
  private carry: Buffer = Buffer.alloc(0);
  private broken = false;

  constructor(private readonly maxMessage = 1 << 20) {}

  push(bytes: Buffer): HandshakeMessage[] {
    if (this.broken) return [];
    let buf = this.carry.length === 0 ? bytes : Buffer.concat([this.carry, bytes]);
    const out: HandshakeMessage[] = [];
    while (buf.length >= 4) {
      const len = buf.readUIntBE(1, 3);
      if (len > this.maxMessage) {
        // not TLS, or hopelessly broken: nothing after this can be framed
        this.broken = true;
        this.carry = Buffer.alloc(0);
        return out;
      }
      if (buf.length < 4 + len) break;
      out.push({ type: buf[0]!, body: buf.subarray(4, 4 + len) });
      buf = buf.subarray(4 + len);
    }
    this.carry = Buffer.from(buf);
    return out;
  }
}
