import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { REPO } from '../support/captures.js';
import { nullLoopback, pcapFile, sll, sll2, tempFile } from '../capture/build-capture.js';

/**
 * One real QUIC datagram (nDPI's dlt_ppp.pcap, a draft-29 client Initial from the interop
 * runner, SNI "server4") under every link type quiclens reads: the IPv4 packet is taken
 * from the PPP record and given each link layer's header, as tcpdump would write it there.
 */
const PPP_CAPTURE = join(REPO, 'test', 'fixtures', 'captures-wild', 'dlt_ppp.pcap');
const HEADERS = 24 + 16;
const record = readFileSync(PPP_CAPTURE).subarray(HEADERS);
// the record is the PPP protocol 0x0021 (IPv4), then the IP packet
const ipPacket = record.subarray(2);
const hex = (s: string) => Buffer.from(s, 'hex');

async function hello(linkType: number, frame: Buffer) {
  const s = new PacketSession();
  for await (const ev of s.read(await openCapture(tempFile(pcapFile(linkType, [{ time: 1, data: frame }]))))) void ev;
  return s.tracker.connections.map((c) => [c.version, c.tls.clientHello?.serverName, c.client?.ip]);
}

describe('a real QUIC packet under every link type (libpcap LINKTYPE_ numbers)', () => {
  it('the PPP record itself', () => {
    expect(record.subarray(0, 2).toString('hex')).toBe('0021');
  });

  it.each([
    ['NULL, little-endian AF_INET (BSD, macOS)', 0, nullLoopback(2, ipPacket, true)],
    ['NULL, big-endian AF_INET', 0, nullLoopback(2, ipPacket, false)],
    ['LOOP (OpenBSD)', 108, nullLoopback(2, ipPacket, false)],
    ['PPP', 9, record],
    ['PPP in HDLC framing', 50, Buffer.concat([hex('ff03'), record])],
    ['Cisco HDLC', 104, Buffer.concat([hex('0f000800'), ipPacket])],
    ['PPPoE', 51, Buffer.concat([hex('11000001'), Buffer.from([record.length >> 8, record.length & 0xff]), record])],
    ['raw IP (101)', 101, ipPacket],
    ['raw IP (DLT 12)', 12, ipPacket],
    ['raw IP (DLT 14)', 14, ipPacket],
    ['IPv4 (228)', 228, ipPacket],
    ['Linux SLL', 113, sll(0x0800, ipPacket)],
    ['Linux SLL2', 276, sll2(0x0800, ipPacket)],
  ])('%s', async (_n, linkType, frame) => {
    expect(await hello(linkType, frame)).toEqual([[0xff00001d, 'server4', '193.167.0.252']]);
  });
});
