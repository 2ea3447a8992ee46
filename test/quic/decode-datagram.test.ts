import { describe, expect, it } from 'vitest';
import type { Datagram } from '../../src/capture/types.js';
import { DatagramDecoder } from '../../src/quic/decode-datagram.js';
import { loadVectors } from '../support/vectors.js';

const v1 = loadVectors('rfc9001-appendix-a.json');
const hex = (s: string) => Buffer.from(s, 'hex');
const client = { ip: '192.0.2.1', port: 50000 };
const server = { ip: '198.51.100.7', port: 443 };

function datagram(payload: Buffer, from = client, to = server, frame = 1): Datagram {
  return { frame, time: frame, src: from, dst: to, ipVersion: 4, payload, truncated: false };
}

describe('datagram decoding: coalesced packets and learning CIDs (RFC 9000 §12.2)', () => {
  it('reads every packet of a coalesced datagram, and the short header after them', () => {
    const dec = new DatagramDecoder();
    dec.decode(datagram(hex(v1.a2_client_initial.protected_packet)));
    // server: Initial (A.3) + Handshake + a short header to the client's CID
    const handshake = hex('e000000001' + '00' + '08f067a5502a4262b5' + '05' + 'aabbccddee');
    const short = hex('40' + '' + '00112233445566778899');
    const out = dec.decode(datagram(Buffer.concat([hex(v1.a3_server_initial.protected_packet), handshake, short]), server, client, 2));
    expect(out?.packets.map((p) => p.type)).toEqual(['initial', 'handshake', '1RTT']);
    expect(out?.packets.map((p) => p.offset)).toEqual([0, 135, 135 + handshake.length]);
    // the client chose an empty SCID in A.2, so the short header to it has an empty DCID
    expect(out?.packets[2]!.dcid.length).toBe(0);
    expect(out?.trailingBytes).toBe(0);
  });

  it('learns the server CID from its long header and reads the client short headers with it', () => {
    const dec = new DatagramDecoder();
    dec.decode(datagram(hex(v1.a2_client_initial.protected_packet)));
    dec.decode(datagram(hex(v1.a3_server_initial.protected_packet), server, client, 2));
    const out = dec.decode(datagram(hex('41' + 'f067a5502a4262b5' + 'a1a2a3a4a5a6a7a8'), client, server, 3));
    expect(out?.packets[0]!.dcid.toString('hex')).toBe('f067a5502a4262b5');
    expect(out?.packets[0]!.form === 'short' && out.packets[0]!.dcidSource).toBe('known_cid');
  });

  it('ignores a short header between endpoints never seen in a long header, unless --port names them', () => {
    const short = hex('41' + 'f067a5502a4262b5' + 'a1a2a3a4a5a6a7a8');
    expect(new DatagramDecoder().decode(datagram(short))).toBeNull();
    expect(new DatagramDecoder({ ports: [443] }).decode(datagram(short))?.packets).toHaveLength(1);
  });

  it('stops at zero bytes after the last packet and counts them', () => {
    const dec = new DatagramDecoder();
    const out = dec.decode(datagram(Buffer.concat([hex(v1.a3_server_initial.protected_packet), Buffer.alloc(40)])));
    expect(out?.packets).toHaveLength(1);
    expect(out?.trailingBytes).toBe(40);
  });

  it('keeps the packets before a malformed one and says where it broke', () => {
    const dec = new DatagramDecoder();
    const bad = hex('e000000001' + '00' + '00' + '4400' + 'aa'); // Length 1024, 1 byte left
    const out = dec.decode(datagram(Buffer.concat([hex(v1.a3_server_initial.protected_packet), bad])));
    expect(out?.packets).toHaveLength(1);
    expect(out?.problem?.offset).toBe(135 + 7);
    expect(out?.problem?.message).toContain('the Length field says 1024 bytes');
  });
});
