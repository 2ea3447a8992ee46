import type { Frame } from '../../quic/frames/frame.js';

/**
 * The names `--filter` and `--fields` accept: the JSON fields `packets --format ndjson` and
 * `summary --format json` print (docs/json.md). A name outside these is a typing mistake,
 * told as one, never a filter that silently matches nothing. Tests hold each list against
 * the objects the sample captures give, so a field added to the JSON is not forgotten here.
 */
export interface FieldSpace {
  /** what one row is, for messages: "packet", "connection" */
  row: string;
  /** the top-level fields */
  fields: readonly string[];
  /** fields whose members are checked too (a packet's `frames`); deeper names are not checked */
  members: Readonly<Record<string, readonly string[]>>;
  /** other names for a field, so one word works on every command (`connection` for a connection's `id`) */
  aliases: Readonly<Record<string, string>>;
}

/** packetToJson's fields, in its order (src/report/packet-json.ts) */
export const PACKET_FIELDS = [
  'frame', 'time', 'connection', 'direction', 'src', 'dst', 'form', 'type', 'version', 'dcid', 'scid', 'pn', 'keyPhase',
  'length', 'decrypted', 'frames', 'retryIntegrity', 'gsoSegmentSize', 'pnSearched', 'pnRecovery', 'layoutAssumed',
  'token', 'integrityTag', 'supportedVersions', 'spinBit',
] as const;

/** every field of every frame as JSON (qlog's names), `raw` left out as frameToJson leaves it out */
export const FRAME_FIELDS = [
  'type', 'length', 'raw_ack_delay', 'ack_delay', 'acked_ranges', 'ect0', 'ect1', 'ce', 'stream_id', 'error_code',
  'final_size', 'offset', 'token', 'fin', 'maximum', 'stream_type', 'limit', 'sequence_number', 'retire_prior_to',
  'connection_id', 'stateless_reset_token', 'data', 'error_space', 'raw_error_code', 'trigger_frame_type', 'reason',
  'ack_eliciting_threshold', 'request_max_ack_delay', 'reordering_threshold', 'frame_type_value',
] as const;

// a frame type given a field this list lacks fails the type check here
type KeysOfEach<T> = T extends unknown ? keyof T : never;
type MissingFrameField = Exclude<KeysOfEach<Frame>, (typeof FRAME_FIELDS)[number] | 'raw'>;
const everyFrameField: [MissingFrameField] extends [never] ? true : MissingFrameField = true;
void everyFrameField;

/** a connection of summaryToJson (src/report/summary.ts), and `findings`: its findings from the document's list */
export const CONNECTION_FIELDS = [
  'id', 'version', 'firstVersion', 'client', 'server', 'sni', 'alpn', 'cipherSuite', 'ja4', 'tls', 'transportParameters',
  'handshake', 'originalDcid', 'replayOf', 'abandonedAttempts', 'clientCids', 'serverCids', 'firstFrame', 'durationMs',
  'roles', 'log', 'packets', 'packetNumberSync', 'recovery', 'requests', 'legs', 'migrations', 'findings',
] as const;

export const PACKET_SPACE: FieldSpace = { row: 'packet', fields: PACKET_FIELDS, members: { frames: FRAME_FIELDS }, aliases: {} };

export const CONNECTION_SPACE: FieldSpace = { row: 'connection', fields: CONNECTION_FIELDS, members: {}, aliases: { connection: 'id' } };

/** a name that is not a field: the part that is wrong and the names that could go there */
export interface UnknownField {
  name: string;
  known: readonly string[];
}

/**
 * The path with aliases resolved, or the part of it that names no field. Only the first
 * name, and a member of a field listed in `members`, are checked: deeper objects (a
 * connection's `tls`, `transportParameters`) hold names that vary with what was read.
 */
export function resolvePath(space: FieldSpace, path: readonly string[]): string[] | UnknownField {
  const [first, second, ...rest] = path;
  if (first === undefined) return { name: '', known: space.fields };
  const top = Object.hasOwn(space.aliases, first) ? space.aliases[first]! : first;
  if (!space.fields.includes(top)) return { name: first, known: [...space.fields, ...Object.keys(space.aliases)] };
  if (second === undefined) return [top];
  const members = Object.hasOwn(space.members, top) ? space.members[top]! : undefined;
  if (members && !members.includes(second)) return { name: `${top}.${second}`, known: members.map((m) => `${top}.${m}`) };
  return [top, second, ...rest];
}

/** `packets --format csv` without `--fields`: the packet table's columns */
export const PACKET_DEFAULT_FIELDS = ['frame', 'time', 'connection', 'direction', 'src', 'dst', 'type', 'version', 'dcid', 'scid', 'pn', 'keyPhase', 'length', 'decrypted', 'frames.type'];

/** `summary --format csv` without `--fields`: the summary table's columns and the handshake's outcome */
export const CONNECTION_DEFAULT_FIELDS = [
  'id', 'client', 'server', 'version', 'sni', 'alpn', 'cipherSuite', 'ja4', 'durationMs', 'packets.total', 'packets.decrypted',
  'handshake.complete', 'handshake.durationMs', 'handshake.roundTrips', 'handshake.zeroRtt.attempted', 'handshake.zeroRtt.accepted',
  'migrations.kind', 'findings.code',
];
