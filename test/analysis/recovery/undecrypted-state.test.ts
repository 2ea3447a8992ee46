import { describe, expect, it } from 'vitest';
import type { Connection, Role } from '../../../src/analysis/connection.js';
import type { DecryptResult, PacketRecord } from '../../../src/analysis/packet-record.js';
import { PacketFates } from '../../../src/analysis/recovery/packet-fates.js';
import { RecoveryAnalysis } from '../../../src/analysis/recovery/recovery-analysis.js';
import { RecoveryTracker } from '../../../src/analysis/recovery/recovery-tracker.js';
import { StreamsTracker } from '../../../src/analysis/streams/streams-tracker.js';
import { emptyTlsFacts } from '../../../src/analysis/tls-facts.js';
import { HandshakeTimeline } from '../../../src/analysis/handshake-timeline.js';
import { MigrationTracker } from '../../../src/analysis/migrations.js';
import type { PacketType } from '../../../src/quic/packet-header.js';

// A fleet capture without keys: thousands of connections whose packets are counted and
// never read (as big-1024mb.pcap of issue 15). What each keeps must be counters, not maps
// and sets of its own, and what the reports say of them must not change.

const CLIENT = { ip: '192.0.2.10', port: 50000 };
const SERVER = { ip: '198.51.100.1', port: 443 };
const conn = (id: number) => ({ id, tls: emptyTlsFacts() }) as unknown as Connection;

