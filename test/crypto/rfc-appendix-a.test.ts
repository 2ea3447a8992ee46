import { describe, expect, it } from 'vitest';
import { openPayload, sealPayload } from '../../src/crypto/aead.js';
import { cipherSuiteByName } from '../../src/crypto/cipher-suites.js';
import { applyHeaderProtection, removeHeaderProtection, unprotectedHeader } from '../../src/crypto/header-protection.js';
import { initialKeys, initialSecrets } from '../../src/crypto/initial-secrets.js';
import { packetKeys, type PacketKeys } from '../../src/crypto/packet-keys.js';
import { retryIntegrityTag, verifyRetryIntegrity } from '../../src/crypto/retry-integrity.js';
import { loadVectors } from '../support/vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');

interface PacketVector {
  packet_number: number;
  unprotected_header: string;
  payload: string;
  protected_packet: string;
  secret?: string;
  cipher_suite?: string;
  key?: string;
  iv?: string;
  hp?: string;
}

/** the packet number's offset: the header ends with it, its length in the first byte's low bits */
const pnOffsetOf = (header: Buffer) => header.length - ((header[0]! & 0x03) + 1);

for (const [file, rfc] of [
  ['rfc9001-appendix-a.json', 'RFC 9001'],
  ['rfc9369-appendix-a.json', 'RFC 9369'],
] as const) {
  const v = loadVectors(file);
  const version = Number(v.version);

  describe(`${rfc} Appendix A (version ${v.version})`, () => {
    const keys = initialKeys(version, hex(v.client_dcid))!;
    const appKeys = (p: PacketVector): PacketKeys => packetKeys(hex(p.secret!), cipherSuiteByName(p.cipher_suite!)!, version)!;

    it('A.1: Initial secrets and keys from the client DCID', () => {
      const secrets = initialSecrets(version, hex(v.client_dcid))!;
      expect(secrets.client.toString('hex')).toBe(v.a1_keys.client_initial_secret);
      expect(secrets.server.toString('hex')).toBe(v.a1_keys.server_initial_secret);
      for (const side of ['client', 'server'] as const) {
        expect(keys[side].secret.toString('hex')).toBe(v.a1_keys[`${side}_initial_secret`]);
        expect(keys[side].key.toString('hex')).toBe(v.a1_keys[`${side}_key`]);
        expect(keys[side].iv.toString('hex')).toBe(v.a1_keys[`${side}_iv`]);
        expect(keys[side].hp.toString('hex')).toBe(v.a1_keys[`${side}_hp`]);
      }
    });

    it('A.5: ChaCha20-Poly1305 keys from the 1-RTT secret', () => {
      const p = v.a5_chacha20_short as PacketVector;
      const k = appKeys(p);
      expect([k.key, k.iv, k.hp].map((b) => b.toString('hex'))).toEqual([p.key, p.iv, p.hp]);
    });

    const cases: [string, PacketVector, () => PacketKeys][] = [
      ['A.2: client Initial', v.a2_client_initial, () => keys.client],
      ['A.3: server Initial', v.a3_server_initial, () => keys.server],
      ['A.5: ChaCha20-Poly1305 short header', v.a5_chacha20_short, () => appKeys(v.a5_chacha20_short)],
      ['a 1-RTT server packet (AES-128-GCM)', v.extra_short_server, () => appKeys(v.extra_short_server)],
    ];

    it.each(cases)('%s: protecting gives the protected packet byte for byte', (_n, p, k) => {
      const header = hex(p.unprotected_header);
      const clear = Buffer.concat([header, sealPayload(k(), p.packet_number, header, hex(p.payload))]);
      const protectedPacket = applyHeaderProtection(clear, pnOffsetOf(header), k());
      expect(protectedPacket.toString('hex')).toBe(p.protected_packet);
      expect(clear.subarray(0, header.length).equals(header)).toBe(true); // the input is left alone
    });

    it.each(cases)('%s: removing protection gives the header, packet number and payload', (_n, p, k) => {
      const packet = hex(p.protected_packet);
      const header = hex(p.unprotected_header);
      const un = removeHeaderProtection(packet, pnOffsetOf(header), k(), (header[0]! & 0x80) !== 0);
      if (!un.ok) throw new Error(un.message);
      expect(un.firstByte).toBe(header[0]);
      expect(un.headerLength).toBe(header.length);
      // the truncated packet number is the low bytes of the full one
      expect(un.truncatedPn).toBe(p.packet_number % 2 ** (8 * un.pnLength));
      expect(unprotectedHeader(packet, un).toString('hex')).toBe(p.unprotected_header);
      expect(packet.toString('hex')).toBe(p.protected_packet); // untouched
      const payload = openPayload(k(), p.packet_number, unprotectedHeader(packet, un), packet.subarray(un.headerLength));
      expect(payload?.toString('hex')).toBe(p.payload);
    });

    it('A.4: the Retry integrity tag verifies and is recomputed; a changed byte or DCID fails', () => {
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
