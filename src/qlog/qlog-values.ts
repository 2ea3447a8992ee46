import type { PacketType } from '../quic/packet-header.js';
import type { QlogEndpoint, QlogFrame } from './qlog-events.js';
import { numeric } from './qlog-time.js';

/**
 * The values inside qlog events, in one spelling: packet types, connection IDs, tokens,
 * versions, endpoints and frames. Writers disagree on these in small ways (draft-01 logged
 * numbers as decimal strings and frame types in capitals, some wrote tokens as
 * colon-separated bytes or inside `{data}` objects); the shapes are defined in
 * quic-events §QUIC data type definitions.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** a non-negative integer written as a number or a decimal string */
export function integer(v: unknown): number | undefined {
  const n = numeric(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Bytes as lowercase hex: a hex string with or without "0x" or ":" between bytes, or an
 * object holding one in `data` (0.3's Token, ngtcp2's stateless_reset_token) or in
 * `raw.data` (quic-events-10 and later's Token). A string that is not hex is kept as written.
 */
export function hexOf(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const bare = v.trim().replace(/^0x/i, '').replace(/[:\s]/g, '');
    return /^[0-9a-f]*$/i.test(bare) ? bare.toLowerCase() : v;
  }
  if (isObject(v)) {
    if (v.data !== undefined) return hexOf(v.data);
    if (isObject(v.raw)) return hexOf(v.raw.data);
  }
  return undefined;
}

/** a QUIC version as eight lowercase hex digits without 0x, as quiclens prints them bare */
export function versionOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v.toString(16).padStart(8, '0');
  if (typeof v !== 'string') return undefined;
  const bare = v.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,8}$/i.test(bare)) return v.trim().toLowerCase();
  return bare.toLowerCase().padStart(8, '0');
}

export function versionsOf(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map(versionOf).filter((x): x is string => x !== undefined);
}

/** compact spelling (lowercase letters and digits only) → our PacketType */
const PACKET_TYPES = new Map<string, PacketType>(Object.entries({
  initial: 'initial',
  handshake: 'handshake',
  '0rtt': '0RTT',
  zerortt: '0RTT',
  '1rtt': '1RTT',
  onertt: '1RTT',
  short: '1RTT',
  retry: 'retry',
  versionnegotiation: 'version_negotiation',
  vn: 'version_negotiation',
  statelessreset: 'stateless_reset',
} satisfies Record<string, PacketType>));

const compact = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** quic-events §PacketType, from any writer's spelling ("1RTT", "onertt", "ZERORTT", ...) */
export function packetTypeOf(v: unknown): PacketType {
  return typeof v === 'string' ? (PACKET_TYPES.get(compact(v)) ?? 'unknown') : 'unknown';
}

/**
 * Frame type names across versions, by compact spelling. Besides case, the old names
 * differ: RST_STREAM, BLOCKED, STREAM_BLOCKED, STREAM_ID_BLOCKED, MAX_STREAM_ID and
 * APPLICATION_CLOSE are the QUIC drafts' names for frames RFC 9000 renamed or merged.
 */
const FRAME_TYPES = new Map<string, string>(Object.entries({
  padding: 'padding',
  ping: 'ping',
  ack: 'ack',
  ackecn: 'ack',
  resetstream: 'reset_stream',
  rststream: 'reset_stream',
  resetstreamat: 'reset_stream_at',
  stopsending: 'stop_sending',
  crypto: 'crypto',
  newtoken: 'new_token',
  stream: 'stream',
  maxdata: 'max_data',
  maxstreamdata: 'max_stream_data',
  maxstreams: 'max_streams',
  maxstreamid: 'max_streams',
  datablocked: 'data_blocked',
  blocked: 'data_blocked',
  streamdatablocked: 'stream_data_blocked',
  streamblocked: 'stream_data_blocked',
  streamsblocked: 'streams_blocked',
  streamidblocked: 'streams_blocked',
  newconnectionid: 'new_connection_id',
  retireconnectionid: 'retire_connection_id',
  pathchallenge: 'path_challenge',
  pathresponse: 'path_response',
  connectionclose: 'connection_close',
  applicationclose: 'connection_close',
  handshakedone: 'handshake_done',
  datagram: 'datagram',
  ackfrequency: 'ack_frequency',
  immediateack: 'immediate_ack',
  unknown: 'unknown',
}));

/** a frame type name we have no entry for: camelCase and capitals to snake_case */
const snake = (s: string) =>
  s
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export function frameTypeOf(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') return 'unknown';
  return FRAME_TYPES.get(compact(v)) ?? snake(v);
}

