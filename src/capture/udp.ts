import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  /** fewer bytes were captured than the UDP length says */
  truncated: boolean;
}

/** UDP (RFC 768): 8-byte header; the payload is Length − 8 bytes, never read past the capture */
export function readUdp(segment: Buffer, base: number): UdpDatagram {
  const r = new ByteReader(segment, base);
  const srcPort = r.u16('the UDP source port');
  const dstPort = r.u16('the UDP destination port');
  const length = r.u16('the UDP length');
  r.u16('the UDP checksum');
  // length 0 is allowed for IPv6 jumbograms (RFC 2675 §4): then the IP length rules
  if (length !== 0 && length < 8) throw new WireError(`UDP length ${length} is shorter than its 8-byte header`, base + 4);
  const wanted = length === 0 ? r.remaining : length - 8;
  const truncated = r.remaining < wanted;
  return { srcPort, dstPort, payload: r.bytes(Math.min(wanted, r.remaining)), truncated };
}
