import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { readDatagrams } from '../../src/capture/read-datagrams.js';
import type { DatagramEvent } from '../../src/capture/types.js';
import { InputError } from '../../src/wire/input-issue.js';
import {
  PcapngWriter,
  ethernet,
  ipv4,
  ipv6,
  nullLoopback,
  pcapFile,
  sll,
  sll2,
  tempFile,
  udp,
  v6Fragment,
  v6Options,
} from './build-capture.js';

const PAYLOAD = Buffer.from('c0000000010000', 'hex');
const v4udp = ipv4('192.0.2.1', '198.51.100.2', udp(50000, 443, PAYLOAD));
const v6udp = ipv6('2001:db8::1', '2001:db8:0:0:1::2', 17, Buffer.alloc(0), udp(50000, 443, PAYLOAD));

async function read(path: string): Promise<DatagramEvent[]> {
  const out: DatagramEvent[] = [];
  for await (const ev of readDatagrams(await openCapture(path))) out.push(ev);
  return out;
}
const datagrams = (evs: DatagramEvent[]) => evs.flatMap((e) => (e.kind === 'datagram' ? [e.datagram] : []));
const issues = (evs: DatagramEvent[]) => evs.flatMap((e) => (e.kind === 'issue' ? [e.issue] : []));

describe('link layers (tcpdump.org/linktypes.html)', () => {
  it.each([
    ['Ethernet', 1, ethernet(0x0800, v4udp), 4],
    ['Ethernet, 802.1Q', 1, ethernet(0x0800, v4udp, [0x8100]), 4],
    ['Ethernet, QinQ (802.1ad + 802.1Q)', 1, ethernet(0x86dd, v6udp, [0x88a8, 0x8100]), 6],
    ['Linux cooked SLL', 113, sll(0x0800, v4udp), 4],
    ['Linux cooked SLL2', 276, sll2(0x86dd, v6udp), 6],
    ['raw IP (v4)', 101, v4udp, 4],
    ['raw IP (v6)', 101, v6udp, 6],
    ['IPv4 link type', 228, v4udp, 4],
    ['IPv6 link type', 229, v6udp, 6],
    ['BSD null, little-endian AF_INET', 0, nullLoopback(2, v4udp, true), 4],
    ['BSD null, big-endian AF_INET6 (macOS 30)', 0, nullLoopback(30, v6udp, false), 6],
    ['OpenBSD loop, AF_INET6 24', 108, nullLoopback(24, v6udp, false), 6],
    ['OpenBSD loop, little-endian AF_INET', 108, nullLoopback(2, v4udp, true), 4],
    ['BSD null, big-endian AF_INET6 (FreeBSD 28)', 0, nullLoopback(28, v6udp, false), 6],
    ['PPP without framing (interop runner)', 9, Buffer.concat([Buffer.from('0057', 'hex'), v6udp]), 6],
    ['PPP with address and control', 9, Buffer.concat([Buffer.from('ff030021', 'hex'), v4udp]), 4],
    ['PPP, compressed protocol field', 9, Buffer.concat([Buffer.from('21', 'hex'), v4udp]), 4],
    ['PPP in HDLC framing', 50, Buffer.concat([Buffer.from('ff030057', 'hex'), v6udp]), 6],
    ['Cisco HDLC under the PPP-in-HDLC type', 50, Buffer.concat([Buffer.from('0f000800', 'hex'), v4udp]), 4],
    ['Cisco HDLC', 104, Buffer.concat([Buffer.from('8f0086dd', 'hex'), v6udp]), 6],
    ['PPPoE session', 51, Buffer.concat([Buffer.from('110000010000', 'hex'), Buffer.from('0021', 'hex'), v4udp]), 4],
    ['raw IP, DLT 12', 12, v4udp, 4],
    ['raw IP, DLT 14 (OpenBSD)', 14, v6udp, 6],
  ])('%s', async (_name, linkType, frame, version) => {
    const [d] = datagrams(await read(tempFile(pcapFile(linkType, [{ time: 1, data: frame }]))));
    expect(d?.ipVersion).toBe(version);
    expect(d?.src.port).toBe(50000);
    expect(d?.dst.port).toBe(443);
    expect(d?.src.ip).toBe(version === 4 ? '192.0.2.1' : '2001:db8::1');
    // RFC 5952 §4.2.3: of two equal zero runs the first is shortened
    expect(d?.dst.ip).toBe(version === 4 ? '198.51.100.2' : '2001:db8::1:0:0:2');
    expect(d?.payload.equals(PAYLOAD)).toBe(true);
  });

  it('counts records of a link type it does not decode, and says so once', async () => {
    const file = await openCapture(tempFile(pcapFile(147, [{ time: 1, data: v4udp }, { time: 2, data: v4udp }])));
    const evs: DatagramEvent[] = [];
    for await (const ev of readDatagrams(file)) evs.push(ev);
    expect(datagrams(evs)).toHaveLength(0);
    expect(issues(evs).map((i) => i.message)).toEqual(["link type 147 is not one quiclens decodes; its records are skipped"]);
    expect(file.stats.otherRecords).toBe(2);
  });
});

