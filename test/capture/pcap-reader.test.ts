import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hidePcapParserBufferWarning } from '../../src/capture/deprecation-filter.js';
import { openCapture, openCaptureStream } from '../../src/capture/open-capture.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { REPO } from '../support/captures.js';

interface Seen {
  time: number;
  originalLength: number;
  hex: string;
}

/** pcap-parser's reading of a file: the reference our own pcap reader is held to */
async function byPcapParser(path: string): Promise<Seen[]> {
  hidePcapParserBufferWarning();
  const parser = createRequire(import.meta.url)('pcap-parser');
  const out: Seen[] = [];
  let header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number } | null = null;
  await new Promise<void>((resolve, reject) => {
    const p = parser.parse(path);
    p.on('packetHeader', (h: typeof header) => (header = h));
    p.on('packetData', (data: Buffer) => {
      out.push({ time: header!.timestampSeconds + header!.timestampMicroseconds * 1e-6, originalLength: header!.originalLength, hex: data.toString('hex') });
    });
    p.on('end', resolve);
    p.on('error', reject);
  });
  return out;
}

async function byUs(events: AsyncIterable<{ kind: string; record?: CaptureRecord }>): Promise<{ records: Seen[]; frames: number[]; offsets: number[]; other: string[] }> {
  const records: Seen[] = [];
  const frames: number[] = [];
  const offsets: number[] = [];
  const other: string[] = [];
  for await (const ev of events) {
    if (ev.kind !== 'record') {
      other.push(ev.kind);
      continue;
    }
    const r = ev.record!;
    records.push({ time: r.time, originalLength: r.originalLength, hex: r.data.toString('hex') });
    frames.push(r.frame);
    offsets.push(r.dataOffset);
  }
  return { records, frames, offsets, other };
}

const samples = ['captures/gap/gap.pcap', 'captures/handshake/handshake.pcap', 'captures/netem-loss/netem-loss.pcap'];

describe('the pcap reader reads every record as pcap-parser does', () => {
  for (const sample of samples) {
    it(`${sample}: the same records, times and bytes, numbered from 1, each at its own offset`, async () => {
      const path = join(REPO, sample);
      const expected = await byPcapParser(path);
      const ours = await byUs((await openCapture(path)).events());
      expect(ours.other).toEqual([]);
      expect(ours.records.length).toBe(expected.length);
      expect(ours.records).toEqual(expected);
      expect(ours.frames).toEqual(expected.map((_, i) => i + 1));
      // each record's bytes sit in the file where its data offset says
      const file = readFileSync(path);
      const n = ours.records.length - 1;
      expect(file.subarray(ours.offsets[n], ours.offsets[n]! + ours.records[n]!.hex.length / 2).toString('hex')).toBe(ours.records[n]!.hex);
    });
  }

  it('a pipe that brings a few bytes at a time: records cut across its chunks read whole, the same as from the file', async () => {
    const path = join(REPO, 'captures/handshake/handshake.pcap');
    const bytes = readFileSync(path);
    // chunks of 13 bytes (less than a record header) and of 1,000: headers and bodies both straddle chunk ends
    for (const size of [13, 1000]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const piped = await byUs((await openCaptureStream('-', Readable.from(chunks))).events());
      const fromFile = await byUs((await openCapture(path)).events());
      expect(piped.records).toEqual(fromFile.records);
      expect(piped.offsets).toEqual(fromFile.offsets);
    }
  });

  it('the same records by batches() as by events()', async () => {
    const path = join(REPO, 'captures/gap/gap.pcap');
    const batched: number[] = [];
    for await (const batch of (await openCapture(path)).batches()) for (const ev of batch) if (ev.kind === 'record') batched.push(ev.record.frame);
    const single = (await byUs((await openCapture(path)).events())).frames;
    expect(batched).toEqual(single);
    expect(batched.length).toBeGreaterThan(1000);
  });
});
