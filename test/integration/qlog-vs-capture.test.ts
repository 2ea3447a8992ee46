import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { openQlog } from '../../src/qlog/open-qlog.js';
import { sampleCaptures, type SampleCapture } from '../support/captures.js';
import { FIXTURES } from '../support/vectors.js';

function keylogOf(c: SampleCapture): KeyLog {
  const keylog = new KeyLog();
  if (c.keylog) keylog.add(readFileSync(c.keylog, 'latin1'));
  return keylog;
}

async function captureSession(c: SampleCapture): Promise<PacketSession> {
  const s = new PacketSession({ keylog: keylogOf(c) });
  for await (const _ of s.read(await openCapture(c.path)));
  return s;
}

async function qlogSession(path: string): Promise<{ session: PacketSession; problems: string[] }> {
  const s = new PacketSession();
  const problems: string[] = [];
  for await (const ev of s.read((await openQlog(path))!)) if (ev.kind === 'issue') problems.push(ev.issue.message);
  return { session: s, problems };
}

/** the scenarios whose packets the wire and the logs see alike (no loss, no second leg, no drops, no records cut out) */
const EXACT = (scenario: string) => !['loss', 'kernel-drops', 'gap', 'proxy-legs', 'nginx-lb', 'netem-loss', 'netem-hol'].includes(scenario);
/**
 * How many packets the capture may hold that the receiver never logged: those still on their
 * way when it closed its log. On loopback a few; the netem captures were taken in a router
 * 15 ms from each endpoint, so everything the server sent in the client's last 15 ms
 * (in a first recording of netem-delay, five ACKs) was captured and never arrived.
 */
const receivedSlack = (scenario: string) => (scenario.startsWith('netem-') ? 12 : 4);

const withLogs = sampleCaptures().filter((c) => c.name.startsWith('captures/') && existsSync(join(dirname(c.path), 'qlog')));

