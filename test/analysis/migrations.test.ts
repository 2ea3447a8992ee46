import { describe, expect, it } from 'vitest';
import type { Connection, Role } from '../../src/analysis/connection.js';
import { MigrationTracker } from '../../src/analysis/migrations.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import type { Frame } from '../../src/quic/frames/index.js';

const SERVER = { ip: '198.51.100.1', port: 443 };
const WIFI = { ip: '192.0.2.10', port: 50000 };
const LTE = { ip: '203.0.113.7', port: 40000 };

function conn(disableMigration = false): Connection {
  const tls = emptyTlsFacts();
  if (disableMigration) tls.serverParameters = { disable_active_migration: true };
  return { id: 1, tls } as unknown as Connection;
}

let frameNo = 0;
function packet(c: Connection, from: Role, client: typeof WIFI, dcid: string, frames: Frame[], time: number): PacketRecord {
  return {
    frame: ++frameNo,
    time,
    connection: c,
    direction: from,
    src: from === 'client' ? client : SERVER,
    dst: from === 'client' ? SERVER : client,
    datagramBytes: 1200,
    header: { form: 'short', type: '1RTT', offset: 0, length: 40, firstByte: 0x40, dcid: Buffer.from(dcid, 'hex'), version: 1, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' },
    pn: frameNo,
    keyPhase: 0,
    decrypted: true,
    frames,
  };
}
const ping: Frame = { type: 'ping' };
const done: Frame = { type: 'handshake_done' };
const challenge = (data: string): Frame => ({ type: 'path_challenge', data });
const response = (data: string): Frame => ({ type: 'path_response', data });

/** a confirmed connection on WiFi, then whatever `after` does */
function run(c: Connection, after: (t: MigrationTracker) => void): MigrationTracker {
  const t = new MigrationTracker();
  t.observe(packet(c, 'client', WIFI, 'aaaa0001', [ping], 0));
  t.observe(packet(c, 'server', WIFI, 'cccc0001', [done], 0.01));
  after(t);
  return t;
}

describe('migrations (RFC 9000 §9)', () => {
  it('an active move from WiFi to LTE: probed, validated, with a new CID, an address change', () => {
    const c = conn();
    const t = run(c, (t) => {
      t.observe(packet(c, 'client', LTE, 'aaaa0002', [challenge('0102030405060708')], 1));
      t.observe(packet(c, 'server', LTE, 'cccc0002', [response('0102030405060708')], 1.02));
      t.observe(packet(c, 'client', LTE, 'aaaa0002', [ping], 1.03));
    });
    expect(t.migrations(c)).toMatchObject([
      { kind: 'active', from: '192.0.2.10:50000', to: '203.0.113.7:40000', addressChanged: true, validated: true, validationMs: 20, newDcid: true, challenge: '0102030405060708' },
    ]);
    expect(t.audit(c)).toEqual([]);
  });

  it('NAT rebinding: the client does not probe, the server validates', () => {
    const c = conn();
    const moved = { ...WIFI, port: 60001 };
    const t = run(c, (t) => {
      t.observe(packet(c, 'client', moved, 'aaaa0001', [ping], 1));
      t.observe(packet(c, 'server', moved, 'cccc0001', [challenge('1111111111111111')], 1.01));
      t.observe(packet(c, 'client', moved, 'aaaa0001', [response('1111111111111111')], 1.02));
    });
    expect(t.migrations(c)).toMatchObject([{ kind: 'nat_rebinding', addressChanged: false, newDcid: false, validated: true }]);
    // the client cannot choose a new CID for a move it did not make: not linkable by fault
    expect(t.audit(c)).toEqual([]);
  });

  it('flags an active move with a CID used before (linkable, §9.5) and one the server forbade', () => {
    const c = conn(true);
    const t = run(c, (t) => {
      t.observe(packet(c, 'client', LTE, 'aaaa0001', [challenge('2222222222222222')], 1));
      t.observe(packet(c, 'server', LTE, 'cccc0001', [response('2222222222222222')], 1.01));
      t.observe(packet(c, 'client', LTE, 'aaaa0001', [ping], 1.02));
    });
    expect(t.audit(c).map((f) => f.code)).toEqual(['migration_linkable', 'migration_forbidden']);
  });

  it('flags a move before the handshake was confirmed, and a path nobody validated', () => {
    const c = conn();
    const t = new MigrationTracker();
    t.observe(packet(c, 'client', WIFI, 'aaaa0001', [ping], 0));
    t.observe(packet(c, 'client', LTE, 'aaaa0002', [ping], 0.5));
    expect(t.audit(c).map((f) => f.code)).toEqual(['migration_during_handshake', 'path_not_validated']);
  });

  it('a probe never followed by use is probe_only; an unmatched PATH_RESPONSE is noted', () => {
    const c = conn();
    const t = run(c, (t) => {
      t.observe(packet(c, 'client', LTE, 'aaaa0002', [challenge('3333333333333333')], 1));
      t.observe(packet(c, 'server', WIFI, 'cccc0001', [response('9999999999999999')], 1.1));
      t.observe(packet(c, 'client', WIFI, 'aaaa0001', [ping], 1.2));
    });
    expect(t.migrations(c)).toMatchObject([{ kind: 'probe_only', validated: false }]);
    expect(t.audit(c).map((f) => f.code)).toEqual(['path_response_unmatched']);
  });
});

describe('migrations without keys: what the headers prove, infer, or cannot tell (issue 12)', () => {
  /** a packet whose frames the capture could not read */
  const sealed = (c: Connection, from: Role, client: typeof WIFI, dcid: string, time: number, bytes = 1200): PacketRecord => ({
    ...packet(c, from, client, dcid, [], time),
    decrypted: 'no keys',
    pn: null,
    keyPhase: null,
    datagramBytes: bytes,
  });

  function moveTo(client: typeof WIFI, dcid: string, serverDatagrams: number): { c: Connection; t: MigrationTracker } {
    const c = conn();
    const t = new MigrationTracker();
    t.observe(sealed(c, 'client', WIFI, 'aaaa0001', 0));
    t.observe(sealed(c, 'server', WIFI, 'cccc0001', 0.01));
    t.observe(sealed(c, 'client', client, dcid, 1, 1200));
    t.observe(sealed(c, 'client', client, dcid, 1.001, 100));
    for (let i = 0; i < serverDatagrams; i++) t.observe(sealed(c, 'server', client, 'cccc0002', 1.01 + i / 1000, 1400));
    return { c, t };
  }

  it('a server that sent over three times what it received on the path: used and validated (inferred), active by its new DCID', () => {
    const { c, t } = moveTo(LTE, 'aaaa0002', 4); // 5600 bytes against 1300
    const [m] = t.migrations(c);
    expect(m).toMatchObject({ kind: 'active', validated: true, validationMs: null, facts: { kind: { evidence: 'inferred' }, validated: { evidence: 'inferred' } } });
    expect(m!.facts.validated.reason).toMatch(/5600 bytes .* over 3× the 1300 .* broke its anti-amplification limit, which is less likely/);
    // HANDSHAKE_DONE may be in the server packets not read: whether the move came before it is not judged
    expect(t.audit(c)).toEqual([]);
  });

  it('the same DCID from a new port: nat_rebinding, inferred', () => {
    const { c, t } = moveTo({ ...WIFI, port: 60001 }, 'aaaa0001', 4);
    expect(t.migrations(c)).toMatchObject([{ kind: 'nat_rebinding', validated: true, facts: { kind: { evidence: 'inferred' } } }]);
  });

  it('a path where the server sent little: kind and validation unknown, with why', () => {
    const { c, t } = moveTo(LTE, 'aaaa0002', 1);
    const [m] = t.migrations(c);
    expect(m).toMatchObject({ kind: null, validated: null, facts: { kind: { evidence: 'unknown' }, validated: { evidence: 'unknown' } } });
    expect(m!.facts.validated.reason).toContain('encrypted: no key log for this connection');
    expect(t.audit(c)).toEqual([]);
  });

  it('a finding that rests on an inferred kind is inferred, with the reasoning', () => {
    const c = conn(true);
    const t = new MigrationTracker();
    t.observe(packet(c, 'client', WIFI, 'aaaa0001', [ping], 0));
    t.observe(packet(c, 'server', WIFI, 'cccc0001', [done], 0.01));
    t.observe(sealed(c, 'client', LTE, 'aaaa0002', 1, 100));
    for (let i = 0; i < 3; i++) t.observe(sealed(c, 'server', LTE, 'cccc0002', 1.01 + i / 1000, 1400));
    const forbidden = t.audit(c).find((f) => f.code === 'migration_forbidden');
    expect(forbidden).toMatchObject({ evidence: 'inferred', reason: expect.stringContaining('new connection ID') });
  });
});
