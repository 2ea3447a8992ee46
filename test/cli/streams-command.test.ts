import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('quiclens streams', () => {
  it('prints the learner\'s case from captures/netem-hol: the blocked stream, the one that kept delivering, the TCP sentence', () => {
    const r = quiclens('streams', 'captures/netem-hol/netem-hol.pcap', '--keylog', 'captures/netem-hol/keys.log', '--no-color');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/│ 8 +│ client +│ bidi request +│ 16 FIN +│ 40018 \(1401 again\) FIN +│/);
    expect(r.out).toContain('stream 8 (server\'s bytes) waited 48 ms, 0.296 s to 0.344 s, filled by frame 163');
    expect(r.out).toContain('packet 92 (frame 136) lost after the capture point; meanwhile stream 12 kept delivering');
    expect(r.out).toContain('stream 8 waited 48 ms for its own loss (packet 92, frame 136; repaired by frame 163); stream 12 would have waited 24 ms too under TCP, and waited 0 ms here');
  });

  it('says the streams are unknown without keys, and why', () => {
    const r = quiclens('streams', 'captures/handshake/handshake.pcap', '--no-color');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/streams: unknown — encrypted: no key log for this connection: none of the \d+ 0-RTT\/1-RTT packets could be read/);
    expect(r.out).not.toMatch(/0 streams|none: no stream/);
  });

  it('writes one connection per line with --format ndjson, the fields docs/json.md names', () => {
    const r = quiclens('streams', 'captures/zero-rtt/zero-rtt.pcap', '--keylog', 'captures/zero-rtt/keys.log', '--format', 'ndjson');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((c) => c.connection)).toEqual([1, 2]);
    expect(Object.keys(lines[1])).toEqual(['connection', 'client', 'server', 'known', 'model', 'streams', 'stalls', 'stallsOmitted', 'untrackedStreams', 'unfilled', 'tcp', 'tcpOmitted', 'unsettledPackets', 'uncapturedBytes', 'earlyData']);
    expect(lines[1].earlyData).toMatchObject({ attempted: true, bytes: 66, maxEarlyDataSize: 4294967295, withinLimit: true, requests: [0] });
    expect(lines[1].streams.find((s: { id: number }) => s.id === 0).client.firstTime).toBeLessThan(lines[1].streams.find((s: { id: number }) => s.id === 0).server.firstTime);
  });
});

describe('quiclens streams on a log', () => {
  it('counts the streams from the frames logged, and says the waits are unknown, not 0', () => {
    const r = quiclens('streams', 'captures/netem-hol/qlog/c7ce5c9d4f9f70a6496e2ef17c57bc21520f.sqlog', '--format', 'json');
    expect(r.code).toBe(0);
    const [c] = JSON.parse(r.out).connections;
    expect(c.model.evidence).toBe('unknown');
    const s8 = c.streams.find((s: { id: number }) => s.id === 8);
    // the server logged stream 8's 40,018 bytes, 1,401 of them twice (pn 92's, sent again)
    expect(s8.server).toMatchObject({ bytes: 40018, retransmittedBytes: 1401, fin: true });
    expect([s8.quicWaitMs, s8.tcpWaitMs, s8.tcpExtraMs]).toEqual([null, null, null]);
    const table = quiclens('streams', 'captures/netem-hol/qlog/c7ce5c9d4f9f70a6496e2ef17c57bc21520f.sqlog', '--no-color').out;
    expect(table).toMatch(/│ 8 +│ client +│ bidi +│ 16 FIN +│ 40018 \(1401 again\) FIN +│ [^│]+│ +│ unknown +│ unknown +│/);
  });
});