describe('IP length fields of 0 (captures on hosts with segmentation offload)', () => {
  it('takes the length from the record, decodes the packet and says so once per capture', async () => {
    const zeroV4 = ipv4('192.0.2.1', '198.51.100.2', udp(50000, 443, PAYLOAD), { totalLength: 0 });
    const zeroV6 = ipv6('2001:db8::1', '2001:db8::2', 17, Buffer.alloc(0), udp(50000, 443, PAYLOAD));
    zeroV6.writeUInt16BE(0, 4);
    const evs = await read(tempFile(pcapFile(101, [{ time: 1, data: zeroV4 }, { time: 2, data: zeroV6 }, { time: 3, data: v4udp }])));
    const got = datagrams(evs);
    expect(got.map((d) => d.payload.equals(PAYLOAD))).toEqual([true, true, true]);
    expect(got.map((d) => d.truncated)).toEqual([false, false, false]);
    expect(issues(evs).map((i) => [i.frame, i.message])).toEqual([
      [1, '2 IP packets had a length field of 0 (the first is frame 1), as a capture on a host with segmentation offload (TSO/GSO) writes them; their length was taken from the record'],
    ]);
  });

  it('still rejects an IPv4 length that is shorter than its header but not 0', async () => {
    const bad = ipv4('192.0.2.1', '198.51.100.2', udp(50000, 443, PAYLOAD), { totalLength: 12 });
    const evs = await read(tempFile(pcapFile(101, [{ time: 1, data: bad }])));
    expect(datagrams(evs)).toHaveLength(0);
    expect(issues(evs)[0]?.message).toBe('IPv4 total length 12 is shorter than its header (20)');
  });
});

describe('classic pcap: byte orders and resolutions', () => {
  it.each([
    ['little-endian µs', { littleEndian: true, nanos: false }],
    ['big-endian µs', { littleEndian: false, nanos: false }],
    ['little-endian ns', { littleEndian: true, nanos: true }],
    ['big-endian ns', { littleEndian: false, nanos: true }],
  ])('%s: records, times and frame numbers', async (_n, o) => {
    const recs = [
      { time: 1700000000.123456, data: ethernet(0x0800, v4udp) },
      { time: 1700000001.5, data: ethernet(0x0800, v4udp) },
    ];
    const file = await openCapture(tempFile(pcapFile(1, recs, o)));
    const got = datagrams(await (async () => { const e: DatagramEvent[] = []; for await (const x of readDatagrams(file)) e.push(x); return e; })());
    expect(file.format).toBe('pcap');
    expect(got.map((d) => d.frame)).toEqual([1, 2]);
    expect(got[0]!.time).toBeCloseTo(1700000000.123456, 6);
    expect(got[1]!.time - got[0]!.time).toBeCloseTo(1.376544, 6);
    expect(file.stats.firstTime).toBeCloseTo(1700000000.123456, 6);
  });

  it('keeps nanoseconds in a nanosecond file', async () => {
    const p = pcapFile(101, [{ time: 10.000000123, data: v4udp }], { nanos: true });
    const [d] = datagrams(await read(tempFile(p)));
    expect(Math.round((d!.time - 10) * 1e9)).toBe(123);
  });

  it('reports a file cut mid-record with its offset, after the records before it', async () => {
    const whole = pcapFile(101, [{ time: 1, data: v4udp }, { time: 2, data: v4udp }]);
    const cut = whole.subarray(0, whole.length - 10);
    const evs = await read(tempFile(cut));
    expect(datagrams(evs)).toHaveLength(1);
    const [issue] = issues(evs);
    expect(issue?.fatal).toBe(true);
    expect(issue?.offset).toBe(24 + 16 + v4udp.length);
    expect(issue?.message).toContain('file is cut short');
  });

  it('stops at an impossible record length instead of buffering the rest of the file', async () => {
    const bad = pcapFile(101, [{ time: 1, data: v4udp }, { time: 2, data: v4udp }]);
    bad.writeUInt32LE(0x7fffffff, 24 + 16 + v4udp.length + 8);
    const evs = await read(tempFile(bad));
    expect(datagrams(evs)).toHaveLength(1);
    expect(issues(evs)[0]?.message).toContain('record declares 2147483647 captured bytes');
  });
});

