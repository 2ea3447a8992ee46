import { describe, expect, it } from 'vitest';
import { sealPayload } from '../../src/crypto/aead.js';
import { cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { ConnectionKeys, type PnCandidates } from '../../src/crypto/connection-keys.js';
import { applyHeaderProtection } from '../../src/crypto/header-protection.js';
import { PacketKeys } from '../../src/crypto/packet-keys.js';
import { protectionFor } from '../../src/crypto/version-secrets.js';
import type { ShortHeader } from '../../src/quic/packet-header.js';
import { PacketNumberSync, RESYNC_EVERY } from '../../src/analysis/packet-number-sync.js';

const SECRET = Buffer.alloc(32, 0x5a);
const DCID = Buffer.from('0102030405060708', 'hex');
const keys = new PacketKeys(SECRET, cipherSuiteById(0x1301)!, protectionFor(1)!);

/** a protected 1-RTT packet with a 1-byte packet number, as a fast sender sends them (RFC 9000 §17.3.1, RFC 9001 §5) */
function shortPacket(pn: number, sealWith = keys): { header: ShortHeader; bytes: Buffer } {
  const header = Buffer.concat([Buffer.from([0x40]), DCID, Buffer.from([pn % 256])]);
  const payload = Buffer.concat([Buffer.from([0x01]), Buffer.alloc(30)]); // PING + PADDING
  const bytes = applyHeaderProtection(Buffer.concat([header, sealPayload(sealWith, pn, header, payload)]), 1 + DCID.length, sealWith);
  return { header: { form: 'short', type: '1RTT', offset: 0, length: bytes.length, firstByte: bytes[0]!, dcid: DCID, version: 1, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' }, bytes };
}

/** one sender's packets through the sync as Decryption feeds them, counting AEAD tries (candidates) per packet */
function sender() {
  const c = new ConnectionKeys();
  c.setSecrets({ server0: SECRET });
  c.setSuite(cipherSuiteById(0x1301)!);
  const sync = new PacketNumberSync();
  const tries: number[] = [];
  let frame = 0;
  const send = (pn: number, time: number, sealWith = keys) => {
    const p = shortPacket(pn, sealWith);
    let n = 0;
    const counted = (cands: PnCandidates | undefined): PnCandidates => (nearest, t, bits) => {
      const list = [...(cands ? cands(nearest, t, bits) : [nearest, nearest + 256, nearest - 256])];
      n += list.length;
      return list;
    };
    const r = sync.open('server', { frame: ++frame, time }, (cands) => c.open(p.header, p.bytes, 'server', 1, counted(cands)));
    if (r.opened === 'aead failed') sync.failed('server', frame);
    tries.push(n);
    return { pn: typeof r.opened === 'string' ? r.opened : r.opened.pn, method: r.method };
  };
  return { sync, send, tries };
}

describe('packet-number sync across capture gaps', () => {
  it("re-anchors after 3,000 missing packets by the sender's packet rate, and counts what it recovered", () => {
    const s = sender();
    for (let pn = 0; pn < 200; pn++) expect(s.send(pn, pn / 1000).pn).toBe(pn);
    // 1,000 packets a second; the capture misses three seconds
    expect(s.send(3200, 3.2)).toEqual({ pn: 3200, method: 'packet_rate' });
    for (let pn = 3201; pn < 3210; pn++) expect(s.send(pn, pn / 1000)).toEqual({ pn });
    expect(s.sync.report()).toEqual({
      resyncs: [{ direction: 'server', lastFrame: 200, lastPn: 199, lostAtFrame: null, frame: 201, pn: 3200, method: 'packet_rate', skippedPns: 3000, undecrypted: 0, recovered: 10 }],
      recovered: 10,
      undecrypted: 0,
    });
  });

  it("re-anchors by the peer's ACK where the rate misleads (the sender sped up during the gap)", () => {
    const s = sender();
    for (let pn = 0; pn < 200; pn++) s.send(pn, pn / 1000);
    // 20,000 packets in 0.1 s, two hundred times the rate before: no estimate from the rate comes near
    expect(s.send(20_200, 0.3).pn).toBe('aead failed');
    s.sync.peerAcked('server', 20_205);
    expect(s.send(20_207, 0.3001)).toEqual({ pn: 20_207, method: 'peer_ack' });
    const [r] = s.sync.report().resyncs;
    expect([r!.lostAtFrame, r!.undecrypted, r!.method]).toEqual([201, 1, 'peer_ack']);
  });

  it('a packet that cannot be opened costs a bounded number of tries; the full search runs once per RESYNC_EVERY packets', () => {
    const s = sender();
    for (let pn = 0; pn < 100; pn++) s.send(pn, pn / 1000);
    const junk = new PacketKeys(Buffer.alloc(32, 1), cipherSuiteById(0x1301)!, protectionFor(1)!);
    const before = s.tries.length;
    for (let i = 0; i < 10 * RESYNC_EVERY; i++) expect(s.send(100 + i, 0.1 + i / 1000, junk).pn).toBe('aead failed');
    const tries = s.tries.slice(before);
    // the first failure searches at once (the default 3, then 24 around the rate
    // estimates), then once every RESYNC_EVERY packets; between, the nearest to each of the
    // three rate estimates
    expect(tries.map((n, i) => (i % RESYNC_EVERY === 0 ? n === 27 : n === 3)).every(Boolean)).toBe(true);
    // the old search tried 7 candidates for every packet
    expect(tries.reduce((a, b) => a + b, 0) / tries.length).toBe(4.5);
    // and the sender's next good packet opens at once: 161 numbers on, past A.3's half
    // window, so found by the rate estimate, with the packets that failed before it counted
    expect(s.send(100 + 10 * RESYNC_EVERY, 0.1 + (10 * RESYNC_EVERY) / 1000)).toEqual({ pn: 100 + 10 * RESYNC_EVERY, method: 'packet_rate' });
    expect(s.sync.report().resyncs.map((r) => [r.lostAtFrame, r.undecrypted])).toEqual([[101, 10 * RESYNC_EVERY]]);
  });
});
