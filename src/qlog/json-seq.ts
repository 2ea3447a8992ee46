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
const BOM = [0xef, 0xbb, 0xbf];

export interface JsonSeqRecord {
  /** 1-based count of the non-empty records so far */
  recordNumber: number;
  /** 1-based line of the record's first byte */
  line: number;
  /** 1-based column (in bytes) of the record's first byte on that line */
  column: number;
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
  /** true for the record the stream ended in */
  final: boolean;
}

export interface JsonSeqOptions {
  /** a record longer than this is skipped (reported with `oversize`); default 16 MiB */
  maxRecordBytes?: number;
}

/**
 * The longest JSON-SEQ record read: a qlog event is a few hundred bytes, a header a few KiB;
 * parsing a record costs several times its size in memory, so a bound keeps that small.
 */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

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
  const maxBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let mode: JsonSeqMode | undefined;
  let parts: Buffer[] = [];
  let size = 0;
  let oversize = false;
  /** where the current record starts, and whether any non-blank byte has been seen in it */
  let recordOffset = 0;
  let recordLine = 1;
  let recordColumn = 1;
  /** byte offset where the line being read starts */
  let lineStart = 0;
  let hasContent = false;
  /** byte offset of the current chunk's first byte, and the line being read */
  let offset = 0;
  let line = 1;
  let recordNumber = 0;
  let lastByte = -1;
  /** how many bytes of a byte order mark the stream began with; -1 once it did not */
  let bomSeen = 0;

  const take = (terminated: boolean, final: boolean): JsonSeqRecord | undefined => {
    const had = hasContent;
    const record: JsonSeqRecord | undefined = had
      ? {
          recordNumber: ++recordNumber,
          line: recordLine,
          column: recordColumn,
          offset: recordOffset,
          text: oversize ? '' : Buffer.concat(parts, size).toString('utf8').trim(),
          byteLength: size,
          terminated,
          oversize,
          final,
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
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let i = 0;
    // a UTF-8 byte order mark is not part of the first record, even split over chunks
    while (bomSeen >= 0 && offset + i < BOM.length && i < chunk.length) {
      if (bomSeen === offset + i && chunk[i] === BOM[bomSeen]) {
        bomSeen++;
        i++;
      } else bomSeen = -1;
    }
    while (i < chunk.length) {
      if (!hasContent) {
        // blank bytes, and the separators of empty elements, until a record's first byte
        const b = chunk[i]!;
        if (mode === undefined && !isBlank(b)) mode = b === RS ? 'rs' : 'lines';
        if (isBlank(b) || (mode === 'rs' && b === RS)) {
          if (b === LF) {
            line++;
            lineStart = offset + i + 1;
          }
          if (b === LF || b === RS) lastByte = b;
          i++;
          continue;
        }
        hasContent = true;
        recordOffset = offset + i;
        recordLine = line;
        recordColumn = recordOffset - lineStart + 1;
      }
      const separator = mode === 'rs' ? RS : LF;
      const found = chunk.indexOf(separator, i);
      const end = found < 0 ? chunk.length : found;
      const body = chunk.subarray(i, end);
      for (let j = body.indexOf(LF); j >= 0; j = body.indexOf(LF, j + 1)) {
        line++;
        lineStart = offset + i + j + 1;
      }
      // the last byte that is not a space, tab or CR: a line feed there ends the text whole
      let k = body.length - 1;
      while (k >= 0 && (body[k] === 0x20 || body[k] === 0x09 || body[k] === 0x0d)) k--;
      if (k >= 0) lastByte = body[k]!;
      append(chunk, i, end);
      if (found < 0) break;
      if (separator === LF) {
        line++;
        lineStart = offset + found + 1;
      }
      // RS mode: the text before this RS was complete if it ended with a line feed
      const record = take(mode === 'rs' ? lastByte === LF : true, false);
      if (record) yield record;
      lastByte = separator;
      i = found + 1;
    }
    offset += chunk.length;
  }
  const record = take(lastByte === LF, true);
  if (record) yield record;
}
