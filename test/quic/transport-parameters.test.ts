import { describe, expect, it } from 'vitest';
import { parseTransportParameters } from '../../src/quic/transport-parameters.js';
import { encodeVarint } from '../../src/quic/varint.js';

/** one parameter as RFC 9000 §18 lays it out: id, length, value (varints) */
const param = (id: number | bigint, value: Buffer) => Buffer.concat([encodeVarint(id), encodeVarint(value.length), value]);
const hex = (s: string) => Buffer.from(s, 'hex');

describe('transport parameters (RFC 9000 §18)', () => {
  it('reads each standard parameter with its unit and qlog name', () => {
    const bytes = Buffer.concat([
      param(0x00, hex('8394c8f03e515708')),
      param(0x01, encodeVarint(30000)),
      param(0x02, hex('00112233445566778899aabbccddeeff')),
      param(0x03, encodeVarint(1472)),
      param(0x04, encodeVarint(1048576)),
      param(0x05, encodeVarint(262144)),
      param(0x06, encodeVarint(262144)),
      param(0x07, encodeVarint(262144)),
      param(0x08, encodeVarint(100)),
      param(0x09, encodeVarint(3)),
      param(0x0a, encodeVarint(3)),
      param(0x0b, encodeVarint(25)),
      param(0x0c, Buffer.alloc(0)),
      param(0x0e, encodeVarint(7)),
      param(0x0f, hex('c0ffee')),
      param(0x10, hex('f067a5502a4262b5')),
      param(0x11, hex('00000001' + '6b3343cf' + '00000001')),
      param(0x20, encodeVarint(65536)),
      param(0x2ab2, Buffer.alloc(0)),
    ]);
    expect(parseTransportParameters(bytes)).toEqual({
      original_destination_connection_id: '8394c8f03e515708',
      max_idle_timeout: 30000,
      stateless_reset_token: '00112233445566778899aabbccddeeff',
      max_udp_payload_size: 1472,
      initial_max_data: 1048576,
      initial_max_stream_data_bidi_local: 262144,
      initial_max_stream_data_bidi_remote: 262144,
      initial_max_stream_data_uni: 262144,
      initial_max_streams_bidi: 100,
      initial_max_streams_uni: 3,
      ack_delay_exponent: 3,
      max_ack_delay: 25,
      disable_active_migration: true,
      active_connection_id_limit: 7,
      initial_source_connection_id: 'c0ffee',
      retry_source_connection_id: 'f067a5502a4262b5',
      version_information: { chosen_version: '0x00000001', available_versions: ['0x6b3343cf', '0x00000001'] },
      max_datagram_frame_size: 65536,
      grease_quic_bit: true,
    });
  });

  it('reads a preferred address (§18.2)', () => {
    const value = Buffer.concat([
      hex('c0000201'), hex('01bb'),
      hex('20010db8000000000000000000000001'), hex('01bb'),
      hex('04'), hex('a1a2a3a4'),
      Buffer.alloc(16, 0xee),
    ]);
    expect(parseTransportParameters(param(0x0d, value)).preferred_address).toEqual({
      ip_v4: '192.0.2.1',
      port_v4: 443,
      ip_v6: '2001:db8:0:0:0:0:0:1',
      port_v6: 443,
      connection_id: 'a1a2a3a4',
      stateless_reset_token: 'ee'.repeat(16),
    });
  });

  it('lists unknown ids and marks the reserved 31 * N + 27 ones as GREASE, also beyond 2^53', () => {
    const grease = 31n * 0x1234567890abcn + 27n;
    const p = parseTransportParameters(Buffer.concat([param(grease, hex('ab')), param(0x3128, hex('5256434d'))]));
    expect(p.unknown).toEqual([
      { id: `0x${grease.toString(16)}`, value: 'ab', grease: true },
      { id: '0x3128', value: '5256434d', grease: false },
    ]);
  });

  it('rejects a value longer than its parameter, naming the offset', () => {
    expect(() => parseTransportParameters(param(0x01, hex('4064' + '00')))).toThrowError(/transport parameter 0x1 has 1 bytes after its value/);
    expect(() => parseTransportParameters(hex('0104aa'))).toThrowError(/the 4-byte value of transport parameter 0x1/);
  });
});

describe('transport parameters framed as drafts up to 26 framed them', () => {
  /** a 16-bit list length, then 16-bit id and 16-bit length before each value */
  const legacy = (...params: [number, Buffer][]) => {
    const body = Buffer.concat(params.map(([id, v]) => Buffer.concat([Buffer.from([id >> 8, id & 0xff, v.length >> 8, v.length & 0xff]), v])));
    return Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
  };
  it('reads 16-bit ids and lengths, the values as today', () => {
    const p = parseTransportParameters(legacy([0x0001, encodeVarint(10000)], [0x0004, encodeVarint(32768)], [0x000e, encodeVarint(4)], [0x000c, Buffer.alloc(0)]));
    expect(p).toEqual({ max_idle_timeout: 10000, initial_max_data: 32768, active_connection_id_limit: 4, disable_active_migration: true });
  });
  it("new-cid-draft.pcap (draft-22): both sides' parameters read, where they used to fail", async () => {
    const { PacketSession } = await import('../../src/analysis/read-packets.js');
    const { openCapture } = await import('../../src/capture/open-capture.js');
    const { KeyLog } = await import('../../src/crypto/keylog.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { FIXTURES } = await import('../support/vectors.js');
    const keylog = new KeyLog();
    keylog.add(readFileSync(join(FIXTURES, 'captures-ext', 'new-cid-draft.keys'), 'latin1'));
    const s = new PacketSession({ keylog });
    for await (const _ of s.read(await openCapture(join(FIXTURES, 'captures-ext', 'new-cid-draft.pcap'))));
    const c = s.tracker.connections[0]!;
    expect(c.tls.problems).toEqual([]);
    expect(c.tls.clientParameters).toMatchObject({ max_idle_timeout: 10000, initial_max_data: 32768 });
    expect(c.tls.serverParameters).toMatchObject({ ack_delay_exponent: 3, initial_max_data: 98301 });
  });
});
