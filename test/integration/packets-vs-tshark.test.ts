import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import type { PacketHeader } from '../../src/quic/packet-header.js';
import { formatVersion } from '../../src/quic/versions.js';
import { sampleCaptures } from '../support/captures.js';
import { haveTshark, tsharkFields } from '../support/tshark.js';
import { FIXTURES } from '../support/vectors.js';

// tshark's quic.long.packet_type numbers the v1 types
const TSHARK_LONG_TYPE: Record<string, string> = { '0': 'initial', '1': '0RTT', '2': 'handshake', '3': 'retry' };

/**
 * Where tshark is wrong or cannot know, and why (checked against the endpoints' qlogs):
 * - Padding after the last packet of a datagram (Cloudflare fills datagrams with zero bytes
 *   after a coalesced Initial): tshark shows it as a short-header packet. Its first byte is
 *   0x00, fixed bit clear, so it is no QUIC packet (RFC 9000 §17.3.1); quiclens counts it as
 *   trailing padding. Recognised by tshark's fixed bit being clear on it and its bytes all
 *   zero (a real packet with a greased fixed bit, RFC 9287, is never all zeros).
 * - A short header whose DCID was issued in a NEW_CONNECTION_ID frame tshark could not
 *   decrypt: tshark prints no DCID at all. quiclens reads it with the length the receiving
 *   endpoint uses; the qlog test below checks those DCIDs against pcap2qlog's record.
 * - A long header of a version nobody knows: tshark reads its type bits as v1's and calls it
 *   an Initial. RFC 8999 gives those bits no meaning outside a known version, so quiclens
 *   says `unknown` unless the packet opens as a v1-layout Initial (the AEAD tag proves it,
 *   as it does for ngtcp2's reserved-version Initial in captures/version-negotiation).
 * - A GSO super-datagram (captures/gso: several datagrams in one UDP payload, as the sending
 *   host's capture shows them): tshark reads one short-header packet running to the end;
 *   quiclens splits it at the segment size where the DCID recurs (src/quic/gso-split.ts),
 *   and the server's qlog confirms every packet (packets-vs-qlog.test.ts).
 * - Active migration (captures/migration): once the client moves to a new port with a new
 *   DCID (issued in an encrypted NEW_CONNECTION_ID), tshark no longer sees QUIC on that path
 *   at all. quiclens still reads its short headers (the server's address is known) and the
 *   endpoints' qlogs confirm every one of them (packets-vs-qlog.test.ts).
 * - The v2 draft version 0x709a50c4: tshark 4.0 does not recognise it as QUIC unless told
 *   the port (-d), and then reads its packet types with v1's numbering; RFC 9369 §3.2
 *   rotates them (0b01 Initial, 0b10 0-RTT, 0b11 Handshake, 0b00 Retry). quiclens reads
 *   v2's types; the comparison maps tshark's raw numbers through v2's table. Worse, reading
 *   a v2 Initial as 0-RTT it takes the token length for the Length field, and reading a v2
 *   Handshake as a Retry it takes the rest of the datagram as Retry token: either way it
 *   loses the packets coalesced after it, and the endpoints' qlogs are the witness
 *   (packets-vs-qlog.test.ts).
 */
interface TsharkDeviations {
  zeroPaddingAsPacket: number;
  shortDcidUnknown: number;
  unknownVersionCalledInitial: number;
  v2InitialMisread: number;
  gsoSuperDatagram: number;
  migratedPathUnseen: number;
}