describe('each endpoint qlog gives the connection, handshake and migrations of its capture', () => {
  const cases = withLogs.flatMap((c) => readdirSync(join(dirname(c.path), 'qlog')).map((f) => [`${c.name.split('/')[1]}/${f}`, c, join(dirname(c.path), 'qlog', f)] as const));
  it.each(cases)('%s', async (_name, capture, file) => {
    const scenario = capture.name.split('/')[1]!;
    const [wire, { session: log, problems }] = await Promise.all([captureSession(capture), qlogSession(file)]);
    // ngtcp2's last record may be cut off when the endpoint is killed; nothing else may be wrong
    expect(problems.filter((m) => !/cut short/.test(m))).toEqual([]);
    expect(log.tracker.connections).toHaveLength(1);
    const conn = log.tracker.connections[0]!;
    const vantage = conn.log!.vantage;
    // the server names the client's first DCID in its transport parameters, and ngtcp2's
    // group_id is that DCID: the capture's connection of the same name
    // quiclens joins a client's attempts around Version Negotiation into one connection (RFC
    // 9000 §6.2); ngtcp2 logs each attempt apart: a log is held against its own attempt
    const twin = wire.tracker.connections.find((c) => c.originalDcid === conn.originalDcid || c.abandonedAttempts?.some((a) => a.originalDcid === conn.originalDcid)) as Connection;
    expect(twin, `no captured connection with original DCID ${conn.originalDcid}`).toBeDefined();
    const attempts = (twin.abandonedAttempts ?? []).map((a) => a.originalDcid);
    const attempt = attempts.includes(conn.originalDcid) ? attempts.indexOf(conn.originalDcid) : attempts.length;

    const events = (s: PacketSession, c: Connection) => {
      const all = s.timeline.summary(c).events;
      if (s !== wire) return all.map((e) => e.event);
      const starts = all.flatMap((e, i) => (e.restart ? [i] : []));
      return all.slice(attempt === 0 ? 0 : starts[attempt - 1], starts[attempt] ?? all.length).map((e) => e.event);
    };
    // ngtcp2 logs no key phase: a key update cannot be seen in its logs. A server sends its
    // Retry before the connection exists, so its log holds no Retry (the handshake summary
    // still knows one happened, from retry_source_connection_id)
    const unseen = new Set(['key_update', ...(vantage === 'server' ? ['retry'] : [])]);
    const wireEvents = events(wire, twin).filter((e) => !unseen.has(e));
    // nor the client's first Initial, the one the Retry answered: the ladder draws both
    if (vantage === 'server' && wireEvents.includes('retry') === false && events(wire, twin).includes('retry')) wireEvents.splice(wireEvents.indexOf('client_initial'), 1);
    const logEvents = events(log, conn);
    expect(logEvents.filter((e) => unseen.has(e))).toEqual([]);
    // a datagram holds several packets a log lists one by one: events at one instant may sort either way
    const fate = (e: string) => e === 'zero_rtt_accepted' || e === 'zero_rtt_rejected';
    expect([...logEvents].sort()).toEqual([...(EXACT(scenario) ? wireEvents : logEvents)].sort());
    expect(logEvents.filter((e) => !fate(e))).toEqual(EXACT(scenario) ? wireEvents.filter((e) => !fate(e)) : logEvents.filter((e) => !fate(e)));
    if (!EXACT(scenario)) expect(new Set(logEvents)).toEqual(new Set(wireEvents));
    const hs = (s: PacketSession, c: Connection) => {
      const h = s.timeline.summary(c);
      return { complete: h.complete, roundTrips: h.roundTrips, retry: h.retry, versionNegotiation: h.versionNegotiation };
    };
    if (attempts.length === 0) expect(hs(log, conn)).toEqual(hs(wire, twin));
    else {
      // the joined connection counts the Version Negotiation round trip; each log sees its attempt
      expect(hs(wire, twin)).toMatchObject({ complete: true, roundTrips: 2, versionNegotiation: true });
      expect(hs(log, conn)).toMatchObject(attempt === 0 ? { complete: false, versionNegotiation: true } : { complete: true, roundTrips: 1, versionNegotiation: false });
    }

    // a log may know less than the capture, never more: its findings are the capture's, or
    // say what it cannot tell (0-RTT whose requests it does not hold)
    const wireCodes = new Set(wire.findings().filter((f) => f.connection === twin.id).map((f) => f.code));
    expect(log.findings().map((f) => f.code).filter((code) => !wireCodes.has(code) && code !== 'zero_rtt_unaudited')).toEqual([]);
    const moves = (s: PacketSession, c: Connection) => s.paths.migrations(c).map((m) => ({ kind: m.kind, validated: m.validated }));
    if (scenario === 'nginx-lb') {
      // nginx sent the moved client to a server that never knew it. The capture shows the move
      // (active, not validated); the client's log, without addresses, shows unanswered
      // probes, which cannot be told from a move; the first server's log shows nothing
      expect(moves(wire, twin)).toEqual([{ kind: 'active', validated: false }]);
      expect(moves(log, conn)).toEqual(vantage === 'client' ? [{ kind: 'probe_only', validated: false }] : []);
    } else expect(moves(log, conn)).toEqual(moves(wire, twin));

    if (EXACT(scenario)) {
      // what the writer sent is what the wire carried from its side, packet for packet; it
      // may have received less (packets after it closed its log)
      const counts = async (s: PacketSession, path: string, originalDcid: string | null, open: (p: string) => Promise<unknown>) => {
        const n = { sent: 0, received: 0 };
        const fresh = new PacketSession(s === wire ? { keylog: keylogOf(capture) } : {});
        for await (const ev of fresh.read((await open(path)) as never)) {
          // a packet's connection as it passes: the attempt it belongs to
          if (ev.kind !== 'packet' || ev.packet.connection.originalDcid !== originalDcid) continue;
          if (ev.packet.direction === vantage) n.sent++;
          else n.received++;
        }
        return n;
      };
      const onWire = await counts(wire, capture.path, conn.originalDcid, openCapture);
      const logged = await counts(log, file, conn.originalDcid, async (p) => openQlog(p));
      // the server's Retry went out before its connection (and its log) existed
      const statelessRetry = scenario === 'retry' && vantage === 'server' ? 1 : 0;
      expect(logged.sent).toBe(onWire.sent - statelessRetry);
      expect(logged.received).toBeLessThanOrEqual(onWire.received);
      expect(logged.received).toBeGreaterThan(onWire.received - receivedSlack(scenario));
    }
  });
});

