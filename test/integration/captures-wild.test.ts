import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { versionInfo } from '../../src/quic/versions.js';
import { REPO } from '../support/captures.js';

/**
 * Other projects' test traces (test/fixtures/captures-wild/PROVENANCE.md), each checked
 * for the values the project's own tests assert (nDPI's tests/cfgs/default/result/*.out,
 * Zeek's btest baselines, Suricata-verify's test.yaml) and for the version name tshark 4.0 gives.
 */
const DIR = join(REPO, 'test', 'fixtures', 'captures-wild');

async function read(file: string) {
  const s = new PacketSession();
  const capture = await openCapture(join(DIR, file));
  const issues: string[] = [];
  const packets: { frame: number; decrypted: unknown; type: string; version: number | null; gso?: number }[] = [];
  for await (const ev of s.read(capture)) {
    if (ev.kind === 'issue') issues.push(ev.issue.message);
    if (ev.kind === 'packet') {
      const h = ev.packet.header;
      packets.push({ frame: ev.packet.frame, decrypted: ev.packet.decrypted, type: h.type, version: h.form === 'long' ? h.version : null, gso: ev.packet.gsoSegmentSize });
    }
  }
  return { connections: s.tracker.connections, issues, packets, linkTypes: capture.stats.linkTypes };
}

