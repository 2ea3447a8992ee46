import { readFileSync } from 'node:fs';
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

async function read(withKeys: boolean): Promise<{ s: PacketSession; packets: PacketRecord[] }> {
  const keylog = new KeyLog();
  if (withKeys) keylog.add(readFileSync(join(DIR, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(join(DIR, 'preferred-address.pcap')))) if (ev.kind === 'packet') packets.push(ev.packet);
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
});
