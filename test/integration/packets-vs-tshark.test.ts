import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import type { PacketHeader } from '../../src/quic/packet-header.js';
import { formatVersion } from '../../src/quic/versions.js';
import { sampleCaptures } from '../support/captures.js';
import { haveTshark, tsharkFields } from '../support/tshark.js';

// tshark's quic.long.packet_type numbers the v1 types
const TSHARK_LONG_TYPE: Record<string, string> = { '0': 'initial', '1': '0RTT', '2': 'handshake', '3': 'retry' };

interface PerRecord {
  forms: string[];
  longTypes: string[];
  versions: string[];
  dcids: string[];
  scids: string[];
}

/** the same per-record view of our packets as tshark's columns give (empty CIDs left out, as tshark does) */
function ourView(headers: PacketHeader[]): PerRecord {
  const long = headers.filter((h) => h.form === 'long');
  return {
    forms: headers.map((h) => (h.form === 'long' ? '1' : '0')),
    longTypes: long.filter((h) => h.type !== 'version_negotiation').map((h) => h.type),
    versions: long.map((h) => formatVersion(h.version)),
    dcids: headers.map((h) => h.dcid.toString('hex')).filter((c) => c !== ''),
    scids: long.map((h) => h.scid.toString('hex')).filter((c) => c !== ''),
  };
}

async function ours(path: string): Promise<Map<number, PacketHeader[]>> {
  const byFrame = new Map<number, PacketHeader[]>();
  const session = new PacketSession();
  for await (const ev of session.read(await openCapture(path))) {
    if (ev.kind !== 'packet') continue;
    const list = byFrame.get(ev.packet.frame) ?? [];
    list.push(ev.packet.header);
    byFrame.set(ev.packet.frame, list);
  }
  return byFrame;
}

const enabled = haveTshark();

describe.skipIf(!enabled)('quiclens packets list the same QUIC packets per datagram as tshark', () => {
  it.each(sampleCaptures().map((c) => [c.name, c] as const))('%s', async (_name, capture) => {
    const theirs = tsharkFields(capture.path, [
      'quic.header_form',
      'quic.long.packet_type',
      'quic.version',
      'quic.dcid',
      'quic.scid',
    ]);
    const mine = await ours(capture.path);
    expect(theirs.size).toBeGreaterThan(0);
    const disagreements: string[] = [];
    for (const frame of new Set([...theirs.keys(), ...mine.keys()])) {
      const [forms = [], types = [], versions = [], dcids = [], scids = []] = theirs.get(frame) ?? [];
      const want: PerRecord = {
        forms,
        longTypes: types.map((t) => TSHARK_LONG_TYPE[t] ?? `tshark type ${t}`),
        versions,
        dcids: dcids.map((c) => c.replace(/:/g, '')),
        scids: scids.map((c) => c.replace(/:/g, '')),
      };
      const have = ourView(mine.get(frame) ?? []);
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        disagreements.push(`frame ${frame}: quiclens ${JSON.stringify(have)} tshark ${JSON.stringify(want)}`);
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