describe('captures from other projects: link types, versions, hellos', () => {
  it.each([
    // file, link type, version, tshark's name, SNI, client address, first ALPN offered
    ['dlt_ppp.pcap', 9, 0xff00001d, 'draft-29', 'server4', '193.167.0.252', 'hq-29'],
    ['interop-quic-go-handshake-ppp.pcap', 9, 0x00000001, 'QUIC v1', 'server4:443', '193.167.0.100', 'hq-interop'],
    ['quic-34.pcap', 1, 0xff000022, 'draft-34', undefined, '192.168.56.1', 'h3-34'],
    ['quic-mvfst-22-first12.pcap', 1, 0xfaceb001, 'Facebook mvfst (draft-22)', 'graph.facebook.com', '10.0.2.15', 'h3-fb-05'],
    ['quic-mvfst-27.pcapng', 1, 0xfaceb002, 'Facebook mvfst (draft-27)', 'graph.facebook.com', '10.0.2.15', 'h3-fb-05'],
    ['quic-mvfst-exp-first10.pcap', 1, 0xfaceb00e, 'Facebook mvfst (Experimental)', 'video.fmct2-3.fna.fbcdn.net', '2aac:cdf7:d506:7807:9092:75f:a963:f4ab', 'h3-fb-05'],
    ['quic_t50.pcap', 1, 0x54303530, 'Google T050', 'fonts.googleapis.com', '40.154.127.200', 'h3-T050'],
    ['quic_t51.pcap', 1, 0x54303531, 'Google T051', 'www.google.com', '187.227.136.152', 'h3-T051'],
  ])('%s: link type %d, version, SNI and ALPN from the decrypted ClientHello', async (file, linkType, version, name, sni, client, alpn) => {
    const { connections, linkTypes } = await read(file);
    expect(linkTypes).toEqual([linkType]);
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect(c.version).toBe(version);
    expect(versionInfo(version).name).toBe(name);
    expect(c.client?.ip).toBe(client);
    expect(c.tls.clientHello).toBeDefined();
    expect(c.tls.clientHello?.serverName).toBe(sni);
    expect(c.tls.clientHello?.alpn[0]).toBe(alpn);
  });

  it.each([
    // file, version, tshark's name, SNI, UAID, VER tag (nDPI asserts SNI and the user agent)
    ['quic_q43.pcap', 0x51303433, 'Google Q043', 'dns.google.com', undefined, 'Q043'],
    ['quic_q46_b.pcap', 0x51303436, 'Google Q046', 'upload.youtube.com', 'com.google.android.youtube Cronet/76.0.3809.0', 'Q046'],
    ['gquic.pcap', 0x51303530, 'Google Q050', 'www.gstatic.com', 'canary Chrome/85.0.4169.0 Windows NT 10.0; Win64; x64', 'Q050'],
    ['quic_q50-first8.pcap', 0x51303530, 'Google Q050', 'www.googletagmanager.com', 'Chrome/83.0.4103.101 Android 8.0.0; LDN-L21', 'Q050'],
  ])('%s: gQUIC CHLO read (SNI, UAID, VER)', async (file, version, name, sni, uaid, ver) => {
    const { connections, issues } = await read(file);
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect(c.version).toBe(version);
    expect(versionInfo(version).name).toBe(name);
    expect(c.tls.gquicHello?.serverName).toBe(sni);
    expect(c.tls.gquicHello?.userAgent).toBe(uaid);
    expect(c.tls.gquicHello?.version).toBe(ver);
    expect(c.tls.gquicHello?.tags).toContain('SNI');
    expect(issues).toEqual([]);
  });

  it('Q050: the client Initials open under the Q050 salt (AEAD tag verified), the CHLO is in CRYPTO frames', async () => {
    const { packets } = await read('quic_q50-first8.pcap');
    const initials = packets.filter((p) => p.type === 'initial');
    expect(initials.length).toBeGreaterThan(0);
    expect(initials.every((p) => p.decrypted === true)).toBe(true);
  });

  it('Q043 and Q046: the hello is plaintext, so the packets are reported as not encrypted', async () => {
    for (const file of ['quic_q43.pcap', 'quic_q46_b.pcap']) {
      const { packets } = await read(file);
      expect(packets.find((p) => p.type === 'initial')?.decrypted).toBe('not encrypted');
    }
  });

  it('random padding after the client Initials is neither a packet nor a GSO segment; the first version offered is kept', async () => {
    const { connections, issues, packets } = await read('quic-forcing-vn-with-data.pcapng');
    expect(issues).toEqual([]);
    expect(packets.filter((p) => p.gso !== undefined)).toEqual([]);
    // tshark: frames 1, 3 and 5 each hold one client Initial, then "(Random) padding data"
    expect(packets.filter((p) => [1, 3, 5].includes(p.frame)).map((p) => [p.frame, p.type, p.decrypted])).toEqual([
      [1, 'initial', true],
      [3, 'initial', true],
      [5, 'initial', true],
    ]);
    expect(connections).toHaveLength(1);
    expect(connections[0]!.version).toBe(0x00000001);
    expect(connections[0]!.firstVersion).toBe(0xbabababa);
  });

  it('a short long header of an unknown version to port 443 is reported as what it is (Zeek: unknown-10010000)', async () => {
    const { connections, packets } = await read('zeek-unknown-version-443.pcap');
    expect(packets).toEqual([{ frame: 1, decrypted: 'unknown version', type: 'unknown', version: 0x10010000, gso: undefined }]);
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect([c.client?.ip, c.client?.port, c.server?.ip, c.server?.port]).toEqual(['1.2.3.4', 45492, '7.7.7.7', 443]);
    expect(c.originalDcid).toBe('00');
    expect(c.version).toBe(0x10010000);
  });

  it('Linux SLL (113), QUIC v2 over IPv6 loopback: nDPI\'s SNI, ALPN, version and JA4 hashes; every packet opens', async () => {
    const { connections, packets, issues, linkTypes } = await read('quic-v2-sll.pcapng');
    expect(linkTypes).toEqual([113]);
    expect(issues).toEqual([]);
    expect(packets).toHaveLength(24);
    expect(packets.every((p) => p.decrypted === true)).toBe(true);
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect(c.version).toBe(0x6b3343cf);
    expect([c.client?.ip, c.client?.port, c.server?.ip, c.server?.port]).toEqual(['::1', 42086, '::1', 4443]);
    expect(c.tls.clientHello?.serverName).toBe('test');
    expect(c.tls.clientHello?.alpn).toEqual(['h3']);
    // nDPI prints q13d0310h0_55b375c5d22e_0a3b52e28cea: the two hashes agree; its ALPN
    // part "h0" differs from the "h3" the JA4 spec gives for a first ALPN of "h3".
    expect(c.tls.ja4).toBe('q13d0310h3_55b375c5d22e_0a3b52e28cea');
  });

  it('raw IP (101), mvfst 0xfaceb001 whose Initial fails its AEAD tag, as nDPI and tshark also find it', async () => {
    const { connections, packets, issues, linkTypes } = await read('quic-mvfst-22_decryption_error-rawip.pcap');
    expect(linkTypes).toEqual([101]);
    expect(issues).toEqual([]);
    expect(packets).toHaveLength(11);
    expect(packets[0]).toMatchObject({ frame: 1, type: 'initial', version: 0xfaceb001, decrypted: 'aead failed' });
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect(c.version).toBe(0xfaceb001);
    expect(versionInfo(c.version!).name).toBe('Facebook mvfst (draft-22)');
    expect([c.client?.ip, c.client?.port, c.server?.ip, c.server?.port]).toEqual(['10.230.40.168', 62196, '94.97.225.146', 443]);
    expect(c.originalDcid).toBe('4002475601cf787b');
    expect(c.tls.clientHello).toBeUndefined();
  });

  it('BSD loopback (DLT_NULL 0), QUIC v2: the ClientHello Suricata asserts (extensions, ALPN, JA3 fields)', async () => {
    const { connections, packets, issues, linkTypes } = await read('suricata-quic-v2-null.pcap');
    expect(linkTypes).toEqual([0]);
    expect(issues).toEqual([]);
    expect(packets).toHaveLength(18);
    expect(packets.filter((p) => p.type === 'initial').map((p) => p.decrypted)).toEqual([true, true, true]);
    expect(connections).toHaveLength(1);
    const c = connections[0]!;
    expect(c.version).toBe(0x6b3343cf);
    expect([c.client?.ip, c.client?.port, c.server?.ip, c.server?.port]).toEqual(['127.0.0.1', 64629, '127.0.0.1', 443]);
    expect(c.originalDcid).toBe('0ac503e9808eff1ca8a3e6cb2cf0a394069f');
    const hello = c.tls.clientHello!;
    // Suricata's test: extensions[0] is status_request, extensions[6] is alpn with "h3", and the
    // JA3 string 771,4865-4866-4867,5-10-11-13-65281-23-16-18-43-51-57,29-23-24-25,0.
    expect(hello.extensions.map((e) => e.type)).toEqual([5, 10, 11, 13, 65281, 23, 16, 18, 43, 51, 57]);
    expect(hello.alpn).toEqual(['h3']);
    expect(hello.cipherSuites).toEqual([4865, 4866, 4867]);
    expect(hello.supportedGroups).toEqual([29, 23, 24, 25]);
    expect(hello.serverName).toBeUndefined();
  });
});
