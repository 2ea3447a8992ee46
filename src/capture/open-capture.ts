import type { Readable } from 'node:stream';
import { fileErrorMessage } from '../wire/file-error.js';
import { unbatch } from '../wire/batches.js';
import { InputError } from '../wire/input-issue.js';
import { fileSource, streamSource, type ByteSource } from './byte-source.js';
import { readPcap } from './pcap-reader.js';
import { readPcapng } from './pcapng-reader.js';
import { sniffFormat } from './sniff-format.js';
import type { CaptureEvent, CaptureFormat, CaptureStats } from './types.js';

/**
 * A capture file, opened and recognised; `batches()` reads it once, streaming, a batch of
 * events per chunk read; `events()` is the same reading one event at a time.
 */
export interface CaptureFile {
  path: string;
  format: CaptureFormat;
  stats: CaptureStats;
  batches(): AsyncIterable<CaptureEvent[]>;
  events(): AsyncIterable<CaptureEvent>;
}

/**
 * Opens a capture by its content. A missing or unreadable file, or one that is not pcap
 * or pcapng, is an InputError that names the file, the offset and what was expected.
 */
export async function openCapture(path: string): Promise<CaptureFile> {
  let source: ByteSource;
  try {
    source = await fileSource(path);
  } catch (err) {
    throw new InputError({ file: path, message: fileErrorMessage(err, 'a capture file'), fatal: true });
  }
  // the file is opened again to be read, so that opening many inputs holds no descriptors
  await source.close();
  const format = recognise(path, source.head, false);
  return captureFile(path, format, () => path);
}

/**
 * Opens a capture that arrives on a stream: standard input (`tcpdump -w - | quiclens
 * summary -`) or a FIFO. It is read once, as it comes; its first bytes say its format.
 */
export async function openCaptureStream(name: string, stream: Readable): Promise<CaptureFile> {
  let source: ByteSource;
  try {
    source = await streamSource(name, stream);
  } catch (err) {
    throw new InputError({ file: name, message: fileErrorMessage(err, 'a capture'), fatal: true });
  }
  return openCaptureSource(source);
}

/** A capture from a stream already opened (its head read): as openCaptureStream. */
export async function openCaptureSource(source: ByteSource): Promise<CaptureFile> {
  const name = source.name;
  let format: CaptureFormat;
  try {
    format = recognise(name, source.head, true);
  } catch (err) {
    await source.close();
    throw err;
  }
  let used = false;
  return captureFile(name, format, () => {
    // a pipe's bytes are gone once read
    if (used) throw new Error(`${name}: a stream is read once`);
    used = true;
    return source;
  });
}

function captureFile(path: string, format: CaptureFormat, input: () => string | ByteSource): CaptureFile {
  const stats: CaptureStats = { path, format, records: 0, truncatedRecords: 0, otherRecords: 0, linkTypes: [] };
  const batches = () => (format === 'pcap' ? readPcap(input(), stats) : readPcapng(input(), stats));
  return { path, format, stats, batches, events: () => unbatch(batches()) };
}

/** the capture format of these first bytes; an InputError saying what was found when neither */
function recognise(path: string, first: Buffer, stream: boolean): CaptureFormat {
  const format = sniffFormat(first);
  if (format === 'qlog') {
    throw new InputError({
      file: path,
      offset: 0,
      message: 'expected a capture (pcap or pcapng) here, found JSON text (a qlog?)',
      fatal: true,
    });
  }
  if (format === null) {
    const n = first.length;
    throw new InputError({
      file: path,
      offset: 0,
      message:
        n < 4
          ? `expected a pcap or pcapng ${stream ? 'capture' : 'file'}, but ${stream ? 'the stream ended' : 'the file has only'} ${stream ? `after ${n} bytes` : `${n} bytes`}`
          : `expected a pcap or pcapng file (magic a1b2c3d4, d4c3b2a1, a1b23c4d, 4d3cb2a1 or 0a0d0d0a), found ${first.toString('hex', 0, 4)}`,
      fatal: true,
    });
  }
  return format;
}
