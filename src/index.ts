/** quiclens as a library: the pipeline's layers, each usable on its own. */
export * from './capture/index.js';
export { ByteReader } from './wire/byte-reader.js';
export { WireError } from './wire/wire-error.js';
export type { InputIssue } from './wire/input-issue.js';
export * from './quic/packet-header.js';
export * from './quic/versions.js';
export { decodePacketNumber } from './quic/packet-number.js';
export { encodeVarint } from './quic/varint.js';
export { parseLongHeader } from './quic/long-header.js';
export { parseShortHeader } from './quic/short-header.js';
export { DatagramDecoder } from './quic/decode-datagram.js';
export { ShortHeaderDcidResolver } from './quic/short-header-dcid.js';
export { ConnectionTracker } from './analysis/connection-tracker.js';
export type { Connection, Role } from './analysis/connection.js';
export type { PacketRecord, DecryptResult } from './analysis/packet-record.js';
export { PacketSession } from './analysis/read-packets.js';
export { packetToJson } from './report/packet-json.js';
