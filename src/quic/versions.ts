/**
 * QUIC versions quiclens knows by number. A version decides the long-header layout and the
 * meaning of the two packet-type bits (RFC 9000 §17.2; RFC 9369 §3.2 rotates them for v2).
 * Everything else on the wire is only read through the invariants of RFC 8999.
 */
export type LongPacketType = 'initial' | '0RTT' | 'handshake' | 'retry';

export type VersionFamily = 'v1' | 'v2' | 'draft' | 'mvfst' | 'gquic' | 'negotiation' | 'grease' | 'other';

/**
 * Google QUIC, as Chromium's quic_versions and Wireshark's gQUIC dissector describe it:
 * - `public`: Q043 and before, the gQUIC public header (flags, 8-byte CID, version, packet
 *   number), a plaintext CHLO after a 12-byte message hash;
 * - `nibbles`: Q044 to Q046, a long header whose one CID-length byte holds both lengths in
 *   nibbles (the layout of IETF drafts before 22), plaintext CHLO as before;
 * - `ietf`: Q050 and T050/T051, the long header of IETF QUIC with Initial packet protection
 *   under a version's own salt, and gQUIC frames inside (CRYPTO is type 0x08).
 * `handshake`: `chlo` for QUIC crypto (tagged messages), `tls` for the T versions (TLS 1.3).
 */
export interface GquicLayout {
  header: 'public' | 'nibbles' | 'ietf';
  handshake: 'chlo' | 'tls';
}

export interface VersionInfo {
  version: number;
  name: string;
  family: VersionFamily;
  /** the packet type for each value of the two type bits; undefined when the layout is unknown */
  longTypes?: readonly [LongPacketType, LongPacketType, LongPacketType, LongPacketType];
  /** longest connection ID the version allows in a long header */
  maxCidLength: number;
  gquic?: GquicLayout;
}

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;
/** the version ngtcp2 0.12 and the later drafts of draft-ietf-quic-v2 used */
export const QUIC_V2_DRAFT = 0x709a50c4;
export const QUIC_DRAFT_29 = 0xff00001d;
/** Facebook mvfst's own versions (mvfst quic/QuicConstants.h) */
export const MVFST_D22 = 0xfaceb001;
export const MVFST = 0xfaceb002;
export const MVFST_EXPERIMENTAL = 0xfaceb00e;
export const GQUIC_Q050 = 0x51303530;
export const GQUIC_T050 = 0x54303530;
export const GQUIC_T051 = 0x54303531;

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
  if (version >>> 8 === 0xfaceb0) return { version, name: mvfstName(version), family: 'mvfst', longTypes: V1_TYPES, maxCidLength: 20 };
  const gquic = gquicLayout(version);
  if (gquic) {
    const name = `Google ${asciiVersion(version)}`;
    if (gquic.header === 'ietf') return { version, name, family: 'gquic', longTypes: V1_TYPES, maxCidLength: 20, gquic };
    return { version, name, family: 'gquic', maxCidLength: 18, gquic };
  }
  if (isGreaseVersion(version)) return { version, name: 'reserved (greasing)', family: 'grease', maxCidLength: 255 };
  return { version, name: otherVersionName(version), family: 'other', maxCidLength: 255 };
}

function asciiVersion(v: number): string {
  return String.fromCharCode(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** gQUIC versions spell themselves in ASCII: Q043, Q050, T051 (T for TLS) */
export function gquicLayout(v: number): GquicLayout | undefined {
  const m = /^([QT])0(\d\d)$/.exec(asciiVersion(v));
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === 'T') return n >= 48 ? { header: 'ietf', handshake: 'tls' } : undefined;
  if (n >= 39 && n <= 43) return { header: 'public', handshake: 'chlo' };
  if (n >= 44 && n <= 46) return { header: 'nibbles', handshake: 'chlo' };
  if (n >= 48 && n <= 50) return { header: 'ietf', handshake: 'chlo' };
  return undefined;
}

/** the names tshark gives mvfst's versions */
function mvfstName(v: number): string {
  if (v === MVFST_D22) return 'Facebook mvfst (draft-22)';
  if (v === MVFST) return 'Facebook mvfst (draft-27)';
  if (v === MVFST_EXPERIMENTAL) return 'Facebook mvfst (Experimental)';
  return 'Facebook mvfst';
}

function otherVersionName(v: number): string {
  const ascii = asciiVersion(v);
  if (/^[QT]0\d\d$/.test(ascii)) return `Google ${ascii}`;
  return 'unknown';
}

/** `0x00000001`: the form design.md gives versions in JSON */
export function formatVersion(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
