import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { HandshakeTimeline } from '../../src/analysis/handshake-timeline.js';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openQlog } from '../../src/qlog/open-qlog.js';

const dir = mkdtempSync(join(tmpdir(), 'quiclens-logged-'));

/** a JSON-SEQ qlog (quic-events names) of one side, from its events */
function sqlog(name: string, vantage: 'client' | 'server', events: object[], groupId = '8394c8f03e515708'): string {
  const path = join(dir, name);
  const head = { file_schema: 'urn:ietf:params:qlog:file:sequential', serialization_format: 'application/qlog+json-seq', trace: { vantage_point: { type: vantage }, common_fields: { group_id: groupId, time_format: 'relative', reference_time: { clock_type: 'monotonic', epoch: 'unknown' } } } };
  writeFileSync(path, [head, ...events].map((e) => `\x1e${JSON.stringify(e)}\n`).join(''));
  return path;
}

const sent = (time: number, type: string, pn: number, frames: object[], extra: object = {}) => ({ time, name: 'quic:packet_sent', data: { header: { packet_type: type, packet_number: pn }, frames }, ...extra });
const received = (time: number, type: string, pn: number, frames: object[], extra: object = {}) => ({ time, name: 'quic:packet_received', data: { header: { packet_type: type, packet_number: pn }, frames }, ...extra });

async function read(...paths: string[]): Promise<PacketSession> {
  const s = new PacketSession();
  for (const p of paths) for await (const _ of s.read((await openQlog(p))!));
  return s;
}

/** a client's handshake as its log shows it, up to HANDSHAKE_DONE */
const handshake = [
  sent(0, 'initial', 0, [{ frame_type: 'crypto', offset: 0, length: 300 }]),
  received(10, 'initial', 0, [{ frame_type: 'crypto', offset: 0, length: 90 }]),
  received(10, 'handshake', 0, [{ frame_type: 'crypto', offset: 0, length: 700 }]),
  sent(11, 'handshake', 0, [{ frame_type: 'crypto', offset: 0, length: 36 }]),
  received(21, '1RTT', 0, [{ frame_type: 'handshake_done' }]),
];

describe('migrations in a log without addresses', () => {
  it('a probe nobody answered, with the data staying where it was, is a probe, not a migration', async () => {
    const s = await read(
      sqlog('probe.sqlog', 'client', [
        ...handshake,
        sent(100, '1RTT', 1, [{ frame_type: 'path_challenge', data: '0102030405060708' }, { frame_type: 'padding' }]),
        sent(101, '1RTT', 2, [{ frame_type: 'stream', stream_id: 0, offset: 0, length: 10 }]),
        received(111, '1RTT', 1, [{ frame_type: 'ack', acked_ranges: [[2, 2]] }]),
      ]),
    );
    const conn = s.tracker.connections[0]!;
    expect(s.paths.migrations(conn).map((m) => [m.kind, m.validated, m.from, m.addressChanged])).toEqual([['probe_only', false, 'unlogged', null]]);
    expect(s.findings().filter((f) => f.code.startsWith('migration') || f.code === 'path_not_validated')).toEqual([]);
  });

  it('a probe the peer answered, with the data following, is a validated active migration', async () => {
    const s = await read(
      sqlog('moved.sqlog', 'client', [
        ...handshake,
        sent(100, '1RTT', 1, [{ frame_type: 'path_challenge', data: '0102030405060708' }]),
        received(110, '1RTT', 1, [{ frame_type: 'path_response', data: '0102030405060708' }]),
        sent(111, '1RTT', 2, [{ frame_type: 'stream', stream_id: 0, offset: 0, length: 10 }]),
      ]),
    );
    expect(s.paths.migrations(s.tracker.connections[0]!).map((m) => [m.kind, m.validated, m.validationMs])).toEqual([['active', true, 10]]);
  });
});

describe('paths a log names by id', () => {
  it('a probe on path "1" has that path\'s addresses, and the connection stays on the first', async () => {
    const local = { ip_v4: '192.0.2.1', port_v4: 50000 };
    const s = await read(
      sqlog('paths.sqlog', 'client', [
        { time: 0, name: 'quic:connection_started', data: { local, remote: { ip_v4: '198.51.100.1', port_v4: 443 } } },
        ...handshake,
        { time: 99, name: 'quic:path_assigned', data: { path_id: '1', path_local: { ip_v4: '203.0.113.9', port_v4: 40000 }, path_remote: { ip_v4: '198.51.100.1', port_v4: 443 } } },
        sent(100, '1RTT', 1, [{ frame_type: 'path_challenge', data: '0102030405060708' }], { path: '1' }),
        sent(101, '1RTT', 2, [{ frame_type: 'stream', stream_id: 0, offset: 0, length: 10 }]),
      ]),
    );
    const conn = s.tracker.connections[0]!;
    expect(s.paths.migrations(conn).map((m) => [m.kind, m.from, m.to, m.addressChanged])).toEqual([['probe_only', '192.0.2.1:50000', '203.0.113.9:40000', true]]);
  });
});

describe('a Retry split across traces', () => {
  it("joins a later trace of the same side, never the other side's log", async () => {
    const retryScid = 'aabbccddeeff0011';
    const client = sqlog('client-retry.sqlog', 'client', [
      { time: 0, name: 'quic:packet_sent', data: { header: { packet_type: 'initial', packet_number: 0, dcid: '8394c8f03e515708', scid: '11' }, frames: [{ frame_type: 'crypto', offset: 0, length: 300 }] } },
      { time: 1, name: 'quic:packet_received', data: { header: { packet_type: 'retry', scid: retryScid, dcid: '11' } } },
      { time: 2, name: 'quic:packet_sent', data: { header: { packet_type: 'initial', packet_number: 1, dcid: retryScid, scid: '11' }, frames: [{ frame_type: 'crypto', offset: 0, length: 300 }] } },
    ]);
    const server = sqlog('server-after-retry.sqlog', 'server', [
      { time: 0, name: 'quic:packet_received', data: { header: { packet_type: 'initial', packet_number: 1, dcid: retryScid, scid: '11' }, frames: [{ frame_type: 'crypto', offset: 0, length: 300 }] } },
    ], retryScid);
    const s = await read(client, server);
    expect(s.tracker.connections.map((c) => [c.log!.vantage, c.packets])).toEqual([['client', 3], ['server', 1]]);
  });
});

