import { ByteReader } from '../wire/byte-reader.js';
import { LinkType } from './types.js';

/** What is left of a record once the link-layer header is removed. */
export type NetworkPacket = { ipVersion: 4 | 6; reader: ByteReader } | { ipVersion: null; reason: string };

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q, 802.1ad (QinQ) and the older 0x9100 QinQ tag */
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);

/**
 * Strips the link-layer header of a record (https://www.tcpdump.org/linktypes.html).
 * `base` is the record's data offset in the file, for error messages.
 */
export function stripLinkLayer(linkType: number, data: Buffer, base: number): NetworkPacket {
  const r = new ByteReader(data, base);
  switch (linkType) {
    case LinkType.ETHERNET: {
      r.skip(12, 'the Ethernet addresses');
      let etherType = r.u16('the EtherType');
      // any depth of VLAN tags: each is a 2-byte tag control field and the next EtherType
      while (VLAN_TAGS.has(etherType)) {
        r.skip(2, 'a VLAN tag');
        etherType = r.u16('the EtherType after a VLAN tag');
      }
      return byEtherType(etherType, r);
    }
    case LinkType.LINUX_SLL:
      // 16 bytes: packet type, ARPHRD type, address length, 8 address bytes, protocol
      r.skip(14, 'the Linux cooked header');
      return byEtherType(r.u16('the SLL protocol'), r);
    case LinkType.LINUX_SLL2: {
      // 20 bytes: protocol first, then interface index, ARPHRD, packet type, address
      const protocol = r.u16('the SLL2 protocol');
      r.skip(18, 'the rest of the SLL2 header');
      return byEtherType(protocol, r);
    }
    case LinkType.PPP:
      return byPppProtocol(r);
    case LinkType.PPP_HDLC:
      // RFC 1662 framing starts with the all-stations address 0xff; Cisco HDLC with its
      // unicast (0x0f) or multicast (0x8f) address, and carries an EtherType
      return r.peekU8('the HDLC address') === 0xff ? byPppProtocol(r) : byCiscoHdlc(r);
    case LinkType.C_HDLC:
      return byCiscoHdlc(r);
    case LinkType.PPP_ETHER:
      // RFC 2516 §4: version/type, code, session ID and length, then the PPP protocol
      r.skip(6, 'the PPPoE header');
      return byPppProtocol(r);
    case LinkType.RAW:
    case LinkType.DLT_RAW_12:
    case LinkType.DLT_RAW_14:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return byVersionNibble(r);
    case LinkType.NULL:
    case LinkType.LOOP: {
      // a 4-byte address family: host byte order for NULL (written by whichever machine
      // captured), network order for LOOP; accept both orders for both
      const raw = r.bytes(4, 'the loopback address family');
      // the families are small numbers, so the smaller reading is the right byte order
      const family = Math.min(raw.readUInt32LE(0), raw.readUInt32BE(0));
      if (family === 2) return { ipVersion: 4, reader: r };
      // AF_INET6 is 24 on NetBSD/OpenBSD, 28 on FreeBSD/DragonFly, 30 on macOS, 10 on Linux
      if (family === 24 || family === 28 || family === 30 || family === 10) return { ipVersion: 6, reader: r };
      return { ipVersion: null, reason: `address family ${family}` };
    }
    default:
      return { ipVersion: null, reason: `link type ${linkType}` };
  }
}

function byEtherType(etherType: number, r: ByteReader): NetworkPacket {
  if (etherType === ETHERTYPE_IPV4) return { ipVersion: 4, reader: r };
  if (etherType === ETHERTYPE_IPV6) return { ipVersion: 6, reader: r };
  return { ipVersion: null, reason: `EtherType 0x${etherType.toString(16).padStart(4, '0')}` };
}

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

/**
 * PPP (RFC 1661 §2): the protocol field, after RFC 1662's address 0xff and control 0x03
 * when the sender framed it so. A protocol whose first byte is odd was compressed to
 * one byte (RFC 1661 §6.5, Protocol-Field-Compression).
 */
function byPppProtocol(r: ByteReader): NetworkPacket {
  if (r.remaining >= 2 && r.peekU8('the PPP address') === 0xff && r.buf[r.offset + 1] === 0x03) r.skip(2, 'the PPP address and control');
  const first = r.u8('the PPP protocol');
  const protocol = first & 1 ? first : (first << 8) | r.u8('the PPP protocol');
  if (protocol === PPP_IPV4) return { ipVersion: 4, reader: r };
  if (protocol === PPP_IPV6) return { ipVersion: 6, reader: r };
  return { ipVersion: null, reason: `PPP protocol 0x${protocol.toString(16).padStart(4, '0')}` };
}

/** Cisco HDLC: address, control, then an EtherType */
function byCiscoHdlc(r: ByteReader): NetworkPacket {
  r.skip(2, 'the Cisco HDLC address and control');
  return byEtherType(r.u16('the Cisco HDLC protocol'), r);
}

function byVersionNibble(r: ByteReader): NetworkPacket {
  const v = r.peekU8('the IP version') >> 4;
  if (v === 4 || v === 6) return { ipVersion: v, reader: r };
  return { ipVersion: null, reason: `IP version ${v}` };
}

/** the link types stripLinkLayer understands */
export function isKnownLinkType(linkType: number): boolean {
  return (Object.values(LinkType) as number[]).includes(linkType);
}
