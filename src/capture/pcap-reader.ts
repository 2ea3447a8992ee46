import { EventEmitter } from 'node:events';
import pcapParser from 'pcap-parser';
import { fileSource, type ByteSource } from './byte-source.js';
import { hidePcapParserBufferWarning } from './deprecation-filter.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './sniff-format.js';
import type { CaptureEvent, CaptureStats } from './types.js';

/** the classic pcap file header and record header sizes (draft-ietf-opsawg-pcap §4, §5) */
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** records larger than this cannot be real (the largest snap length tools use is 256 KiB) */
const MAX_RECORD = 262144;
/**
 * Empty records (no captured bytes) in a row beyond which the rest of the file is taken for
 * zeros or garbage, not records: a file header followed by gigabytes of zeros would
 * otherwise read as one empty record per 16 bytes, hundreds of millions of them.
 */
export const MAX_EMPTY_RECORD_RUN = 1000;

interface PcapParserHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}

/**
 * What pcap-parser reads from: it listens for 'data' and 'end' and calls pause/resume.
 * We emit each chunk ourselves, so its record events all fire, synchronously, before the
 * next chunk is read: a chunk's records are one batch, and the pace is ours (the next
 * chunk is read only when the consumer asks for the next batch).
 */
class ChunkFeed extends EventEmitter {
  pause(): void {}
  resume(): void {}
}

/**
 * Reads a classic pcap file through the pcap-parser package, streaming, one batch of
 * events per chunk read. Around it we add what it lacks: the nanosecond format (its magic
 * is swapped for the microsecond one on the way in, and the sub-second field read as
 * nanoseconds), a report of a file cut off mid-record, and a stop at a corrupt record
 * length.
 */
export async function* readPcap(input: string | ByteSource, stats: CaptureStats): AsyncGenerator<CaptureEvent[]> {
  hidePcapParserBufferWarning();
  // a pipe cannot seek: the file is read once, in order, and its length known only at the end
  const src = typeof input === 'string' ? await fileSource(input) : input;
  const path = src.name;
  const head = src.head;
  const nanos = head.length >= 4 && (head.readUInt32BE(0) === PCAP_MAGIC_NS || head.readUInt32LE(0) === PCAP_MAGIC_NS);
  const littleEndian = head.length >= 4 && (head.readUInt32LE(0) === PCAP_MAGIC_US || head.readUInt32LE(0) === PCAP_MAGIC_NS);
  let size = 0;
  // the file header is checked here, so that pcap-parser's own words (and its offsets) never reach the user
  const version = head.length >= FILE_HEADER ? (littleEndian ? [head.readUInt16LE(4), head.readUInt16LE(6)] : [head.readUInt16BE(4), head.readUInt16BE(6)]) : [];
  const headerProblem =
    head.length < FILE_HEADER
      ? { offset: 0, message: `file is cut short: the pcap file header needs ${FILE_HEADER} bytes, the file has ${head.length}` }
      : version[0] !== 2
        ? { offset: 4, message: `expected pcap format version 2 (major 2, minor 4, draft-ietf-opsawg-pcap §4), found ${version[0]}.${version[1]}` }
        : undefined;
  if (headerProblem) {
    await src.close();
    yield [{ kind: 'issue', issue: { file: path, ...headerProblem, fatal: true } }];
    return;
  }

  const feed = new ChunkFeed();
  let batch: CaptureEvent[] = [];
  const parser = pcapParser.parse(feed);
  let linkType = 1;
  let offset = FILE_HEADER;
  let header: PcapParserHeader | null = null;
  let stopped = false;
  let emptyRun = 0;
  let emptyRunStart = 0;
  const subsecond = nanos ? 1e-9 : 1e-6;

  const stop = (message: string, at: number) => {
    if (stopped) return;
    stopped = true;
    batch.push({ kind: 'issue', issue: { file: path, offset: at, message, fatal: true } });
  };

  parser.on('globalHeader', (g: { linkLayerType: number }) => {
    linkType = g.linkLayerType;
    stats.linkTypes = [linkType];
  });
  parser.on('packetHeader', (h: PcapParserHeader) => {
    header = h;
    if (h.capturedLength > MAX_RECORD) {
      stop(`record declares ${h.capturedLength} captured bytes; expected at most ${MAX_RECORD} (corrupt file?)`, offset);
    }
  });
  parser.on('packetData', (data: Buffer) => {
    if (stopped || !header) return;
    const h = header;
    if (h.capturedLength === 0) {
      if (emptyRun++ === 0) emptyRunStart = offset;
      if (emptyRun > MAX_EMPTY_RECORD_RUN) {
        stop(`more than ${MAX_EMPTY_RECORD_RUN} empty records in a row from byte offset ${emptyRunStart}: the rest of the file is not records (zeros?); reading stopped`, emptyRunStart);
        return;
      }
    } else emptyRun = 0;
    stats.records++;
    const time = h.timestampSeconds + h.timestampMicroseconds * subsecond;
    stats.firstTime ??= time;
    batch.push({
      kind: 'record',
      record: {
        frame: stats.records,
        time,
        linkType,
        data,
        originalLength: h.originalLength,
        fileOffset: offset,
        dataOffset: offset + RECORD_HEADER,
        interfaceId: 0,
      },
    });
    offset += RECORD_HEADER + h.capturedLength;
    stats.bytesRead = offset;
    header = null;
  });
  // the header was checked above; anything pcap-parser still refuses is told in our words at the record
  parser.on('error', () => stop('not a readable pcap record here', offset));
  parser.on('end', () => {
    if (stopped) return;
    // pcap-parser drops a partial last record silently; the bytes read tell us it was there
    if (offset < size) {
      const left = size - offset;
      const what =
        left < RECORD_HEADER
          ? `a record header needs ${RECORD_HEADER} bytes, the file ends after ${left}`
          : `the record needs ${RECORD_HEADER + (header?.capturedLength ?? 0)} bytes, the file ends after ${left}`;
      stop(`file is cut short: ${what}`, offset);
    }
  });

  try {
    while (!stopped) {
      const buf = Buffer.allocUnsafe(src.chunkSize);
      const bytesRead = await src.read(buf, 0, buf.length);
      if (bytesRead === 0) {
        feed.emit('end');
        break;
      }
      // no copy of a short read (a pipe's): pcap-parser copies every chunk after the first onto
      // what the last one left, so only the first read's buffer can stay behind its records
      const chunk = buf.subarray(0, bytesRead);
      if (size === 0 && nanos && chunk.length >= 4) {
        if (littleEndian) chunk.writeUInt32LE(PCAP_MAGIC_US, 0);
        else chunk.writeUInt32BE(PCAP_MAGIC_US, 0);
      }
      size += bytesRead;
      feed.emit('data', chunk);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await src.close();
  }
}
