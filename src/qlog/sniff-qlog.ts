import { open } from 'node:fs/promises';
import { isSeqHeader } from './trace-header.js';
import { isObject } from './qlog-values.js';

/**
 * Which serialization a qlog file uses, from its content (never its name):
 *
 * - first non-blank byte 0x1E: JSON-SEQ (main-schema §qlog to JSON Text Sequences mapping);
 * - `{` and a first line that is a whole JSON object naming a sequential file (qlog_format
 *   "JSON-SEQ" or "NDJSON", file_schema `urn:ietf:params:qlog:file:sequential`, a single
 *   `trace`) or an event: JSON-SEQ written without separators, one record per line;
 * - any other `{`: one JSON document (main-schema §QlogFile, or draft-0x's traces array).
 */
export type QlogSniff =
  | { kind: 'json-seq' }
  | { kind: 'json' }
  | { kind: 'empty' }
  | { kind: 'not-qlog'; found: string; offset: number }
  | { kind: 'unreadable'; message: string };

/** how far to look for the end of the first line; a header record is far smaller */
export const FIRST_LINE_LIMIT = 1024 * 1024;

const isBlank = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

function describe(bytes: Buffer): string {
  const shown = bytes.subarray(0, 8);
  const printable = [...shown].every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(shown.toString('latin1')) : `bytes ${shown.toString('hex')}`;
}

export async function sniffQlog(path: string): Promise<QlogSniff> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(FIRST_LINE_LIMIT);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory, expected a qlog file' : e.message;
    return { kind: 'unreadable', message };
  }
  return sniffQlogHead(head);
}

/**
 * The same judgement from bytes already read: a file's first MiB, or what a pipe gave up to
 * the end of its first line (at most FIRST_LINE_LIMIT bytes, so a pipe is sniffed in bounded memory).
 */
export function sniffQlogHead(head: Buffer): QlogSniff {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && isBlank(head[i]!)) i++;
  if (i >= head.length) return { kind: 'empty' };
  const first = head[i];
  if (first === 0x1e) return { kind: 'json-seq' };
  if (first !== 0x7b /* { */) return { kind: 'not-qlog', found: describe(head.subarray(i)), offset: i };
  const eol = head.indexOf(0x0a, i);
  if (eol < 0) return { kind: 'json' };
  let firstLine: unknown;
  try {
    firstLine = JSON.parse(head.subarray(i, eol).toString('utf8'));
  } catch {
    // the first line is not a whole JSON text: a document spread over several lines
    return { kind: 'json' };
  }
  if (!isObject(firstLine) || Array.isArray(firstLine.traces)) return { kind: 'json' };
  const format = typeof firstLine.qlog_format === 'string' ? firstLine.qlog_format.toUpperCase() : '';
  const schema = typeof firstLine.file_schema === 'string' ? firstLine.file_schema : '';
  const sequential = format === 'JSON-SEQ' || format === 'NDJSON' || schema.endsWith(':sequential') || isSeqHeader(firstLine);
  const event = typeof firstLine.name === 'string' && firstLine.time !== undefined;
  return sequential || event ? { kind: 'json-seq' } : { kind: 'json' };
}
