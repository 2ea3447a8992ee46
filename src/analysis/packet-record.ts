import type { Endpoint } from '../capture/types.js';
import type { Frame } from '../quic/frames/index.js';
import type { PacketHeader } from '../quic/packet-header.js';
import type { Connection, Role } from './connection.js';
import type { PnRecoveryMethod } from './packet-number-sync.js';

/** Why a packet's payload could not be read; `true` when it was decrypted. */
export type DecryptResult = true | 'no keys' | 'aead failed' | 'unknown version' | 'not encrypted' | 'frames not logged';

/** One QUIC packet as quiclens saw it: where, in which connection, and what it held. */
export interface PacketRecord {
  /** 1-based record number in the capture (Wireshark's frame number) */
  frame: number;
  /** seconds since the first record of the input */
  time: number;
  connection: Connection;
  direction: Role;
  /** sender and receiver; null for a qlog event that does not say (qlog often has no addresses) */
  src: Endpoint | null;
  dst: Endpoint | null;
  /** the UDP payload size of the datagram the packet came in */
  datagramBytes: number;
  /** the ECN codepoint of the IP header the datagram came in (RFC 3168 §5); absent for a log (qlog) */
  ecn?: number;
  header: PacketHeader;
  /** the full packet number, once header protection is removed */
  pn: number | null;
  keyPhase: 0 | 1 | null;
  decrypted: DecryptResult;
  /** the frames, once decrypted */
  frames: Frame[];
  /** Retry: whether its integrity tag verifies (RFC 9001 §5.8) */
  retryIntegrity?: 'valid' | 'invalid' | 'unknown';
  /** the packet number was found beyond the nearest candidate: packets were missing */
  pnSearched?: boolean;
  /** a 1-RTT packet number found beyond the nearest candidate: how (the capture lost sync before it) */
  pnRecovery?: PnRecoveryMethod;
  /** an unknown version read with this version's layout and Initial salt, proven by the AEAD tag */
  layoutOf?: number;
  /**
   * a packet that would not decrypt and ends in a stateless reset token its sender issued
   * (RFC 9000 §10.3): the sender lost the connection's state and tells its peer so
   */
  statelessReset?: true;
  /** header fields a log (qlog) did not give: the header holds empty or stand-in values there */
  unlogged?: ('dcid' | 'scid' | 'version')[];
  /** the datagram was a GSO super-datagram of segments this long */
  gsoSegmentSize?: number;
}
