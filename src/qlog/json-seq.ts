/**
 * Splits a byte stream into JSON text sequence records (RFC 7464), without holding more
 * than the record being read.
 *
 * qlog's streaming serialization (main-schema §qlog to JSON Text Sequences mapping) writes
 * each record as 0x1E, a JSON text, and a line feed. Before it settled on JSON-SEQ, qlog
 * streamed newline-delimited JSON (main-schema-00, qlog_format "NDJSON"), so a stream whose
 * first non-blank byte is not 0x1E is split at line feeds instead.
 *
 * Only the split happens here: parsing a record's JSON is the caller's job, so that one bad
 * record costs that record alone.
 */

const RS = 0x1e;
const LF = 0x0a;

export interface JsonSeqRecord {
  /** 1-based count of the non-empty records so far */
  recordNumber: number;
  /** 1-based line of the record's first byte */
  line: number;
  /** byte offset of the record's first byte (after its 0x1E) */
  offset: number;
  /** the record, trimmed of surrounding white space; empty when `oversize` */
  text: string;
  /** bytes the record occupied, separators excluded */
  byteLength: number;
  /**
   * False for a record that did not end with a line feed. RFC 7464 §2.1 makes the line feed
   * the sign that a text was written whole, so such a record may be cut short (typically
   * the last record of a file whose writer was killed).
   */
  terminated: boolean;
  /** true when the record exceeded `maxRecordBytes` and its bytes were dropped */
  oversize: boolean;
}

export interface JsonSeqOptions {
  /** a record longer than this is skipped (reported with `oversize`); default 256 MiB */
  maxRecordBytes?: number;
}

export type JsonSeqMode = 'rs' | 'lines';

const isBlank = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === LF;

/**
 * Yields the records of a JSON-SEQ stream. The mode (0x1E or line feed separators) is fixed
 * by the first non-blank byte. Consecutive separators make no empty records (RFC 7464 §2:
 * a sequence element is one or more RS then a text).
 */
export async function* splitJsonSeq(
  source: AsyncIterable<Uint8Array | string>,
  opts: JsonSeqOptions = {},
): AsyncGenerator<JsonSeqRecord> {
  const maxBytes = opts.maxRecordBytes ?? 256 * 1024 * 1024;
  let mode: JsonSeqMode | undefined;
  let parts: Buffer[] = [];
  let size = 0;
  let oversize = false;
  /** where the current record starts, and whether any non-blank byte has been seen in it */
  let recordOffset = 0;
  let recordLine = 1;
  let hasContent = false;
  /** position of the byte being looked at */
  let offset = 0;
  let line = 1;
  let recordNumber = 0;
  let lastByte = -1;
  let atStart = true;

  const take = (terminated: boolean): JsonSeqRecord | undefined => {
    const had = hasContent;
    const record: JsonSeqRecord | undefined = had
      ? {
          recordNumber: ++recordNumber,
          line: recordLine,
          offset: recordOffset,
          text: oversize ? '' : Buffer.concat(parts, size).toString('utf8').trim(),
          byteLength: size,
          terminated,
          oversize,
        }
      : undefined;
    parts = [];
    size = 0;
    oversize = false;
    hasContent = false;
    return record;
  };

  const append = (chunk: Buffer, from: number, to: number) => {
    if (to <= from) return;
    size += to - from;
    if (oversize) return;
    if (size > maxBytes) {
      oversize = true;
      parts = [];
      return;
    }
    // a copy, so the reader's chunk buffer is not pinned by a small slice of it
    parts.push(Buffer.from(chunk.subarray(from, to)));
  };

  for await (const piece of source) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (atStart) {
      // a UTF-8 byte order mark is not part of the first record
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset += 3;
      }
      atStart = chunk.length === 0;
    }
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (mode === undefined && !isBlank(b)) mode = b === RS ? 'rs' : 'lines';
      const separator = mode === 'rs' ? b === RS : b === LF;
      if (separator) {
        append(chunk, start, i);
        // RS mode: the text before this RS was complete if it ended with a line feed
        const terminated = mode === 'rs' ? lastByte === LF : true;
        const record = take(terminated);
        if (record) yield record;
        start = i + 1;
      } else if (!hasContent && !isBlank(b)) {
        hasContent = true;
        recordOffset = offset + i;
        recordLine = line;
        // the blank bytes before a record's text are not kept
        start = i;
      }
      if (b === LF) line++;
      if (!isBlank(b) || b === LF) lastByte = b;
    }
    if (hasContent) append(chunk, start, chunk.length);
    offset += chunk.length;
  }
  const record = take(lastByte === LF);
  if (record) yield record;
}
