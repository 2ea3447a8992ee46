import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import type { PreferredAddress } from '../../src/quic/transport-parameters.js';
import { cipherSuiteName } from '../../src/tls/names.js';
import { sampleCaptures, type SampleCapture } from '../support/captures.js';
import { FIXTURES } from '../support/vectors.js';

async function session(c: SampleCapture): Promise<PacketSession> {
  const keylog = new KeyLog();
  if (c.keylog) keylog.add(readFileSync(c.keylog, 'latin1'));
  const s = new PacketSession({ keylog });
  for await (const ev of s.read(await openCapture(c.path))) void ev;
  return s;
}

/** the transport parameters each endpoint logged as its own (`owner: local`), by its SCID */
function loggedParameters(dir: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const f of require_readdir(dir)) {
    for (const rec of readFileSync(join(dir, f), 'utf8').split('\x1e')) {
      if (!rec.includes('"transport:parameters_set"') || !rec.includes('"owner":"local"')) continue;
      try {
        const data = JSON.parse(rec).data as Record<string, unknown>;
        const scid = data.initial_source_connection_id as string;
        out.set(scid, { ...(out.get(scid) ?? {}), ...data });
      } catch {
        // a record cut short at the end of the file
      }
    }
  }
  return out;
}
import { readdirSync } from 'node:fs';
const require_readdir = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.sqlog'));

const ngtcp2 = sampleCaptures().filter((c) => c.name.startsWith('captures/') && existsSync(join(dirname(c.path), 'qlog')));

