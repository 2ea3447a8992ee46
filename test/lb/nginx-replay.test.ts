import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { readDatagrams } from '../../src/capture/read-datagrams.js';
import { formatEndpoint } from '../../src/capture/types.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { readFileSync } from 'node:fs';
import { readLbConfig } from '../../src/lb/read-config.js';
import { LbReplay } from '../../src/lb/replay.js';
import { REPO } from '../support/captures.js';

// captures/nginx-lb: Debian's nginx 1.22 as a stream UDP balancer (hash $remote_addr$remote_port)
// in front of two ngtcp2 servers; the client moves to a new port mid-transfer (record.sh)
const dir = join(REPO, 'captures', 'nginx-lb');
const pcap = join(dir, 'nginx-lb.pcap');
const conf = join(dir, 'nginx.conf');
const LISTEN_PORT = 4433;

/** where nginx really sent each client datagram: the next datagram to a backend with the same bytes */
async function forwarded(): Promise<Map<number, string>> {
  const pending: { frame: number; payload: string }[] = [];
  const out = new Map<number, string>();
  for await (const ev of readDatagrams(await openCapture(pcap))) {
    if (ev.kind !== 'datagram') continue;
    const d = ev.datagram;
    const bytes = d.payload.toString('hex');
    if (d.dst.port === LISTEN_PORT) pending.push({ frame: d.frame, payload: bytes });
    else if (d.dst.port === 4501 || d.dst.port === 4502) {
      const i = pending.findIndex((x) => x.payload === bytes);
      if (i >= 0) out.set(pending.splice(i, 1)[0]!.frame, formatEndpoint(d.dst));
    }
  }
  return out;
}

describe('nginx stream replay against what nginx really did (captures/nginx-lb)', () => {
  it('names the backend nginx chose for every client packet, including the migration that moved', async () => {
    const truth = await forwarded();
    expect(new Set(truth.values())).toEqual(new Set(['127.0.0.1:4501', '127.0.0.1:4502']));
    const keylog = new KeyLog();
    keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
    const session = new PacketSession({ keylog });
    const replay = new LbReplay(readLbConfig(conf).listeners);
    const ours = new Map<number, string | null>();
    for await (const ev of session.read(await openCapture(pcap))) {
      if (ev.kind !== 'packet') continue;
      const pick = replay.observe(ev.packet);
      if (pick) ours.set(ev.packet.frame, pick.backend);
    }
    expect(ours.size).toBe(truth.size);
    for (const [frame, backend] of truth) expect({ frame, backend: ours.get(frame) }).toEqual({ frame, backend });
    const [conn] = replay.result();
    const firstOther = [...truth].find(([, b]) => b !== truth.values().next().value)![0];
    expect(conn!.firstMovedFrame).toBe(firstOther);
    expect(conn!.backends).toHaveLength(2);
  });

  it('lb check exits 1 and names the frame where the connection would move', () => {
    let status = 0;
    let stdout = '';
    try {
      stdout = execFileSync('node', [join(REPO, 'bin/quiclens.js'), 'lb', 'check', conf, '--capture', pcap, '--keylog', join(dir, 'keys.log'), '--format', 'json'], { encoding: 'utf8' });
    } catch (err) {
      const e = err as { status: number; stdout: string };
      status = e.status;
      stdout = e.stdout;
    }
    expect(status).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.listeners[0]).toMatchObject({ kind: 'nginx-stream-udp', listen: '127.0.0.1:4433', routingKey: 'source_address_port', line: 15 });
    expect(doc.listeners[0].verdicts).toEqual({ portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' });
    expect(doc.replay.connections).toHaveLength(1);
    expect(doc.replay.connections[0].firstMovedFrame).toBeGreaterThan(1);
    expect(doc.replay.connections[0].backends).toEqual(expect.arrayContaining(['127.0.0.1:4501', '127.0.0.1:4502']));
  });
});
