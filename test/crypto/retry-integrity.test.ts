import { describe, expect, it } from 'vitest';
import { retryIntegrityTag, retryPseudoPacket, verifyRetryIntegrity } from '../../src/crypto/retry-integrity.js';
import { loadVectors } from '../support/vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const ODCID = hex('8394c8f03e515708');
/** the Retry packet of the appendices with the tag left off: SCID f067a5502a4262b5, token "token" */
const retryBody = (version: string) => hex(`ff${version}0008f067a5502a4262b5746f6b656e`);

describe('Retry integrity (RFC 9001 §5.8, RFC 9369 §3.3.3)', () => {
  const salts = loadVectors('salts.json');
  it.each(salts.retry_vectors as { version: string; odcid: string; packet: string; source: string }[])(
    '$version ($source)',
    (r) => {
      expect(verifyRetryIntegrity(Number(r.version), hex(r.odcid), hex(r.packet))).toBe(true);
    },
  );

  it('draft-ietf-quic-tls-29 A.4: the draft-29 Retry (its key serves drafts 29 to 32)', () => {
    const packet = hex('ffff00001d0008f067a5502a4262b5746f6b656ed16926d81f6f9ca2953a8aa4575e1e49');
    expect(verifyRetryIntegrity(0xff00001d, ODCID, packet)).toBe(true);
    expect(retryIntegrityTag(0xff00001d, ODCID, packet.subarray(0, -16))?.toString('hex')).toBe('d16926d81f6f9ca2953a8aa4575e1e49');
  });

  it('each version has its own key: a tag made for one fails for another', () => {
    const tags = [0x00000001, 0x6b3343cf, 0x709a50c4, 0xff00001d, 0xff00001c].map((v) => retryIntegrityTag(v, ODCID, retryBody('00000001'))!.toString('hex'));
    expect(new Set(tags).size).toBe(tags.length);
    const v1 = Buffer.concat([retryBody('00000001'), hex(tags[0]!)]);
    expect(verifyRetryIntegrity(0x6b3343cf, ODCID, v1)).toBe(false);
  });

  it('the pseudo-packet is the ODCID with its length, then the Retry without its tag (Figure 8)', () => {
    expect(retryPseudoPacket(hex('0102'), hex('ff00')).toString('hex')).toBe('020102ff00');
  });

  it('unknown versions and drafts without a tag: undefined; a packet shorter than a tag: false', () => {
    expect(verifyRetryIntegrity(0x51303530, ODCID, hex('00'.repeat(40)))).toBeUndefined();
    expect(verifyRetryIntegrity(0xff000017, ODCID, hex('00'.repeat(40)))).toBeUndefined();
    expect(retryIntegrityTag(0xff000017, ODCID, retryBody('ff000017'))).toBeUndefined();
    expect(verifyRetryIntegrity(1, ODCID, hex('00'.repeat(15)))).toBe(false);
  });
});
