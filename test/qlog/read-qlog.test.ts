import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { QlogEvent, QlogPacketEvent } from '../../src/qlog/qlog-events.js';
import { formatIssue } from '../../src/wire/input-issue.js';
import { readEndpointLogs } from '../support/endpoint-qlog.js';
import { collect, collectDir, packets, sent } from './collect.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'qlogs');
const CAPTURES = join(here, '..', '..', 'captures');

/** every frame_type a normalised event may carry: RFC 9000 and extension frames in snake_case */
const FRAME_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const nonDecreasing = (events: QlogEvent[]) => events.every((e, i) => i === 0 || e.trace !== events[i - 1]!.trace || e.timeMs >= events[i - 1]!.timeMs);

/* ------------------------------------------------------------------------------------ */

/**
 * pcap2qlog's files, read a second way for the expectations: plain JSON.parse and the
 * columns event_fields names. Kept to a few lines so it shares nothing with the reader.
 */
function pcap2qlogWitness(file: string) {
  const root = JSON.parse(readFileSync(file, 'utf8')) as { traces: { event_fields: string[]; vantage_point: { type: string }; events: unknown[][] }[] };
  return root.traces.map((t) => {
    const col = (n: string) => t.event_fields.indexOf(n);
    const rows = t.events.map((e) => ({ event: e[col('event')] as string, data: e[col('data')] as Record<string, any> }));
    const sentRows = rows.filter((r) => r.event === 'packet_sent');
    return {
      vantage: t.vantage_point.type,
      sent: sentRows.map((r) => ({ type: r.data.packet_type as string, pn: Number(r.data.header.packet_number), dcid: r.data.header.dcid as string | undefined })),
      received: rows.filter((r) => r.event === 'packet_received').length,
      frameTypes: new Set(rows.flatMap((r) => ((r.data.frames ?? []) as { frame_type: string }[]).map((f) => f.frame_type.toLowerCase()))),
    };
  });
}

