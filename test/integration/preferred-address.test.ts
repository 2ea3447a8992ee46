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
 * captures/preferred-address: the ngtcp2 server offers 127.0.0.2:4433 as its preferred
 * address (RFC 9000 §9.6); once the handshake is confirmed the client probes it (frames 12
 * and 13) under the CID from the preferred_address transport parameter and moves there.
 */
const DIR = join(REPO, 'captures', 'preferred-address');

async function read(withKeys: boolean, capture = join(DIR, 'preferred-address.pcap')): Promise<{ s: PacketSession; packets: PacketRecord[] }> {
  const keylog = new KeyLog();
  if (withKeys) keylog.add(readFileSync(join(DIR, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(capture))) if (ev.kind === 'packet') packets.push(ev.packet);
  return { s, packets };
}

describe('captures/preferred-address with its key log', () => {
  it('keeps the probes of the preferred address in the connection, decrypted', async () => {
    const { s, packets } = await read(true);
    expect(s.tracker.connections).toHaveLength(1);
    const conn = s.tracker.connections[0]!;
    const cid = conn.tls.serverParameters?.preferred_address?.connection_id;
    expect(cid).toMatch(/^[0-9a-f]{2,40}$/);
    expect(conn.serverCids.has(cid!)).toBe(true);
    expect(packets.every((p) => p.decrypted === true)).toBe(true);
    const probes = packets.filter((p) => p.direction === 'client' && p.dst?.ip === '127.0.0.2' && p.frames.some((f) => f.type === 'path_challenge'));
    expect(probes.map((p) => p.frame)).toEqual([12, 13]);
    expect(probes.every((p) => p.header.dcid.toString('hex') === cid)).toBe(true);
    // the server answers from its preferred address: its packets, not the client's
    expect(packets.filter((p) => p.src?.ip === '127.0.0.2').every((p) => p.direction === 'server')).toBe(true);
  });

  it('shows the server moving to its preferred address, every challenge paired', async () => {
    const { s } = await read(true);
    const conn = s.tracker.connections[0]!;
    const [m, ...more] = s.paths.migrations(conn);
    expect(more).toEqual([]);
    expect(m).toMatchObject({
      kind: 'preferred_address',
      side: 'server',
      from: '127.0.0.1:4433',
      to: '127.0.0.2:4433',
      addressChanged: true,
      frame: 12,
      validated: true,
      newDcid: true,
      preferredAddress: { evidence: 'proven', reason: null, offered: ['127.0.0.2:4433'], cid: conn.tls.serverParameters!.preferred_address!.connection_id, client: { from: '127.0.0.1:56448', to: '127.0.0.1:56448' } },
    });
    // the client's two probes and the server's two challenges of the new path, each answered
    expect(m!.challenges.map((c) => [c.by, c.frame, c.response?.frame])).toEqual([
      ['client', 12, 16],
      ['client', 13, 15],
      ['server', 20, 29],
      ['server', 23, 28],
    ]);
    const codes = s.findings().map((f) => f.code);
    expect(codes).not.toContain('path_response_unmatched');
    expect(codes).not.toContain('migration_during_handshake');
    expect(s.paths.legs(conn)).toHaveLength(1);
  });
});

describe('captures/preferred-address without keys', () => {
  it('keeps the probes in the connection and infers the move, saying why it is not proven', async () => {
    const { s, packets } = await read(false);
    expect(s.tracker.connections).toHaveLength(1);
    const conn = s.tracker.connections[0]!;
    expect(packets.filter((p) => p.src?.ip === '127.0.0.2').every((p) => p.direction === 'server')).toBe(true);
    expect(packets.filter((p) => p.dst?.ip === '127.0.0.2').every((p) => p.direction === 'client')).toBe(true);
    const [m, ...more] = s.paths.migrations(conn);
    expect(more).toEqual([]);
    expect(m).toMatchObject({ kind: 'preferred_address', side: 'server', from: '127.0.0.1:4433', to: '127.0.0.2:4433', frame: 12, newDcid: true });
    expect(m!.preferredAddress).toMatchObject({ evidence: 'inferred', offered: null, cid: null });
    expect(m!.preferredAddress!.reason).toMatch(/no key log/);
    expect(s.paths.legs(conn)).toHaveLength(1);
  });

  it('infers the path validated from the client moving its traffic there, and judges nothing it cannot see', async () => {
    const { s } = await read(false);
    const conn = s.tracker.connections[0]!;
    const [m] = s.paths.migrations(conn);
    // the client's last packet to the old address is frame 14; it goes on to the preferred address
    expect(m).toMatchObject({ validated: true, validationMs: null, challenges: [] });
    expect(m!.facts.kind.evidence).toBe('inferred');
    expect(m!.facts.validated.evidence).toBe('inferred');
    expect(m!.facts.validated.reason).toMatch(/last packet to the old address was frame 14/);
    expect(m!.facts.validated.reason).toMatch(/no key log/);
    const codes = s.findings().map((f) => f.code);
    expect(codes).not.toContain('path_not_validated');
    expect(codes).not.toContain('migration_during_handshake');
    // whether the handshake was confirmed before the move is in encrypted packets: said, not judged
    expect(s.paths.unjudged(conn).map((u) => u.code)).toEqual(['migration_during_handshake']);
  });

  it('leaves validation unknown when the capture ends before the client moved its traffic', async () => {
    // frames 1-17: the client probes the preferred address (12, 13) but sends its last packet
    // to the old one (14); the server answers from the new one (15, 16)
    const cut = firstRecords(join(DIR, 'preferred-address.pcap'), 17);
    const [without, withKeys] = await Promise.all([read(false, cut), read(true, cut)]);
    const [m] = without.s.paths.migrations(without.s.tracker.connections[0]!);
    expect(m).toMatchObject({ kind: 'preferred_address', validated: null });
    expect(m!.facts.validated).toMatchObject({ evidence: 'unknown', reason: expect.stringMatching(/did not move its traffic there/) });
    expect(without.s.findings().map((f) => f.code)).not.toContain('path_not_validated');
    expect(without.s.paths.unjudged(without.s.tracker.connections[0]!).map((u) => u.code)).toContain('path_not_validated');
    // the keys show what the headers could not: the probes were answered
    const [k] = withKeys.s.paths.migrations(withKeys.s.tracker.connections[0]!);
    expect(k).toMatchObject({ kind: 'preferred_address', validated: true });
    expect(k!.facts.validated.evidence).toBe('proven');
  });
});

/** a copy of a classic pcap holding only its first `count` records */
function firstRecords(path: string, count: number): string {
  const buf = readFileSync(path);
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  let at = 24;
  for (let n = 0; n < count && at + 16 <= buf.length; n++) at += 16 + (le ? buf.readUInt32LE(at + 8) : buf.readUInt32BE(at + 8));
  const out = join(mkdtempSync(join(tmpdir(), 'quiclens-')), 'cut.pcap');
  writeFileSync(out, buf.subarray(0, at));
  return out;
}
