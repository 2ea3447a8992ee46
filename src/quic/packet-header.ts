/** Packet types in qlog's vocabulary (draft-ietf-quic-qlog-quic-events, PacketType). */
export type PacketType =
  | 'initial'
  | 'handshake'
  | '0RTT'
  | '1RTT'
  | 'retry'
  | 'version_negotiation'
  | 'stateless_reset'
  | 'unknown';

interface HeaderBase {
  /** where the packet starts in the UDP payload */
  offset: number;
  /** the packet's bytes on the wire (for a coalesced datagram, this packet's own) */
  length: number;
  /** the first byte as sent: its low bits are still header-protected */
  firstByte: number;
  dcid: Buffer;
}

/** RFC 9000 §17.2 (and RFC 8999 §5.1 for versions we cannot parse further). */
export interface LongHeader extends HeaderBase {
  form: 'long';
  type: PacketType;
  version: number;
  scid: Buffer;
  /** Initial: the token (empty when none); Retry: the Retry token */
  token?: Buffer;
  /** the Length field: packet number and payload bytes (Initial, 0-RTT, Handshake) */
  payloadLength?: number;
  /** offset of the protected packet number from the start of the packet */
  pnOffset?: number;
  /** Version Negotiation: the versions the server offers (RFC 9000 §17.2.1) */
  supportedVersions?: number[];
  /** Retry: the 16-byte integrity tag (RFC 9001 §5.8) */
  integrityTag?: Buffer;
}

/** How the DCID length of a short header was found; see short-header-dcid.ts. */
export type DcidLengthSource = 'known_cid' | 'endpoint' | 'guess';

/** RFC 9000 §17.3.1: the DCID length is not on the wire and must come from context. */
export interface ShortHeader extends HeaderBase {
  form: 'short';
  type: '1RTT';
  /** the connection's version, when its long headers were seen */
  version: number | null;
  /** offset of the protected packet number from the start of the packet */
  pnOffset: number;
  /** the spin bit is not header-protected (RFC 9000 §17.4) */
  spinBit: 0 | 1;
  dcidSource: DcidLengthSource;
}

export type PacketHeader = LongHeader | ShortHeader;
