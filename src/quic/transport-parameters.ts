import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import { formatVersion } from './versions.js';

/**
 * QUIC transport parameters (RFC 9000 §18; RFC 9368 §3 version_information; RFC 9221 §3
 * max_datagram_frame_size; RFC 9287 §3 grease_quic_bit), named as qlog names them. Times
 * are in milliseconds (max_idle_timeout, max_ack_delay), sizes in bytes, CIDs and tokens in
 * hex. Parameters we do not know are listed by id; reserved ones (31 * N + 27, §18.1) are
 * marked as GREASE.
 */
export interface PreferredAddress {
  ip_v4: string;
  port_v4: number;
  ip_v6: string;
  port_v6: number;
  connection_id: string;
  stateless_reset_token: string;
}

export interface TransportParameters {
  original_destination_connection_id?: string;
  max_idle_timeout?: number;
  stateless_reset_token?: string;
  max_udp_payload_size?: number;
  initial_max_data?: number;
  initial_max_stream_data_bidi_local?: number;
  initial_max_stream_data_bidi_remote?: number;
  initial_max_stream_data_uni?: number;
  initial_max_streams_bidi?: number;
  initial_max_streams_uni?: number;
  ack_delay_exponent?: number;
  max_ack_delay?: number;
  disable_active_migration?: boolean;
  preferred_address?: PreferredAddress;
  active_connection_id_limit?: number;
  initial_source_connection_id?: string;
  retry_source_connection_id?: string;
  version_information?: { chosen_version: string; available_versions: string[] };
  max_datagram_frame_size?: number;
  grease_quic_bit?: boolean;
  /** draft-ietf-quic-ack-frequency: the smallest ACK delay the sender supports, in µs */
  min_ack_delay?: number;
  /** parameters we have no name for: id (hex) and value (hex); GREASE ones say so */
  unknown?: { id: string; value: string; grease: boolean }[];
}

type Decoder = (r: ByteReader, p: TransportParameters) => void;
const hex = (r: ByteReader) => r.rest().toString('hex');
const int = (name: keyof TransportParameters): Decoder => (r, p) => {
  (p as Record<string, number>)[name] = r.varint(`the value of ${name}`);
};
const cid = (name: keyof TransportParameters): Decoder => (r, p) => {
  (p as Record<string, string>)[name] = hex(r);
};

const DECODERS = new Map<number, Decoder>([
  [0x00, cid('original_destination_connection_id')],
  [0x01, int('max_idle_timeout')],
  [0x02, (r, p) => (p.stateless_reset_token = r.bytes(16, 'a 16-byte stateless reset token').toString('hex'))],
  [0x03, int('max_udp_payload_size')],
  [0x04, int('initial_max_data')],
  [0x05, int('initial_max_stream_data_bidi_local')],
  [0x06, int('initial_max_stream_data_bidi_remote')],
  [0x07, int('initial_max_stream_data_uni')],
  [0x08, int('initial_max_streams_bidi')],
  [0x09, int('initial_max_streams_uni')],
  [0x0a, int('ack_delay_exponent')],
  [0x0b, int('max_ack_delay')],
  [0x0c, (_r, p) => (p.disable_active_migration = true)],
  [0x0d, (r, p) => (p.preferred_address = readPreferredAddress(r))],
  [0x0e, int('active_connection_id_limit')],
  [0x0f, cid('initial_source_connection_id')],
  [0x10, cid('retry_source_connection_id')],
  [0x11, (r, p) => (p.version_information = readVersionInformation(r))],
  [0x20, int('max_datagram_frame_size')],
  [0x2ab2, (_r, p) => (p.grease_quic_bit = true)],
  [0xff04de1b, int('min_ack_delay')],
]);

/** the quic_transport_parameters extension's body: id, length, value, repeated (§18) */
/**
 * Drafts up to 26 framed the parameters TLS-style (draft-ietf-quic-transport-26 §18): a
 * 16-bit length of the whole list, then a 16-bit id and a 16-bit length before each value.
 * Told from the varint framing by the outer length matching and every entry fitting exactly.
 */
function isLegacyFraming(data: Buffer): boolean {
  if (data.length < 2 || data.readUInt16BE(0) !== data.length - 2) return false;
  let at = 2;
  while (at < data.length) {
    if (at + 4 > data.length) return false;
    at += 4 + data.readUInt16BE(at + 2);
  }
  return at === data.length;
}

export function parseTransportParameters(data: Buffer, base = 0): TransportParameters {
  const legacy = isLegacyFraming(data);
  const r = new ByteReader(data, base);
  if (legacy) r.u16('the length of the transport parameters');
  const p: TransportParameters = {};
  while (!r.atEnd) {
    // ids reach 2^62 (GREASE ids are random): exact only as a bigint
    const idBig = legacy ? BigInt(r.u16('a transport parameter id')) : r.varintBig('a transport parameter id');
    const id = Number(idBig);
    const length = legacy ? r.u16('a transport parameter length') : r.varint('a transport parameter length');
    const value = r.sub(length, `the ${length}-byte value of transport parameter 0x${idBig.toString(16)}`);
    const decode = idBig <= 0xffffffffn ? DECODERS.get(id) : undefined;
    if (decode) {
      decode(value, p);
      if (!value.atEnd) throw new WireError(`transport parameter 0x${id.toString(16)} has ${value.remaining} bytes after its value`, value.absoluteOffset);
    } else {
      (p.unknown ??= []).push({ id: `0x${idBig.toString(16)}`, value: hex(value), grease: idBig % 31n === 27n });
    }
  }
  return p;
}

/** §18.2: IPv4 address and port, IPv6 address and port, CID, stateless reset token */
function readPreferredAddress(r: ByteReader): PreferredAddress {
  const v4 = r.bytes(4, 'the preferred IPv4 address');
  const port_v4 = r.u16('the preferred IPv4 port');
  const v6 = r.bytes(16, 'the preferred IPv6 address');
  const port_v6 = r.u16('the preferred IPv6 port');
  const length = r.u8('the preferred address CID length');
  return {
    ip_v4: [...v4].join('.'),
    port_v4,
    ip_v6: [...Array(8).keys()].map((i) => v6.readUInt16BE(i * 2).toString(16)).join(':'),
    port_v6,
    connection_id: r.bytes(length, `a connection ID of ${length} bytes`).toString('hex'),
    stateless_reset_token: r.bytes(16, 'the stateless reset token').toString('hex'),
  };
}

/** RFC 9368 §3: the chosen version, then the versions the sender supports */
function readVersionInformation(r: ByteReader): { chosen_version: string; available_versions: string[] } {
  const chosen_version = formatVersion(r.u32('the chosen version'));
  const available_versions: string[] = [];
  while (!r.atEnd) available_versions.push(formatVersion(r.u32('an available version')));
  return { chosen_version, available_versions };
}
