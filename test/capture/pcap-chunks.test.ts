import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openCapture, openCaptureStream } from '../../src/capture/open-capture.js';
import type { CaptureEvent, CaptureRecord } from '../../src/capture/types.js';
import { PcapngWriter, pcapFile, tempFile } from './build-capture.js';

/** records as read, with their bytes copied out: what must not depend on how the file was cut into reads */
async function recordsOf(events: AsyncIterable<CaptureEvent>): Promise<{ records: (Omit<CaptureRecord, 'data'> & { hex: string })[]; issues: string[] }> {
  const records: (Omit<CaptureRecord, 'data'> & { hex: string })[] = [];
  const issues: string[] = [];
  for await (const ev of events) {
    if (ev.kind === 'record') {
      const { data, ...rest } = ev.record;
      records.push({ ...rest, hex: data.toString('hex') });
    }
    if (ev.kind === 'issue') issues.push(`${ev.issue.offset}: ${ev.issue.message}`);
  }
  return { records, issues };
}

/** the bytes as a pipe would give them, `size` at a time */
function inPieces(bytes: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return Readable.from(pieces);
}

describe('pcap records split across reads (the reader hands pcap-parser whole records only)', () => {
  // records of every size from 1 byte to past a pipe's read (64 KiB), so that reads end in
  // record headers, in record bodies and on boundaries; the large file crosses the file
  // reader's 1 MiB reads with records of 200,000 bytes
  const small = [1, 15, 16, 17, 60, 1500, 70_000, 3, 9, 1200, 0, 44];
  const large = [...small, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 44];
  const cases = [
    { o: { littleEndian: true }, sizes: small, pieces: [1, 7, 1000] },
    { o: { littleEndian: false }, sizes: small, pieces: [1, 7, 1000] },
    { o: { littleEndian: true, nanos: true }, sizes: small, pieces: [1, 7, 1000] },
    { o: { littleEndian: true }, sizes: large, pieces: [65_536, 100_000] },
    { o: { littleEndian: false, nanos: true }, sizes: large, pieces: [65_536, 100_000] },
  ];

  for (const { o, sizes, pieces } of cases) {
    const recs = sizes.map((n, i) => ({ time: 1 + i / 10, data: Buffer.alloc(n, i + 1) }));
    const bytes = pcapFile(1, recs, o);
    const label = `${o.littleEndian ? 'little' : 'big'}-endian${o.nanos ? ', nanoseconds' : ''}, ${bytes.length} bytes`;

    it(`${label}: a file and a pipe cut into reads of ${pieces.join(', ')} bytes give the same records`, async () => {
      const fromFile = await recordsOf((await openCapture(tempFile(bytes, 'pcap'))).events());
      expect(fromFile.issues).toEqual([]);
      expect(fromFile.records.map((r) => r.hex.length / 2)).toEqual(sizes);
      expect(fromFile.records.map((r) => r.frame)).toEqual(sizes.map((_, i) => i + 1));
      for (const piece of pieces) {
        const fromPipe = await recordsOf((await openCaptureStream('-', inPieces(bytes, piece))).events());
        expect(fromPipe).toEqual(fromFile);
      }
    });

    it(`${label}: a file cut inside its last record says so at that record, after every whole record`, async () => {
      const cut = bytes.subarray(0, bytes.length - 20);
      const read = await recordsOf((await openCapture(tempFile(cut, 'pcap'))).events());
      expect(read.records).toHaveLength(sizes.length - 1);
      const lastStart = bytes.length - 16 - sizes.at(-1)!;
      expect(read.issues).toEqual([`${lastStart}: file is cut short: the record needs ${16 + sizes.at(-1)!} bytes, the file ends after ${16 + sizes.at(-1)! - 20}`]);
    });
  }
});

describe('pcapng blocks split across reads (only the cut block is carried to the next read)', () => {
  const small = [1, 60, 1500, 70_000, 3, 9, 1200, 0, 44];
  const large = [...small, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 44];
  const cases = [
    { littleEndian: true, sizes: small, pieces: [7, 1000] },
    { littleEndian: false, sizes: small, pieces: [7, 1000] },
    { littleEndian: true, sizes: large, pieces: [65_536, 100_000] },
  ];
  for (const { littleEndian, sizes, pieces } of cases) {
    const w = new PcapngWriter().section(littleEndian).iface(1);
    sizes.forEach((n, i) => w.packet(0, BigInt(1_000_000 + i), Buffer.alloc(n, i + 1)));
    const bytes = w.bytes();

    it(`${littleEndian ? 'little' : 'big'}-endian, ${bytes.length} bytes: a file and pipes cut into reads of ${pieces.join(', ')} bytes give the same records`, async () => {
      const fromFile = await recordsOf((await openCapture(tempFile(bytes, 'pcapng'))).events());
      expect(fromFile.issues).toEqual([]);
      expect(fromFile.records.map((r) => r.hex.length / 2)).toEqual(sizes);
      for (const piece of pieces) {
        const fromPipe = await recordsOf((await openCaptureStream('-', inPieces(bytes, piece))).events());
        expect(fromPipe).toEqual(fromFile);
      }
    });
  }
});