describe('pcap2qlog draft-01/02 files', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.startsWith('pcap2qlog-') && f.endsWith('.qlog'));

  it('finds the three pcap2qlog files', () => {
    expect(files.sort()).toEqual(['pcap2qlog-draft01-new-cid.qlog', 'pcap2qlog-draft01-spin-bit.qlog', 'pcap2qlog-draft02-ngtcp2-draft29.qlog']);
  });

  it.each(files)('%s: each trace\'s vantage, packets sent, first packet and frame types match the file', async (name) => {
    const file = join(FIXTURES, name);
    const { traces, events, problems } = await collect(file);
    const witness = pcap2qlogWitness(file);
    expect(problems).toEqual([]);
    expect(traces).toHaveLength(witness.length);
    expect(nonDecreasing(events)).toBe(true);
    traces.forEach((trace, i) => {
      const w = witness[i]!;
      expect(trace).toMatchObject({ file, index: i, serialization: 'json', vantage: w.vantage, flow: 'client' });
      const mine = sent(events, trace);
      // the files are already in time order, so sorting keeps their order
      expect(mine.map((p) => [p.packetType, p.packetNumber, p.dcid])).toEqual(w.sent.map((s) => [s.type, s.pn, s.dcid]));
      expect(events.filter((e) => e.trace === trace && e.kind === 'packet_received')).toHaveLength(w.received);
      const types = new Set(packets(events.filter((e) => e.trace === trace)).flatMap((p) => (p.frames ?? []).map((f) => f.frame_type)));
      expect(types).toEqual(w.frameTypes);
      for (const t of types) expect(t).toMatch(FRAME_NAME);
    });
  });

  it('draft-01 new-cid: values read with jq', async () => {
    const file = join(FIXTURES, 'pcap2qlog-draft01-new-cid.qlog');
    const { traces, events } = await collect(file);
    const [trace] = traces;
    expect(trace).toMatchObject({ format: 'draft-01', qlogVersion: 'draft-01', vantage: 'network', groupId: '7e37e4dcc6682da8', title: 'Connection 1' });
    // reference_time "1564658098.991056" is in seconds, though the file says ms
    expect(trace!.referenceTimeMs).toBeCloseTo(1564658098991.056, 3);
    const s = sent(events);
    expect(s).toHaveLength(18);
    expect(s[0]).toMatchObject({ packetType: 'initial', packetNumber: 0, version: 'ff000016', dcid: '36ce104eee50101c', scid: '7e37e4dcc6682da8', length: 1251 });
    // draft-01 wrote numbers as strings: offset "0", length "284"
    expect(s[0]!.frames).toEqual([{ frame_type: 'crypto', offset: 0, length: 284 }, { frame_type: 'padding' }]);
    const oneRtt = packets(events).filter((p) => p.packetType === '1RTT');
    expect(oneRtt).toHaveLength(19);
    expect(oneRtt[0]).toMatchObject({ kind: 'packet_received', dcid: '7e37e4dcc6682da8', packetNumber: 0 });
    expect(oneRtt[1]).toMatchObject({ kind: 'packet_sent', dcid: 'f55e7d8368835d6e', packetNumber: 0 });
    const last = oneRtt.at(-1)!;
    expect(last).toMatchObject({ kind: 'packet_sent', dcid: 'c7bb8e6e462100e1', packetNumber: 13 });
    expect(last.timeMs - trace!.referenceTimeMs!).toBeCloseTo(10016, 6);
    expect(events.filter((e) => e.kind === 'connection_id_updated').map((e) => e.kind === 'connection_id_updated' && [e.owner, e.old, e.new])).toEqual([
      ['remote', '36ce104eee50101c', 'f55e7d8368835d6e'],
      ['local', '7e37e4dcc6682da8', '25809357bfaa6859'],
      ['remote', 'f55e7d8368835d6e', 'c7bb8e6e462100e1'],
    ]);
    expect(events.find((e) => e.kind === 'alpn_information')).toMatchObject({ chosenAlpn: 'hq-22' });
    expect(events.find((e) => e.kind === 'connection_started')).toMatchObject({
      src: { ip: '130.104.228.79', port: 40618 },
      dst: { ip: '52.58.13.57', port: 4433 },
      srcCid: '7e37e4dcc6682da8',
      dstCid: '36ce104eee50101c',
      version: 'ff000016',
    });
  });

  it('draft-01 spin-bit: 1RTT DCIDs and the events with no kind of their own', async () => {
    const { events } = await collect(join(FIXTURES, 'pcap2qlog-draft01-spin-bit.qlog'));
    const oneRtt = packets(events).filter((p) => p.packetType === '1RTT');
    expect(oneRtt).toHaveLength(15);
    expect(oneRtt.slice(0, 2).map((p) => [p.kind, p.dcid, p.packetNumber])).toEqual([
      ['packet_received', '1b51237b269288d6', 0],
      ['packet_sent', '9605d1700dd8829c', 0],
    ]);
    expect(oneRtt.at(-1)).toMatchObject({ kind: 'packet_received', dcid: '1b51237b269288d6', packetNumber: 7 });
    const others = events.filter((e) => e.kind === 'other');
    expect(others.map((e) => e.name)).toEqual(Array(8).fill('connectivity:spin_bit_update'));
  });

  it('draft-02 ngtcp2-draft29: two traces, the Retry and the 1RTT packets of the second', async () => {
    const { traces, events } = await collect(join(FIXTURES, 'pcap2qlog-draft02-ngtcp2-draft29.qlog'));
    expect(traces.map((t) => [t.format, t.qlogVersion, t.groupId])).toEqual([
      ['draft-02', 'draft-02-wip', 'f36e07bf0b7088ef28c71d488acaaff39ffc'],
      ['draft-02', 'draft-02-wip', '2e9a32ed45c9066ad4f9ac32c1d23c19e480'],
    ]);
    const retry = packets(events).find((p) => p.packetType === 'retry')!;
    expect(retry.trace).toBe(traces[0]);
    // written as colon-separated bytes "b6:90:73:75:db:29:…"
    expect(retry.token).toMatch(/^b6907375db299ac3[0-9a-f]+$/);
    expect(sent(events, traces[0]).map((p) => p.packetType)).toEqual(['initial']);
    const second = packets(events.filter((e) => e.trace === traces[1]));
    const oneRtt = second.filter((p) => p.packetType === '1RTT');
    expect(oneRtt.map((p) => [p.kind, p.dcid, p.packetNumber])).toEqual([
      ['packet_received', '43944eda18beb7e548b38d375bf3c2a3bc', 0],
      ['packet_sent', 'b8e844a59dba1b56a9c136266fcc82bda97f', 0],
      ['packet_received', '43944eda18beb7e548b38d375bf3c2a3bc', 1],
      ['packet_sent', 'b8e844a59dba1b56a9c136266fcc82bda97f', 1],
      ['packet_received', '43944eda18beb7e548b38d375bf3c2a3bc', 2],
      ['packet_received', '43944eda18beb7e548b38d375bf3c2a3bc', 3],
      ['packet_sent', 'b8e844a59dba1b56a9c136266fcc82bda97f', 2],
    ]);
    expect(oneRtt[0]!.timeMs - traces[1]!.referenceTimeMs!).toBeCloseTo(12, 6);
    expect(oneRtt[0]!.frames!.map((f) => [f.frame_type, f.stream_id])).toEqual([
      ['stream', 3],
      ['stream', 11],
      ['stream', 7],
    ]);
    const ncid = oneRtt[1]!.frames!.find((f) => f.frame_type === 'new_connection_id')!;
    expect(ncid).toMatchObject({ sequence_number: 6, retire_prior_to: 0 });
    expect(ncid.connection_id).toMatch(/^[0-9a-f]+$/);
    expect(events.filter((e) => e.kind === 'parameters_set' && e.owner === 'remote').map((e) => e.kind === 'parameters_set' && e.params.alpn)).toEqual(['h3-29', 'h3-29']);
  });
});

