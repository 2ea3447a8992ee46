import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { isStatelessReset } from '../../src/analysis/stateless-reset.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';

const TOKEN = 'a1a2a3a4a5a6a7a8a9aaabacadaeafb0';

function record(payload: Buffer, decrypted: PacketRecord['decrypted'], tokens: string[], fromParams?: string): PacketRecord {
  const tls = emptyTlsFacts();
  if (fromParams) tls.serverParameters = { stateless_reset_token: fromParams };
  const connection = { id: 1, tls, resetTokens: { client: new Set<string>(), server: new Set(tokens) } } as unknown as Connection;
  return {
    frame: 9, time: 1, connection, direction: 'server',
    src: { ip: '198.51.100.1', port: 443 }, dst: { ip: '192.0.2.1', port: 5000 }, datagramBytes: payload.length,
    header: { form: 'short', type: '1RTT', offset: 0, length: payload.length, firstByte: payload[0]!, dcid: Buffer.alloc(0), version: 1, pnOffset: 1, spinBit: 0, dcidSource: 'guess' },
    pn: null, keyPhase: null, decrypted, frames: [],
  };
}

describe('stateless resets (RFC 9000 §10.3)', () => {
  const reset = Buffer.concat([Buffer.from('5f0011223344556677', 'hex'), Buffer.from(TOKEN, 'hex')]);

  it('recognises an undecryptable packet ending in a token the sender issued', () => {
    expect(isStatelessReset(record(reset, 'aead failed', [TOKEN]), reset)).toBe(true);
    // the server's transport parameter counts as issued too
    expect(isStatelessReset(record(reset, 'aead failed', [], TOKEN), reset)).toBe(true);
  });

  it('does not call a decrypted packet, another token or a short one a reset', () => {
    expect(isStatelessReset(record(reset, true, [TOKEN]), reset)).toBe(false);
    expect(isStatelessReset(record(reset, 'aead failed', ['00'.repeat(16)]), reset)).toBe(false);
    const short = reset.subarray(5);
    expect(isStatelessReset(record(short, 'aead failed', [TOKEN]), short)).toBe(false);
  });
});
