import { describe, expect, it } from 'vitest';
import { openPayload, sealPayload } from '../../src/crypto/aead.js';
import { cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { applyHeaderProtection, removeHeaderProtection } from '../../src/crypto/header-protection.js';
import { initialKeys } from '../../src/crypto/initial-secrets.js';
import { PacketKeys } from '../../src/crypto/packet-keys.js';
import { retryIntegrityTag, verifyRetryIntegrity } from '../../src/crypto/retry-integrity.js';
import { versionSecrets } from '../../src/crypto/version-secrets.js';
import { loadVectors } from '../support/vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const SUITES: Record<string, number> = { TLS_AES_128_GCM_SHA256: 0x1301, TLS_CHACHA20_POLY1305_SHA256: 0x1303 };

interface PacketVector {
  packet_number: number;
  unprotected_header: string;
  payload: string;
  protected_packet: string;
  secret?: string;
  cipher_suite?: string;
}

for (const [file, rfc] of [
  ['rfc9001-appendix-a.json', 'RFC 9001'],
  ['rfc9369-appendix-a.json', 'RFC 9369'],
] as const) {
  const v = loadVectors(file);
  const version = Number(v.version);

  describe(`${rfc} Appendix A (version ${v.version})`, () => {
    const keys = initialKeys(version, hex(v.client_dcid))!;

    it('A.1: Initial keys from the client DCID', () => {
      expect(keys.client.secret.toString('hex')).toBe(v.a1_keys.client_initial_secret);
      expect(keys.client.key.toString('hex')).toBe(v.a1_keys.client_key);
      expect(keys.client.iv.toString('hex')).toBe(v.a1_keys.client_iv);
      expect(keys.client.hp.toString('hex')).toBe(v.a1_keys.client_hp);
      expect(keys.server.secret.toString('hex')).toBe(v.a1_keys.server_initial_secret);
      expect(keys.server.key.toString('hex')).toBe(v.a1_keys.server_key);
      expect(keys.server.iv.toString('hex')).toBe(v.a1_keys.server_iv);
      expect(keys.server.hp.toString('hex')).toBe(v.a1_keys.server_hp);
    });

    const cases: [string, PacketVector, () => PacketKeys][] = [
      ['A.2: client Initial', v.a2_client_initial, () => keys.client],
      ['A.3: server Initial', v.a3_server_initial, () => keys.server],
      ['A.5: ChaCha20-Poly1305 short header', v.a5_chacha20_short, () => appKeys(v.a5_chacha20_short)],
      ['a 1-RTT server packet (AES-128-GCM)', v.extra_short_server, () => appKeys(v.extra_short_server)],
    ];
    function appKeys(p: PacketVector): PacketKeys {
      return new PacketKeys(hex(p.secret!), cipherSuiteById(SUITES[p.cipher_suite!]!)!, versionSecrets(version)!);
    }

    it.each(cases)('%s: protecting gives the protected packet byte for byte', (_n, p, k) => {
      const header = hex(p.unprotected_header);
      const pnLength = (header[0]! & 0x03) + 1;
      const pnOffset = header.length - pnLength;
      const packet = Buffer.concat([header, sealPayload(k(), p.packet_number, header, hex(p.payload))]);
      applyHeaderProtection(packet, pnOffset, k());
      expect(packet.toString('hex')).toBe(p.protected_packet);
    });

    it.each(cases)('%s: removing protection gives the header, packet number and payload', (_n, p, k) => {
      const packet = hex(p.protected_packet);
      const header = hex(p.unprotected_header);
      const pnOffset = header.length - ((header[0]! & 0x03) + 1);
      const un = removeHeaderProtection(packet, pnOffset, k())!;
      expect(un.header.toString('hex')).toBe(p.unprotected_header);
      // the truncated packet number is the low bytes of the full one
      expect(un.truncatedPn).toBe(p.packet_number % 2 ** (8 * un.pnLength));
      const payload = openPayload(k(), p.packet_number, un.header, packet.subarray(un.header.length));
      expect(payload?.toString('hex')).toBe(p.payload);
    });

    it('A.4: the Retry integrity tag verifies, and a changed byte does not', () => {
      const retry = hex(v.a4_retry.packet);
      const odcid = hex(v.a4_retry.odcid);
      expect(verifyRetryIntegrity(version, odcid, retry)).toBe(true);
      expect(retryIntegrityTag(version, odcid, retry.subarray(0, -16))?.toString('hex')).toBe(retry.subarray(-16).toString('hex'));
      const bent = Buffer.from(retry);
      bent[10] = bent[10]! ^ 1;
      expect(verifyRetryIntegrity(version, odcid, bent)).toBe(false);
      expect(verifyRetryIntegrity(version, hex('0000000000000000'), retry)).toBe(false);
    });
  });
}

describe('Retry vectors of the other versions (../shared/vectors/salts.json)', () => {
  const salts = loadVectors('salts.json');
  it.each(salts.retry_vectors as { version: string; odcid: string; packet: string }[])('$version', (r) => {
    expect(verifyRetryIntegrity(Number(r.version), hex(r.odcid), hex(r.packet))).toBe(true);
  });
});
