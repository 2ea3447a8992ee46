import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { tempFile } from '../capture/build-capture.js';
import { sampleCaptures } from '../support/captures.js';

/** a small deterministic generator (mulberry32), so a failure can be replayed */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bad input never crashes or hangs the pipeline: every capture, its bytes corrupted at
// random places (headers, lengths, CIDs, encrypted payloads), is read to its end or to a
// reported problem, with the key log so decryption, TLS and HTTP/3 parsing run too.
describe('corrupted captures are reported, never thrown', () => {
  const captures = sampleCaptures().filter((c) => c.name.startsWith('captures/'));
  it.each(captures.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const original = readFileSync(c.path);
    const keylog = new KeyLog();
    if (c.keylog) keylog.add(readFileSync(c.keylog, 'latin1'));
    for (let seed = 1; seed <= 8; seed++) {
      const next = random(seed * 7919 + original.length);
      const bytes = Buffer.from(original);
      // leave the file header alone: a bad one is a different (and tested) story
      for (let i = 0; i < 200; i++) {
        const at = 24 + Math.floor(next() * (bytes.length - 24));
        bytes[at] = Math.floor(next() * 256);
      }
      const session = new PacketSession({ keylog });
      let packets = 0;
      let issues = 0;
      for await (const ev of session.read(await openCapture(tempFile(bytes, 'pcap')))) {
        if (ev.kind === 'packet') packets++;
        if (ev.kind === 'issue') issues++;
      }
      session.findings();
      expect(packets + issues).toBeGreaterThan(0);
    }
  });
});