describe('pcapng (draft-ietf-opsawg-pcapng)', () => {
  it('reads two interfaces of different link types and timestamp resolutions', async () => {
    const w = new PcapngWriter()
      .section()
      .iface(1) // Ethernet, microseconds
      .iface(101, 9) // raw IP, nanoseconds
      .packet(0, 1_700_000_000_250_000n, ethernet(0x0800, v4udp))
      .packet(1, 1_700_000_000_500_000_001n, v6udp)
      .custom(0x00000bad, Buffer.alloc(8)); // unknown block: skipped by its length
    const file = await openCapture(tempFile(w.bytes()));
    const evs: DatagramEvent[] = [];
    for await (const e of readDatagrams(file)) evs.push(e);
    const got = datagrams(evs);
    expect(file.format).toBe('pcapng');
    expect(got.map((d) => d.ipVersion)).toEqual([4, 6]);
    expect(got[0]!.time).toBeCloseTo(1700000000.25, 6);
    expect(got[1]!.time).toBeCloseTo(1700000000.500000001, 6);
    expect(file.stats.linkTypes).toEqual([1, 101]);
    expect(issues(evs)).toEqual([]);
  });

  it('reads a second section in the other byte order, with its own interfaces', async () => {
    const w = new PcapngWriter()
      .section(true)
      .iface(101)
      .packet(0, 1_000_000n, v4udp)
      .section(false)
      .iface(1, 0x80 | 10) // 2^-10 s units
      .packet(0, 2048n, ethernet(0x0800, v4udp))
      .simplePacket(ethernet(0x86dd, v6udp));
    const got = datagrams(await read(tempFile(w.bytes())));
    expect(got.map((d) => d.frame)).toEqual([1, 2, 3]);
    expect(got[1]!.time).toBe(2);
    // a Simple Packet Block has no timestamp: it keeps the previous record's time
    expect(got[2]!.time).toBe(2);
    expect(got[2]!.ipVersion).toBe(6);
  });

  it('passes Decryption Secrets Blocks on for decryption', async () => {
    const keys = 'CLIENT_TRAFFIC_SECRET_0 00 11\n';
    const w = new PcapngWriter().section().iface(101).secrets(0x544c534b, Buffer.from(keys)).packet(0, 1n, v4udp);
    const evs = await read(tempFile(w.bytes()));
    const secrets = evs.flatMap((e) => (e.kind === 'secrets' ? [e.secrets] : []));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.secretsType).toBe(0x544c534b);
    expect(secrets[0]!.data.toString()).toBe(keys);
  });

  it('reports a block whose two lengths disagree, with the offset', async () => {
    const bytes = new PcapngWriter().section().iface(101).packet(0, 1n, v4udp).bytes();
    bytes.writeUInt32LE(999, bytes.length - 4);
    const evs = await read(tempFile(bytes));
    const [issue] = issues(evs);
    expect(issue?.fatal).toBe(true);
    expect(issue?.offset).toBe(bytes.length - 4);
    expect(issue?.message).toContain('disagree');
  });
});

