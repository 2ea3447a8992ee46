import { open } from 'node:fs/promises';
import { InputError } from '../wire/input-issue.js';
import { readPcap } from './pcap-reader.js';
import { readPcapng } from './pcapng-reader.js';
import { sniffFormat } from './sniff-format.js';
import type { CaptureEvent, CaptureFormat, CaptureStats } from './types.js';

/** A capture file, opened and recognised; `events()` reads it once, streaming. */
export interface CaptureFile {
  path: string;
  format: CaptureFormat;
  stats: CaptureStats;
  events(): AsyncIterable<CaptureEvent>;
}

/**
 * Opens a capture by its content. A missing or unreadable file, or one that is not pcap
 * or pcapng, is an InputError that names the file, the offset and what was expected.
 */
export async function openCapture(path: string): Promise<CaptureFile> {
  const first = Buffer.alloc(16);
  let n = 0;
  try {
    const fh = await open(path, 'r');
    try {
      ({ bytesRead: n } = await fh.read(first, 0, first.length, 0));
    } finally {
      await fh.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory, expected a capture file' : e.message;
    throw new InputError({ file: path, message: why, fatal: true });
  }
  const format = sniffFormat(first.subarray(0, n));
  if (format === 'qlog') {
    throw new InputError({
      file: path,
      offset: 0,
      message: 'expected a capture (pcap or pcapng) here, found JSON text (a qlog?)',
      fatal: true,
    });
  }
  if (format === null) {
    throw new InputError({
      file: path,
      offset: 0,
      message:
        n < 4
          ? `expected a pcap or pcapng file, but the file has only ${n} bytes`
          : `expected a pcap or pcapng file (magic a1b2c3d4, d4c3b2a1, a1b23c4d, 4d3cb2a1 or 0a0d0d0a), found ${first.toString('hex', 0, 4)}`,
      fatal: true,
    });
  }
  const stats: CaptureStats = { path, format, records: 0, truncatedRecords: 0, otherRecords: 0, linkTypes: [] };
  return {
    path,
    format,
    stats,
    events: () => (format === 'pcap' ? readPcap(path, stats) : readPcapng(path, stats)),
  };
}
