import { SAMPLE_LENGTH, type PacketKeys } from './packet-keys.js';

/** What removing header protection reveals (RFC 9001 §5.4.1). */
export interface UnprotectedHeader {
  ok: true;
  /** the first byte with its protected bits restored */
  firstByte: number;
  /** 1 to 4, from the two low bits of the restored first byte */
  pnLength: number;
  /** the packet number as sent, before recovery of its high bits (RFC 9000 §17.1) */
  truncatedPn: number;
  pnOffset: number;
  /** the header's length up to the end of the packet number: the AEAD's AAD, and where the ciphertext starts */
  headerLength: number;
}

/** A packet that ends before the bytes header protection samples. */
export interface SampleUnavailable {
  ok: false;
  message: string;
}

/** RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number's first byte, as if it were 4 bytes long */
const SAMPLE_OFFSET = 4;

/** long headers protect the reserved and PN-length bits, short ones the key phase too (RFC 9001 §5.4.1) */
const firstByteBits = (isLong: boolean) => (isLong ? 0x0f : 0x1f);

/** the 5-byte mask a 16-byte sample of ciphertext gives (RFC 9001 §5.4.3, §5.4.4) */
export function headerProtectionMask(keys: PacketKeys, sample: Buffer): Buffer {
  return keys.mask(sample);
}

function sampleOf(packet: Buffer, pnOffset: number): Buffer | SampleUnavailable {
  const at = pnOffset + SAMPLE_OFFSET;
  if (packet.length < at + SAMPLE_LENGTH) {
    return {
      ok: false,
      message: `packet of ${packet.length} bytes is too short to sample for header protection: needs ${at + SAMPLE_LENGTH} (packet number at ${pnOffset}, RFC 9001 §5.4.2)`,
    };
  }
  return packet.subarray(at, at + SAMPLE_LENGTH);
}

/**
 * Removes header protection from `packet` (one packet's bytes, starting at its first byte
 * and, for a coalesced long header, ending where its Length field says) without changing
 * it. The header form bit is never protected, so `isLong` defaults to what it says.
 */
export function removeHeaderProtection(
  packet: Buffer,
  pnOffset: number,
  keys: PacketKeys,
  isLong = (packet[0]! & 0x80) !== 0,
): UnprotectedHeader | SampleUnavailable {
  const sample = sampleOf(packet, pnOffset);
  if (!Buffer.isBuffer(sample)) return sample;
  const mask = keys.mask(sample);
  const firstByte = packet[0]! ^ (mask[0]! & firstByteBits(isLong));
  const pnLength = (firstByte & 0x03) + 1;
  let truncatedPn = 0;
  for (let i = 0; i < pnLength; i++) truncatedPn = truncatedPn * 256 + (packet[pnOffset + i]! ^ mask[1 + i]!);
  return { ok: true, firstByte, pnLength, truncatedPn, pnOffset, headerLength: pnOffset + pnLength };
}

/** The header as it was before protection, a new small Buffer: the AAD of RFC 9001 §5.3. */
export function unprotectedHeader(packet: Buffer, un: UnprotectedHeader): Buffer {
  const header = Buffer.from(packet.subarray(0, un.headerLength));
  header[0] = un.firstByte;
  header.writeUIntBE(un.truncatedPn, un.pnOffset, un.pnLength);
  return header;
}

/**
 * The sender's side (RFC 9001 §5.4.1), for tests and symmetry: a protected copy of a packet
 * whose header is still clear and whose payload is already sealed.
 */
export function applyHeaderProtection(packet: Buffer, pnOffset: number, keys: PacketKeys): Buffer {
  const sample = sampleOf(packet, pnOffset);
  if (!Buffer.isBuffer(sample)) throw new RangeError(sample.message);
  const out = Buffer.from(packet);
  const mask = keys.mask(sample);
  const pnLength = (packet[0]! & 0x03) + 1;
  out[0] = packet[0]! ^ (mask[0]! & firstByteBits((packet[0]! & 0x80) !== 0));
  for (let i = 0; i < pnLength; i++) out[pnOffset + i] = packet[pnOffset + i]! ^ mask[1 + i]!;
  return out;
}
