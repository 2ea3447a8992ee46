import type { PacketKeys } from './packet-keys.js';

export interface UnprotectedHeader {
  /** the first byte with its protected bits restored */
  firstByte: number;
  pnLength: number;
  truncatedPn: number;
  /** the header as sent before protection: first byte … packet number (the AEAD's AAD) */
  header: Buffer;
}

/** RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number's first byte */
const SAMPLE_OFFSET = 4;
const SAMPLE_LENGTH = 16;

/**
 * Removes header protection (RFC 9001 §5.4.1) from `packet` (one packet's bytes) without
 * touching it. null when the packet is too short to hold a sample.
 */
export function removeHeaderProtection(packet: Buffer, pnOffset: number, keys: PacketKeys): UnprotectedHeader | null {
  const sampleAt = pnOffset + SAMPLE_OFFSET;
  if (packet.length < sampleAt + SAMPLE_LENGTH) return null;
  const mask = keys.mask(packet.subarray(sampleAt, sampleAt + SAMPLE_LENGTH));
  const long = (packet[0]! & 0x80) !== 0;
  // long headers protect 4 bits (reserved, PN length), short headers 5 (and key phase)
  const firstByte = packet[0]! ^ (mask[0]! & (long ? 0x0f : 0x1f));
  const pnLength = (firstByte & 0x03) + 1;
  const header = Buffer.from(packet.subarray(0, pnOffset + pnLength));
  header[0] = firstByte;
  let truncatedPn = 0;
  for (let i = 0; i < pnLength; i++) {
    header[pnOffset + i] = packet[pnOffset + i]! ^ mask[1 + i]!;
    truncatedPn = truncatedPn * 256 + header[pnOffset + i]!;
  }
  return { firstByte, pnLength, truncatedPn, header };
}

/** The sender's side, for tests: protect an unprotected header in place (RFC 9001 §5.4.1). */
export function applyHeaderProtection(packet: Buffer, pnOffset: number, keys: PacketKeys): void {
  const pnLength = (packet[0]! & 0x03) + 1;
  const mask = keys.mask(packet.subarray(pnOffset + SAMPLE_OFFSET, pnOffset + SAMPLE_OFFSET + SAMPLE_LENGTH));
  packet[0] = packet[0]! ^ (mask[0]! & ((packet[0]! & 0x80) !== 0 ? 0x0f : 0x1f));
  for (let i = 0; i < pnLength; i++) packet[pnOffset + i] = packet[pnOffset + i]! ^ mask[1 + i]!;
}
