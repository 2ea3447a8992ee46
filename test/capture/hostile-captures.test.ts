import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { MAX_EMPTY_RECORD_RUN } from '../../src/capture/pcap-reader.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import { PcapngWriter, pcapFile, tempFile } from './build-capture.js';

async function events(path: string): Promise<CaptureEvent[]> {
  const out: CaptureEvent[] = [];
  for await (const ev of (await openCapture(path)).events()) out.push(ev);
  return out;
}
const issues = (evs: CaptureEvent[]) => evs.flatMap((e) => (e.kind === 'issue' ? [e.issue] : []));
const records = (evs: CaptureEvent[]) => evs.filter((e) => e.kind === 'record').length;

describe('captures that are not what their header says (issue 12 §8)', () => {
  it('a pcap header followed by zeros stops after a run of empty records, at the run\'s offset', async () => {
    const real = pcapFile(1, [{ time: 1, data: Buffer.alloc(60, 1) }]);
    const file = tempFile(Buffer.concat([real, Buffer.alloc(16 * (MAX_EMPTY_RECORD_RUN + 500))]), 'pcap');
    const evs = await events(file);
    const problems = issues(evs);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ fatal: true, offset: real.length });
    expect(problems[0]!.message).toBe(`more than ${MAX_EMPTY_RECORD_RUN} empty records in a row from byte offset ${real.length}: the rest of the file is not records (zeros?); reading stopped`);
    // the real record, then the empty ones up to the limit
    expect(records(evs)).toBe(1 + MAX_EMPTY_RECORD_RUN);
  });

  it('a pcap version other than 2.x is said in our words, at byte offset 4 where the field is', async () => {
    const bytes = pcapFile(1, [{ time: 1, data: Buffer.alloc(60) }]);
    bytes.writeUInt16LE(7, 4);
    bytes.writeUInt16LE(9, 6);
    const problems = issues(await events(tempFile(bytes, 'pcap')));
    expect(problems).toEqual([
      expect.objectContaining({ offset: 4, fatal: true, message: 'expected pcap format version 2 (major 2, minor 4, draft-ietf-opsawg-pcap §4), found 7.9' }),
    ]);
  });

  it('a pcap file header cut short', async () => {
    const bytes = pcapFile(1, []).subarray(0, 20);
    const problems = issues(await events(tempFile(bytes, 'pcap')));
    expect(problems).toEqual([expect.objectContaining({ offset: 0, message: 'file is cut short: the pcap file header needs 24 bytes, the file has 20' })]);
  });

  it('a pcapng packet before any Interface Description Block is skipped with a plain reason, and the next packet read', async () => {
    const w = new PcapngWriter().section().packet(0, 1n, Buffer.alloc(40)).iface(1).packet(0, 2n, Buffer.alloc(40)).packet(3, 3n, Buffer.alloc(40));
    const evs = await events(tempFile(w.bytes(), 'pcapng'));
    expect(records(evs)).toBe(1);
    expect(issues(evs).map((i) => [i.fatal, i.message])).toEqual([
      [false, 'a packet block comes before any Interface Description Block in its section: expected the interface it names (0) to be described first; the packet is skipped'],
      [false, 'the packet names interface 3, but its section describes only interface 0; the packet is skipped'],
    ]);
  });
});