describe("the third-party qlogs in test/fixtures/qlogs (pcap2qlog, made from captures) against those captures", () => {
  const fixture = (f: string) => join(FIXTURES, f);
  it.each([
    ['pcap2qlog-draft01-new-cid.qlog', 'captures-ext/new-cid-draft.pcap', 'captures-ext/new-cid-draft.keys'],
    ['pcap2qlog-draft02-ngtcp2-draft29.qlog', 'captures-ext/ngtcp2-draft29-dsb.pcapng', undefined],
  ] as const)('%s', async (qlog, pcap, keys) => {
    const [wire, { session: log, problems }] = await Promise.all([
      captureSession({ name: pcap, path: fixture(pcap), ...(keys ? { keylog: fixture(keys) } : {}) }),
      qlogSession(fixture(join('qlogs', qlog))),
    ]);
    expect(problems).toEqual([]);
    // pcap2qlog splits the Retry from the rest of the connection; it is read back as one
    expect(log.tracker.connections.map((c) => [c.client, c.server, c.version, c.packets])).toEqual(wire.tracker.connections.map((c) => [c.client, c.server, c.version, c.packets]));
    const [l, w] = [log.tracker.connections[0]!, wire.tracker.connections[0]!];
    expect(l.log!.vantage).toBe('network');
    const events = (s: PacketSession, c: Connection) => s.timeline.summary(c).events.map((e) => e.event);
    expect(events(log, l)).toEqual(events(wire, w));
    // facts name frames: a qlog's are its event numbers
    const { events: _e, confirmedAt: _c, durationMs: _d, facts: _f, ...hs } = log.timeline.summary(l);
    const { events: _we, confirmedAt: _wc, durationMs: _wd, facts: _wf, ...whs } = wire.timeline.summary(w);
    // a HelloRetryRequest is TLS, which a qlog does not carry: the capture knows one more round trip's reason
    const tlsOnly = whs.roundTripReasons.filter((r) => r === 'HelloRetryRequest').length;
    expect(hs).toEqual({ ...whs, roundTrips: whs.roundTrips! - tlsOnly, roundTripReasons: whs.roundTripReasons.filter((r) => r !== 'HelloRetryRequest') });
    expect(log.paths.migrations(l)).toEqual(wire.paths.migrations(w));
  });

  it('pcap2qlog-draft01-spin-bit.qlog (no capture): one draft-22 connection, its handshake and both closes', async () => {
    const { session, problems } = await qlogSession(fixture('qlogs/pcap2qlog-draft01-spin-bit.qlog'));
    expect(problems).toEqual([]);
    const [c] = session.tracker.connections;
    expect(session.tracker.connections).toHaveLength(1);
    expect([c!.client, c!.server, c!.version, c!.packets]).toEqual([{ ip: '66.70.231.124', port: 52740 }, { ip: '51.15.3.76', port: 4433 }, 0xff000016, 21]);
    const h = session.timeline.summary(c!);
    expect(h).toMatchObject({ complete: true, roundTrips: 1, retry: false });
    expect(h.events.filter((e) => e.event === 'connection_close').map((e) => e.by)).toEqual(['client', 'server']);
    expect(c!.tls.encryptedExtensions?.alpn).toBe('hq-22');
  });
});

describe('0-RTT that cannot be judged is said to be so', () => {
  it("zero-rtt-post: the logs show the 0-RTT packet but not its POST; the capture without keys neither; with keys, the POST is flagged", async () => {
    const dir = join(dirname(withLogs[0]!.path), '..', 'zero-rtt-post');
    const codes = (s: PacketSession) => s.findings().map((f) => f.code);
    const logs = await Promise.all(readdirSync(join(dir, 'qlog')).map((f) => qlogSession(join(dir, 'qlog', f))));
    // the resumed connection's two logs: the client's and the server's
    expect(logs.flatMap(({ session }) => codes(session)).sort()).toEqual(['zero_rtt_unaudited', 'zero_rtt_unaudited']);
    const capture = { name: 'zero-rtt-post', path: join(dir, 'zero-rtt-post.pcap') };
    expect(codes(await captureSession(capture))).toEqual(['zero_rtt_unaudited']);
    expect(codes(await captureSession({ ...capture, keylog: join(dir, 'keys.log') }))).toEqual(['zero_rtt_non_idempotent']);
  });
});
