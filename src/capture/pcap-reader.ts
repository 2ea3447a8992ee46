import { fileSource, type ByteSource } from './byte-source.js';
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

/**
 * Reads a classic pcap file, streaming: chunks of the file are cut into records in one
 * synchronous pass each (a record wholly inside a chunk is a view of it; only a record
 * that straddles two chunks is copied). pcap-parser read the records here before; its
 * events, the stream around it and the header object per record cost more than all the
 * decoding after them (issue 15), so it now checks this reader in the tests instead. The
 * nanosecond format is read by its magic, a file cut off mid-record is reported, and
 * reading stops at a corrupt record length.
 */
export async function* readPcap(input: string | ByteSource, stats: CaptureStats): AsyncGenerator<CaptureEvent> {
  for await (const batch of readPcapBatches(input, stats)) yield* batch;
}

/**
 * readPcap's events a chunk of the file at a time: each step of an async generator costs
 * more than decoding a small record, so the packet pipeline takes them in batches.
 */
export async function* readPcapBatches(input: string | ByteSource, stats: CaptureStats): AsyncGenerator<CaptureEvent[]> {
  // a pipe cannot seek: the file is read once, in order, and its length known only at the end
  const src = typeof input === 'string' ? await fileSource(input) : input;
  const path = src.name;
  const head = src.head;
  const nanos = head.length >= 4 && (head.readUInt32BE(0) === PCAP_MAGIC_NS || head.readUInt32LE(0) === PCAP_MAGIC_NS);
  const littleEndian = head.length >= 4 && (head.readUInt32LE(0) === PCAP_MAGIC_US || head.readUInt32LE(0) === PCAP_MAGIC_NS);
  // the file header is checked here, so that every problem is told in our words with its offset
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
  const linkType = littleEndian ? head.readUInt32LE(20) : head.readUInt32BE(20);
  stats.linkTypes = [linkType];
  const u32 = littleEndian ? (b: Buffer, at: number) => b.readUInt32LE(at) : (b: Buffer, at: number) => b.readUInt32BE(at);
  const subsecond = nanos ? 1e-9 : 1e-6;

  /** the file offset of `buf[0]`; the next record starts at `at` in it */
  let bufStart = 0;
  let buf: Buffer = Buffer.alloc(0);
  let at = FILE_HEADER;
  let size = 0;
  let emptyRun = 0;
  let emptyRunStart = 0;
  const stop = (message: string, offset: number): CaptureEvent => ({ kind: 'issue', issue: { file: path, offset, message, fatal: true } });

  /** the whole records of `buf` from `at` on, onto `records`; true when reading must stop */
  const cut = (records: CaptureEvent[]): boolean => {
    while (at + RECORD_HEADER <= buf.length) {
      const offset = bufStart + at;
      const captured = u32(buf, at + 8);
      if (captured > MAX_RECORD) {
        records.push(stop(`record declares ${captured} captured bytes; expected at most ${MAX_RECORD} (corrupt file?)`, offset));
        return true;
      }
      if (at + RECORD_HEADER + captured > buf.length) return false;
      if (captured === 0) {
        if (emptyRun++ === 0) emptyRunStart = offset;
        if (emptyRun > MAX_EMPTY_RECORD_RUN) {
          records.push(stop(`more than ${MAX_EMPTY_RECORD_RUN} empty records in a row from byte offset ${emptyRunStart}: the rest of the file is not records (zeros?); reading stopped`, emptyRunStart));
          return true;
        }
      } else emptyRun = 0;
      stats.records++;
      const time = u32(buf, at) + u32(buf, at + 4) * subsecond;
      stats.firstTime ??= time;
      records.push({
        kind: 'record',
        record: {
          frame: stats.records,
          time,
          linkType,
          data: buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + captured),
          originalLength: u32(buf, at + 12),
          fileOffset: offset,
          dataOffset: offset + RECORD_HEADER,
          interfaceId: 0,
        },
      });
      at += RECORD_HEADER + captured;
    }
    return false;
  };

  const readChunk = async (): Promise<Buffer | null> => {
    const chunk = Buffer.allocUnsafe(src.chunkSize);
    const bytesRead = await src.read(chunk, 0, chunk.length);
    if (bytesRead === 0) return null;
    size += bytesRead;
    // a pipe gives a little at a time: keep a copy of what came, not the whole chunk behind it
    return bytesRead < chunk.length / 4 ? Buffer.from(chunk.subarray(0, bytesRead)) : chunk.subarray(0, bytesRead);
  };
  // the next chunk is read while this one is decoded: a file read leaves the thread idle
  let reading = readChunk();
  try {
    for (;;) {
      const fresh = await reading;
      if (!fresh) break;
      reading = readChunk();
      const records: CaptureEvent[] = [];
      if (at < buf.length) {
        // a record straddles the two chunks: it alone is copied, its bytes from both
        const tail = buf.subarray(at);
        const header = tail.length >= RECORD_HEADER ? tail : Buffer.concat([tail, fresh.subarray(0, RECORD_HEADER - tail.length)]);
        const captured = header.length < RECORD_HEADER ? Infinity : u32(header, 8);
        const take = Math.max(0, Math.min(fresh.length, RECORD_HEADER + (captured > MAX_RECORD ? 0 : captured) - tail.length));
        bufStart += at;
        at = 0;
        buf = Buffer.concat([tail, fresh.subarray(0, take)]);
        if (cut(records)) {
          yield records;
          return;
        }
        if (at >= buf.length && take < fresh.length) {
          // the rest of the new chunk is read in place
          bufStart += tail.length;
          buf = fresh;
          at = take;
        }
      } else {
        bufStart += buf.length;
        at -= buf.length;
        buf = fresh;
      }
      if (cut(records)) {
        yield records;
        return;
      }
      if (records.length > 0) yield records;
    }
    const offset = bufStart + at;
    if (offset < size) {
      const left = size - offset;
      const what =
        left < RECORD_HEADER
          ? `a record header needs ${RECORD_HEADER} bytes, the file ends after ${left}`
          : `the record needs ${RECORD_HEADER + u32(buf, at + 8)} bytes, the file ends after ${left}`;
      yield [stop(`file is cut short: ${what}`, offset)];
    }
  } finally {
    // a read still under way ends before the file is closed
    await reading.catch(() => null);
    await src.close();
  }
}
