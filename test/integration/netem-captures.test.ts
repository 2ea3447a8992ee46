import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import {
  declaredLost,
  droppedPackets,
  finalMetrics,
  readEndpointLogs,
  receivedStreamGaps,
  rttMetrics,
  sentPackets,
  type EndpointLog,
} from '../support/endpoint-qlog.js';

// The netem captures (captures/README.md, record.sh netem_path): client — router — server,
// 15 ms each way, captured in the router on its server-facing interface. These tests hold
// what the README says about them to the endpoints' own logs, the ground truth the recovery
// analysis is checked against. Each fact could be false of another recording.

interface Scenario {
  logs: { client: EndpointLog; server: EndpointLog };
  /** "direction/type/pn" of every packet in the capture */
  captured: Set<string>;
}

const cache = new Map<string, Promise<Scenario>>();

function scenario(name: string): Promise<Scenario> {
  if (!cache.has(name)) cache.set(name, load(name));
  return cache.get(name)!;
}

async function load(name: string): Promise<Scenario> {
  const dir = join(REPO, 'captures', name);
  const keylog = new KeyLog();
  keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
  const session = new PacketSession({ keylog });
  const captured = new Set<string>();
  for await (const ev of session.read(await openCapture(join(dir, `${name}.pcap`)))) {
    if (ev.kind === 'packet' && typeof ev.packet.pn === 'number') captured.add(key(ev.packet.direction, ev.packet.header.type, ev.packet.pn));
  }
  const logs = readEndpointLogs(join(dir, 'qlog'));
  expect(logs.map((l) => l.vantage).sort()).toEqual(['client', 'server']);
  return { logs: { client: logs.find((l) => l.vantage === 'client')!, server: logs.find((l) => l.vantage === 'server')! }, captured };
}

/** qlog writes "1RTT", quiclens "1rtt": one spelling for both */
const key = (direction: string, type: string, pn: number) => `${direction}/${type.toLowerCase()}/${pn}`;

