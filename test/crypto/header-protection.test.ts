import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { applyHeaderProtection, headerProtectionMask, removeHeaderProtection, unprotectedHeader } from '../../src/crypto/header-protection.js';
import { initialKeys } from '../../src/crypto/initial-secrets.js';
import { packetKeys } from '../../src/crypto/packet-keys.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const keysFor = (id: number) => packetKeys(Buffer.alloc(cipherSuiteById(id)!.hashLength, 0x33), cipherSuiteById(id)!, 1)!;

describe('header protection (RFC 9001 §5.4)', () => {
  it('RFC 9001 A.2: the mask of the client Initial sample', () => {
    // A.2 gives the sample and the mask, with A.1's client_hp
    const k = initialKeys(1, hex('8394c8f03e515708'))!.client;
    expect(headerProtectionMask(k, hex('d1b1c98dd7689fb8ec11d242b123dc9b')).toString('hex')).toBe('437b9aec36');
  });

  it('one AES-ECB context serves every packet: each mask is what a fresh cipher gives', () => {
    const k = keysFor(0x1301);
    const samples = [hex('00'.repeat(16)), hex('11'.repeat(16)), hex('00'.repeat(16)), hex('0123456789abcdef0123456789abcdef')];
    for (const sample of samples) {
      const fresh = createCipheriv('aes-128-ecb', k.hp, null).update(sample).subarray(0, 5);
      expect(headerProtectionMask(k, sample).toString('hex')).toBe(fresh.toString('hex'));
    }
  });

  it('AES-256-ECB for TLS_AES_256_GCM_SHA384 (RFC 9001 §5.4.3)', () => {
    const k = keysFor(0x1302);
    const sample = hex('5e'.repeat(16));
    expect(k.hp).toHaveLength(32);
    expect(headerProtectionMask(k, sample).equals(createCipheriv('aes-256-ecb', k.hp, null).update(sample).subarray(0, 5))).toBe(true);
  });

  it('rejects a sample that is not 16 bytes', () => {
    expect(() => headerProtectionMask(keysFor(0x1301), Buffer.alloc(15))).toThrow(/16 bytes, got 15/);
  });

  it('reports a packet too short to sample, naming the sizes', () => {
    // a short header with an 8-byte DCID: the sample needs bytes 13..28
    const r = removeHeaderProtection(Buffer.alloc(28, 0x40), 9, keysFor(0x1301));
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/28 bytes is too short .* needs 29 \(packet number at 9/) });
    expect(() => applyHeaderProtection(Buffer.alloc(28, 0x40), 9, keysFor(0x1301))).toThrow(/too short/);
  });

  it.each([
    ['long header: 4 bits', 0xc3, 0x0f],
    ['short header: 5 bits, with the key phase', 0x47, 0x1f],
  ])('%s of the first byte are protected; round trip with every packet-number length', (_n, first, bits) => {
    for (const id of [0x1301, 0x1303]) {
      const k = keysFor(id);
      for (let pnLength = 1; pnLength <= 4; pnLength++) {
        const clear = Buffer.concat([Buffer.from([(first & ~3) | (pnLength - 1)]), hex('0a0b0c0d'), hex('a1a2a3a4').subarray(0, pnLength), Buffer.alloc(30, 0xee)]);
        const sent = applyHeaderProtection(clear, 5, k);
        expect(sent[0]! & ~bits).toBe(clear[0]! & ~bits); // the unprotected bits go as they are
        const un = removeHeaderProtection(sent, 5, k);
        if (!un.ok) throw new Error(un.message);
        expect(un).toMatchObject({ firstByte: clear[0], pnLength, headerLength: 5 + pnLength });
        expect(unprotectedHeader(sent, un).equals(clear.subarray(0, 5 + pnLength))).toBe(true);
      }
    }
  });
});