describe('IP (RFC 791, RFC 8200) and UDP (RFC 768)', () => {
  it('skips IPv4 options', async () => {
    const withOptions = ipv4('10.0.0.1', '10.0.0.2', udp(1, 2, PAYLOAD), { options: Buffer.from([1, 1, 1, 0]) });
    const [d] = datagrams(await read(tempFile(pcapFile(101, [{ time: 1, data: withOptions }]))));
    expect(d?.payload.equals(PAYLOAD)).toBe(true);
  });

  it('ignores Ethernet padding after the IPv4 total length', async () => {
    const padded = Buffer.concat([ethernet(0x0800, v4udp), Buffer.alloc(20)]);
    const [d] = datagrams(await read(tempFile(pcapFile(1, [{ time: 1, data: padded }]))));
    expect(d?.payload.equals(PAYLOAD)).toBe(true);
  });

  it('reassembles IPv4 fragments, also out of order, with the frame that completed them', async () => {
    const body = Buffer.alloc(3000, 7);
    const segment = udp(50000, 443, body);
    const first = ipv4('10.0.0.1', '10.0.0.2', segment.subarray(0, 1480), { id: 9, mf: true, offset: 0 });
    const second = ipv4('10.0.0.1', '10.0.0.2', segment.subarray(1480, 2960), { id: 9, mf: true, offset: 1480 });
    const last = ipv4('10.0.0.1', '10.0.0.2', segment.subarray(2960), { id: 9, offset: 2960 });
    const recs = [last, first, second].map((data, i) => ({ time: i, data }));
    const got = datagrams(await read(tempFile(pcapFile(101, recs))));
    expect(got).toHaveLength(1);
    expect(got[0]!.frame).toBe(3);
    expect(got[0]!.payload.equals(body)).toBe(true);
  });

  it('reads IPv6 extension headers and reassembles IPv6 fragments', async () => {
    const body = Buffer.alloc(2000, 9);
    const segment = udp(50000, 443, body);
    // hop-by-hop options, then a fragment header, then UDP
    const a = ipv6('2001:db8::1', '2001:db8::2', 0, Buffer.concat([v6Options(44), v6Fragment(17, 0, true, 77)]), segment.subarray(0, 1232));
    const b = ipv6('2001:db8::1', '2001:db8::2', 44, v6Fragment(17, 1232, false, 77), segment.subarray(1232));
    const got = datagrams(await read(tempFile(pcapFile(101, [{ time: 1, data: a }, { time: 2, data: b }]))));
    expect(got).toHaveLength(1);
    expect(got[0]!.payload.equals(body)).toBe(true);
    expect(got[0]!.src.ip).toBe('2001:db8::1');
  });

  it('counts a record cut by the snap length and never reads past it', async () => {
    const frame = ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', udp(1, 2, Buffer.alloc(1000, 1))));
    const file = await openCapture(tempFile(pcapFile(1, [{ time: 1, data: frame.subarray(0, 200), originalLength: frame.length }])));
    const evs: DatagramEvent[] = [];
    for await (const e of readDatagrams(file)) evs.push(e);
    const [d] = datagrams(evs);
    expect(d?.truncated).toBe(true);
    expect(d?.payload.length).toBe(200 - 14 - 20 - 8);
    expect(file.stats.truncatedRecords).toBe(1);
    expect(issues(evs).map((i) => i.message)).toEqual([
      '1 records were cut short by the capture\'s snap length (the first is frame 1); their packets are incomplete and cannot be decrypted',
    ]);
  });

  it('reports a malformed IP header and reads the next record', async () => {
    const bad = Buffer.from(v4udp);
    bad[0] = 0x41; // IHL 1: shorter than the fixed header
    const evs = await read(tempFile(pcapFile(101, [{ time: 1, data: bad }, { time: 2, data: v4udp }])));
    expect(datagrams(evs).map((d) => d.frame)).toEqual([2]);
    const [issue] = issues(evs);
    expect(issue?.frame).toBe(1);
    expect(issue?.fatal).toBe(false);
    expect(issue?.offset).toBe(24 + 16);
    expect(issue?.message).toContain('expected an IPv4 header');
  });
});

describe('opening inputs', () => {
  it('names the file, offset 0 and the magic numbers it expected', async () => {
    const path = tempFile('hello world, not a capture');
    await expect(openCapture(path)).rejects.toThrowError(InputError);
    await expect(openCapture(path)).rejects.toMatchObject({
      issue: { file: path, offset: 0, fatal: true, message: expect.stringContaining('found 68656c6c') },
    });
  });

  it('says a missing file is missing', async () => {
    await expect(openCapture('/nonexistent/x.pcap')).rejects.toMatchObject({ issue: { message: 'no such file' } });
  });

  it('recognises a qlog and says it is not a capture', async () => {
    await expect(openCapture(tempFile('\x1e{"qlog_format":"JSON-SEQ"}'))).rejects.toMatchObject({
      issue: { message: expect.stringContaining('qlog') },
    });
  });
});
