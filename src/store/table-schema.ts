import { valuesAt } from '../report/select/field-values.js';

/**
 * The tables' column types, as DuckDB names them. `JSON` is a VARCHAR holding the JSON text
 * of a nested value (Parquet readers see a string; DuckDB's json_extract reads it).
 */
export type ColumnType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR[]' | 'JSON';

/** One column: its name, type, meaning, and the JSON field it mirrors (docs/tables.md lists them all). */
export interface Column {
  name: string;
  type: ColumnType;
  /** the dotted path of the JSON field it mirrors in the row's JSON object (docs/json.md), or null for the table's own keys */
  mirrors: string | null;
  meaning: string;
  /** how the value is read from the row's JSON object; by default, the field at `mirrors` */
  read?: (row: Record<string, unknown>, context: RowContext) => unknown;
}

/** what every row of one capture shares, and the row's place in its capture */
export interface RowContext {
  captureId: string;
  /** 1-based position of the row (or of the packet holding it) in its capture or connection: a packet's seq, a migration's index… */
  seq: number;
  /** the connection of a row nested in one (a frame's, a migration's, a stream's) */
  connection?: number;
  /** a frame's 0-based position in its packet */
  index?: number;
}

export interface Table {
  name: TableName;
  /** the JSON it is built from, for docs/tables.md */
  from: string;
  columns: readonly Column[];
}

export const TABLE_NAMES = ['captures', 'connections', 'packets', 'frames', 'migrations', 'findings', 'streams'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/**
 * A nested JSON field's column is named by its path in camelCase (`handshake.durationMs` →
 * `handshakeDurationMs`), so every name says which JSON field it holds.
 */
export function columnName(path: string): string {
  return path.split('.').map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1))).join('');
}

/** a column that mirrors a JSON field, named after its path */
function field(path: string, type: ColumnType, meaning: string): Column {
  return { name: columnName(path), type, mirrors: path, meaning };
}

const captureId: Column = { name: 'captureId', type: 'VARCHAR', mirrors: null, meaning: "the capture's id: the SHA-256 of the capture file's bytes (hex)", read: (_r, c) => c.captureId };

/** a fact's evidence and reason beside the value they qualify (docs/findings.md "Without keys") */
function fact(path: string, what: string): Column[] {
  return [field(`${path}.evidence`, 'VARCHAR', `where ${what} comes from: proven, inferred or unknown`), field(`${path}.reason`, 'VARCHAR', `what proves ${what}, the reasoning behind it, or why it is unknown`)];
}

function side(prefix: string, who: string): Column[] {
  return [
    field(`${prefix}.bytes`, 'BIGINT', `stream bytes the ${who} sent`),
    field(`${prefix}.retransmittedBytes`, 'BIGINT', `of those, bytes the ${who} sent again`),
    field(`${prefix}.firstTime`, 'DOUBLE', `time of the ${who}'s first bytes on the stream (s from the capture's first record); null when it sent none`),
    field(`${prefix}.lastTime`, 'DOUBLE', `time of the ${who}'s last bytes on the stream; null when it sent none`),
    field(`${prefix}.fin`, 'BOOLEAN', `the ${who} ended the stream with FIN`),
    field(`${prefix}.finalSize`, 'BIGINT', `the stream's final size on the ${who}'s side; null when not known`),
  ];
}

