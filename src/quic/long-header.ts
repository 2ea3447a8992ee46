import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import type { LongHeader } from './packet-header.js';
import { parseGquicNibbleHeader } from './gquic/public-header.js';
import { gquicLayout, versionInfo } from './versions.js';

const V1_LAYOUT = versionInfo(0x00000001).longTypes!;

/** RFC 9001 §5.8: the Retry Integrity Tag is the AEAD tag of AES-128-GCM. */
const RETRY_TAG_LENGTH = 16;

/**
 * Reads one long-header packet starting at the reader's position (RFC 9000 §17.2). The
 * reader covers the rest of the datagram; on return it stands after this packet, so the
 * caller can read the next packet of a coalesced datagram.
 *
 * A version whose layout we do not know is read only as far as RFC 8999 §5.1 allows
 * (version and connection IDs) and takes the rest of the datagram.
 */
export function parseLongHeader(r: ByteReader, layoutOf?: number): LongHeader {
  // gQUIC Q044 to Q046 put both CID lengths in one byte (see gquic/public-header.ts)
  if (layoutOf === undefined && r.remaining >= 5 && gquicLayout(r.buf.readUInt32BE(r.offset + 1))?.header === 'nibbles') {
    return parseGquicNibbleHeader(r, V1_LAYOUT);
  }
  const start = r.offset;
  const firstByte = r.u8('the first byte of a long header');
  const version = r.u32('the 32-bit version of a long header');
  // `layoutOf`: read an unknown version as if it were this one (the caller must prove it)
  const info = versionInfo(version === 0 ? 0 : (layoutOf ?? version));
  const dcid = readCid(r, info.maxCidLength, 'Destination');
  const scid = readCid(r, info.maxCidLength, 'Source');
  const base = { form: 'long' as const, offset: start, firstByte, version, dcid, scid };

  if (version === 0) {
    // RFC 9000 §17.2.1: the rest is a list of 32-bit versions
    if (r.remaining % 4 !== 0 || r.remaining === 0) {
      throw new WireError(
        `expected a list of 32-bit versions in a Version Negotiation packet, found ${r.remaining} bytes`,
        r.absoluteOffset,
      );
    }
    const supportedVersions: number[] = [];
    while (!r.atEnd) supportedVersions.push(r.u32('an offered version'));
    return { ...base, type: 'version_negotiation', supportedVersions, length: r.offset - start };
  }

  if (!info.longTypes) {
    r.rest();
    return { ...base, type: 'unknown', length: r.offset - start };
  }

  const type = info.longTypes[(firstByte >> 4) & 0x03]!;
  if (type === 'retry') {
    // RFC 9000 §17.2.5: Retry Token fills the packet up to the 16-byte integrity tag
    if (r.remaining < RETRY_TAG_LENGTH) {
      throw new WireError(
        `expected a Retry integrity tag of ${RETRY_TAG_LENGTH} bytes, found ${r.remaining}`,
        r.absoluteOffset,
      );
    }
    const token = r.bytes(r.remaining - RETRY_TAG_LENGTH, 'the Retry token');
    const integrityTag = r.bytes(RETRY_TAG_LENGTH, 'the Retry integrity tag');
    return { ...base, type, token, integrityTag, length: r.offset - start };
  }

  let token: Buffer | undefined;
  if (type === 'initial') {
    // RFC 9000 §17.2.2: Token Length (varint) and Token
    const tokenLength = r.varint('the Initial token length');
    token = r.bytes(tokenLength, `an Initial token of ${tokenLength} bytes`);
  }
  const lengthAt = r.absoluteOffset;
  const payloadLength = r.varint('the Length field');
  const pnOffset = r.offset - start;
  if (payloadLength > r.remaining) {
    throw new WireError(
      `the Length field says ${payloadLength} bytes of packet number and payload follow, but the datagram has ${r.remaining} left`,
      lengthAt,
    );
  }
  if (payloadLength < 1) {
    throw new WireError('expected a Length of at least 1 (the packet number)', lengthAt);
  }
  r.skip(payloadLength);
  return { ...base, type, token, payloadLength, pnOffset, length: r.offset - start };
}

function readCid(r: ByteReader, max: number, which: 'Destination' | 'Source'): Buffer {
  const at = r.absoluteOffset;
  const len = r.u8(`the ${which} Connection ID length`);
  if (len > max) {
    throw new WireError(`${which} Connection ID length ${len} is over the ${max} bytes this version allows`, at);
  }
  return r.bytes(len, `a ${which} Connection ID of ${len} bytes`);
}
