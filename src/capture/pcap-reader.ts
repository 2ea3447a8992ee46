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

  // pcap-parser copies each chunk onto the bytes the last one left, into a new zeroed buffer,
  // unless it was left none (its buffer is then reset below): so each chunk it is given ends
  // where a record ends, and the record cut off at the end waits here for the next read
  const parserState = parser as unknown as { buffer: Buffer | null };
  /** where the next record starts, in the file, as far as the chunks read so far show */
  let nextRecord = FILE_HEADER;
  const readUInt32 = littleEndian ? (b: Buffer, at: number) => b.readUInt32LE(at) : (b: Buffer, at: number) => b.readUInt32BE(at);
  /**
   * Where the chunk's last whole record ends (the chunk starts at file offset `start`). The
   * whole chunk when a record header declares more than MAX_RECORD (the handlers above stop
   * there), or once a chunk was given whole and the records are no longer followed here.
   */
  const wholeRecordsEnd = (chunk: Buffer, start: number): number => {
    if (nextRecord < start) return chunk.length;
    const end = start + chunk.length;
    while (nextRecord + RECORD_HEADER <= end) {
      const captured = readUInt32(chunk, nextRecord - start + 8);
      if (captured > MAX_RECORD) return chunk.length;
      if (nextRecord + RECORD_HEADER + captured > end) break;
      nextRecord += RECORD_HEADER + captured;
    }
    return Math.min(chunk.length, nextRecord - start);
  };
  // bytes are read into the free end of one buffer; only a record cut off when it is full
  // moves to the next buffer (a copy of that record alone, so a pipe's short reads cost no
  // more than whole ones)
  let buf = Buffer.allocUnsafe(src.chunkSize);
  let unfed = 0;
  let filled = 0;
  try {
    while (!stopped) {
      if (filled === buf.length) {
        const cut = buf.subarray(unfed, filled);
        buf = Buffer.allocUnsafe(Math.max(src.chunkSize, 2 * cut.length));
        cut.copy(buf);
        unfed = 0;
        filled = cut.length;
      }
      const bytesRead = await src.read(buf, filled, buf.length - filled);
      if (bytesRead === 0) {
        // a record cut off by the end of the file: pcap-parser holds it, and 'end' says so
        if (filled > unfed) feed.emit('data', buf.subarray(unfed, filled));
        feed.emit('end');
        break;
      }
      // the magic, once its 4 bytes are in (the buffer's start is the file's until then)
      if (nanos && size < 4 && size + bytesRead >= 4) {
        if (littleEndian) buf.writeUInt32LE(PCAP_MAGIC_US, 0);
        else buf.writeUInt32BE(PCAP_MAGIC_US, 0);
      }
      filled += bytesRead;
      size += bytesRead;
      const chunk = buf.subarray(unfed, filled);
      const end = wholeRecordsEnd(chunk, size - chunk.length);
      if (end > 0) {
        unfed += end;
        feed.emit('data', chunk.subarray(0, end));
        if (parserState.buffer?.length === 0) parserState.buffer = null;
      }
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
