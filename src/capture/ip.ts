import type { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import { ipv4Text, ipv6Text } from './ip-address.js';

/** An IP packet's transport payload and addressing, or a fragment of one. */
export interface IpPacket {
  version: 4 | 6;
  src: string;
  dst: string;
  /** transport protocol number (17 = UDP) */
  protocol: number;
  /** the ECN field (RFC 3168 §5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE */
  ecn: number;
  payload: Buffer;
  /** the captured bytes end before the IP length does (snap length) */
  truncated: boolean;
  /**
   * the IP length field was 0, so the record's own length was used: a capture taken on a
   * host with segmentation offload (TSO/GSO) sees the packet before the NIC fills it in
   */
  lengthFromRecord?: true;
  fragment?: { key: string; offset: number; more: boolean };
}

export const IPPROTO_UDP = 17;

/** IPv4 (RFC 791 §3.1): header length from IHL (options skipped), payload from Total Length */
export function readIpv4(r: ByteReader): IpPacket {
  const start = r.absoluteOffset;
  const vihl = r.u8('the IPv4 version and header length');
  const ihl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || ihl < 20) {
    throw new WireError(`expected an IPv4 header (version 4, header length 20 or more), found version ${vihl >> 4}, length ${ihl}`, start);
  }
  // RFC 3168 §5: the ECN field is the low two bits of the old type-of-service byte
  const ecn = r.u8('the type of service') & 0x03;
  const totalLength = r.u16('the IPv4 total length');
  const id = r.u16('the IPv4 identification');
  const flagsOffset = r.u16('the IPv4 flags and fragment offset');
  r.u8('the TTL');
  const protocol = r.u8('the IPv4 protocol');
  r.u16('the IPv4 checksum');
  const srcBytes = r.bytes(4, 'the IPv4 source address');
  const dstBytes = r.bytes(4, 'the IPv4 destination address');
  r.skip(ihl - 20, 'IPv4 options');
  const fromRecord = totalLength === 0;
  if (totalLength < ihl && !fromRecord) throw new WireError(`IPv4 total length ${totalLength} is shorter than its header (${ihl})`, start + 2);
  const wanted = fromRecord ? r.remaining : totalLength - ihl;
  // Ethernet pads short frames: trust Total Length, not the captured size
  const truncated = r.remaining < wanted;
  const payload = r.bytes(Math.min(wanted, r.remaining));
  const src = ipv4Text(srcBytes);
  const dst = ipv4Text(dstBytes);
  const more = (flagsOffset & 0x2000) !== 0;
  const offset = (flagsOffset & 0x1fff) * 8;
  const packet: IpPacket = { version: 4, src, dst, protocol, ecn, payload, truncated };
  if (fromRecord) packet.lengthFromRecord = true;
  if (more || offset > 0) packet.fragment = { key: `4/${src}/${dst}/${protocol}/${id}`, offset, more };
  return packet;
}

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const NO_NEXT = 59;
const DEST_OPTS = 60;
const MOBILITY = 135;

/** IPv6 (RFC 8200 §3) and its extension headers (§4), up to the transport payload */
export function readIpv6(r: ByteReader): IpPacket {
  const start = r.absoluteOffset;
  const first = r.u32('the IPv6 version, traffic class and flow label');
  if (first >>> 28 !== 6) throw new WireError(`expected an IPv6 header (version 6), found version ${first >>> 28}`, start);
  const payloadLength = r.u16('the IPv6 payload length');
  let next = r.u8('the IPv6 next header');
  r.u8('the hop limit');
  const src = ipv6Text(r.bytes(16, 'the IPv6 source address'));
  const dst = ipv6Text(r.bytes(16, 'the IPv6 destination address'));
  // a payload length of 0 with bytes behind it: segmentation offload, as for IPv4 (a
  // jumbogram's hop-by-hop option, RFC 2675, is the other reason, and also means "all of it")
  const fromRecord = payloadLength === 0 && r.remaining > 0;
  const wanted = fromRecord ? r.remaining : payloadLength;
  const truncated = r.remaining < wanted;
  const body = r.sub(Math.min(wanted, r.remaining));
  let fragment: IpPacket['fragment'];
  for (;;) {
    if (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === MOBILITY) {
      next = body.u8('the next header of an extension header');
      body.skip(body.u8('an extension header length') * 8 + 6, 'an extension header');
    } else if (next === AUTH) {
      // RFC 4302 §2.2: its length is in 4-byte units, minus 2
      next = body.u8('the next header of an AH header');
      body.skip(body.u8('the AH length') * 4 + 6, 'an AH header');
    } else if (next === FRAGMENT) {
      next = body.u8('the next header of a fragment header');
      body.u8('reserved');
      const offsetFlags = body.u16('the fragment offset');
      const id = body.u32('the fragment identification');
      fragment = { key: `6/${src}/${dst}/${id}`, offset: offsetFlags & 0xfff8, more: (offsetFlags & 1) === 1 };
      // a later fragment holds only data: nothing after its header is a header
      if (fragment.offset > 0) break;
    } else break;
  }
  // RFC 8200 §7, RFC 3168 §5: the ECN field is the low two bits of the traffic class (bits 20-21 of the first word)
  const ecn = (first >>> 20) & 0x03;
  const packet: IpPacket = { version: 6, src, dst, protocol: next === NO_NEXT ? -1 : next, ecn, payload: body.rest(), truncated };
  if (fromRecord) packet.lengthFromRecord = true;
  // only the first fragment carries the headers after the fragment header; the protocol of
  // the reassembled datagram is the one found there
  if (fragment) packet.fragment = fragment;
  return packet;
}
