/**
 * pcapng block types and option codes we read (draft-ietf-opsawg-pcapng §4, §10).
 */
export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  OBSOLETE_PACKET: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  ENHANCED_PACKET: 0x00000006,
  DECRYPTION_SECRETS: 0x0000000a,
} as const;

/** the Byte-Order Magic of a Section Header Block (§4.1) */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OptionCode = {
  END: 0,
  IF_TSRESOL: 9,
  IF_TSOFFSET: 14,
} as const;

/** What an Interface Description Block (§4.2) says that we need per record. */
export interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** timestamp units per second, from if_tsresol (default 10^6) */
  unitsPerSecond: bigint;
  /** if_tsoffset: seconds to add to every timestamp */
  offsetSeconds: number;
}

/**
 * if_tsresol (§4.2): the high bit picks the base; the rest is the negative exponent. 6
 * means microseconds, 9 nanoseconds, 0x80|10 units of 2^-10 s.
 */
export function unitsPerSecond(tsresol: number): bigint {
  const exp = BigInt(tsresol & 0x7f);
  return (tsresol & 0x80) !== 0 ? 2n ** exp : 10n ** exp;
}

const MICROS = 1_000_000n;

/** a 64-bit timestamp in an interface's units, as seconds since the epoch */
export function timestampSeconds(high: number, low: number, iface: PcapngInterface): number {
  if (iface.unitsPerSecond === MICROS) {
    // microsecond counts stay below 2^53 until the year 2255: plain numbers are exact
    return (high * 2 ** 32 + low) / 1e6 + iface.offsetSeconds;
  }
  const ts = (BigInt(high) << 32n) | BigInt(low);
  const whole = ts / iface.unitsPerSecond;
  const frac = ts % iface.unitsPerSecond;
  return Number(whole) + Number(frac) / Number(iface.unitsPerSecond) + iface.offsetSeconds;
}
