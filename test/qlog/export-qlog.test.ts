import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { formatEndpoint } from '../../src/capture/types.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { openQlog } from '../../src/qlog/open-qlog.js';
import { QlogWriter } from '../../src/qlog/write-qlog.js';
import { cipherSuiteName } from '../../src/tls/names.js';
import { REPO, sampleCaptures } from '../support/captures.js';
import { readEndpointLogs } from '../support/endpoint-qlog.js';

/** what a packet must keep through export and read-back */
const view = (p: PacketRecord) => ({
  direction: p.direction,
  type: p.statelessReset ? 'stateless_reset' : p.header.type,
  pn: p.pn,
  dcid: p.header.dcid.toString('hex'),
  frames: p.decrypted === true ? p.frames.map((f) => f.type) : null,
  src: p.src ? formatEndpoint(p.src) : null,
  dst: p.dst ? formatEndpoint(p.dst) : null,
  time: Math.round(p.time * 1e6),
});

const ours = sampleCaptures().filter((c) => c.name.startsWith('captures/'));

describe('export qlog reads back to the packets of the capture', () => {
  it.each(ours.map((c) => [c.name, c] as const))('%s', async (_n, capture) => {
    const keylog = new KeyLog();
    if (capture.keylog) keylog.add(readFileSync(capture.keylog, 'latin1'));
    const session = new PacketSession({ keylog });
    const file = await openCapture(capture.path);
    const dir = mkdtempSync(join(tmpdir(), 'quiclens-export-'));
    const wire = new Map<number, ReturnType<typeof view>[]>();
    let writer: QlogWriter | undefined;
    for await (const ev of session.read(file)) {
      if (ev.kind !== 'packet') continue;
      writer ??= new QlogWriter(dir, (file.stats.firstTime ?? 0) * 1000, capture.name);
      writer.write(ev.packet);
      wire.set(ev.packet.connection.id, [...(wire.get(ev.packet.connection.id) ?? []), view(ev.packet)]);
    }
    // the recovery events go in among the packets: reading back must still find every packet in order
    writer!.addRecovery(session.recovery);
    const files = writer!.finish();
    expect(files).toHaveLength(2 * session.tracker.connections.length);
    for (const path of files) {
      const back = new PacketSession();
      const got: ReturnType<typeof view>[] = [];
      const problems: string[] = [];
      for await (const ev of back.read((await openQlog(path))!)) {
        // every packet appears in both traces: sent in its sender's, received in its peer's
        if (ev.kind === 'packet') got.push(view(ev.packet));
        if (ev.kind === 'issue') problems.push(ev.issue.message);
      }
      expect(problems).toEqual([]);
      expect(got.length).toBeGreaterThan(0);
      const id = Number(path.match(/connection-(\d+)-/)![1]);
      // times count from the capture's first record in both; the read-back's zero is the file's first event
      const zero = got[0]!.time - wire.get(id)![0]!.time;
      expect(got.map((g) => ({ ...g, time: g.time - zero }))).toEqual(wire.get(id));
      // the chosen ALPN travels in parameters_set and comes back
      const original = session.tracker.connections.find((c) => c.id === id)!;
      expect(back.tracker.connections[0]!.tls.encryptedExtensions?.alpn).toBe(original.tls.encryptedExtensions?.alpn);
      // and the cipher suite, as tls_cipher
      const suite = original.tls.serverHello ? cipherSuiteName(original.tls.serverHello.cipherSuite) : undefined;
      expect(back.tracker.connections[0]!.tls.loggedCipherSuite).toBe(suite);
    }
  });
});

describe("an export's traces against the endpoints' own qlogs of the same run", () => {
  const exact = ['handshake', 'retry', 'zero-rtt', 'migration', 'nat-rebinding', 'key-update', 'chacha20', 'ipv6', 'multi', 'v2-draft'];
  it.each(exact)('%s: each side sent the same packets, numbers and frame types as it logged', (scenario) => {
    const dir = join(REPO, 'captures', scenario);
    const out = mkdtempSync(join(tmpdir(), 'quiclens-export-'));
    const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'export', 'qlog', join(dir, `${scenario}.pcap`), '--keylog', join(dir, 'keys.log'), '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const written = r.stdout.trim().split('\n');
    expect(written.every((f) => existsSync(f))).toBe(true);
    const exported = readEndpointLogs(out);
    const endpoints = readEndpointLogs(join(dir, 'qlog'));
    expect(endpoints.length).toBeGreaterThan(0);
    for (const log of endpoints) {
      // ngtcp2's server names a connection after a Retry by the Retry's SCID, the export by the
      // client's first DCID: there, the trace whose last packets are the log's is its twin
      const match =
        exported.find((e) => e.vantage === log.vantage && e.groupId === log.groupId) ??
        exported.find((e) => e.vantage === log.vantage && JSON.stringify(e.sent.slice(-3)) === JSON.stringify(log.sent.slice(-3)));
      expect(match, `${log.vantage} ${log.file}`).toBeDefined();
      // a server's Retry is sent before its connection's log exists
      const sent = scenario === 'retry' && log.vantage === 'server' ? match!.sent.filter((s) => s.type !== 'retry') : match!.sent;
      expect(sent.map((s) => [s.type, s.pn, s.frames.join(',')])).toEqual(log.sent.map((s) => [s.type, s.pn, s.frames.join(',')]));
    }
    expect(dirname(written[0]!)).toBe(out);
  });
});