describe('transport parameters equal what the endpoints logged (transport:parameters_set)', () => {
  it.each(ngtcp2.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const s = await session(c);
    const logged = loggedParameters(join(dirname(c.path), 'qlog'));
    let compared = 0;
    for (const conn of s.tracker.connections) {
      for (const ours of [conn.tls.clientParameters, conn.tls.serverParameters]) {
        if (!ours) continue;
        const theirs = logged.get(ours.initial_source_connection_id ?? '');
        if (!theirs) continue; // Chromium logs nothing
        for (const [k, v] of Object.entries(ours)) {
          if (k === 'unknown' || k === 'version_information') continue;
          // qlog writes the reset token as {data: hex}
          const want = k === 'stateless_reset_token' ? (theirs[k] as { data: string }).data : k === 'preferred_address' ? loggedPreferredAddress(theirs[k]) : theirs[k];
          expect({ [k]: k === 'preferred_address' ? comparablePreferredAddress(v as PreferredAddress) : v }).toEqual({ [k]: want });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });
});

/**
 * ngtcp2 logs a preferred address with the IPv4 address in hex, without the IPv6 family it
 * does not offer, and the token as {data: hex}: compared as address text, port, CID, token
 */
function loggedPreferredAddress(v: unknown): object {
  const pa = v as { ip_v4: string; port_v4: number; connection_id: string; stateless_reset_token: { data: string } };
  return { v4: `${[...Buffer.from(pa.ip_v4, 'hex')].join('.')}:${pa.port_v4}`, cid: pa.connection_id, token: pa.stateless_reset_token.data };
}
function comparablePreferredAddress(pa: PreferredAddress): object {
  return { v4: `${pa.ip_v4}:${pa.port_v4}`, cid: pa.connection_id, token: pa.stateless_reset_token };
}

describe('SNI, ALPN and cipher suite from the handshake', () => {
  it.each(ngtcp2.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const s = await session(c);
    const scenario = c.name.split('/')[1]!;
    const want =
      scenario === 'chacha20' ? 'TLS_CHACHA20_POLY1305_SHA256' : scenario === 'aes256' ? 'TLS_AES_256_GCM_SHA384' : scenario === 'aes128-ccm' ? 'TLS_AES_128_CCM_SHA256' : 'TLS_AES_128_GCM_SHA256';
    const complete = s.tracker.connections.filter((x) => x.tls.serverHello);
    expect(complete.length).toBeGreaterThan(0);
    for (const conn of complete) {
      expect(conn.tls.clientHello?.serverName).toBe('localhost');
      expect(conn.tls.encryptedExtensions?.alpn).toBe('h3');
      expect(cipherSuiteName(conn.tls.serverHello!.cipherSuite)).toBe(want);
      // a resumed handshake (PSK accepted) sends no Certificate (RFC 8446 §2.2)
      if (conn.tls.serverHello!.pskAccepted) expect(conn.tls.certificate).toBeUndefined();
      else expect(conn.tls.certificate?.subjectAltNames).toContain('DNS:localhost');
    }
    // the audits find nothing wrong with these real handshakes, but the one made to be wrong
    // nginx-lb: the balancer hands the migrated path to a server that never heard of the connection
    const findings = { 'zero-rtt-post': ['zero_rtt_non_idempotent'], 'nginx-lb': ['path_not_validated'] } as Record<string, string[]>;
    expect(s.findings().map((f) => f.code)).toEqual(findings[scenario] ?? []);
  });
});

describe('JA4 fingerprints of Chrome ClientHellos (values FoxIO publishes for these captures)', () => {
  it.each([
    ['chrome-cloudflare-quic-with-secrets.pcapng', 'cloudflare-quic.com'],
    ['quic-tls-handshake.pcapng', 'www.google.com'],
    ['quic-with-several-tls-frames.pcapng', 'ogs.google.com'],
  ])('%s', async (file, sni) => {
    const s = await session({ name: file, path: join(FIXTURES, 'captures-ext', file) });
    const conn = s.tracker.connections[0]!;
    expect(conn.tls.clientHello?.serverName).toBe(sni);
    expect(conn.tls.ja4).toBe('q13d0310h3_55b375c5d22e_cd85d2d88918');
  });
});

describe('HTTP/3 requests equal the URLs the clients fetched (captures/record.sh)', () => {
  const url = (r: { method?: string; scheme?: string; authority?: string; path?: string; status?: number }) =>
    `${r.method} ${r.scheme}://${r.authority}${r.path} ${r.status}`;
  it.each([
    ['handshake', [['GET https://localhost:4433/file.bin 200']], 200000],
    ['retry', [['GET https://localhost:4433/small.bin 200']], 20000],
    ['zero-rtt', [['GET https://localhost:4433/small.bin 200'], ['GET https://localhost:4433/small.bin 200']], 20000],
    ['multi', [['GET https://localhost:4433/small.bin 200'], ['GET https://localhost:4433/small.bin 200'], ['GET https://localhost:4433/small.bin 200']], 20000],
    ['migration', [['GET https://localhost:4433/file.bin 200']], 200000],
    ['chromium', [['GET https://localhost:4433/index.html 200', 'GET https://localhost:4433/favicon.ico 404']], undefined],
  ] as const)('%s', async (name, want, bodyBytes) => {
    const c = sampleCaptures().find((x) => x.name === `captures/${name}/${name}.pcap`)!;
    const s = await session(c);
    const got = s.tracker.connections.map((conn) => s.http3.requests(conn));
    expect(got.map((rs) => rs.map(url))).toEqual(want);
    for (const rs of got) for (const r of rs) expect(r.unresolved).toBeUndefined();
    if (bodyBytes !== undefined) expect(got.flat().every((r) => r.responseBodyBytes === bodyBytes)).toBe(true);
    // only the resumed connection's request travels in 0-RTT
    expect(got.flat().map((r) => r.zeroRtt)).toEqual(got.flat().map((_r, i) => name === 'zero-rtt' && i === 1));
  });
});

describe('0-RTT: attempted, accepted, and what travelled early', () => {
  it('zero-rtt: the resumed connection sends its GET in 0-RTT and the server accepts it', async () => {
    const s = await session(sampleCaptures().find((x) => x.name === 'captures/zero-rtt/zero-rtt.pcap')!);
    const [first, resumed] = s.tracker.connections;
    expect(s.zeroRtt(first!)).toMatchObject({ attempted: false, packets: 0, requests: [] });
    expect(s.zeroRtt(resumed!)).toMatchObject({ attempted: true, accepted: true, packets: 1, requests: [0], maxEarlyDataSize: 0xffffffff });
    expect(s.zeroRtt(resumed!).bytes).toBeGreaterThan(0);
    expect(s.findings()).toEqual([]);
  });

  it('zero-rtt-post: a POST in 0-RTT raises zero_rtt_non_idempotent', async () => {
    const s = await session(sampleCaptures().find((x) => x.name === 'captures/zero-rtt-post/zero-rtt-post.pcap')!);
    const resumed = s.tracker.connections[1]!;
    expect(s.zeroRtt(resumed)).toMatchObject({ attempted: true, accepted: true, requests: [0] });
    expect(s.http3.requests(resumed)[0]).toMatchObject({ method: 'POST', requestBodyBytes: 29, zeroRtt: true });
    expect(s.findings().map((f) => [f.code, f.connection])).toEqual([['zero_rtt_non_idempotent', 2]]);
  });
});

describe('the migrations each scenario made, and no others', () => {
  const expected: Record<string, object[]> = {
    migration: [{ kind: 'active', addressChanged: false, validated: true, newDcid: true }],
    'nat-rebinding': [{ kind: 'nat_rebinding', addressChanged: false, validated: true, newDcid: false }],
    // the client's new port hashes to the other server, which cannot answer the PATH_CHALLENGE
    'nginx-lb': [{ kind: 'active', addressChanged: false, validated: false, newDcid: true }],
    // the server offered 127.0.0.2:4433; the client moved there, keeping its own address
    'preferred-address': [{ kind: 'preferred_address', side: 'server', from: '127.0.0.1:4433', to: '127.0.0.2:4433', addressChanged: true, validated: true, newDcid: true }],
    'wifi-to-lte': [{ kind: 'active', from: expect.stringMatching(/^10\.77\.1\.2:/), to: expect.stringMatching(/^10\.77\.2\.2:/), addressChanged: true, validated: true, newDcid: true }],
  };
  it.each(ngtcp2.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const s = await session(c);
    const found = s.tracker.connections.flatMap((conn) => s.paths.migrations(conn));
    expect(found).toMatchObject(expected[c.name.split('/')[1]!] ?? []);
    // a capture on a proxy sees two legs at once; those are not migrations. On nginx-lb the
    // third leg is nginx forwarding the migrated client to the other server (4502)
    const legs = s.tracker.connections.map((conn) => s.paths.legs(conn).length);
    const want = c.name.includes('proxy-legs') ? 2 : c.name.includes('nginx-lb') ? 3 : 1;
    expect(legs.every((n) => n === want)).toBe(true);
  });
});

