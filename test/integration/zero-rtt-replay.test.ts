import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import { appendReplayedRecord } from '../support/replay-capture.js';

/**
 * captures/zero-rtt with its frame 31 (connection 2's Initial and 0-RTT packet, one datagram)
 * sent again half a second after the capture's last record, as an attacker replaying the
 * client's first flight would (RFC 9001 §9.2): the record is copied byte for byte.
 */
const DIR = join(REPO, 'captures', 'zero-rtt');
const REPLAYED = join(mkdtempSync(join(tmpdir(), 'quiclens-replay-')), 'zero-rtt-replayed.pcap');
appendReplayedRecord(join(DIR, 'zero-rtt.pcap'), 31, 0.5, REPLAYED);

async function read(path: string, withKeys: boolean): Promise<{ s: PacketSession; packets: PacketRecord[] }> {
  const keylog = new KeyLog();
  if (withKeys) keylog.add(readFileSync(join(DIR, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(path))) if (ev.kind === 'packet') packets.push(ev.packet);
  return { s, packets };
}

describe('a replayed 0-RTT datagram', () => {
  it('is flagged and kept apart, not folded into the connection it copies', async () => {
    const original = await read(join(DIR, 'zero-rtt.pcap'), true);
    const { s, packets } = await read(REPLAYED, true);
    expect(s.tracker.connections.map((c) => c.replayOf ?? null)).toEqual([null, null, 2]);
    // connection 2 is what it was without the copy
    expect(s.tracker.connections[1]!.packets).toBe(original.s.tracker.connections[1]!.packets);
    expect(s.timeline.summary(s.tracker.connections[1]!).events).toEqual(original.s.timeline.summary(original.s.tracker.connections[1]!).events);
    const copy = packets.filter((p) => p.frame === 61);
    expect(copy.map((p) => [p.connection.id, p.header.type, p.decrypted])).toEqual([
      [3, 'initial', true],
      [3, '0RTT', true],
    ]);
    // the replayed early data is the request the client sent: an attacker could repeat it
    expect(copy[1]!.frames.some((f) => f.type === 'stream')).toBe(true);
    const replays = s.findings().filter((f) => f.code === 'zero_rtt_replay');
    expect(replays).toEqual([{ severity: 'warning', code: 'zero_rtt_replay', connection: 3, frame: 61, evidence: 'proven', message: expect.stringContaining('connection 2 sent in frame 31') }]);
    // one ClientHello in both, but the copied datagram is already the finding
    expect(s.findings().map((f) => f.code)).not.toContain('psk_binder_reused');
    expect(original.s.findings().map((f) => f.code)).not.toContain('zero_rtt_replay');
  });

  it('is found without keys too: the bytes are the proof', async () => {
    const { s } = await read(REPLAYED, false);
    expect(s.tracker.connections.map((c) => c.replayOf ?? null)).toEqual([null, null, 2]);
    expect(s.findings().filter((f) => f.code === 'zero_rtt_replay').map((f) => f.frame)).toEqual([61]);
  });

  it('reads the PSK binder of the resumed ClientHello (RFC 8446 §4.2.11)', async () => {
    const { s } = await read(join(DIR, 'zero-rtt.pcap'), true);
    expect(s.tracker.connections[0]!.tls.clientHello!.pskBinders).toEqual([]);
    const binders = s.tracker.connections[1]!.tls.clientHello!.pskBinders;
    expect(binders).toHaveLength(1);
    expect(binders[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});