describe('export qlog writes the recovery events the capture implies (captures/loss)', () => {
  const dir = join(REPO, 'captures', 'loss');
  const out = mkdtempSync(join(tmpdir(), 'quiclens-export-recovery-'));

  async function exported() {
    const keylog = new KeyLog();
    keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
    const session = new PacketSession({ keylog });
    for await (const _ of session.read(await openCapture(join(dir, 'loss.pcap'))));
    const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'export', 'qlog', join(dir, 'loss.pcap'), '--keylog', join(dir, 'keys.log'), '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const files = r.stdout.trim().split('\n');
    return { session, conn: session.tracker.connections[0]!, files };
  }

  /** the JSON-SEQ records of a file, header first */
  const records = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\x1e')
      .filter((r) => r.trim() !== '')
      .map((r) => JSON.parse(r) as { time?: number; name?: string; data?: Record<string, unknown> });

  it("each side's trace has a packet_lost per loss of its packets and a metrics_updated per RTT and flight sample", async () => {
    const { session, conn, files } = await exported();
    expect(files).toHaveLength(2);
    for (const vantage of ['client', 'server'] as const) {
      const path = files.find((f) => f.endsWith(`-${vantage}.sqlog`))!;
      const events = records(path).slice(1);
      const losses = session.recovery.losses(conn).filter((l) => l.sender === vantage);
      const rtts = session.recovery.rttSamples(conn).filter((x) => x.sender === vantage);
      const flight = session.recovery.flight(conn).filter((x) => x.sender === vantage);
      expect(losses.length).toBeGreaterThan(0);
      expect(rtts.length).toBeGreaterThan(0);
      const lost = events.filter((e) => e.name === 'recovery:packet_lost');
      expect(lost.map((e) => (e.data!.header as { packet_number: number }).packet_number).sort((a, b) => a - b)).toEqual(losses.map((l) => l.pn).sort((a, b) => a - b));
      const metrics = events.filter((e) => e.name === 'recovery:metrics_updated');
      expect(metrics.filter((e) => 'smoothed_rtt' in e.data!)).toHaveLength(rtts.length);
      expect(metrics.filter((e) => 'bytes_in_flight' in e.data!)).toHaveLength(flight.length);
      // the last RTT sample's estimate, in ms
      const last = metrics.filter((e) => 'smoothed_rtt' in e.data!).at(-1)!.data!;
      expect(last.smoothed_rtt).toBeCloseTo(rtts.at(-1)!.smoothedMs, 3);
      // the window is not on the wire: never written
      expect(metrics.some((e) => 'congestion_window' in e.data!)).toBe(false);
      // the whole file in time order
      const times = events.map((e) => e.time!);
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    }
  });

  it('the events are well-formed qlog 0.3 (main-schema-03 §Event; quic-events-02 §7.2, §7.4) and read back as recovery events', async () => {
    const { files } = await exported();
    for (const path of files) {
      const [head, ...events] = records(path);
      expect(head).toMatchObject({ qlog_format: 'JSON-SEQ', qlog_version: '0.3' });
      for (const e of events.filter((x) => x.name!.startsWith('recovery:'))) {
        expect(Object.keys(e)).toEqual(['time', 'name', 'data']);
        expect(typeof e.time).toBe('number');
        if (e.name === 'recovery:packet_lost') {
          expect(Object.keys(e.data!)).toEqual(['header']);
          expect(e.data!.header).toEqual({ packet_type: expect.stringMatching(/^(initial|handshake|1RTT)$/), packet_number: expect.any(Number) });
        } else {
          expect(e.name).toBe('recovery:metrics_updated');
          for (const [k, v] of Object.entries(e.data!)) {
            expect(['min_rtt', 'smoothed_rtt', 'latest_rtt', 'rtt_variance', 'bytes_in_flight']).toContain(k);
            expect(v).toBeGreaterThanOrEqual(0);
          }
        }
      }
      // our own reader: no problem, and the events typed as recovery events, the sender's own
      const back = new PacketSession();
      const problems: string[] = [];
      for await (const ev of back.read((await openQlog(path))!)) if (ev.kind === 'issue') problems.push(ev.issue.message);
      expect(problems).toEqual([]);
      const r = back.loggedRecovery(back.tracker.connections[0]!)!;
      expect(r.vantage).toBe(path.endsWith('-server.sqlog') ? 'server' : 'client');
      expect(r.lost.total).toBe(events.filter((e) => e.name === 'recovery:packet_lost').length);
      expect(r.metrics.updates).toBe(events.filter((e) => e.name === 'recovery:metrics_updated').length);
    }
  });
});
