import type { ByteReader } from '../../wire/byte-reader.js';
import { parseAck, summarizeAck } from './ack.js';
import { parseAckFrequency, summarizeAckFrequency } from './ack-frequency.js';
import { parseConnectionClose, summarizeConnectionClose } from './connection-close.js';
import { parseCrypto, summarizeCrypto } from './crypto.js';
import { parseDatagram, summarizeDatagram } from './datagram.js';
import * as fc from './flow-control.js';
import type { Frame } from './frame.js';
import { parseHandshakeDone, summarizeHandshakeDone } from './handshake-done.js';
import { parseImmediateAck, summarizeImmediateAck } from './immediate-ack.js';
import { parseNewConnectionId, summarizeNewConnectionId } from './new-connection-id.js';
import { parseNewToken, summarizeNewToken } from './new-token.js';
import { parsePadding, summarizePadding } from './padding.js';
import { parsePathChallenge, summarizePathChallenge } from './path-challenge.js';
import { parsePathResponse, summarizePathResponse } from './path-response.js';
import { parsePing, summarizePing } from './ping.js';
import { parseResetStream, summarizeResetStream } from './reset-stream.js';
import { parseRetireConnectionId, summarizeRetireConnectionId } from './retire-connection-id.js';
import { parseStopSending, summarizeStopSending } from './stop-sending.js';
import { parseStream, summarizeStream } from './stream.js';

/** One frame type's module: its qlog name, its parser and its one-line summary. */
interface FrameCodec {
  name: Frame['type'];
  parse(r: ByteReader, frameType: number): Frame;
  summarize(f: never): string;
}

const codec = <F extends Frame>(
  name: F['type'],
  parse: (r: ByteReader, t: number) => F,
  summarize: (f: F) => string,
): FrameCodec => ({ name, parse, summarize: summarize as (f: never) => string });

/** wire code → module (RFC 9000 §19 and Table 3, RFC 9221, draft-ietf-quic-ack-frequency) */
const BY_CODE = new Map<number, FrameCodec>();
const BY_NAME = new Map<string, FrameCodec>();
const register = (codes: number[], c: FrameCodec) => {
  codes.forEach((code) => BY_CODE.set(code, c));
  BY_NAME.set(c.name, c);
};
register([0x00], codec('padding', parsePadding, summarizePadding));
register([0x01], codec('ping', parsePing, summarizePing));
register([0x02, 0x03], codec('ack', parseAck, summarizeAck));
register([0x04], codec('reset_stream', parseResetStream, summarizeResetStream));
register([0x05], codec('stop_sending', parseStopSending, summarizeStopSending));
register([0x06], codec('crypto', parseCrypto, summarizeCrypto));
register([0x07], codec('new_token', parseNewToken, summarizeNewToken));
register([0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f], codec('stream', parseStream, summarizeStream));
register([0x10], codec('max_data', fc.parseMaxData, fc.summarizeMaxData));
register([0x11], codec('max_stream_data', fc.parseMaxStreamData, fc.summarizeMaxStreamData));
register([0x12, 0x13], codec('max_streams', fc.parseMaxStreams, fc.summarizeMaxStreams));
register([0x14], codec('data_blocked', fc.parseDataBlocked, fc.summarizeDataBlocked));
register([0x15], codec('stream_data_blocked', fc.parseStreamDataBlocked, fc.summarizeStreamDataBlocked));
register([0x16, 0x17], codec('streams_blocked', fc.parseStreamsBlocked, fc.summarizeStreamsBlocked));
register([0x18], codec('new_connection_id', parseNewConnectionId, summarizeNewConnectionId));
register([0x19], codec('retire_connection_id', parseRetireConnectionId, summarizeRetireConnectionId));
register([0x1a], codec('path_challenge', parsePathChallenge, summarizePathChallenge));
register([0x1b], codec('path_response', parsePathResponse, summarizePathResponse));
register([0x1c, 0x1d], codec('connection_close', parseConnectionClose, summarizeConnectionClose));
register([0x1e], codec('handshake_done', parseHandshakeDone, summarizeHandshakeDone));
register([0x1f], codec('immediate_ack', parseImmediateAck, summarizeImmediateAck));
register([0x30, 0x31], codec('datagram', parseDatagram, summarizeDatagram));
register([0xaf], codec('ack_frequency', parseAckFrequency, summarizeAckFrequency));

/** the frame module for a wire code, or undefined for a type we do not know */
export function frameCodec(code: number): FrameCodec | undefined {
  return BY_CODE.get(code);
}

/** one line for a table, from the frame's own module */
export function frameSummary(f: Frame): string {
  if (f.type === 'unknown') return `UNKNOWN 0x${f.frame_type_value.toString(16)}`;
  return BY_NAME.get(f.type)!.summarize(f as never);
}
