import type { Datagram } from '../capture/types.js';
import { formatEndpoint } from '../capture/types.js';
import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import { looksLikeQuic, QUIC_PORTS } from './detect.js';
import { findSegmentSize } from './gso-split.js';
import { isGquicPublicHeader, parseGquicPublicHeader } from './gquic/public-header.js';
import { parseLongHeader } from './long-header.js';
import type { PacketHeader } from './packet-header.js';
import { parseShortHeader } from './short-header.js';
import { ShortHeaderDcidResolver } from './short-header-dcid.js';

export interface DecodedDatagram {
  packets: PacketHeader[];
  /** the payload was a GSO super-datagram of segments this long (see gso-split.ts) */
  gsoSegmentSize?: number;
  /** a packet that could not be read: where in the UDP payload, and what was expected */
  problem?: { offset: number; message: string };
  /** bytes after the last packet that start no QUIC packet (e.g. zero padding) */
  trailingBytes: number;
}

export interface DatagramDecoderOptions {
  /** UDP ports the user named with --port: QUIC is assumed there even without long headers */
  ports?: readonly number[];
}

/**
 * Splits UDP payloads into QUIC packets: every packet of a coalesced datagram (RFC 9000
 * §12.2), long and short headers. Keeps what it learns about endpoints and connection IDs
 * so that later short headers can be read.
 */
export class DatagramDecoder {
  readonly dcids = new ShortHeaderDcidResolver();
  private readonly ports: ReadonlySet<number>;

  constructor(options: DatagramDecoderOptions = {}) {
    this.ports = new Set(options.ports ?? []);
  }

  /** null when the datagram is not QUIC */
  decode(d: Datagram): DecodedDatagram | null {
    const src = formatEndpoint(d.src);
    const dst = formatEndpoint(d.dst);
    const knownEndpoint = this.dcids.knowsEndpoint(src) || this.dcids.knowsEndpoint(dst);
    const portHint = this.ports.has(d.src.port) || this.ports.has(d.dst.port);
    const short = d.payload.length > 0 && (d.payload[0]! & 0x80) === 0;
    const ctx = {
      knownEndpoint,
      portHint,
      quicPort: QUIC_PORTS.has(d.src.port) || QUIC_PORTS.has(d.dst.port),
      // a flow never seen before (a balancer forwarding a migrated client to another
      // backend) is QUIC when its short header carries a CID a connection uses
      knownDcid: short && !knownEndpoint && !portHint && this.dcids.resolve(d.payload.subarray(1), dst).source === 'known_cid',
      greasedFixedBit: this.greasedShortHeader(d.payload, 0, src, dst),
    };
    if (isGquicPublicHeader(d.payload)) return this.decodeGquicPublic(d, src);
    if (!looksLikeQuic(d.payload, ctx)) return null;

    const r = new ByteReader(d.payload);
    const packets: PacketHeader[] = [];
    while (!r.atEnd) {
      const first = r.peekU8();
      const isLong = (first & 0x80) !== 0;
      // a later packet in the datagram must look like QUIC too; zero bytes are padding
      if (!isLong && (first & 0x40) === 0 && !this.greasedShortHeader(d.payload, r.offset, src, dst)) break;
      const at = r.offset;
      const firstPacket = packets[0];
      // RFC 9000 §12.2: coalesced packets share one DCID (and a version); bytes after a
      // packet that do not are padding (some stacks pad with random bytes), not a packet
      // and not a GSO segment
      if (firstPacket && !continuesDatagram(d.payload, at, firstPacket)) return { packets, trailingBytes: r.buf.length - at };
      try {
        const h = isLong ? parseLongHeader(r) : parseShortHeader(r, this.dcids, dst);
        if (h.form === 'short') {
          const size = findSegmentSize(d.payload, h.offset, h.dcid);
          if (size !== null) return this.decodeSegments(d, packets, h.offset, size, dst);
        }
        packets.push(h);
        if (h.form === 'long') {
          this.learn(h, src);
          if ((h.firstByte & 0x40) === 0) this.dcids.learnGreasing(src, dst);
        }
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        return { packets, problem: { offset: err.offset, message: err.message }, trailingBytes: r.buf.length - at };
      }
    }
    return { packets, trailingBytes: r.remaining };
  }

  /** a gQUIC packet with a public header (Q043 and before): one packet, the whole datagram */
  private decodeGquicPublic(d: Datagram, src: string): DecodedDatagram {
    const r = new ByteReader(d.payload);
    try {
      const h = parseGquicPublicHeader(r);
      this.learn(h, src);
      return { packets: [h], trailingBytes: 0 };
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      return { packets: [], problem: { offset: err.offset, message: err.message }, trailingBytes: d.payload.length };
    }
  }

  /**
   * A GSO super-datagram: the packets before the short header at `shortAt` stay as read;
   * from there each segment is read as a datagram of its own.
   */
  private decodeSegments(d: Datagram, before: PacketHeader[], shortAt: number, size: number, dst: string): DecodedDatagram {
    const packets = [...before];
    for (let seg = 0; seg < d.payload.length; seg += size) {
      const from = seg === 0 ? shortAt : seg;
      const r = new ByteReader(d.payload, 0, from, Math.min(seg + size, d.payload.length));
      while (!r.atEnd) {
        const isLong = (r.peekU8() & 0x80) !== 0;
        try {
          const h = isLong ? parseLongHeader(r) : parseShortHeader(r, this.dcids, dst);
          packets.push(h);
        } catch (err) {
          if (!(err instanceof WireError)) throw err;
          return { packets, gsoSegmentSize: size, problem: { offset: err.offset, message: err.message }, trailingBytes: 0 };
        }
      }
    }
    return { packets, gsoSegmentSize: size, trailingBytes: 0 };
  }

  /**
   * A short header at `at` with the fixed bit clear is a real packet when its sender or
   * receiver was seen greasing (RFC 9287) or its DCID is a CID we know; otherwise it is
   * padding.
   */
  private greasedShortHeader(p: Buffer, at: number, src: string, dst: string): boolean {
    if (this.dcids.greasingSeen(src, dst)) return true;
    return this.dcids.resolve(p.subarray(at + 1), dst).source === 'known_cid';
  }

  private learn(h: PacketHeader & { form: 'long' }, src: string): void {
    if (h.type === 'version_negotiation' || h.type === 'unknown') return;
    // the sender chose its SCID: its peer's short headers will carry it as DCID
    this.dcids.learnEndpointCid(src, h.scid, h.version);
    // a client's first Initial DCID is the server's until the server picks its own, and
    // servers may keep it: treat it as a CID the receiving endpoint answers to
    if (h.type === 'initial' || h.type === '0RTT') this.dcids.learnCid(h.dcid, h.version);
  }
}

/**
 * Whether the bytes at `at` start a packet coalesced with `first`: a long header of the
 * same version, or a short header, carrying the same DCID (RFC 9000 §12.2).
 */
function continuesDatagram(p: Buffer, at: number, first: PacketHeader): boolean {
  const dcid = first.dcid;
  if ((p[at]! & 0x80) !== 0) {
    if (p.length < at + 6 + dcid.length) return false;
    if (first.form === 'long' && p.readUInt32BE(at + 1) !== first.version) return false;
    return p[at + 5] === dcid.length && p.subarray(at + 6, at + 6 + dcid.length).equals(dcid);
  }
  return p.length >= at + 1 + dcid.length && p.subarray(at + 1, at + 1 + dcid.length).equals(dcid);
}