describe('netem-loss: eight requests over 15 ms each way with 2% loss, captured in the router', () => {
  it('both endpoints declared losses, the server many more (its data packets, not the client ACKs, are ack-eliciting)', async () => {
    const { logs } = await scenario('netem-loss');
    expect(declaredLost(logs.server).length).toBeGreaterThanOrEqual(10);
    expect(declaredLost(logs.client).length).toBeGreaterThanOrEqual(1);
    expect(declaredLost(logs.client).length).toBeLessThan(declaredLost(logs.server).length);
  });

  it('every packet the server declared lost is in the capture and never reached the client: lost after the capture point', async () => {
    const { logs, captured } = await scenario('netem-loss');
    const lost = declaredLost(logs.server);
    const arrived = new Set(logs.client.received.map((p) => `${p.type}/${p.pn}`));
    expect(lost.filter((l) => !captured.has(key('server', l.type, l.pn)))).toEqual([]);
    expect(lost.filter((l) => arrived.has(`${l.type}/${l.pn}`))).toEqual([]);
    // and nothing the server sent is missing from the capture: it is captured on arrival
    expect(sentPackets(logs.server).filter((p) => !captured.has(key('server', p.type, p.pn!)))).toEqual([]);
  });

  it('some client packets the client logged as sent are not in the capture: lost before the capture point', async () => {
    const { logs, captured } = await scenario('netem-loss');
    const missing = sentPackets(logs.client).filter((p) => !captured.has(key('client', p.type, p.pn!)));
    expect(missing.length).toBeGreaterThanOrEqual(3);
    // none reached the server either: the router dropped them before its server-facing interface
    const arrived = new Set(logs.server.received.map((p) => `${p.type}/${p.pn}`));
    expect(missing.filter((p) => arrived.has(`${p.type}/${p.pn}`))).toEqual([]);
    // what the client declared lost is among them: a captured client packet always arrived
    const missed = new Set(missing.map((p) => `${p.type}/${p.pn}`));
    expect(declaredLost(logs.client).filter((l) => !missed.has(`${l.type}/${l.pn}`))).toEqual([]);
  });

  it('both RTT estimators settled near the path RTT: 2 × 15 ms plus the relay and the endpoints', async () => {
    const { logs } = await scenario('netem-loss');
    for (const log of [logs.client, logs.server]) {
      const last = finalMetrics(log);
      // no RTT sample can be under the 30 ms the relay holds packets for
      expect(last.minRtt).toBeGreaterThanOrEqual(30);
      expect(last.minRtt).toBeLessThanOrEqual(35);
      expect(last.smoothedRtt).toBeGreaterThanOrEqual(25);
      expect(last.smoothedRtt).toBeLessThanOrEqual(60);
      expect(last.congestionWindow).toBeGreaterThan(0);
    }
  });

  it('the metrics series: ms since each trace began, min_rtt absent until the first sample', async () => {
    const { logs } = await scenario('netem-loss');
    expect(logs.client.timeFormat).toBe('relative');
    const series = rttMetrics(logs.client);
    expect(series.length).toBeGreaterThan(1000);
    expect(series[0]!.minRtt).toBeUndefined();
    expect(series[0]!.smoothedRtt).toBeDefined();
    const times = series.map((s) => s.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // the transfer took seconds over this path, not the milliseconds of loopback
    expect(times.at(-1)!).toBeGreaterThan(1000);
    // ngtcp2 0.12 logs no packet_dropped
    expect(droppedPackets(logs.client)).toEqual([]);
    expect(droppedPackets(logs.server)).toEqual([]);
  });
});

describe('netem-delay: the same path without loss', () => {
  it('nobody declared a loss and every packet either side sent is in the capture', async () => {
    const { logs, captured } = await scenario('netem-delay');
    expect(declaredLost(logs.client)).toEqual([]);
    expect(declaredLost(logs.server)).toEqual([]);
    for (const log of [logs.client, logs.server]) {
      expect(sentPackets(log).filter((p) => !captured.has(key(log.vantage, p.type, p.pn!)))).toEqual([]);
    }
  });

  it('min RTT is the path: 30 ms held by the relay, at most a few ms more', async () => {
    const { logs } = await scenario('netem-delay');
    for (const log of [logs.client, logs.server]) {
      const last = finalMetrics(log);
      expect(last.minRtt).toBeGreaterThanOrEqual(30);
      expect(last.minRtt).toBeLessThanOrEqual(33);
      expect(last.smoothedRtt).toBeGreaterThanOrEqual(30);
      expect(last.smoothedRtt).toBeLessThanOrEqual(60);
    }
  });
});

describe('netem-hol: a loss blocks one request stream while another keeps delivering', () => {
  it("the client's log shows stream 8 waiting on a hole while stream 12 arrived in order", async () => {
    const { logs } = await scenario('netem-hol');
    const confined = receivedStreamGaps(logs.client).filter((g) => g.delivered.size > 0);
    expect(confined.map((g) => g.streamId)).toEqual([8]);
    const gap = confined[0]!;
    expect(gap.delivered.get(12)).toBeGreaterThan(4000);
    // the hole was open about one RTT: the loss was detected and the data sent again
    expect(gap.filledAt - gap.openedAt).toBeGreaterThanOrEqual(30);
    expect(gap.filledAt - gap.openedAt).toBeLessThan(100);
  });

  it('the hole is a packet the server declared lost, captured on its way to the client', async () => {
    const { logs, captured } = await scenario('netem-hol');
    const gap = receivedStreamGaps(logs.client).find((g) => g.delivered.size > 0)!;
    const lost = new Set(declaredLost(logs.server).map((l) => `${l.type}/${l.pn}`));
    const carrier = sentPackets(logs.server).find(
      (p) => lost.has(`${p.type}/${p.pn}`) && p.streams.some((s) => s.streamId === gap.streamId && s.offset === gap.offset),
    );
    expect(carrier).toBeDefined();
    expect(captured.has(key('server', carrier!.type, carrier!.pn!))).toBe(true);
    // and the same bytes went out again in a later packet
    const again = sentPackets(logs.server).filter(
      (p) => p.pn! > carrier!.pn! && p.streams.some((s) => s.streamId === gap.streamId && s.offset === gap.offset),
    );
    expect(again.length).toBeGreaterThanOrEqual(1);
  });
});
