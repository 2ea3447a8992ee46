import { describe, expect, it } from 'vitest';
import { openPayload } from '../../src/crypto/aead.js';
import { cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { removeHeaderProtection, unprotectedHeader } from '../../src/crypto/header-protection.js';
import { nextGenerationSecret, packetKeys } from '../../src/crypto/packet-keys.js';
import { protectionFor } from '../../src/crypto/version-secrets.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const AES128 = cipherSuiteById(0x1301)!;
const AES256 = cipherSuiteById(0x1302)!;
const SECRET = Buffer.alloc(32, 7);

describe('packet keys (RFC 9001 §5.1)', () => {
  it('derives key, IV and hp of the suite lengths', () => {
    for (const suite of [AES128, AES256, cipherSuiteById(0x1303)!]) {
      const k = packetKeys(Buffer.alloc(suite.hashLength, 1), suite, 1)!;
      expect([k.key.length, k.iv.length, k.hp.length]).toEqual([suite.keyLength, 12, suite.keyLength]);
    }
  });

  it('takes a version number or its constants; undefined for an unknown version', () => {
    expect(packetKeys(SECRET, AES128, protectionFor(1)!)!.key.equals(packetKeys(SECRET, AES128, 1)!.key)).toBe(true);
    expect(packetKeys(SECRET, AES128, 0x51303436)).toBeUndefined();
  });
});

describe('key update (RFC 9001 §6.1)', () => {
  it('nextGenerationSecret is "quic ku" of the secret: deterministic, a hash long, never the input', () => {
    const s1 = nextGenerationSecret(SECRET, AES128, 1);
    expect(s1).toHaveLength(32);
    expect(s1.equals(SECRET)).toBe(false);
    expect(nextGenerationSecret(SECRET, AES128, 1).equals(s1)).toBe(true);
    expect(nextGenerationSecret(s1, AES128, 1).equals(s1)).toBe(false);
    expect(nextGenerationSecret(Buffer.alloc(48, 7), AES256, 1)).toHaveLength(48);
  });

  it('QUIC v2 uses "quicv2 ku" (RFC 9369 §3.3.2), so its next secret differs', () => {
    expect(nextGenerationSecret(SECRET, AES128, 0x6b3343cf).equals(nextGenerationSecret(SECRET, AES128, 1))).toBe(false);
    expect(nextGenerationSecret(SECRET, AES128, 0x709a50c4).equals(nextGenerationSecret(SECRET, AES128, 0x6b3343cf))).toBe(true);
    expect(() => nextGenerationSecret(SECRET, AES128, 0x51303436)).toThrow(/no key-update label/);
  });

  it('next(): new secret, key and IV; the same header-protection key', () => {
    const k0 = packetKeys(SECRET, AES128, 1)!;
    const k1 = k0.next();
    expect(k1.secret.equals(nextGenerationSecret(SECRET, AES128, 1))).toBe(true);
    expect(k1.key.equals(k0.key)).toBe(false);
    expect(k1.iv.equals(k0.iv)).toBe(false);
    expect(k1.hp.equals(k0.hp)).toBe(true);
    expect(k0.next().key.equals(k1.key)).toBe(true);
  });

  // No RFC gives a key-update vector. This one is real traffic: frame 14 of
  // captures/key-update/key-update.pcap, a 1-RTT packet from ngtcp2's gtlsclient after it
  // updated its keys (key phase 1, packet number 6), checked with tshark; the secret is the
  // capture's CLIENT_TRAFFIC_SECRET_0 (captures/key-update/keys.log), the suite 0x1301.
  it('opens a real key-phase-1 packet with the keys of generation 1 and not generation 0', () => {
    const secret0 = hex('f5b1279e02fe7556009bf719a3e39811d2513a222be0e28e52d4812e935b8a63');
    const packet = hex(
      '599c0c9f85c2f4bce1296663deff734ffe734ddf696ee5209fd53198e5d84e766b608d80ca63b70429d3e395801b42477828f8a4b865447474c39c3b4a3a9a53c5e3cc464bba8e19d2fea286b585884428f52783e34e283cd052ca3160',
    );
    const pnOffset = 1 + 18; // an 18-byte DCID
    const k0 = packetKeys(secret0, AES128, 1)!;
    const k1 = k0.next();
    const un = removeHeaderProtection(packet, pnOffset, k0);
    if (!un.ok) throw new Error(un.message);
    expect((un.firstByte >> 2) & 1).toBe(1); // key phase 1
    expect(un).toMatchObject({ pnLength: 1, truncatedPn: 6 });
    const header = unprotectedHeader(packet, un);
    const sealed = packet.subarray(un.headerLength);
    expect(openPayload(k0, 6, header, sealed)).toBeNull();
    const payload = openPayload(k1, 6, header, sealed);
    expect(payload?.[0]).toBe(0x0e); // a STREAM frame with offset and length, as tshark shows
    expect(openPayload(k1.next(), 6, header, sealed)).toBeNull();
  });
});