describe('key updates counted once', () => {
  it('a late packet in the old phase, or a copy, is not another update', () => {
    const t = new HandshakeTimeline();
    const conn = { id: 1, tls: { serverParameters: undefined } } as never;
    const packet = (pn: number, keyPhase: 0 | 1) =>
      ({ connection: conn, direction: 'client', frame: pn, time: pn, pn, keyPhase, header: { form: 'short', type: '1RTT', offset: 0 }, frames: [], datagramBytes: 50 }) as unknown as PacketRecord;
    for (const [pn, phase] of [[1, 0], [5, 1], [4, 0], [5, 1], [6, 1], [9, 0]] as const) t.observe(packet(pn, phase));
    expect(t.summary(conn).events.filter((e) => e.event === 'key_update').map((e) => e.frame)).toEqual([5, 9]);
  });
});

describe('the other events a log has: key updates, CID changes, the close', () => {
  it('key_updated gives the key phase headers leave out, so the timeline sees the update', async () => {
    const key = (time: number, type: string, generation: number, trigger: string) => ({ time, name: 'quic:key_updated', data: { key_type: type, generation, trigger } });
    const s = await read(
      sqlog('keys.sqlog', 'client', [
        // 1-RTT keys are installed during the handshake, before any 1-RTT packet
        key(10, 'client_1rtt_secret', 0, 'tls'),
        key(10, 'server_1rtt_secret', 0, 'tls'),
        ...handshake,
        sent(30, '1RTT', 1, [{ frame_type: 'ping' }]),
        key(40, 'client_1rtt_secret', 1, 'local_update'),
        sent(41, '1RTT', 2, [{ frame_type: 'ping' }]),
        key(50, 'server_1rtt_secret', 1, 'remote_update'),
        received(51, '1RTT', 1, [{ frame_type: 'ack', acked_ranges: [[1, 2]] }]),
      ]),
    );
    const conn = s.tracker.connections[0]!;
    expect(s.timeline.summary(conn).events.filter((e) => e.event === 'key_update').map((e) => [e.by, e.detail])).toEqual([
      ['client', 'key phase 1'],
      ['server', 'key phase 1'],
    ]);
  });

  it("connection_id_updated adds the CIDs to the side that chose them; connection_closed explains a quiet end", async () => {
    const s = await read(
      sqlog('cids.sqlog', 'server', [
        received(0, 'initial', 0, [{ frame_type: 'crypto', offset: 0, length: 300 }]),
        { time: 1, name: 'quic:connection_id_updated', data: { owner: 'local', old: '00', new: 'c0ffee01' } },
        { time: 2, name: 'quic:connection_id_updated', data: { owner: 'remote', old: '01', new: 'beef0002' } },
        { time: 30000, name: 'quic:connection_closed', data: { owner: 'local', trigger: 'idle_timeout' } },
      ]),
    );
    const conn = s.tracker.connections[0]!;
    expect([conn.serverCids.has('c0ffee01'), conn.clientCids.has('beef0002')]).toEqual([true, true]);
    expect(s.timeline.summary(conn).events.at(-1)).toMatchObject({ event: 'idle_end', detail: 'last packet, no CONNECTION_CLOSE; the log says: closed (idle_timeout)' });
  });
});

describe('0-RTT whose fate a log does not tell', () => {
  it('an ALPN from the log does not make the 0-RTT look rejected', async () => {
    const s = await read(
      sqlog('alpn-0rtt.sqlog', 'client', [
        sent(0, 'initial', 0, [{ frame_type: 'crypto', offset: 0, length: 300 }]),
        sent(0, '0RTT', 0, [{ frame_type: 'stream', stream_id: 0, offset: 0, length: 40 }]),
        { time: 10, name: 'quic:alpn_information', data: { chosen_alpn: { string_value: 'h3' } } },
        received(10, 'initial', 0, [{ frame_type: 'crypto', offset: 0, length: 90 }]),
        received(10, 'handshake', 0, [{ frame_type: 'crypto', offset: 0, length: 700 }]),
      ]),
    );
    const conn = s.tracker.connections[0]!;
    expect(conn.tls.encryptedExtensions?.alpn).toBe('h3');
    expect(s.zeroRtt(conn).accepted).toBeNull();
    expect(s.timeline.summary(conn).events.map((e) => e.event)).not.toContain('zero_rtt_rejected');
  });
});

describe('what the handshake audit cannot hold against a log', () => {
  it("captures/retry's logs: no Retry in the server's log is no tampering; the two logs name each other", async () => {
    const dir = join(__dirname, '..', '..', 'captures', 'retry', 'qlog');
    const { readdirSync } = await import('node:fs');
    const s = await read(...readdirSync(dir).map((f) => join(dir, f)));
    expect(s.findings()).toEqual([]);
    const [a, b] = s.tracker.connections;
    expect([a!.log!.otherSide, b!.log!.otherSide]).toEqual([b!.id, a!.id]);
    // the server's log knows of the Retry only from its transport parameters
    for (const c of s.tracker.connections) expect(s.timeline.summary(c).retry).toBe(true);
  });
});
