/**
 * QUIC versions quiclens knows by number. A version decides the long-header layout and the
 * meaning of the two packet-type bits (RFC 9000 §17.2; RFC 9369 §3.2 rotates them for v2).
 * Everything else on the wire is only read through the invariants of RFC 8999.
 */
export type LongPacketType = 'initial' | '0RTT' | 'handshake' | 'retry';

export type VersionFamily = 'v1' | 'v2' | 'draft' | 'negotiation' | 'grease' | 'other';

export interface VersionInfo {
  version: number;
  name: string;
  family: VersionFamily;
  /** the packet type for each value of the two type bits; undefined when the layout is unknown */
  longTypes?: readonly [LongPacketType, LongPacketType, LongPacketType, LongPacketType];
  /** longest connection ID the version allows in a long header */
  maxCidLength: number;
}

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;
/** the version ngtcp2 0.12 and the later drafts of draft-ietf-quic-v2 used */
export const QUIC_V2_DRAFT = 0x709a50c4;
export const QUIC_DRAFT_29 = 0xff00001d;

const V1_TYPES = ['initial', '0RTT', 'handshake', 'retry'] as const;
// RFC 9369 §3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00
const V2_TYPES = ['retry', 'initial', '0RTT', 'handshake'] as const;

/**
 * RFC 9000 §15: versions of the form 0x?a?a?a?a are reserved so that peers exercise
 * version negotiation; they never carry a real connection.
 */
export function isGreaseVersion(v: number): boolean {
  return (v & 0x0f0f0f0f) === 0x0a0a0a0a;
}

export function versionInfo(version: number): VersionInfo {
  if (version === QUIC_V1) return { version, name: 'QUIC v1', family: 'v1', longTypes: V1_TYPES, maxCidLength: 20 };
  if (version === QUIC_V2) return { version, name: 'QUIC v2', family: 'v2', longTypes: V2_TYPES, maxCidLength: 20 };
  if (version === QUIC_V2_DRAFT)
    return { version, name: 'QUIC v2 draft', family: 'v2', longTypes: V2_TYPES, maxCidLength: 20 };
  if (version === 0) return { version, name: 'Version Negotiation', family: 'negotiation', maxCidLength: 255 };
  // IETF drafts 0xff0000NN: from draft 22 on the long header has one length byte per
  // connection ID and the v1 packet types, which is all we need to parse it.
  if (version >>> 8 === 0xff0000) {
    const draft = version & 0xff;
    return {
      version,
      name: `draft-${draft}`,
      family: 'draft',
      longTypes: draft >= 22 ? V1_TYPES : undefined,
      maxCidLength: draft >= 22 ? 20 : 18,
    };
  }
  if (isGreaseVersion(version)) return { version, name: 'reserved (greasing)', family: 'grease', maxCidLength: 255 };
  return { version, name: otherVersionName(version), family: 'other', maxCidLength: 255 };
}

function otherVersionName(v: number): string {
  // gQUIC and Google's transitional versions spell themselves in ASCII: Q050, T051
  const ascii = String.fromCharCode(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (/^[QT]0\d\d$/.test(ascii)) return `Google ${ascii}`;
  if (v >>> 8 === 0xfaceb0) return `mvfst 0x${(v & 0xff).toString(16)}`;
  return 'unknown';
}

/** `0x00000001`: the form design.md gives versions in JSON */
export function formatVersion(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