export const TABLES: readonly Table[] = [
  {
    name: 'captures',
    from: 'the input of `summary --format json` (`inputs[]`) and the file itself',
    columns: [
      captureId,
      { name: 'path', type: 'VARCHAR', mirrors: 'inputs[].path', meaning: 'the path the capture was indexed from', read: (r) => r.path },
      { name: 'format', type: 'VARCHAR', mirrors: 'inputs[].format', meaning: 'pcap, pcapng or qlog', read: (r) => r.format },
      { name: 'records', type: 'BIGINT', mirrors: 'inputs[].records', meaning: 'records read from the file', read: (r) => r.records },
      { name: 'bytes', type: 'BIGINT', mirrors: null, meaning: "the file's size in bytes" },
      { name: 'firstTime', type: 'DOUBLE', mirrors: null, meaning: "the first record's time, seconds since 1970 (UTC); null when the input gives no absolute time (a qlog with relative times)" },
      { name: 'date', type: 'VARCHAR', mirrors: null, meaning: "the first record's UTC date, YYYY-MM-DD (the Parquet partition); null when firstTime is" },
      { name: 'source', type: 'VARCHAR', mirrors: null, meaning: 'where the capture comes from (`--source`, by default the name of its folder): the Parquet partition' },
      { name: 'packets', type: 'BIGINT', mirrors: null, meaning: 'QUIC packets indexed (rows in packets)' },
      { name: 'connections', type: 'BIGINT', mirrors: null, meaning: 'connections indexed (rows in connections)' },
      { name: 'findings', type: 'BIGINT', mirrors: null, meaning: 'findings indexed (rows in findings)' },
      { name: 'indexedAt', type: 'VARCHAR', mirrors: null, meaning: 'when it was indexed, ISO 8601 UTC' },
    ],
  },
  {
    name: 'connections',
    from: '`summary --format json`: `connections[]`',
    columns: [
      captureId,
      field('id', 'BIGINT', "the connection's number in its capture"),
      field('version', 'VARCHAR', 'QUIC version, hex (0x00000001); null when unknown'),
      field('client', 'VARCHAR', "the client's address:port on the first path"),
      field('server', 'VARCHAR', "the server's address:port"),
      field('sni', 'VARCHAR', 'server name from the ClientHello; null when not read'),
      field('alpn', 'VARCHAR', 'the protocol the server chose; null when not read (needs keys)'),
      field('cipherSuite', 'VARCHAR', 'the TLS cipher suite; null when not read'),
      field('ja4', 'VARCHAR', "the ClientHello's JA4 fingerprint; null when not read"),
      field('originalDcid', 'VARCHAR', "the client's first Destination Connection ID (hex)"),
      field('replayOf', 'BIGINT', "the connection whose first flight this one copies (a replay); null otherwise"),
      field('firstFrame', 'BIGINT', "the record of the connection's first packet"),
      field('durationMs', 'DOUBLE', 'first to last packet, ms'),
      field('handshake.complete', 'BOOLEAN', 'the handshake completed; null when unknown (handshakeFactsCompleteReason says why)'),
      ...fact('handshake.facts.complete', 'handshakeComplete'),
      field('handshake.confirmedAt', 'DOUBLE', 'time the handshake was confirmed (s from the first record); null when not seen'),
      field('handshake.durationMs', 'DOUBLE', "handshake time, ms: client Initial to client Finished; null when unknown"),
      ...fact('handshake.facts.durationMs', 'handshakeDurationMs'),
      field('handshake.roundTrips', 'BIGINT', 'round trips the handshake took; null when unknown'),
      ...fact('handshake.facts.roundTrips', 'handshakeRoundTrips'),
      field('handshake.retry', 'BOOLEAN', 'the server sent a Retry'),
      field('handshake.versionNegotiation', 'BOOLEAN', 'a Version Negotiation came first'),
      field('handshake.ended', 'VARCHAR', 'how the connection ended (connection_close, stateless_reset, …); null when the capture does not show an end'),
      field('handshake.zeroRtt.attempted', 'BOOLEAN', 'the client sent 0-RTT'),
      field('handshake.zeroRtt.accepted', 'BOOLEAN', 'the server accepted 0-RTT; null when unknown'),
      ...fact('handshake.zeroRtt.facts.accepted', 'handshakeZeroRttAccepted'),
      field('handshake.zeroRtt.bytes', 'BIGINT', 'bytes of 0-RTT packets'),
      field('packets.total', 'BIGINT', 'QUIC packets of the connection'),
      field('packets.decrypted', 'BIGINT', 'of those, decrypted'),
      field('packets.notDecrypted', 'JSON', 'the packets not decrypted, counted by why ({"no keys": 12}); null when all were'),
      field('packets.sent.client.packets', 'BIGINT', 'packets the client sent'),
      field('packets.sent.client.bytes', 'BIGINT', "bytes on the wire of the client's packets"),
      field('packets.sent.server.packets', 'BIGINT', 'packets the server sent'),
      field('packets.sent.server.bytes', 'BIGINT', "bytes on the wire of the server's packets"),
      field('recovery.client.lost', 'BIGINT', 'client packets lost (after the capture point); null when unknown'),
      field('recovery.client.retransmittedBytes', 'BIGINT', 'bytes the client sent again; null when unknown'),
      field('recovery.server.lost', 'BIGINT', 'server packets lost; null when unknown'),
      field('recovery.server.retransmittedBytes', 'BIGINT', 'bytes the server sent again; null when unknown'),
      field('recovery.endToEndRttMs', 'DOUBLE', 'RTT end to end, ms; null when unknown'),
      { name: 'migrations', type: 'BIGINT', mirrors: 'migrations', meaning: 'path changes (rows in migrations)', read: (r) => (r.migrations as unknown[]).length },
      { name: 'requests', type: 'BIGINT', mirrors: 'requests', meaning: 'HTTP/3 requests read (needs keys)', read: (r) => (r.requests as unknown[]).length },
      { name: 'json', type: 'JSON', mirrors: '', meaning: 'the whole connection object as `summary --format json` prints it: every field the columns leave out', read: (r) => r },
    ],
  },
  {
    name: 'packets',
    from: '`packets --format ndjson`: one object per QUIC packet',
    columns: [
      captureId,
      { name: 'seq', type: 'BIGINT', mirrors: null, meaning: "the packet's 1-based position in the capture (coalesced packets share a frame, never a seq)", read: (_r, c) => c.seq },
      field('frame', 'BIGINT', 'the 1-based record number, as Wireshark numbers it'),
      field('time', 'DOUBLE', "seconds from the capture's first record"),
      field('connection', 'BIGINT', 'the connection it belongs to (connections.id)'),
      field('direction', 'VARCHAR', 'who sent it: client or server'),
      field('src', 'VARCHAR', 'source address:port; null for a qlog without paths'),
      field('dst', 'VARCHAR', 'destination address:port'),
      field('form', 'VARCHAR', 'long or short header'),
      field('type', 'VARCHAR', 'packet type in qlog words: initial, handshake, 0RTT, 1RTT, retry, …'),
      field('version', 'VARCHAR', 'QUIC version, hex'),
      field('dcid', 'VARCHAR', 'Destination Connection ID, hex'),
      field('scid', 'VARCHAR', 'Source Connection ID, hex (long headers); null on short headers'),
      field('pn', 'BIGINT', 'packet number; null when not recovered (needs keys)'),
      field('keyPhase', 'BIGINT', 'key phase bit of a short header (0 or 1); null on long headers or when unknown'),
      field('length', 'BIGINT', "the packet's bytes on the wire"),
      { name: 'decrypted', type: 'BOOLEAN', mirrors: 'decrypted', meaning: 'its payload was decrypted (JSON: true, or the reason it was not)', read: (r) => r.decrypted === true },
      { name: 'decryptedReason', type: 'VARCHAR', mirrors: 'decrypted', meaning: 'why it was not decrypted ("no keys", "aead failed", …); null when it was', read: (r) => (r.decrypted === true ? null : r.decrypted) },
      { name: 'frameTypes', type: 'VARCHAR[]', mirrors: 'frames.type', meaning: 'the type of each of its frames, in order; empty when not decrypted' },
      field('token', 'VARCHAR', 'an Initial packet\'s token, hex ("" when empty); null on other packets'),
      field('spinBit', 'BIGINT', 'spin bit of a short header; null on long headers'),
    ],
  },
  {
    name: 'frames',
    from: '`packets --format ndjson`: `frames[]` of each packet',
    columns: [
      captureId,
      { name: 'seq', type: 'BIGINT', mirrors: null, meaning: 'the packet it is in (packets.seq)', read: (_r, c) => c.seq },
      { name: 'index', type: 'BIGINT', mirrors: null, meaning: "the frame's 0-based position in its packet", read: (_r, c) => c.index },
      { name: 'connection', type: 'BIGINT', mirrors: 'connection', meaning: 'the connection (connections.id)', read: (_r, c) => c.connection },
      field('type', 'VARCHAR', 'frame type in qlog words: stream, ack, crypto, path_challenge, …'),
      field('stream_id', 'BIGINT', 'STREAM, RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA: the stream; null otherwise'),
      field('offset', 'BIGINT', 'STREAM and CRYPTO: the data offset; null otherwise'),
      field('length', 'BIGINT', 'STREAM, CRYPTO, PADDING: the length in bytes; null otherwise'),
      field('fin', 'BOOLEAN', 'STREAM: the FIN bit; null otherwise'),
      field('data', 'VARCHAR', 'PATH_CHALLENGE and PATH_RESPONSE: the 8 bytes, hex; null otherwise'),
      { name: 'json', type: 'JSON', mirrors: '', meaning: 'the whole frame object as `packets --format ndjson` prints it', read: (r) => r },
    ],
  },
  {
    name: 'migrations',
    from: '`migrations --format json`: `connections[].migrations[]`',
    columns: [
      captureId,
      { name: 'connection', type: 'BIGINT', mirrors: null, meaning: 'the connection (connections.id)', read: (_r, c) => c.connection },
      { name: 'index', type: 'BIGINT', mirrors: null, meaning: "the migration's 1-based position in its connection", read: (_r, c) => c.seq },
      field('time', 'DOUBLE', "seconds from the capture's first record"),
      field('frame', 'BIGINT', 'the record of the first packet on the new path'),
      field('kind', 'VARCHAR', 'active, nat_rebinding, preferred_address or probe_only; null when unknown'),
      ...fact('facts.kind', 'kind'),
      field('side', 'VARCHAR', 'whose address changed: client or server'),
      field('from', 'VARCHAR', "that side's address before"),
      field('to', 'VARCHAR', "that side's address after"),
      field('addressChanged', 'BOOLEAN', 'the IP address changed, not only the port; null when unknown'),
      field('challenge', 'VARCHAR', 'the first PATH_CHALLENGE data on the new path, hex'),
      field('response', 'VARCHAR', 'the PATH_RESPONSE data that answered it, hex'),
      field('validated', 'BOOLEAN', 'a PATH_RESPONSE answered a PATH_CHALLENGE on the path; null when unknown'),
      ...fact('facts.validated', 'validated'),
      field('validationMs', 'DOUBLE', 'challenge to response, ms; null when not validated or unknown'),
      field('newDcid', 'BOOLEAN', 'the client used a new DCID on the new path; null when unknown'),
    ],
  },
  {
    name: 'findings',
    from: '`summary --format json`: `findings[]`',
    columns: [
      captureId,
      { name: 'index', type: 'BIGINT', mirrors: null, meaning: "the finding's 1-based position in its capture", read: (_r, c) => c.seq },
      field('severity', 'VARCHAR', 'error, warning or info'),
      field('code', 'VARCHAR', 'the finding code (docs/findings.md)'),
      field('connection', 'BIGINT', 'the connection (connections.id)'),
      field('frame', 'BIGINT', 'the record where it shows; null when none'),
      field('message', 'VARCHAR', 'what was found, in a sentence'),
      field('evidence', 'VARCHAR', 'proven or inferred'),
      field('reason', 'VARCHAR', 'for an inferred finding, the reasoning; null when proven'),
    ],
  },
  {
    name: 'streams',
    from: '`streams --format json`: `connections[].streams[]`',
    columns: [
      captureId,
      { name: 'connection', type: 'BIGINT', mirrors: 'connection', meaning: 'the connection (connections.id)', read: (_r, c) => c.connection },
      field('id', 'BIGINT', 'the stream ID'),
      field('opener', 'VARCHAR', 'who opened it: client or server'),
      field('directionality', 'VARCHAR', 'bidi or uni'),
      field('role', 'VARCHAR', 'request, control, qpack_encoder, qpack_decoder, push, …; null when unknown'),
      ...side('client', 'client'),
      ...side('server', 'server'),
      field('request.method', 'VARCHAR', 'the HTTP/3 request method on it; null when none was read'),
      field('request.path', 'VARCHAR', 'the request path; null when none was read'),
      field('request.status', 'BIGINT', 'the response status; null when not read'),
      field('quicWaitMs', 'DOUBLE', 'head-of-line wait on this stream under QUIC, ms'),
      field('tcpWaitMs', 'DOUBLE', 'the wait one ordered byte stream (TCP) would have had, ms'),
      field('tcpExtraMs', 'DOUBLE', 'TCP\'s extra wait over QUIC\'s, ms'),
    ],
  },
];

export function tableOf(name: TableName): Table {
  return TABLES.find((t) => t.name === name)!;
}

/**
 * The column's value in a row, converted to its type: a JSON column's text, a list's
 * values, or the one value (null when the JSON field is absent or null: unknowns stay null).
 */
export function columnValue(column: Column, row: Record<string, unknown>, context: RowContext): unknown {
  if (column.read) {
    const v = column.read(row, context);
    return column.type === 'JSON' && v !== null && v !== undefined ? JSON.stringify(v) : (v ?? null);
  }
  const { values } = valuesAt(row, pathOf(column));
  if (column.type === 'VARCHAR[]') return values.map(String);
  const v = values[0];
  if (v === undefined || v === null) return null;
  if (column.type === 'JSON') return JSON.stringify(v);
  return v;
}

/** each column's path, split once: a capture's rows read it millions of times */
const PATHS = new WeakMap<Column, readonly string[]>();

function pathOf(column: Column): readonly string[] {
  let path = PATHS.get(column);
  if (!path) {
    // a column of the table's own (mirrors null) is read by its name from the row the builder made
    path = (column.mirrors ?? column.name).split('.');
    PATHS.set(column, path);
  }
  return path;
}

