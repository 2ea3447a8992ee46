import type { ByteReader } from '../../wire/byte-reader.js';

/**
 * The flow-control frames (RFC 9000 §19.9–§19.14): limits granted (MAX_*) and limits hit
 * (*_BLOCKED). Six frame types of one or two integers each, kept together because they
 * differ only in their fields' names.
 */
export type StreamType = 'bidirectional' | 'unidirectional';

export interface MaxDataFrame { type: 'max_data'; maximum: number }
export interface MaxStreamDataFrame { type: 'max_stream_data'; stream_id: number; maximum: number }
export interface MaxStreamsFrame { type: 'max_streams'; stream_type: StreamType; maximum: number }
export interface DataBlockedFrame { type: 'data_blocked'; limit: number }
export interface StreamDataBlockedFrame { type: 'stream_data_blocked'; stream_id: number; limit: number }
export interface StreamsBlockedFrame { type: 'streams_blocked'; stream_type: StreamType; limit: number }

/** the low bit of MAX_STREAMS and STREAMS_BLOCKED picks the stream type (§19.11, §19.14) */
const streamType = (frameType: number): StreamType => (frameType & 1 ? 'unidirectional' : 'bidirectional');

export const parseMaxData = (r: ByteReader): MaxDataFrame => ({ type: 'max_data', maximum: r.varint('the maximum data') });
export const parseMaxStreamData = (r: ByteReader): MaxStreamDataFrame => ({
  type: 'max_stream_data',
  stream_id: r.varint('the stream ID'),
  maximum: r.varint('the maximum stream data'),
});
export const parseMaxStreams = (r: ByteReader, t: number): MaxStreamsFrame => ({
  type: 'max_streams',
  stream_type: streamType(t),
  maximum: r.varint('the maximum streams'),
});
export const parseDataBlocked = (r: ByteReader): DataBlockedFrame => ({ type: 'data_blocked', limit: r.varint('the data limit') });
export const parseStreamDataBlocked = (r: ByteReader): StreamDataBlockedFrame => ({
  type: 'stream_data_blocked',
  stream_id: r.varint('the stream ID'),
  limit: r.varint('the stream data limit'),
});
export const parseStreamsBlocked = (r: ByteReader, t: number): StreamsBlockedFrame => ({
  type: 'streams_blocked',
  stream_type: streamType(t),
  limit: r.varint('the stream limit'),
});

export const summarizeMaxData = (f: MaxDataFrame) => `MAX_DATA ${f.maximum}`;
export const summarizeMaxStreamData = (f: MaxStreamDataFrame) => `MAX_STREAM_DATA ${f.stream_id} ${f.maximum}`;
export const summarizeMaxStreams = (f: MaxStreamsFrame) => `MAX_STREAMS ${f.stream_type === 'bidirectional' ? 'bidi' : 'uni'} ${f.maximum}`;
export const summarizeDataBlocked = (f: DataBlockedFrame) => `DATA_BLOCKED ${f.limit}`;
export const summarizeStreamDataBlocked = (f: StreamDataBlockedFrame) => `STREAM_DATA_BLOCKED ${f.stream_id} ${f.limit}`;
export const summarizeStreamsBlocked = (f: StreamsBlockedFrame) => `STREAMS_BLOCKED ${f.stream_type === 'bidirectional' ? 'bidi' : 'uni'} ${f.limit}`;
