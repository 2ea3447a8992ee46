import { describe, expect, it } from 'vitest';
import { ConnectionTracker } from '../../src/analysis/connection-tracker.js';
import type { Datagram, Endpoint } from '../../src/capture/types.js';
import type { LongHeader, ShortHeader } from '../../src/quic/packet-header.js';

const SERVER: Endpoint = { ip: '192.0.2.1', port: 443 };
const CLIENT: Endpoint = { ip: '198.51.100.7', port: 50000 };
const RESERVED = 0x1a2a3a4a;

function datagram(frame: number, time: number, src: Endpoint, dst: Endpoint, size = 1200): Datagram {
  return { frame, time, src, dst, ipVersion: 4, payload: Buffer.alloc(size), truncated: false };
}
function long(type: LongHeader['type'], version: number, dcid: string, scid: string, extra: Partial<LongHeader> = {}): LongHeader {
  return { form: 'long', type, version, dcid: Buffer.from(dcid, 'hex'), scid: Buffer.from(scid, 'hex'), offset: 0, length: 1200, firstByte: 0xc0, ...extra };
}
function short(dcid: string): ShortHeader {
  return { form: 'short', type: '1RTT', version: 1, dcid: Buffer.from(dcid, 'hex'), offset: 0, length: 100, firstByte: 0x40, pnOffset: 1 + dcid.length / 2, spinBit: 0, dcidSource: 'known_cid' };
}

/** an attempt in a reserved version (RFC 9000 §15), answered by Version Negotiation listing v1 */
function attemptAnswered(t: ConnectionTracker, vnTime = 0.001, versions = [1]): void {
  t.track(long('unknown', RESERVED, 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'), datagram(1, 0, CLIENT, SERVER));
  t.track(long('version_negotiation', 0, 'bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa', { supportedVersions: versions }), datagram(2, vnTime, SERVER, CLIENT, 30));
}

describe('the client starting again after Version Negotiation (RFC 9000 §6.2)', () => {
  const NEW_PORT: Endpoint = { ...CLIENT, port: 50001 };

  it('joins the attempt it answered: same client IP and server, an offered version, soon after', () => {
    const t = new ConnectionTracker();
    attemptAnswered(t);
    const { connection, direction } = t.track(long('initial', 1, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(3, 0.002, NEW_PORT, SERVER));
    expect(t.connections).toHaveLength(1);
    expect(direction).toBe('client');
    expect(connection.abandonedAttempts).toMatchObject([{ version: RESERVED, client: CLIENT, originalDcid: 'aaaaaaaaaaaaaaaa', versionNegotiationFrame: 2, offered: [1], firstFrame: 1 }]);
    expect(connection).toMatchObject({ client: NEW_PORT, version: 1, originalDcid: 'cccccccccccccccc' });
  });

  it.each([
    ['in a version the server did not offer', long('initial', 0x6b3343cf, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(3, 0.002, NEW_PORT, SERVER)],
    ['from another client IP', long('initial', 1, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(3, 0.002, { ip: '198.51.100.8', port: 50001 }, SERVER)],
    ['to another server address', long('initial', 1, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(3, 0.002, NEW_PORT, { ...SERVER, port: 8443 })],
    ['more than 10 s later', long('initial', 1, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(3, 11, NEW_PORT, SERVER)],
  ] as const)('keeps a new Initial %s apart', (_what, h, d) => {
    const t = new ConnectionTracker();
    attemptAnswered(t);
    t.track(h, d);
    expect(t.connections).toHaveLength(2);
    expect(t.connections[1]!.abandonedAttempts ?? []).toEqual([]);
  });

  it('joins nothing when two answered attempts could be the one restarted', () => {
    const t = new ConnectionTracker();
    attemptAnswered(t);
    t.track(long('unknown', RESERVED, 'eeeeeeeeeeeeeeee', 'ffffffffffffffff'), datagram(3, 0.002, { ...CLIENT, port: 50002 }, SERVER));
    t.track(long('version_negotiation', 0, 'ffffffffffffffff', 'eeeeeeeeeeeeeeee', { supportedVersions: [1] }), datagram(4, 0.003, SERVER, { ...CLIENT, port: 50002 }, 30));
    t.track(long('initial', 1, 'cccccccccccccccc', 'dddddddddddddddd'), datagram(5, 0.004, NEW_PORT, SERVER));
    expect(t.connections).toHaveLength(3);
  });
});

describe('the preferred_address CID (RFC 9000 §5.1.1, §9.6)', () => {
  const PREFERRED: Endpoint = { ip: '192.0.2.2', port: 443 };

  it('names the connection once the server parameters offer it, and the new server address is the server', () => {
    const t = new ConnectionTracker();
    const { connection } = t.track(long('initial', 1, '1111111111111111', '2222222222222222'), datagram(1, 0, CLIENT, SERVER));
    expect(t.learnPreferredAddressCid(connection)).toBeNull();
    connection.tls.serverParameters = {
      preferred_address: { ip_v4: PREFERRED.ip, port_v4: PREFERRED.port, ip_v6: '::', port_v6: 0, connection_id: '9999999999999999', stateless_reset_token: '00112233445566778899aabbccddeeff' },
    };
    expect(t.learnPreferredAddressCid(connection)).toBe('9999999999999999');
    expect(t.learnPreferredAddressCid(connection)).toBeNull();
    expect(connection.resetTokens.server.has('00112233445566778899aabbccddeeff')).toBe(true);
    expect(t.track(short('9999999999999999'), datagram(2, 1, CLIENT, PREFERRED, 100))).toMatchObject({ connection, direction: 'client' });
    expect(t.track(short('2222222222222222'), datagram(3, 1, PREFERRED, CLIENT, 100))).toMatchObject({ connection, direction: 'server' });
  });

  it('without the parameters, joins a short header to a new server address by the client address of the one live connection', () => {
    const t = new ConnectionTracker();
    const { connection } = t.track(long('initial', 1, '1111111111111111', '2222222222222222'), datagram(1, 0, CLIENT, SERVER));
    expect(t.track(short('9999999999999999'), datagram(2, 1, CLIENT, PREFERRED, 100))).toMatchObject({ connection, direction: 'client' });
    // a client address with two live connections proves nothing
    const u = new ConnectionTracker();
    u.track(long('initial', 1, '1111111111111111', '2222222222222222'), datagram(1, 0, CLIENT, SERVER));
    u.track(long('initial', 1, '3333333333333333', '4444444444444444'), datagram(2, 0, CLIENT, { ...SERVER, port: 8443 }));
    u.track(short('9999999999999999'), datagram(3, 1, CLIENT, PREFERRED, 100));
    expect(u.connections).toHaveLength(3);
  });
});