/** the client's qlog: ms from its first Initial to its first Handshake packet with CRYPTO (its Finished) */
function loggedFinishedMs(dir: string, groupIds: string[]): number | undefined {
  for (const f of require_readdir(dir)) {
    const records = readFileSync(join(dir, f), 'utf8').split('\x1e').flatMap((r) => {
      try {
        return [JSON.parse(r)];
      } catch {
        return [];
      }
    });
    const head = records[0];
    if (head?.trace?.vantage_point?.type !== 'client' || !groupIds.includes(head.trace.common_fields.group_id)) continue;
    const sent = records.filter((e) => e.name === 'transport:packet_sent');
    const initial = sent.find((e) => e.data.header.packet_type === 'initial');
    const finished = sent.find((e) => e.data.header.packet_type === 'handshake' && e.data.frames.some((x: { frame_type: string }) => x.frame_type === 'crypto'));
    if (initial && finished) return finished.time - initial.time;
  }
  return undefined;
}

describe('handshake timelines agree with the client qlogs and with each scenario', () => {
  it.each(ngtcp2.filter((c) => !c.name.includes('chromium')).map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const s = await session(c);
    let compared = 0;
    for (const conn of s.tracker.connections) {
      const h = s.timeline.summary(conn);
      if (!h.complete) continue;
      // the client logs each attempt apart: after Version Negotiation, the one that went on
      const current = h.events.filter((e) => !h.events.some((r) => r.restart && r.time > e.time));
      const ev = (name: string) => current.find((e) => e.event === name)!;
      const ours = (ev('client_finished').time - ev('client_initial').time) * 1000;
      const logged = loggedFinishedMs(join(dirname(c.path), 'qlog'), [conn.originalDcid ?? '']);
      if (logged === undefined) continue;
      // qlog times are whole milliseconds; the netem captures were taken in a router whose
      // relay (captures/nfqueue-path.py) holds each client packet 15 ms plus its own
      // scheduling delay, a few ms at most on a busy machine, so the two ends of the interval
      // are shifted by different amounts
      expect(Math.abs(ours - logged)).toBeLessThan(c.name.includes('/netem-') ? 5 : 1.5);
      // the milestones come in the order the protocol dictates
      const order = current.map((e) => e.event).filter((e) => ['client_initial', 'server_initial', 'client_finished', 'handshake_confirmed'].includes(e));
      // after a Retry the client's second Initial, with the token, is drawn too (RFC 9000 §8.1.2)
      expect(order).toEqual(['client_initial', ...(h.retry ? ['client_initial'] : []), 'server_initial', 'client_finished', 'handshake_confirmed']);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it.each([
    ['retry', 0, { retry: true, roundTrips: 2, roundTripReasons: ['retry'] }, ['retry']],
    ['handshake', 0, { retry: false, roundTrips: 1, complete: true }, ['handshake_confirmed', 'connection_close']],
    ['zero-rtt', 1, { roundTrips: 1 }, ['zero_rtt_sent', 'zero_rtt_accepted']],
    ['key-update', 0, { complete: true }, ['key_update']],
    // the client's new attempt in v1 is joined to the one Version Negotiation answered
    ['version-negotiation', 0, { complete: true, versionNegotiation: true, roundTrips: 2, roundTripReasons: ['version negotiation'] }, ['client_initial', 'version_negotiation', 'server_initial', 'connection_close']],
    // Chromium spreads one ClientHello over two Initials: one flight, not a lost Initial
    ['chromium', 0, { complete: true, roundTrips: 1, roundTripReasons: [] }, ['client_initial', 'handshake_confirmed']],
  ] as const)('%s: connection %d', async (name, index, summary, events) => {
    const s = await session(sampleCaptures().find((x) => x.name === `captures/${name}/${name}.pcap`)!);
    const h = s.timeline.summary(s.tracker.connections[index]!);
    expect(h).toMatchObject(summary);
    expect(h.events.map((e) => e.event)).toEqual(expect.arrayContaining([...events]));
  });
});