const V2_DRAFT = '0x709a50c4';
const TSHARK_V2_TYPE: Record<string, string> = { '0': 'retry', '1': 'initial', '2': '0RTT', '3': 'handshake' };
/** tshark needs the port for versions its heuristic does not know */
const TSHARK_ARGS: Record<string, string[]> = {
  'captures/v2-draft/v2-draft.pcap': ['-d', 'udp.port==4433,quic'],
};

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
      'quic.remaining_payload',
      'quic.protected_payload',
    ], TSHARK_ARGS[capture.name]);
    const deviations: TsharkDeviations = { ...NO_DEVIATIONS };
    const mine = await ours(capture.path);
    expect(theirs.size).toBeGreaterThan(0);
    const disagreements: string[] = [];
    for (const frame of new Set([...theirs.keys(), ...mine.keys()])) {
      const [forms = [], types = [], versions = [], dcids = [], scids = [], fixedBits = [], remaining = [], protectedPayload = []] =
        theirs.get(frame) ?? [];
      const zeros = (v: string[]) => /^0+$/.test(v.at(-1) ?? '');
      if (forms.at(-1) === '0' && /^(0|False)$/.test(fixedBits.at(-1) ?? '') && (zeros(remaining) || zeros(protectedPayload))) {
        forms.pop();
        deviations.zeroPaddingAsPacket++;
      }
      const want: PerRecord = {
        forms,
        longTypes: types.map((t, i) =>
          (versions[i] === V2_DRAFT ? TSHARK_V2_TYPE : TSHARK_LONG_TYPE)[t] ?? `tshark type ${t}`,
        ),
        versions,
        dcids: dcids.map((c) => c.replace(/:/g, '')),
        scids: scids.map((c) => c.replace(/:/g, '')),
      };
      const headers = mine.get(frame) ?? [];
      const have = ourView(headers);
      if (want.versions[0] === V2_DRAFT && have.forms.length > want.forms.length) {
        deviations.v2InitialMisread++;
        continue;
      }
      if (want.forms.length === 0 && headers.length > 0 && headers.every((h) => h.form === 'short')) {
        deviations.migratedPathUnseen++;
        continue;
      }
      const extra = headers.slice(want.forms.length - 1);
      if (
        want.forms.at(-1) === '0' &&
        extra.length > 1 &&
        extra.every((h) => h.form === 'short' && h.dcid.equals(extra[0]!.dcid)) &&
        JSON.stringify(have.forms.slice(0, want.forms.length)) === JSON.stringify(want.forms)
      ) {
        deviations.gsoSuperDatagram++;
        continue;
      }
      headers.forEach((h, i) => {
        if (h.form === 'long' && h.type === 'unknown' && want.longTypes[i] === 'initial') {
          want.longTypes[i] = 'unknown';
          deviations.unknownVersionCalledInitial++;
        }
      });
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
    expect(deviations).toEqual({ ...NO_DEVIATIONS, ...EXPECTED_DEVIATIONS[capture.name] });
  });
});

/** the captures where tshark deviates, and by how many records (see TsharkDeviations) */
const NO_DEVIATIONS: TsharkDeviations = { zeroPaddingAsPacket: 0, shortDcidUnknown: 0, unknownVersionCalledInitial: 0, v2InitialMisread: 0, gsoSuperDatagram: 0, migratedPathUnseen: 0 };
const EXPECTED_DEVIATIONS: Record<string, Partial<TsharkDeviations>> = {
  'test/fixtures/captures-ext/chrome-cloudflare-quic-with-secrets.pcapng': { zeroPaddingAsPacket: 2 },
  'test/fixtures/captures-ext/new-cid-draft.pcap': { shortDcidUnknown: 17 },
  'captures/gso/gso.pcap': { gsoSuperDatagram: 7 },
  // the server answers a v1 Initial in the v2 draft (RFC 9368), which tshark 4.0 misreads
  'captures/compat-vn/compat-vn.pcap': { v2InitialMisread: 2, shortDcidUnknown: 6 },
  'captures/migration/migration.pcap': { migratedPathUnseen: 198 },
  'captures/wifi-to-lte/wifi-to-lte.pcap': { migratedPathUnseen: 195 },
  // as in migration: tshark loses the client once it sends from its new port (frames 27-29, 33, 34)
  'captures/nginx-lb/nginx-lb.pcap': { migratedPathUnseen: 5 },
  // without keys tshark never reads the CID in the server's preferred_address transport
  // parameter, so it loses the connection once the client moves to 127.0.0.2 (frame 12 on)
  'captures/preferred-address/preferred-address.pcap': { migratedPathUnseen: 196 },
  // having lost the v2 long headers, tshark never learns the CIDs the short headers use
  'captures/v2-draft/v2-draft.pcap': { v2InitialMisread: 2, shortDcidUnknown: 29 },
};

describe('short-header DCIDs tshark cannot tell, against the qlog of the same trace', () => {
  it('new-cid-draft.pcap: every 1-RTT DCID equals the one pcap2qlog logged', async () => {
    const qlog = JSON.parse(readFileSync(join(FIXTURES, 'qlogs', 'pcap2qlog-draft01-new-cid.qlog'), 'utf8'));
    const logged = (qlog.traces[0].events as unknown[][])
      .map((e) => e[4] as { packet_type?: string; header?: { dcid?: string } })
      .filter((d) => d?.packet_type === '1RTT')
      .map((d) => d.header!.dcid);
    const mine = [...(await ours(join(FIXTURES, 'captures-ext', 'new-cid-draft.pcap'))).values()]
      .flat()
      .filter((h) => h.form === 'short')
      .map((h) => h.dcid.toString('hex'));
    expect(logged.length).toBeGreaterThan(10);
    expect(mine).toEqual(logged);
  });
});
