import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/analysis/connection.js';
import type { ConnectionRecoveryReport } from '../../src/analysis/recovery/recovery-report.js';
import type { LossEvent } from '../../src/analysis/recovery/recovery-events.js';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import { declaredLost, finalMetrics, readEndpointLogs, type EndpointLog } from '../support/endpoint-qlog.js';

// The recovery analysis held to both endpoints' own logs (issue 13, "Truth"): the losses the
// capture shows against the packets each sender declared lost (qlog recovery:packet_lost),
// the RTT measured at the capture point against each endpoint's metrics_updated.

interface Run {
  report: ConnectionRecoveryReport;
  losses: LossEvent[];
  logs: Record<Role, EndpointLog>;
}

const cache = new Map<string, Promise<Run>>();
const run = (name: string, file = name) => {
  if (!cache.has(name)) cache.set(name, load(name, file));
  return cache.get(name)!;
};

async function load(name: string, file: string): Promise<Run> {
  const dir = join(REPO, 'captures', name);
  const keylog = new KeyLog();
  keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
  const session = new PacketSession({ keylog });
  for await (const ev of session.read(await openCapture(join(dir, `${file}.pcap`)))) void ev;
  const [conn] = session.tracker.connections;
  const logs = readEndpointLogs(join(dir, 'qlog'));
  return {
    report: session.recovery.report(conn!)!,
    losses: session.recovery.losses(conn!),
    logs: { client: logs.find((l) => l.vantage === 'client')!, server: logs.find((l) => l.vantage === 'server')! },
  };
}

const spaceOf = (qlogType: string) => (qlogType === '1RTT' || qlogType === '0RTT' ? 'application' : qlogType);

/** the sender's own log: whether it sent this packet with a frame other than ACK, PADDING, CONNECTION_CLOSE (RFC 9002 §2) */
function ackEliciting(log: EndpointLog, space: string, pn: number): boolean {
  const sent = log.sent.find((s) => spaceOf(s.type) === space && s.pn === pn);
  return sent !== undefined && sent.frames.some((f) => f !== 'ack' && f !== 'padding' && f !== 'connection_close');
}

/** what the capture found lost (not spurious), and what the sender declared, as "space/pn" */
function compare(r: Run, sender: Role) {
  const found = r.losses.filter((l) => l.sender === sender && !l.spurious);
  const mine = new Set(found.map((l) => `${l.space}/${l.pn}`));
  const declared = new Set(declaredLost(r.logs[sender]).map((d) => `${spaceOf(d.type)}/${d.pn}`));
  const eliciting = found.filter((l) => ackEliciting(r.logs[sender], l.space, l.pn));
  return { found, mine, declared, eliciting };
}

const within = (ours: number, theirs: number, share: number) => expect(Math.abs(ours - theirs), `${ours} against ${theirs}`).toBeLessThanOrEqual(theirs * share);

describe.each([
  // [capture folder, what the sides did]
  ['loss', 'ngtcp2 -t/-r 0.1 on loopback: each side drops 10% of what it sends (before the wire) and receives (after it)'],
  ['netem-loss', '2% loss each way in a relay on the path, captured between the relay and the server'],
  ['netem-hol', '3% loss each way in the relay'],
  ['netem-delay', 'no loss'],
] as const)('captures/%s: losses against what each sender declared lost (%s)', (name, _how) => {
  it.each(['client', 'server'] as const)('%s: every packet it declared lost, the capture finds lost, and the ack-eliciting ones found are within 2 of those declared', async (sender) => {
    const r = await run(name);
    const { found, mine, declared, eliciting } = compare(r, sender);
    expect([...declared].filter((d) => !mine.has(d))).toEqual([]);
    expect(Math.abs(eliciting.length - declared.size)).toBeLessThanOrEqual(2);
    // the rest held only ACKs (and padding): a sender tracks no loss of those (RFC 9002 §2, §6)
    for (const l of found.filter((x) => !eliciting.includes(x))) expect(declared.has(`${l.space}/${l.pn}`)).toBe(false);
    const d = r.report.directions.find((x) => x.sender === sender)!;
    expect(d.lostAfterCapture! + d.lostBeforeCapture!).toBe(found.length);
  });
});

describe('the split at the capture point', () => {
  it('captures/loss: the losses before the capture point are the packets its sender logged and -t dropped before the wire; those after it crossed the wire', async () => {
    const r = await run('loss');
    const sentByServer = new Set(r.logs.server.sent.map((s) => `${spaceOf(s.type)}/${s.pn}`));
    const before = r.losses.filter((l) => l.sender === 'server' && l.where === 'before_capture');
    const after = r.losses.filter((l) => l.sender === 'server' && l.where === 'after_capture');
    expect(before.length).toBeGreaterThan(5);
    expect(after.length).toBeGreaterThan(5);
    for (const l of before) expect(sentByServer.has(`${l.space}/${l.pn}`)).toBe(true);
    // a server data packet lost after the capture point: its STREAM bytes were sent again, and the capture saw that
    for (const l of after) {
      expect(l.frame).not.toBeNull();
      expect(l.retransmission, `server pn ${l.pn}`).not.toBeNull();
      expect(l.evidence).toBe('proven');
    }
  });

  it('captures/netem-loss: captured at the server end, the server lost its 20 after the capture point, the client its 8 before it (captures/README.md)', async () => {
    const r = await run('netem-loss');
    const [c, s] = r.report.directions;
    expect([c!.lostBeforeCapture, c!.lostAfterCapture, s!.lostBeforeCapture, s!.lostAfterCapture]).toEqual([8, 0, 0, 20]);
    expect(c!.missedByCapture).toBe(0);
  });
});

describe('RTT at the capture point against the endpoints', () => {
  it('captures/loss (loopback): each endpoint logs whole milliseconds, and both legs together come within 1 ms of each', async () => {
    const r = await run('loss');
    for (const side of ['client', 'server'] as const) {
      const m = finalMetrics(r.logs[side]);
      expect(Math.abs(r.report.endToEndRtt!.smoothedMs - m.smoothedRtt!)).toBeLessThanOrEqual(1);
    }
  });

  // captured next to the server: the server's RTT is the capture's two legs (its own leg,
  // capture→server→capture, is under a millisecond); the client's RTT is the same path
  it.each(['netem-loss', 'netem-hol', 'netem-delay'])('captures/%s: min RTT within 10%% of both endpoints, smoothed within 10%% of the server', async (name) => {
    const r = await run(name);
    const e2e = r.report.endToEndRtt!;
    for (const side of ['client', 'server'] as const) within(e2e.minMs, finalMetrics(r.logs[side]).minRtt!, 0.1);
    within(e2e.smoothedMs, finalMetrics(r.logs.server).smoothedRtt!, 0.1);
    const serverLeg = r.report.directions[0]!.rtt!;
    expect(serverLeg.leg).toBe('capture→server→capture');
    expect(serverLeg.minMs).toBeLessThan(1);
  });

  it.each(['netem-loss', 'netem-hol'])("captures/%s: smoothed within 10%% of the client's too", async (name) => {
    const r = await run(name);
    within(r.report.endToEndRtt!.smoothedMs, finalMetrics(r.logs.client).smoothedRtt!, 0.1);
  });
});