/* ------------------------------------------------------------------------------------ */

const scenarios = existsSync(CAPTURES)
  ? readdirSync(CAPTURES)
      .filter((d) => existsSync(join(CAPTURES, d, 'qlog')) && statSync(join(CAPTURES, d, 'qlog')).isDirectory())
      .sort()
  : [];

describe('ngtcp2 0.12 JSON-SEQ qlogs of the sample captures', () => {
  it('has the scenario folders to read', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
  });

  it.each(scenarios)('%s: vantage, group, every packet sent (type, number, frames) as the endpoint logged it', async (scenario) => {
    const dir = join(CAPTURES, scenario, 'qlog');
    const witness = readEndpointLogs(dir);
    expect(witness.length).toBeGreaterThan(0);
    for (const w of witness) {
      const file = join(dir, w.file);
      const { traces, events, problems } = await collect(file);
      expect(problems, w.file).toEqual([]);
      expect(traces, w.file).toHaveLength(1);
      const trace = traces[0]!;
      expect(trace).toMatchObject({ format: '0.3', serialization: 'json-seq', qlogVersion: '0.3', vantage: w.vantage, vantageName: 'ngtcp2', groupId: w.groupId });
      // ngtcp2 writes reference_time 0: no usable reference, times stay relative
      expect(trace.referenceTimeMs).toBeUndefined();
      expect(nonDecreasing(events), w.file).toBe(true);
      const mine = sent(events);
      expect(mine.length, w.file).toBe(w.sent.length);
      expect(mine[0], w.file).toMatchObject({ packetType: 'initial', packetNumber: 0 });
      expect(mine[0]!.packetType).toBe(w.sent[0]!.type);
      expect(mine.map((p) => [p.packetType, p.packetNumber, (p.frames ?? []).map((f) => f.frame_type)])).toEqual(
        w.sent.map((s) => [s.type, s.pn, s.frames]),
      );
      for (const p of packets(events)) {
        // ngtcp2 logs no size for the Retry and Version Negotiation packets it receives
        if (p.packetType !== 'retry' && p.packetType !== 'version_negotiation') expect(p.length, w.file).toBeGreaterThan(0);
        for (const f of p.frames ?? []) expect(f.frame_type).toMatch(FRAME_NAME);
      }
      const records = readFileSync(file, 'utf8').split('\x1e').filter((r) => r.trim());
      const received = records.filter((r) => r.includes('"name":"transport:packet_received"')).length;
      expect(events.filter((e) => e.kind === 'packet_received').length, w.file).toBe(received);
      expect(events.length, w.file).toBe(records.length - 1);
    }
  });

  const read = async (scenario: string) => {
    const dir = join(CAPTURES, scenario, 'qlog');
    const files = readdirSync(dir).filter((f) => f.endsWith('.sqlog'));
    return Promise.all(files.map((f) => collect(join(dir, f))));
  };

  it('version-negotiation: the client read the Version Negotiation packet and its versions', async () => {
    const vn = (await read('version-negotiation')).flatMap((c) => packets(c.events)).filter((p) => p.packetType === 'version_negotiation');
    expect(vn).toHaveLength(1);
    expect(vn[0]!.kind).toBe('packet_received');
    expect(vn[0]!.trace.vantage).toBe('client');
    expect(vn[0]!.supportedVersions).toContain('00000001');
  });

  it('retry: the client received a Retry with its token', async () => {
    const retries = (await read('retry')).flatMap((c) => packets(c.events)).filter((p) => p.packetType === 'retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.trace.vantage).toBe('client');
    expect(retries[0]!.token).toMatch(/^([0-9a-f]{2}){16,}$/);
  });

  it('zero-rtt: the resuming client sent 0-RTT packets', async () => {
    const zeroRtt = (await read('zero-rtt')).flatMap((c) => sent(c.events)).filter((p) => p.packetType === '0RTT');
    expect(zeroRtt.length).toBeGreaterThan(0);
    expect(zeroRtt.every((p) => p.trace.vantage === 'client')).toBe(true);
  });

  it('migration: PATH_CHALLENGE data and NEW_CONNECTION_ID tokens are hex strings', async () => {
    const frames = (await read('migration')).flatMap((c) => packets(c.events)).flatMap((p) => p.frames ?? []);
    const challenges = frames.filter((f) => f.frame_type === 'path_challenge');
    expect(challenges.length).toBeGreaterThan(0);
    for (const c of challenges) expect(c.data).toMatch(/^[0-9a-f]{16}$/);
    const ncids = frames.filter((f) => f.frame_type === 'new_connection_id');
    expect(ncids.length).toBeGreaterThan(0);
    // ngtcp2 wrote {"data": "…"}: the token is the hex itself now
    for (const n of ncids) expect(n.stateless_reset_token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads a whole folder in file name order', async () => {
    const dir = join(CAPTURES, 'multi', 'qlog');
    const { traces, problems } = await collectDir(dir);
    expect(problems).toEqual([]);
    expect(traces.map((t) => t.file)).toEqual(readdirSync(dir).filter((f) => f.endsWith('.sqlog')).sort().map((f) => join(dir, f)));
  });
});

/* ------------------------------------------------------------------------------------ */

describe('hand-written fixtures', () => {
  it('0.3 JSON: sorts out-of-order events fully, absolute times, normalised header fields', async () => {
    const file = fixture('qlog03-contained.qlog');
    const { traces, events, problems } = await collect(file);
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ format: '0.3', serialization: 'json', vantage: 'client', odcid: '0a0b0c0d0e0f1011', referenceTimeMs: 1_700_000_000_000 });
    // written as 0, 0.5, 30.25, 12, 12, 20, 25, 26, 40: the two at 12 keep their file order
    expect(events.map((e) => e.position)).toEqual([1, 2, 4, 5, 6, 7, 8, 3, 9]);
    expect(events.map((e) => e.timeMs - 1_700_000_000_000)).toEqual([0, 0.5, 12, 12, 20, 25, 26, 30.25, 40]);
    const [initial, oneRtt] = sent(events);
    expect(initial).toMatchObject({ packetType: 'initial', packetNumber: 0, version: '00000001', scid: 'c1c1c1c1', token: 'aabbcc', length: 1200 });
    expect(oneRtt).toMatchObject({ packetType: '1RTT', packetNumber: 7, keyPhase: 1, dcid: '5e5e5e5e' });
    expect(oneRtt!.frames).toEqual([
      { frame_type: 'path_challenge', data: '0102030405060708' },
      { frame_type: 'stream', stream_id: 0, offset: 0, length: 17, fin: true },
    ]);
    expect(events.find((e) => e.kind === 'key_updated')).toMatchObject({ keyType: 'client_1rtt_secret', keyPhase: 1, trigger: 'local_update' });
    expect(events.find((e) => e.kind === 'connection_closed')).toMatchObject({ owner: 'local', applicationError: 256, reason: 'done' });
    // the second entry of traces is a TraceError (main-schema §TraceError)
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, fatal: false });
    expect(problems[0]!.message).toContain('trace 1');
    expect(problems[0]!.message).toContain("the server's log could not be found");
  });

  it('draft-00 with event_fields: capitals, time_units "us" converted to ms, old frame names', async () => {
    const { traces, events, problems } = await collect(fixture('draft00-event-fields.qlog'));
    expect(problems).toEqual([]);
    expect(traces[0]).toMatchObject({ format: 'draft-00', vantage: 'server', referenceTimeMs: 1553986553572 });
    // relative_time 1500, 2250 and 3000 microseconds
    expect(events.map((e) => e.timeMs - 1553986553572)).toEqual([1.5, 2.25, 3]);
    expect(events.map((e) => e.kind)).toEqual(['packet_received', 'packet_sent', 'connection_id_updated']);
    expect(events[0]).toMatchObject({ packetType: 'initial', packetNumber: 0, dcid: 'f00d', scid: 'beef', length: 1252 });
    expect(events[1]).toMatchObject({ packetType: '1RTT', packetNumber: 4, dcid: 'beef', length: 55 });
    expect((events[1] as QlogPacketEvent).frames).toEqual([
      { frame_type: 'ack', ack_delay: 25, acked_ranges: [[0, 3]] },
      { frame_type: 'stream', stream_id: 4, offset: 100, length: 20, fin: true },
      { frame_type: 'max_streams', maximum: 16 },
      { frame_type: 'reset_stream', stream_id: 8, error_code: 0, final_size: 42 },
    ]);
    expect(events[2]).toMatchObject({ owner: 'local', old: 'beef', new: 'cafe' });
  });

  it('quic: names read exactly as transport:/connectivity:/security: names', async () => {
    const ietf = await collect(fixture('ietf-quic-names.sqlog'));
    const older = await collect(fixture('transport-names.sqlog'));
    expect(ietf.problems).toEqual([]);
    expect(older.problems).toEqual([]);
    expect(ietf.traces[0]).toMatchObject({ format: 'ietf', serialization: 'json-seq', vantage: 'client' });
    expect(older.traces[0]).toMatchObject({ format: '0.3', serialization: 'json-seq', vantage: 'client' });
    expect(ietf.events.map((e) => e.kind)).toEqual([
      'connection_started',
      'version_information',
      'parameters_set',
      'packet_sent',
      'packet_received',
      'alpn_information',
      'metrics_updated',
      'connection_id_updated',
      'path_updated',
      'migration',
      'packet_sent',
      'key_updated',
      'connection_closed',
    ]);
    const strip = ({ trace: _t, name: _n, ...rest }: QlogEvent) => rest;
    expect(older.events.map(strip)).toEqual(ietf.events.map(strip));
  });

  it('IETF reference_time object: events at epoch + time', async () => {
    const { traces, events } = await collect(fixture('ietf-quic-names.sqlog'));
    const epoch = Date.UTC(2024, 4, 1, 12, 0, 0);
    expect(traces[0]!.referenceTimeMs).toBe(epoch);
    expect(events[0]!.timeMs).toBe(epoch);
    expect(events.find((e) => e.kind === 'packet_received')!.timeMs).toBe(epoch + 9.75);
    expect(events.find((e) => e.kind === 'connection_started')).toMatchObject({ src: { ip: '192.0.2.10', port: 40000 }, dst: { ip: '198.51.100.7', port: 443 } });
    expect(events.find((e) => e.kind === 'path_updated')).toMatchObject({
      pathId: '1',
      local: { ip: '192.0.2.99', port: 40001, connectionIds: ['aa03'] },
      remote: { ip: '198.51.100.7', port: 443, connectionIds: ['bb04'] },
    });
    expect(events.find((e) => e.kind === 'migration')).toMatchObject({ old: 'probing_successful', new: 'migration_started', pathId: '1' });
    const [initial, probe] = sent(events);
    expect(initial).toMatchObject({ token: '0011223344', version: '00000001', dcid: 'd0d1d2d3d4d5d6d7', length: 1252 });
    // key_phase 3: the header's bit is its low bit
    expect(probe).toMatchObject({ packetType: '1RTT', keyPhase: 1 });
    expect(probe!.frames![1]).toMatchObject({ frame_type: 'new_connection_id', connection_id: 'aa05', stateless_reset_token: '00112233445566778899aabbccddeeff' });
  });

  it('quic-go header (file_schema with qlog_version 0.3): monotonic clock dated by wall_clock_time', async () => {
    const { traces, events, problems } = await collect(fixture('quic-go-mixed.sqlog'));
    expect(problems).toEqual([]);
    const wall = Date.UTC(2025, 2, 4, 4, 6, 7) + 123.456789;
    expect(traces[0]).toMatchObject({ format: 'ietf', qlogVersion: '0.3', vantage: 'server', groupId: 'e1e2e3e4e5e6e7e8', title: 'quic-go qlog' });
    expect(traces[0]!.referenceTimeMs).toBeCloseTo(wall, 3);
    expect(events.map((e) => e.timeMs - wall).map((t) => Math.round(t * 1000) / 1000)).toEqual([0.012, 1.5, 2.5, 3]);
    expect(events[0]).toMatchObject({ kind: 'connection_started', src: { ip: '::1', port: 4433 }, dst: { ip: '::1', port: 55555 } });
    expect(events[1]).toMatchObject({ kind: 'packet_received', packetType: 'initial', version: '00000001', scid: 'c0c1c2c3', length: 1280 });
    expect(events[2]).toMatchObject({ kind: 'packet_sent', packetType: '1RTT', packetNumber: 1, dcid: 'c0c1c2c3', keyPhase: 1 });
  });

  it('quiclens export: its path_changed event and absolute times', async () => {
    const { traces, events, problems } = await collect(fixture('quiclens-export.sqlog'));
    expect(problems).toEqual([]);
    expect(traces[0]).toMatchObject({ vantage: 'client', vantageName: 'quiclens', odcid: '5a5b5c5d5e5f6061', referenceTimeMs: 1732000000000.5 });
    expect(events.find((e) => e.kind === 'path_updated')).toMatchObject({
      timeMs: 1732000000041.625,
      oldText: '127.0.0.1:51000 127.0.0.1:4433',
      newText: '127.0.0.1:51001 127.0.0.1:4433',
    });
    const [, oneRtt] = sent(events);
    expect(oneRtt).toMatchObject({ packetType: '1RTT', keyPhase: 0, dcid: 'd1d2d3d4d5d6d7d8' });
    expect(oneRtt!.frames).toBeUndefined();
  });

  it('JSON-SEQ out of order: the reorder window puts events in time order', async () => {
    const { events, problems } = await collect(fixture('out-of-order.sqlog'));
    expect(problems).toEqual([]);
    expect(events.map((e) => e.timeMs)).toEqual([1, 4, 5, 6, 7, 9, 10]);
    expect(sent(events).map((p) => p.packetNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.map((e) => e.position)).toEqual([2, 4, 3, 7, 8, 5, 6]);
  });

  it('JSON-SEQ out of order beyond the window: passed on late and reported once', async () => {
    const { events, problems } = await collect(fixture('out-of-order.sqlog'), { reorderWindow: 1 });
    expect(events.map((e) => e.timeMs)).toEqual([1, 4, 5, 9, 6, 7, 10]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ frame: 7, fatal: false });
    expect(problems[0]!.message).toMatch(/^2 event\(s\), the first in record 7,/);
  });

  it('a malformed record in the middle is reported with its record number and the rest is read', async () => {
    const file = fixture('malformed-middle.sqlog');
    const { items, events, problems } = await collect(file);
    // bad input (exit 2), though every good record is still read
    expect(problems.map((p) => [p.frame, p.line, p.fatal])).toEqual([
      [4, 4, true],
      [6, 6, true],
      [7, 7, true],
    ]);
    expect(problems[0]!.message).toMatch(/^record 4 is not valid JSON \(.+\): expected one JSON object per record/);
    expect(problems[1]!.message).toBe('record 6 is an array: expected a JSON object (the qlog header or an event)');
    expect(problems[2]!.message).toBe('record 7 is not a qlog event: expected a numeric "time"');
    expect(formatIssue(problems[0]!)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(line 4, column 151\\): record 4 is not valid JSON \\(expected .,. or .}., found `));
    expect(events.map((e) => e.position)).toEqual([2, 3, 5, 8]);
    expect(packets(events).map((p) => [p.kind, p.packetType, p.packetNumber])).toEqual([
      ['packet_sent', 'initial', 0],
      ['packet_received', 'initial', 0],
      ['packet_sent', 'handshake', 1],
      ['packet_sent', '1RTT', 0],
    ]);
    // problems come where they occur, before the events the window still held
    expect(items.findIndex((i) => i.kind === 'problem')).toBeLessThan(items.findIndex((i) => i.kind === 'event'));
  });

  it('a truncated last record (endpoint killed) is reported, everything before it read', async () => {
    const { events, problems } = await collect(fixture('truncated-last.sqlog'));
    expect(packets(events).map((p) => [p.kind, p.packetType])).toEqual([
      ['packet_sent', 'initial'],
      ['packet_received', 'initial'],
      ['packet_sent', 'handshake'],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ frame: 5, line: 5, fatal: false });
    expect(problems[0]!.message).toMatch(/^record 5 is cut short at the end of the file/);
  });

  it('JSON-SEQ without 0x1E, one record per line', async () => {
    const { traces, events, problems } = await collect(fixture('newline-delimited.sqlog'));
    expect(problems).toEqual([]);
    expect(traces[0]).toMatchObject({ serialization: 'json-seq', vantage: 'server' });
    expect(events.map((e) => [e.kind, e.timeMs, e.position])).toEqual([
      ['packet_sent', 0.5, 2],
      ['packet_received', 1.5, 3],
    ]);
  });

  it('0.3 delta times add up from the reference time', async () => {
    const { traces, events } = await collect(fixture('delta-times.qlog'));
    expect(traces[0]).toMatchObject({ vantage: 'network', flow: 'server', referenceTimeMs: 1_600_000_000_000 });
    expect(events.map((e) => e.timeMs - 1_600_000_000_000)).toEqual([10, 15, 15, 17.5]);
  });

  it('readQlogDir: .qlog, .sqlog and .json files by name, nothing else', async () => {
    const dir = fixture('dir');
    const { traces, events, problems } = await collectDir(dir);
    expect(problems).toEqual([]);
    expect(traces.map((t) => [t.file, t.vantage])).toEqual([
      [join(dir, 'a-client.qlog'), 'client'],
      [join(dir, 'b-server.sqlog'), 'server'],
    ]);
    expect(events.map((e) => [e.trace.vantage, e.kind])).toEqual([
      ['client', 'packet_sent'],
      ['client', 'packet_sent'],
      ['server', 'packet_sent'],
    ]);
  });
});

describe('inputs that are not qlog', () => {
  it('a text file: one fatal problem naming the file and what was expected', async () => {
    const file = fixture('not-qlog.qlog');
    const { items, problems } = await collect(file);
    expect(items).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, offset: 0, fatal: true });
    expect(formatIssue(problems[0]!)).toBe(
      `${file} (byte offset 0): expected a qlog file: JSON starting with "{" or JSON-SEQ records starting with 0x1E, found "hello, t"`,
    );
  });

  it('an empty file, a missing file, a missing folder', async () => {
    expect((await collect(fixture('empty.sqlog'))).problems.map((p) => [p.fatal, p.message.startsWith('the file is empty')])).toEqual([[true, true]]);
    expect((await collect(fixture('nope.sqlog'))).problems.map((p) => [p.fatal, p.message])).toEqual([[true, 'no such file']]);
    expect((await collectDir(fixture('no-such-dir'))).problems.map((p) => [p.fatal, p.message])).toEqual([[true, 'no such folder']]);
  });

  it('a JSON qlog cut short in its events array: the events before the cut are read, and where it stopped is said (as qvis does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiclens-qlog-'));
    const file = join(dir, 'cut.qlog');
    const whole = readFileSync(fixture('qlog03-contained.qlog'), 'utf8');
    const cut = whole.slice(0, whole.indexOf('"time": 25'));
    writeFileSync(file, cut);
    const complete = await collect(fixture('qlog03-contained.qlog'));
    const { traces, events, problems } = await collect(file);
    expect(traces).toHaveLength(1);
    // every event that ended before the cut, and none after it
    const before = complete.events.filter((e) => e.position <= events.length);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(complete.events.length);
    expect(events.map((e) => e.name)).toEqual(before.map((e) => e.name));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, fatal: false, line: cut.split('\n').length });
    expect(problems[0]!.message).toMatch(/^the JSON document is cut short \(expected .*found the end of the text\): the events before line \d+, column \d+ are read/);
  });

  it('a JSON qlog cut short before any event array: fatal, with the line where the text ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiclens-qlog-'));
    const file = join(dir, 'cut-head.qlog');
    writeFileSync(file, '{"qlog_version": "0.3",\n "traces": [{"vantage_point": {"type": "cli');
    const { traces, problems } = await collect(file);
    expect(traces).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, fatal: true, line: 2 });
    expect(problems[0]!.message).toBe(`not valid JSON (expected a closing '"', found the end of the text): the file is cut short: expected one qlog JSON document`);
  });

  it('JSON-SEQ events with no header record: reported, then read with an unknown vantage point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiclens-qlog-'));
    const file = join(dir, 'headless.sqlog');
    writeFileSync(file, '\x1e{"time": 3, "name": "quic:packet_sent", "data": {"header": {"packet_type": "initial", "packet_number": 0}}}\n');
    const { traces, events, problems } = await collect(file);
    expect(problems.map((p) => [p.frame, p.fatal])).toEqual([[1, true]]);
    expect(problems[0]!.message).toMatch(/^record 1 is an event, but no header record came before it/);
    expect(traces).toMatchObject([{ format: 'unknown', vantage: 'unknown' }]);
    expect(events).toMatchObject([{ kind: 'packet_sent', packetType: 'initial', timeMs: 3 }]);
  });

  it('JSON whose top level is not a qlog object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiclens-qlog-'));
    const file = join(dir, 'other.json');
    writeFileSync(file, '{\n  "name": "package.json, not a qlog"\n}\n');
    const { problems } = await collect(file);
    expect(problems.map((p) => [p.fatal, p.message])).toEqual([[true, 'expected a "traces" array (qlog JSON, main-schema §QlogFile) or a JSON-SEQ qlog; found neither']]);
  });
});

describe('more hand-written formats', () => {
  it('IETF contained JSON: relative_to_previous_event times from an RFC 3339 epoch, per-event tuple and group', async () => {
    const { traces, events, problems } = await collect(fixture('ietf-contained.qlog'));
    expect(problems).toEqual([]);
    const epoch = Date.UTC(2023, 0, 2, 3, 4, 5, 500);
    expect(traces.map((t) => [t.format, t.vantage, t.referenceTimeMs])).toEqual([
      ['ietf', 'server', epoch],
      ['ietf', 'client', 0],
    ]);
    const first = events.filter((e) => e.trace === traces[0]);
    expect(first.map((e) => e.timeMs - epoch)).toEqual([2, 5, 5.5]);
    expect(first.map((e) => [e.pathId, e.groupId])).toEqual([
      ['', undefined],
      [undefined, undefined],
      ['path-2', 'other-connection'],
    ]);
    expect(first[2]).toMatchObject({ packetType: '1RTT', keyPhase: 0, frames: [{ frame_type: 'path_response', data: '0a0b0c0d0e0f1011' }] });
    // an epoch of 1970 makes the times themselves epoch milliseconds
    expect(events.find((e) => e.trace === traces[1])!.timeMs).toBe(1672628645000);
  });

  it('draft-02 object events: category and event, or name; packet_type beside the header', async () => {
    const { traces, events, problems } = await collect(fixture('draft02-objects.qlog'));
    expect(problems).toEqual([]);
    expect(traces[0]).toMatchObject({ format: 'draft-02', referenceTimeMs: 1_600_000_000_000 });
    expect(events.map((e) => [e.name, e.kind, e.kind === 'packet_sent' || e.kind === 'packet_received' ? [e.packetType, e.packetNumber, e.length] : null])).toEqual([
      ['transport:packet_sent', 'packet_sent', ['initial', 0, 1252]],
      ['transport:packet_received', 'packet_received', ['handshake', 0, 500]],
    ]);
  });
});
