import { GQUIC_Q050, GQUIC_T050, GQUIC_T051, MVFST_D22, QUIC_V1, QUIC_V2, QUIC_V2_DRAFT } from '../quic/versions.js';

/** the four HKDF labels of packet protection (RFC 9001 §5.1, §6.1; RFC 9369 §3.3.2) */
export interface ProtectionLabels {
  key: string;
  iv: string;
  hp: string;
  ku: string;
}

/**
 * The per-version constants of QUIC packet protection: the Initial salt (RFC 9001 §5.2,
 * RFC 9369 §3.3.1), the HKDF labels (RFC 9369 §3.3.2 renames them for v2) and the key and
 * nonce of the Retry integrity tag (RFC 9001 §5.8, RFC 9369 §3.3.3). Values for the drafts
 * as ngtcp2 and the drafts published them (test/fixtures/vectors/salts.json).
 */
export interface VersionSecrets {
  initialSalt: Buffer;
  labels: ProtectionLabels;
  /** absent where the version's Retry carries no integrity tag (drafts before 25) */
  retryKey?: Buffer;
  retryNonce?: Buffer;
}

const hex = (s: string) => Buffer.from(s, 'hex');
const V1_LABELS: ProtectionLabels = { key: 'quic key', iv: 'quic iv', hp: 'quic hp', ku: 'quic ku' };
const V2_LABELS: ProtectionLabels = { key: 'quicv2 key', iv: 'quicv2 iv', hp: 'quicv2 hp', ku: 'quicv2 ku' };

const V1: VersionSecrets = {
  initialSalt: hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'),
  labels: V1_LABELS,
  retryKey: hex('be0c690b9f66575a1d766b54e368c84e'),
  retryNonce: hex('461599d35d632bf2239825bb'),
};
const V2: VersionSecrets = {
  initialSalt: hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'),
  labels: V2_LABELS,
  retryKey: hex('8fb4b01b56ac48e260fbcbcead7ccc92'),
  retryNonce: hex('d86969bc2d7c6d9990efb04a'),
};
const V2_DRAFT: VersionSecrets = {
  initialSalt: hex('a707c203a59b47184a1d62ca570406ea7ae3e5d3'),
  labels: V2_LABELS,
  retryKey: hex('ba858dc7b43de5dbf87617ff4ab253db'),
  retryNonce: hex('141b99c239b03e785d6a2e9f'),
};
const DRAFT_29: VersionSecrets = {
  initialSalt: hex('afbfec289993d24c9e9786f19c6111e04390a899'),
  labels: V1_LABELS,
  retryKey: hex('ccce187ed09a09d05728155a6cb96be1'),
  retryNonce: hex('e54930f97f2136f0530a8c1c'),
};
const DRAFT_23_SALT = hex('c3eef712c72ebb5a11a7d2432bb46365bef9f502');
// drafts 23 and 24 authenticate a Retry by the original DCID inside it, not by a tag
const DRAFT_23: VersionSecrets = { initialSalt: DRAFT_23_SALT, labels: V1_LABELS };
// draft-ietf-quic-tls-25 §5.8 introduced the tag; the key and nonce held to draft 28
const DRAFT_25: VersionSecrets = {
  initialSalt: DRAFT_23_SALT,
  labels: V1_LABELS,
  retryKey: hex('4d32ecdb2a2133c841e4043df27d4430'),
  retryNonce: hex('4d1611d05513a552c587d575'),
};
const DRAFT_21: VersionSecrets = { initialSalt: hex('7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a'), labels: V1_LABELS };

/**
 * Facebook mvfst (quic/handshake/HandshakeLayer.cpp, getQuicVersionSalt, and its history):
 * 0xfaceb001 (MVFST_D24) kept draft-22's salt; 0xfaceb003, 0xfaceb004 and 0xfacefeed are
 * v1 under another number; 0xfaceb014 and 0xfaceb015 have a salt of their own; every
 * other mvfst version, 0xfaceb002 and 0xfaceb00e among them, falls to draft-23's.
 * mvfst's Retry follows the draft its version tracks; we do not check its tag.
 */
const MVFST_EXPERIMENTAL_SALT = hex('ca6b74a5ce82fc04436bf2ea75e78c56c8c08d24');
function mvfstProtection(version: number): VersionSecrets {
  if (version === MVFST_D22) return { initialSalt: DRAFT_21.initialSalt, labels: V1_LABELS };
  if (version === 0xfaceb003 || version === 0xfaceb004 || version === 0xfacefeed) return V1;
  if (version === 0xfaceb014 || version === 0xfaceb015) return { initialSalt: MVFST_EXPERIMENTAL_SALT, labels: V1_LABELS };
  return { initialSalt: DRAFT_23_SALT, labels: V1_LABELS };
}

/**
 * Google's Q050 and T050/T051 protect Initial packets as IETF QUIC does, with v1's labels
 * and a salt of their own (Chromium quic_crypto's InitialSaltForVersion; Wireshark's
 * packet-quic.c and nDPI's quic.c carry the same values). Their Retry is not tagged.
 */
const GQUIC_SALTS = new Map<number, Buffer>([
  [GQUIC_Q050, hex('504574efd066fe2f9d945cfcdbd3a7f0d3b56b45')],
  [GQUIC_T050, hex('7ff579e5acd072915580304c43a2367c60488310')],
  [GQUIC_T051, hex('7a4edef4e7ccee5fa4506c19124fc8ccda6e033d')],
]);

/**
 * The packet protection of a QUIC version; undefined for a version whose protection we do
 * not know (gQUIC before Q050, drafts before 21, greasing).
 */
export function protectionFor(version: number): VersionSecrets | undefined {
  if (version === QUIC_V1) return V1;
  if (version === QUIC_V2) return V2;
  if (version === QUIC_V2_DRAFT) return V2_DRAFT;
  if (version >>> 8 === 0xff0000) {
    const draft = version & 0xff;
    // draft-ietf-quic-tls-33 took the salt and Retry key that v1 kept
    if (draft >= 33 && draft <= 34) return V1;
    if (draft >= 29 && draft <= 32) return DRAFT_29;
    if (draft >= 25 && draft <= 28) return DRAFT_25;
    if (draft >= 23 && draft <= 24) return DRAFT_23;
    if (draft >= 21 && draft <= 22) return DRAFT_21;
  }
  if (version >>> 8 === 0xfaceb0 || version === 0xfacefeed) return mvfstProtection(version);
  const gquicSalt = GQUIC_SALTS.get(version);
  if (gquicSalt) return { initialSalt: gquicSalt, labels: V1_LABELS };
  return undefined;
}

/** a version number or its constants: the derivation functions take either */
export type VersionLike = number | VersionSecrets;

export function resolveVersion(version: VersionLike): VersionSecrets | undefined {
  return typeof version === 'number' ? protectionFor(version) : version;
}
