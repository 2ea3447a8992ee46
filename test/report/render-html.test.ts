import { describe, expect, it } from 'vitest';
import { embedPacketBytes, readEmbeddedPackets } from '../../src/report/html/embed-packets.js';
import { PacketPacker } from '../../src/report/html/packed-packets.js';
import { escapeHtml, inlineScript, jsonForScript, renderReportHtml } from '../../src/report/html/render-html.js';
import type { ConnectionJson, ReportData } from '../../src/report/html/report-data-types.js';

const HOSTILE = '</script><img src=x onerror="alert(1)"><!--<script>';

function hostilePackets() {
  const packer = new PacketPacker();
  packer.add({ frame: 1, time: 0, connection: 1, direction: 'client', src: HOSTILE, dst: null, form: 'long', type: 'initial', version: '0x00000001', dcid: 'aa', scid: 'bb', pn: 0, keyPhase: null, length: 1200, decrypted: true, frames: [{ type: 'new_token', token: HOSTILE }] });
  return packer.result();
}

function hostileData(): ReportData {
  const conn = {
    id: 1, version: '0x00000001', client: HOSTILE, server: '127.0.0.1:443', sni: HOSTILE, alpn: 'h3\u2028', cipherSuite: null, firstFrame: 1, durationMs: 1, log: null,
    packets: { total: 1, decrypted: 1 },
    handshake: { complete: true, confirmedAt: null, durationMs: 1, roundTrips: 1, roundTripReasons: [], facts: {}, events: [{ time: 0, event: 'client_initial', frame: 1, by: 'client', detail: HOSTILE }] },
    migrations: [],
  } as ConnectionJson;
  return {
    generator: 'quiclens test',
    options: { inputs: [`/tmp/${HOSTILE}.pcap`], keylogs: [], lb: [], connection: null },
    summary: { inputs: [{ path: `/tmp/x${HOSTILE.replace(/\//g, '')}.pcap`, format: 'pcap', records: 1 }], connections: [conn], findings: [], unjudged: [] },
    explain: { '1': [HOSTILE] },
    explainLosses: {},
    unknownTls: {},
    packets: hostilePackets().meta,
    problems: [HOSTILE],
  };
}

describe('the report HTML', () => {
  it('escapes text for element content and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;');
  });

  it('writes JSON that no string can end or bend the script element with, and that reads back the same', () => {
    const data = hostileData();
    const json = jsonForScript(data);
    expect(json).not.toContain('<');
    expect(json).not.toContain('\u2028');
    expect(JSON.parse(json)).toEqual(data);
  });

  it('keeps hostile SNI, addresses, paths and frame fields out of the markup', () => {
    const html = renderReportHtml(hostileData(), embedPacketBytes(hostilePackets()), 'console.log(1)', 'body{}');
    // the page's own three script elements (data, packets, code), and nothing else opens or closes one
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<!--');
    // the title names the input, escaped
    expect(html).toMatch(/<title>quiclens report: x&#60;script&#62;&#60;img src=x onerror=&#34;alert\(1\)&#34;&#62;/);
    const data = html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!;
    expect(JSON.parse(data).summary.connections[0].sni).toBe(HOSTILE);
  });

  it('embeds the packet table only as base64, which cannot end its element', () => {
    expect(() => renderReportHtml(hostileData(), '</script>', '', '')).toThrow(/not base64/);
    const html = renderReportHtml(hostileData(), embedPacketBytes(hostilePackets()), '', '');
    const b64 = html.match(/<script type="application\/octet-stream" id="report-packets" data-encoding="gzip base64">(.*?)<\/script>/s)![1]!;
    const table = readEmbeddedPackets(hostileData().packets, b64);
    expect(table.packet(0)).toMatchObject({ src: HOSTILE, frames: [{ type: 'new_token', token: HOSTILE }] });
  });

  it('neutralises a </script inside the page script itself', () => {
    expect(inlineScript('const s = "</script><b>";')).toBe('const s = "<\\/script><b>";');
  });

  it('forbids every load from the network (content security policy)', () => {
    const html = renderReportHtml(hostileData(), '', '', '');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
  });
});