let frameNo = 0;
function packet(c: Connection, from: Role, type: PacketType, decrypted: DecryptResult, pn: number | null = null): PacketRecord {
  const long = type !== '1RTT';
  return {
    frame: ++frameNo,
    time: frameNo / 1000,
    connection: c,
    direction: from,
    src: from === 'client' ? CLIENT : SERVER,
    dst: from === 'client' ? SERVER : CLIENT,
    datagramBytes: 1200,
    header: long
      ? ({ form: 'long', type, offset: 0, length: 1200, firstByte: 0xc0, version: 1, dcid: Buffer.alloc(8), scid: Buffer.alloc(8), pnOffset: 26 } as unknown as PacketRecord['header'])
      : { form: 'short', type: '1RTT', offset: 0, length: 1200, firstByte: 0x40, dcid: Buffer.alloc(8), version: 1, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' },
    pn,
    keyPhase: long ? null : 0,
    decrypted,
    frames: [],
  };
}

/** the handshake capture's shape without keys: two Initials that fail (renamed CIDs), the rest not read */
function flight(c: Connection): PacketRecord[] {
  return [
    packet(c, 'client', 'initial', 'aead failed'),
    packet(c, 'server', 'initial', 'aead failed'),
    ...Array.from({ length: 4 }, () => packet(c, 'server', 'handshake', 'no keys')),
    packet(c, 'client', 'handshake', 'no keys'),
    ...Array.from({ length: 20 }, (_, i) => packet(c, i % 5 === 0 ? 'client' : 'server', '1RTT', 'no keys')),
  ];
}

function read(n: number) {
  const fates = new PacketFates();
  const recovery = new RecoveryAnalysis(fates);
  const tracker = new RecoveryTracker();
  const streams = new StreamsTracker(fates);
  const timeline = new HandshakeTimeline();
  const paths = new MigrationTracker();
  const conns = Array.from({ length: n }, (_, i) => conn(i + 1));
  for (const c of conns) {
    for (const p of flight(c)) {
      fates.observe(p);
      recovery.observe(p);
      tracker.observe(p);
      streams.observe(p);
      timeline.observe(p);
      paths.observe(p);
    }
  }
  return { fates, recovery, tracker, streams, timeline, paths, conns };
}

describe('connections whose packets were never read keep counters only', () => {
  const { fates, recovery, tracker, streams, timeline, paths, conns } = read(1000);

  it('a sender space holds no map or set of its own: every one hands out the same empty ones', () => {
    const first = tracker.get(conns[0]!)!.senders.server.spaces.handshake;
    for (const c of conns) {
      for (const role of ['client', 'server'] as const) {
        for (const space of ['initial', 'handshake', 'application'] as const) {
          const sp = tracker.get(c)!.senders[role].spaces[space];
          expect(sp.inFlight).toBe(first.inFlight);
          expect(sp.lost).toBe(first.lost);
          expect(sp.reported).toBe(first.reported);
          expect(sp.gaps).toBe(first.gaps);
        }
      }
    }
    expect(first.inFlight.size + first.lost.size + first.reported.size + first.gaps.items.length).toBe(0);
  });

  it('the packet fates of a connection with no number read are one shared empty record, made by no read', () => {
    const a = fates.numbers(conns[0]!, 'client', 'application');
    expect(fates.numbers(conns[999]!, 'server', 'handshake')).toBe(a);
    expect(a.seen.size + a.acked.size).toBe(0);
    expect(fates.fate(conns[5]!, 'server', 'application', 3)).toBe('pending');
  });

  it('the streams make no model for packets they cannot read', () => {
    const byConnection = (streams as unknown as { byConnection: Map<Connection, object> }).byConnection;
    expect(byConnection.size).toBe(1000);
    // no counters, delivery models or fate window: the unread packets counted by why, and each sender's largest packet number
    for (const c of conns) expect(Object.entries(byConnection.get(c)!).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? [k] : []))).toEqual(['unread', 'largestPn']);
  });

  it('the recovery report counts every packet and says why the rest is unknown, as before', () => {
    const r = recovery.report(conns[500]!)!;
    const [client, server] = r.directions;
    expect(client!.packets).toBe(6);
    expect(server!.packets).toBe(21);
    expect(server!.spaces.handshake).toMatchObject({ packets: 4, unread: 4, lostAfterCapture: null, fact: { evidence: 'unknown' } });
    expect(client!.spaces.initial).toMatchObject({ packets: 1, unread: 1, fact: { evidence: 'unknown' } });
    expect(server!.spaces.initial.fact.reason).toContain('aead');
    expect(server!.facts.losses).toMatchObject({ evidence: 'unknown' });
    expect(server!.facts.losses.reason).toMatch(/^the receiver's initial and handshake/);
    expect(server!.spaces.application.fact.reason).toContain('not read');
  });

  it('the streams report says which packets could not be read, and finds no stream', () => {
    const s = streams.report(conns[2]!, [], { attempted: false, accepted: null, packets: 0, bytes: 0, maxEarlyDataSize: null, requests: [], facts: {} } as never, () => null);
    expect(s.streams).toEqual([]);
    expect(s.known).toEqual({
      evidence: 'unknown',
      reason: expect.stringContaining('none of the 20 0-RTT/1-RTT packets could be read'),
    });
    expect(s).toMatchObject({ stalls: [], tcp: [], unfilled: [], unsettledPackets: 0, uncapturedBytes: 0, untrackedStreams: 0 });
  });

  it('the handshake timeline keeps no set of counted packets, and the paths no state for addresses a log left out', () => {
    const timelines = (timeline as unknown as { byConnection: Map<Connection, { counted?: Set<string> }> }).byConnection;
    const byPaths = (paths as unknown as { byConnection: Map<Connection, { unlogged?: object }> }).byConnection;
    for (const c of conns) {
      expect(timelines.get(c)!.counted).toBeUndefined();
      expect(byPaths.get(c)!.unlogged).toBeUndefined();
    }
  });

  it('the handshake summary and the paths say what they said before', () => {
    const h = timeline.summary(conns[7]!);
    // the client's 1-RTT packets show it completed the handshake, though none was read
    expect(h.complete).toBe(true);
    expect(h.events.map((e) => e.event)).toEqual(['client_initial', 'server_initial', 'server_handshake', 'first_1rtt_client', 'first_1rtt_server', 'last_packet']);
    expect(paths.migrations(conns[7]!)).toEqual([]);
    expect(paths.legs(conns[7]!)).toEqual([{ server: '198.51.100.1:443', client: '192.0.2.10:50000', firstFrame: conns[7]!.id * 27 - 26 }]);
  });
});