/** frame fields that hold integers, which draft-00/01 wrote as decimal strings */
const INTEGER_FIELDS = new Set([
  'offset',
  'length',
  'stream_id',
  'maximum',
  'limit',
  'sequence_number',
  'retire_prior_to',
  'ack_delay',
  'final_size',
  'reliable_size',
  'connection_id_length',
  'error_code',
  'raw_error_code',
  'error_code_value',
  'frame_type_value',
  'raw_frame_type',
  'trigger_frame_type',
  'payload_length',
  'ect0',
  'ect1',
  'ce',
  'ack_eliciting_threshold',
  'request_max_ack_delay',
  'reordering_threshold',
]);

/** frame fields that hold bytes */
const HEX_FIELDS = new Set(['connection_id', 'stateless_reset_token', 'token', 'data']);

/** frames whose stream is named `id` in draft-00 and `stream_id` since */
const STREAM_FRAMES = new Set(['stream', 'reset_stream', 'reset_stream_at', 'stop_sending', 'max_stream_data', 'stream_data_blocked']);

const rangeOf = (r: unknown): unknown => (Array.isArray(r) ? r.map((n) => numeric(n) ?? n) : r);

/** One frame, in the current names (quic-events §QUIC Frames), other fields as written. */
export function normaliseFrame(raw: unknown): QlogFrame {
  if (!isObject(raw)) return { frame_type: 'unknown', value: raw };
  const writtenType = raw.frame_type ?? raw.type;
  const frameType = frameTypeOf(writtenType);
  const out: QlogFrame = { frame_type: frameType };
  for (const key in raw) {
    const value = raw[key];
    if (key === 'frame_type' || (key === 'type' && raw.frame_type === undefined)) continue;
    let name = key;
    if (STREAM_FRAMES.has(frameType) && key === 'id' && raw.stream_id === undefined) name = 'stream_id';
    if (key === 'final_offset' && raw.final_size === undefined) name = 'final_size';
    const v =
      INTEGER_FIELDS.has(name) && typeof value === 'string'
        ? (numeric(value) ?? value)
        : name === 'acked_ranges' && Array.isArray(value)
          ? value.map(rangeOf)
          : HEX_FIELDS.has(name) && frameType !== 'datagram'
            ? (hexOf(value) ?? value)
            : name === 'fin' && typeof value === 'string'
              ? value.toLowerCase() === 'true'
              : value;
    // defined, not assigned: a field named `__proto__` stays a field instead of replacing the prototype
    Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (frameType === 'connection_close' && out.error_space === undefined && compact(String(writtenType)) === 'applicationclose') {
    out.error_space = 'application';
  }
  return out;
}

/**
 * One side of a path: quic-events' TupleEndpointInfo (PathEndpointInfo before -12), with
 * `ip_v4`/`port_v4` or `ip_v6`/`port_v6` and `connection_ids`.
 */
export function endpointOf(v: unknown): QlogEndpoint | undefined {
  if (!isObject(v)) return undefined;
  const e: QlogEndpoint = {};
  const ip = text(v.ip_v4) ?? text(v.ip_v6) ?? text(v.ip);
  const port = integer(v.port_v4) ?? integer(v.port_v6) ?? integer(v.port);
  if (ip !== undefined) e.ip = ip;
  if (port !== undefined) e.port = port;
  if (Array.isArray(v.connection_ids)) e.connectionIds = v.connection_ids.map(hexOf).filter((c): c is string => c !== undefined);
  return e;
}

/** an endpoint from the flat fields connection_started had before quic-events-10 */
export function flatEndpoint(ip: unknown, port: unknown): QlogEndpoint | undefined {
  const e: QlogEndpoint = {};
  if (typeof ip === 'string') e.ip = ip;
  const p = integer(port);
  if (p !== undefined) e.port = p;
  return e.ip === undefined && e.port === undefined ? undefined : e;
}

/** `owner` (0.3) or `initiator` (quic-events-12 on) */
export function ownerOf(v: unknown): 'local' | 'remote' | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  return s === 'local' || s === 'remote' ? s : undefined;
}

/** an ALPN as text: quic-events-10 on log {string_value, byte_value}, before that a string */
export function alpnOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!isObject(v)) return undefined;
  if (typeof v.string_value === 'string') return v.string_value;
  const hex = hexOf(v.byte_value);
  return hex !== undefined && /^([0-9a-f]{2})*$/.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : undefined;
}

export function alpnsOf(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map(alpnOf).filter((x): x is string => x !== undefined);
}
