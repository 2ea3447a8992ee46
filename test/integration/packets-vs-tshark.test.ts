import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import type { PacketHeader } from '../../src/quic/packet-header.js';
import { formatVersion } from '../../src/quic/versions.js';
import { sampleCaptures } from '../support/captures.js';
import { haveTshark, tsharkFields } from '../support/tshark.js';
import { SHARED } from '../support/vectors.js';

// tshark's quic.long.packet_type numbers the v1 types
const TSHARK_LONG_TYPE: Record<string, string> = { '0': 'initial', '1': '0RTT', '2': 'handshake', '3': 'retry' };

/**
 * Where tshark is wrong or cannot know, and why (checked against the endpoints' qlogs):
 * - Padding after the last packet of a datagram (Cloudflare fills datagrams with zero bytes
 *   after a coalesced Initial): tshark shows it as a short-header packet. Its first byte is
 *   0x00, fixed bit clear, so it is no QUIC packet (RFC 9000 §17.3.1); quiclens counts it as
 *   trailing padding. Recognised by tshark's own quic.fixed_bit being clear on it.
 * - A short header whose DCID was issued in a NEW_CONNECTION_ID frame tshark could not
 *   decrypt: tshark prints no DCID at all. quiclens reads it with the length the receiving
 *   endpoint uses; the qlog test below checks those DCIDs against pcap2qlog's record.
 */
interface TsharkDeviations {
  zeroPaddingAsPacket: number;
  shortDcidUnknown: number;
}

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
      'quic.fixed_bit',
    ]);
    const deviations: TsharkDeviations = { zeroPaddingAsPacket: 0, shortDcidUnknown: 0 };
    const mine = await ours(capture.path);
    expect(theirs.size).toBeGreaterThan(0);
    const disagreements: string[] = [];
    for (const frame of new Set([...theirs.keys(), ...mine.keys()])) {
      const [forms = [], types = [], versions = [], dcids = [], scids = [], fixedBits = []] = theirs.get(frame) ?? [];
      if (forms.at(-1) === '0' && /^(0|False)$/.test(fixedBits.at(-1) ?? '')) {
        forms.pop();
        deviations.zeroPaddingAsPacket++;
      }
      const want: PerRecord = {
        forms,
        longTypes: types.map((t) => TSHARK_LONG_TYPE[t] ?? `tshark type ${t}`),
        versions,
        dcids: dcids.map((c) => c.replace(/:/g, '')),
        scids: scids.map((c) => c.replace(/:/g, '')),
      };
      const headers = mine.get(frame) ?? [];
      const have = ourView(headers);
      const longDcids = headers.filter((h) => h.form === 'long' && h.dcid.length > 0).map((h) => h.dcid.toString('hex'));
      if (forms.includes('0') && want.dcids.length < have.dcids.length && JSON.stringify(want.dcids) === JSON.stringify(longDcids)) {
        deviations.shortDcidUnknown++;
        want.dcids = have.dcids;
      }
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        disagreements.push(`frame ${frame}: quiclens ${JSON.stringify(have)} tshark ${JSON.stringify(want)}`);
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(deviations).toEqual(EXPECTED_DEVIATIONS[capture.name] ?? { zeroPaddingAsPacket: 0, shortDcidUnknown: 0 });
  });
});

/** the captures where tshark deviates, and by how many records (see TsharkDeviations) */
const EXPECTED_DEVIATIONS: Record<string, TsharkDeviations> = {
  'shared/captures-ext/chrome-cloudflare-quic-with-secrets.pcapng': { zeroPaddingAsPacket: 2, shortDcidUnknown: 0 },
  'shared/captures-ext/new-cid-draft.pcap': { zeroPaddingAsPacket: 0, shortDcidUnknown: 17 },
};

describe('short-header DCIDs tshark cannot tell, against the qlog of the same trace', () => {
  it('new-cid-draft.pcap: every 1-RTT DCID equals the one pcap2qlog logged', async () => {
    const qlog = JSON.parse(readFileSync(join(SHARED, 'qlogs', 'pcap2qlog-draft01-new-cid.qlog'), 'utf8'));
    const logged = (qlog.traces[0].events as unknown[][])
      .map((e) => e[4] as { packet_type?: string; header?: { dcid?: string } })
      .filter((d) => d?.packet_type === '1RTT')
      .map((d) => d.header!.dcid);
    const mine = [...(await ours(join(SHARED, 'captures-ext', 'new-cid-draft.pcap'))).values()]
      .flat()
      .filter((h) => h.form === 'short')
      .map((h) => h.dcid.toString('hex'));
    expect(logged.length).toBeGreaterThan(10);
    expect(mine).toEqual(logged);
  });
});
