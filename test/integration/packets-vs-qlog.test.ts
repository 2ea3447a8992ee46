import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { sampleCaptures } from '../support/captures.js';
import { readEndpointLogs } from '../support/endpoint-qlog.js';

// Ground truth where tshark fails: every packet an endpoint logged as sent must be on the
// wire, in order, with its type, in the connection whose original DCID is the qlog's
// group_id. Scenarios where the endpoint itself drops packets (`-t`), the kernel drops
// them from the capture or editcap cut a run out (gap) only need the wire's packets to
// be a subsequence of the log; so do the netem captures with loss, whose router drops some
// client packets before the capture point.
const LOSSY = new Set(['loss', 'kernel-drops', 'gap', 'netem-loss', 'netem-hol']);

const withQlogs = sampleCaptures().filter((c) => existsSync(join(dirname(c.path), 'qlog')));

describe('packets on the wire are the packets the endpoints logged as sent', () => {
  it.each(withQlogs.map((c) => [c.name, c] as const))('%s', async (_name, capture) => {
    // with the key log: a GSO batch sent to a zero-length CID (chromium-gso) splits only
    // where the AEAD verifies each segment
    const keylog = new KeyLog();
    if (capture.keylog) keylog.add(readFileSync(capture.keylog, 'latin1'));
    const session = new PacketSession({ keylog });
    // "client/<connection id>/<server-side address>" -> types in order: a capture on a
    // proxy sees each packet on two legs, and each leg must carry all of them
    const wire = new Map<string, string[]>();
    for await (const ev of session.read(await openCapture(capture.path))) {
      if (ev.kind !== 'packet') continue;
      const p = ev.packet;
      const server = (p.direction === 'client' ? p.dst : p.src)!;
      // a move to the server's preferred address (RFC 9000 §9.6) changes the server's address
      // within one leg: the packets on both addresses are one sequence
      const side = capture.name.includes('preferred-address') ? 'one leg' : `${server.ip}:${server.port}`;
      // each attempt around Version Negotiation is logged apart (RFC 9000 §6.2)
      const key = `${p.direction}/${p.connection.id}.${p.connection.abandonedAttempts?.length ?? 0}/${side}`;
      wire.set(key, [...(wire.get(key) ?? []), p.header.type]);
    }
    const legsOf = (prefix: string) => [...wire.entries()].filter(([k]) => k.startsWith(`${prefix}/`)).map(([, t]) => t);
    // ngtcp2's group_id is the DCID the client's Initials carry: the original one, or after
    // a Retry the server's new CID
    const connectionOf = (groupId: string) => {
      const c = session.tracker.connections.find((x) => x.originalDcid === groupId || x.serverCids.has(groupId));
      const abandoned = (c?.abandonedAttempts ?? []).findIndex((a) => a.originalDcid === groupId);
      return c && `${c.id}.${abandoned >= 0 ? abandoned : (c.abandonedAttempts?.length ?? 0)}`;
    };
    const logs = readEndpointLogs(join(dirname(capture.path), 'qlog'));
    expect(logs.length).toBeGreaterThan(0);
    const scenario = capture.name.split('/')[1]!;
    // a server sends Retry statelessly (RFC 9000 §8.1.2), before any connection, so no
    // connection's qlog holds it: count it on the wire instead
    const retries = [...wire.entries()].filter(([k]) => k.startsWith('server/')).flatMap(([, t]) => t).filter((t) => t === 'retry');
    expect(retries.length).toBe(scenario === 'retry' ? 1 : 0);
    for (const [k, types] of wire) wire.set(k, types.filter((t) => t !== 'retry'));
    for (const log of logs) {
      // ngtcp2 logs a Version Negotiation it received, never sends one; its qlog names the
      // reserved-version packet "initial" (it uses v1's type bits), RFC 8999 says unknown
      const logged = log.sent.map((s) => s.type);
      const legs = legsOf(`${log.vantage}/${connectionOf(log.groupId)}`);
      if (scenario === 'nginx-lb') {
        // the client's packets reach nginx whole, then go to 4501 until the client moves and to
        // 4502 after: the first leg carries everything, the other two split it between them
        const seen = legs.map((leg) => leg.join(' '));
        expect(seen[0], `${log.vantage} ${log.file}`).toBe(logged.join(' '));
        if (log.vantage === 'client') expect(legs.length).toBe(3);
        if (legs.length === 3) expect(`${seen[1]} ${seen[2]}`).toBe(logged.join(' '));
        else expect(seen[1], `${log.vantage} ${log.file}`).toBe(logged.join(' '));
        continue;
      }
      expect(legs.length).toBe(scenario === 'proxy-legs' ? 2 : 1);
      for (const leg of legs) {
        const seen = leg.map((t) => (t === 'unknown' ? 'initial' : t));
        if (LOSSY.has(scenario)) {
          expect(isSubsequence(seen, logged), `${log.vantage} ${log.file}`).toBe(true);
          expect(seen.length).toBeGreaterThan(0);
        } else {
          expect(seen, `${log.vantage} ${log.file}`).toEqual(logged);
        }
      }
    }
  });
});

function isSubsequence(short: string[], long: string[]): boolean {
  let i = 0;
  for (const x of long) if (i < short.length && short[i] === x) i++;
  return i === short.length;
}
