import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEmbeddedPackets } from '../../src/report/html/embed-packets.js';
import type { PacketTable } from '../../src/report/html/packed-packets.js';
import { unpackRecords, type PackedRecords } from '../../src/report/html/packed-records.js';
import type { ReportData } from '../../src/report/html/report-data-types.js';
import { REPO } from '../support/captures.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'quiclens-report-'));

function report(name: string, ...args: string[]): { html: string; data: ReportData; packets: () => PacketTable; code: number | null; err: string } {
  const out = join(dir, `${name}.html`);
  const { code, err } = quiclens('report', ...args, '--out', out);
  const html = readFileSync(out, 'utf8');
  const json = html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!;
  const data = JSON.parse(json) as ReportData;
  const packets = () => readEmbeddedPackets(data.packets, html.match(/<script type="application\/octet-stream" id="report-packets" data-encoding="gzip base64">(.*?)<\/script>/s)![1]!);
  return { html, data, packets, code, err };
}

const MIGRATION = ['captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log'];

describe('quiclens report', () => {
  const r = report('migration', ...MIGRATION);

  it('writes one HTML file and says where', () => {
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote .*migration\.html \(0\.\d\d MB, 216 packets, 1 connection\)/);
    expect(r.html.startsWith('<!doctype html>')).toBe(true);
  });

  it('embeds what summary --format json prints, unchanged', () => {
    const summary = JSON.parse(quiclens('summary', ...MIGRATION, '--format', 'json').out);
    expect(r.data.summary).toEqual(summary);
    expect(r.data.summary.connections[0]!.migrations[0]!.kind).toBe('active');
  });

  it('embeds every packet of packets --format json', () => {
    const rows = JSON.parse(quiclens('packets', ...MIGRATION, '--format', 'json').out) as Record<string, unknown>[];
    const table = r.packets();
    expect(table.count).toBe(rows.length);
    rows.forEach((p, i) => expect(table.packet(i)).toEqual(p));
  });

  it("embeds timeline --explain's sentence for each handshake step", () => {
    const explained = quiclens('timeline', ...MIGRATION, '--explain', '--no-color').out.replace(/\s+/g, ' ');
    const sentences = r.data.explain['1']!;
    expect(sentences).toHaveLength(r.data.summary.connections[0]!.handshake.events.length);
    for (const s of sentences) expect(explained).toContain(s);
  });

  it('embeds what recovery --format json prints for each connection, and the loss the overview shows comes from summary', () => {
    const args = ['captures/netem-loss/netem-loss.pcap', '--keylog', 'captures/netem-loss/keys.log'];
    const n = report('netem-loss', ...args);
    const recovery = JSON.parse(quiclens('recovery', ...args, '--format', 'json').out);
    const embedded = n.data.recovery!['1']!;
    const lists = ['losses', 'rttSamples', 'flight', 'flowControlWaits'] as const;
    const rec = { ...embedded.recovery } as Record<string, unknown>;
    for (const k of lists) rec[k] = unpackRecords(rec[k] as PackedRecords);
    expect({ ...embedded, recovery: rec }).toEqual(recovery.connections[0]);
    // the netem-loss capture lost packets on the relay's far side (captures/README.md)
    expect((rec.losses as unknown[]).length).toBeGreaterThan(0);
    expect(n.data.summary.connections[0]!.recovery!.server.lossPercent).toBeGreaterThan(0);
  });

  it('embeds what streams --format json prints for each connection', () => {
    const args = ['captures/netem-hol/netem-hol.pcap', '--keylog', 'captures/netem-hol/keys.log'];
    const hol = report('netem-hol', ...args);
    const streams = JSON.parse(quiclens('streams', ...args, '--format', 'json').out);
    expect(hol.data.streams!['1']).toEqual(streams.connections[0]);
    // the capture kept for a loss that blocked stream 8 while stream 12 delivered (captures/README.md)
    expect(hol.data.streams!['1']!.stalls.some((s) => s.stream === 8 && s.othersDelivering.includes(12))).toBe(true);
  });

  it('loads nothing from the network: no URL but the SVG namespace, no external script, style or image', () => {
    const urls = new Set(r.html.match(/https?:\/\/[^\s"'<>)]+/g) ?? []);
    expect([...urls]).toEqual(['http://www.w3.org/2000/svg']);
    expect(r.html).not.toMatch(/<(script|img|link|iframe)[^>]*\s(src|href)=/i);
    expect(r.html).not.toMatch(/@import|url\(/i);
  });

  it('keeps the packet data compact: under 150 bytes a packet, so 100,000 packets stay under 15 MB', () => {
    const gap = report('gap', 'captures/gap/gap.pcap', '--keylog', 'captures/gap/keys.log');
    const rows = gap.data.packets.count;
    expect(rows).toBeGreaterThan(4000);
    expect(Buffer.byteLength(gap.html) / rows).toBeLessThan(150);
  });

  it('says what a capture without keys leaves unknown, and why', () => {
    const k = report('keyless', 'captures/migration/migration.pcap');
    expect(k.data.summary.connections[0]!.sni).toBe('localhost');
    expect(k.data.summary.connections[0]!.alpn).toBeNull();
    expect(k.data.unknownTls['1']).toEqual({ missing: ['ALPN'], why: expect.stringMatching(/not decrypted \(encrypted: no key log for this connection\)/) });
  });

  it('replays the inputs through --lb configs as lb check --capture does', () => {
    const lb = report('lb', 'captures/nginx-lb/nginx-lb.pcap', '--keylog', 'captures/nginx-lb/keys.log', '--lb', 'captures/nginx-lb/nginx.conf');
    const check = JSON.parse(quiclens('lb', 'check', 'captures/nginx-lb/nginx.conf', '--capture', 'captures/nginx-lb/nginx-lb.pcap', '--keylog', 'captures/nginx-lb/keys.log', '--format', 'json').out);
    expect(lb.data.lb!.listeners).toEqual(check.listeners);
    expect((lb.data.lb!.replay as { connections: unknown }).connections).toEqual(check.replay.connections);
    expect(report('no-lb', ...MIGRATION).data.lb).toBeUndefined();
  });

  it('refuses --format, and runs without --out as a usage error', () => {
    const f = quiclens('report', ...MIGRATION, '--format', 'json', '--out', join(dir, 'x.html'));
    expect(f.code).toBe(2);
    expect(f.err).toContain("'report' writes one HTML file (--out); --format does not apply");
    const o = quiclens('report', ...MIGRATION);
    expect(o.code).toBe(2);
    expect(o.err).toMatch(/out/);
  });

  it('names the file it cannot write, exit 2', () => {
    const w = quiclens('report', ...MIGRATION, '--out', join(dir, 'no-such-dir', 'r.html'));
    expect(w.code).toBe(2);
    expect(w.err).toContain('no-such-dir/r.html: cannot write the report: no such folder');
  });
});
