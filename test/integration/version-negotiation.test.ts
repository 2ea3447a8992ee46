import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';

/**
 * captures/version-negotiation: ngtcp2's client tries the reserved version 0x1a2a3a4a from
 * port 40121 (frame 1), the server answers with Version Negotiation (frame 2), and the client
 * starts again in v1 from port 53557 with new CIDs (frame 3) (RFC 9000 §6.2).
 */
const DIR = join(REPO, 'captures', 'version-negotiation');

async function read(withKeys: boolean): Promise<{ s: PacketSession; packets: PacketRecord[] }> {
  const keylog = new KeyLog();
  if (withKeys) keylog.add(readFileSync(join(DIR, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(join(DIR, 'version-negotiation.pcap')))) if (ev.kind === 'packet') packets.push(ev.packet);
  return { s, packets };
}

describe('a new attempt after Version Negotiation', () => {
  it('is joined to the attempt the server answered, which is recorded as abandoned', async () => {
    const { s, packets } = await read(true);
    expect(s.tracker.connections).toHaveLength(1);
    const conn = s.tracker.connections[0]!;
    expect(packets.every((p) => p.connection === conn)).toBe(true);
    expect(conn.abandonedAttempts).toEqual([
      {
        firstFrame: 1,
        firstTime: expect.any(Number),
        version: 0x1a2a3a4a,
        client: { ip: '127.0.0.1', port: 40121 },
        originalDcid: 'c368cfbe0f775c0ab6310397eba018a76667',
        versionNegotiationFrame: 2,
        offered: [0x7a0adafa, 1],
      },
    ]);
    // the connection is the attempt that went on: its address, version, Initial DCID and TLS
    expect(conn.client).toEqual({ ip: '127.0.0.1', port: 53557 });
    expect(conn.version).toBe(1);
    expect(conn.originalDcid).toBe('23c474dc27f4b63d6680fa392950f3d5d57d');
    expect(conn.tls.serverParameters?.original_destination_connection_id).toBe(conn.originalDcid);
    expect(packets.filter((p) => p.frame >= 3).every((p) => p.decrypted === true)).toBe(true);
    // the new port is a new attempt, not a migration
    expect(s.paths.migrations(conn)).toEqual([]);
    expect(s.findings().map((f) => f.code)).not.toContain('transport_parameter_mismatch');
  });

  it('explains the extra round trip on the timeline, and does not call the first attempt idle', async () => {
    const { s } = await read(true);
    const h = s.timeline.summary(s.tracker.connections[0]!);
    expect(h).toMatchObject({ complete: true, versionNegotiation: true, roundTrips: 2, roundTripReasons: ['version negotiation'] });
    expect(h.events.slice(0, 4).map((e) => [e.event, e.frame, e.restart ?? false])).toEqual([
      ['client_initial', 1, false],
      ['version_negotiation', 2, false],
      ['client_initial', 3, true],
      ['server_initial', 4, false],
    ]);
    expect(h.events.map((e) => e.event)).not.toContain('idle_end');
    // from the first attempt's Initial to the client's Finished, the VN round trip included
    expect(h.durationMs).toBeCloseTo(22.813, 3);
  });

  it('joins without keys too: the headers alone tie the attempts together', async () => {
    const { s } = await read(false);
    expect(s.tracker.connections).toHaveLength(1);
    expect(s.tracker.connections[0]!.abandonedAttempts).toHaveLength(1);
  });
});

describe('a client that keeps its connection IDs after Version Negotiation', () => {
  // nDPI's quic-forcing-vn-with-data (test/fixtures/captures-wild/PROVENANCE.md): Initial in
  // 0xbabababa, Version Negotiation, the same client's Initial in v1 under the same DCID, Retry
  it('draws the new Initial as the restart, before the Retry and its retried Initial', async () => {
    const s = new PacketSession({ keylog: new KeyLog() });
    const path = join(REPO, 'test', 'fixtures', 'captures-wild', 'quic-forcing-vn-with-data.pcapng');
    for await (const _ev of s.read(await openCapture(path)));
    expect(s.tracker.connections).toHaveLength(1);
    const h = s.timeline.summary(s.tracker.connections[0]!);
    const rows = h.events.slice(0, 5).map((e) => [e.event, e.by, e.restart ?? false]);
    expect(rows).toEqual([
      ['client_initial', 'client', false],
      ['version_negotiation', 'server', false],
      ['client_initial', 'client', true],
      ['retry', 'server', false],
      ['client_initial', 'client', false],
    ]);
    expect(h.roundTripReasons).toEqual(['version negotiation', 'retry']);
  });
});

describe('an attempt answered with Version Negotiation and never followed up', () => {
  it('ended by the Version Negotiation, not by an idle timeout', async () => {
    // the first two records of captures/version-negotiation: the client's Initial and the answer
    const buf = readFileSync(join(DIR, 'version-negotiation.pcap'));
    let at = 24;
    for (let n = 0; n < 2; n++) at += 16 + buf.readUInt32LE(at + 8);
    const cut = join(mkdtempSync(join(tmpdir(), 'quiclens-')), 'vn-only.pcap');
    writeFileSync(cut, buf.subarray(0, at));
    const s = new PacketSession({ keylog: new KeyLog() });
    for await (const _ev of s.read(await openCapture(cut)));
    const h = s.timeline.summary(s.tracker.connections[0]!);
    expect(h.ended).toBe('version_negotiation');
    expect(h.facts.ended).toEqual({ evidence: 'proven', reason: "the server's Version Negotiation (frame 2) was the last packet" });
    expect(h.events.map((e) => e.event)).toEqual(['client_initial', 'version_negotiation']);
  });
});
