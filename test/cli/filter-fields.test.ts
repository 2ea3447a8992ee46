import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { haveTshark } from '../support/tshark.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const MIGRATION = ['captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log'];
const MULTI = 'captures/multi/multi.pcap';
const ZERO_RTT_POST = ['captures/zero-rtt-post/zero-rtt-post.pcap', '--keylog', 'captures/zero-rtt-post/keys.log'];

/** the first column of tab-separated rows, header left out */
const firstColumn = (out: string) => out.trim().split('\n').slice(1).map((l) => Number(l.split('\t')[0]));

describe('packets --filter on the sample captures', () => {
  it('type == "1RTT" && frames.type == "path_challenge": the migration capture\'s six challenges', () => {
    const r = quiclens('packets', ...MIGRATION, '--filter', 'type == "1RTT" && frames.type == "path_challenge"', '--fields', 'frame,direction,frames.data');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(firstColumn(r.out)).toEqual([14, 15, 17, 18, 27, 28]);
    expect(r.out.split('\n')[1]).toBe('14\tclient\t2f2a66ff084c0ae5');
  });

  it.skipIf(!haveTshark())('finds the frames tshark\'s display filter quic.frame_type == 26 finds', () => {
    const tshark = execFileSync('tshark', ['-r', MIGRATION[0]!, '-o', `tls.keylog_file:${MIGRATION[2]}`, '-Y', 'quic.frame_type == 26', '-T', 'fields', '-e', 'frame.number'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const ours = new Set(firstColumn(quiclens('packets', ...MIGRATION, '--filter', 'frames.type == "path_challenge"', '--fields', 'frame').out));
    expect([...ours]).toEqual(tshark.trim().split('\n').map(Number));
  });

  it('dcid ~ regex, length > N and connection in (…) against the ndjson they read', () => {
    const all = quiclens('packets', MULTI, '--format', 'ndjson').out.trim().split('\n').map((l) => JSON.parse(l) as { frame: number; dcid: string; length: number; connection: number });
    const prefix = all.find((p) => p.dcid.length > 2)!.dcid.slice(0, 2);
    const rows = (filter: string) => quiclens('packets', MULTI, '--format', 'ndjson', '--filter', filter).out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const byRegex = rows(`dcid ~ "^${prefix}"`);
    expect(byRegex.length).toBe(all.filter((p) => p.dcid.startsWith(prefix)).length);
    expect(byRegex.length).toBeGreaterThan(0);
    const big = rows('length > 1200');
    expect(big.length).toBe(all.filter((p) => p.length > 1200).length);
    const twoOfThree = rows('connection in (1, 3)');
    expect(new Set(twoOfThree.map((p) => p.connection))).toEqual(new Set([1, 3]));
    expect(twoOfThree.length).toBe(all.filter((p) => p.connection !== 2).length);
  });

  it('filters the table and the json array too, and keeps --connection', () => {
    const table = quiclens('packets', ...MIGRATION, '--filter', 'frames.type == "path_response"', '--no-color');
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*frame\s+time/);
    expect(lines.slice(1).every((l) => l.includes('PATH_RESPONSE'))).toBe(true);
    const json = JSON.parse(quiclens('packets', ...MIGRATION, '--format', 'json', '--filter', 'frames.type == "path_response"').out);
    expect(json.map((p: { frame: number }) => p.frame)).toEqual(lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[0])));
    expect(quiclens('packets', MULTI, '--connection', '2', '--filter', 'connection == 1', '--fields', 'frame').out).toBe('frame\n');
  });

  it('streams: a matching packet is printed while the capture is still coming in', async () => {
    const child = spawn('node', [join(REPO, 'bin/quiclens.js'), 'packets', '-', '--format', 'ndjson', '--filter', 'frames.type == "path_challenge"', '--keylog', MIGRATION[2]!], { cwd: REPO });
    // the whole capture, but the pipe stays open: nothing tells quiclens the input has ended
    child.stdin.write(readFileSync(join(REPO, MIGRATION[0]!)));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ frame: 14, frames: [{ type: 'path_challenge' }, { type: 'padding' }] });
    child.stdin.end();
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
  });

  it('says on stderr when nothing matched, unless --quiet', () => {
    const r = quiclens('packets', MULTI, '--filter', 'length > 100000');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^quiclens: --filter matched no packet \(of \d+\)\n$/);
    expect(quiclens('packets', MULTI, '--filter', 'length > 100000', '--quiet').err).toBe('');
  });
});

describe('a filter that cannot be read', () => {
  it('is a usage error naming the column, with the expression and a caret', () => {
    const r = quiclens('packets', MULTI, '--filter', 'length > 10 && tpye == "1RTT"');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.split('\n');
    expect(lines[0]).toBe('quiclens: --filter, column 16: no packet field is named tpye; did you mean type, time?');
    expect(lines[1]).toBe('  length > 10 && tpye == "1RTT"');
    expect(lines[2]).toBe(`  ${' '.repeat(15)}^`);
  });
  it('names the connection fields on summary', () => {
    const r = quiclens('summary', MULTI, '--filter', 'sin == "localhost"');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no connection field is named sin; did you mean sni');
  });
  it('is refused twice given', () => {
    const r = quiclens('packets', MULTI, '--filter', 'pn == 1', '--filter', 'pn == 2');
    expect(r.code).toBe(2);
    expect(r.err).toContain('join the conditions with &&');
  });
});

describe('--fields', () => {
  it('tab-separated with a header, --no-header without', () => {
    const r = quiclens('packets', 'captures/retry/retry.pcap', '--fields', 'frame,type,token', '--filter', 'frame <= 3');
    expect(r.out.split('\n').slice(0, 2)).toEqual(['frame\ttype\ttoken', '1\tinitial\t']);
    expect(r.out.split('\n')[2]).toMatch(/^2\tretry\t[0-9a-f]{20,}$/);
    // the Initial that echoes the Retry's token
    expect(r.out.split('\n')[3]!.split('\t')[2]).toBe(r.out.split('\n')[2]!.split('\t')[2]);
    expect(quiclens('packets', 'captures/retry/retry.pcap', '--fields', 'frame', '--no-header', '--filter', 'frame == 1').out).toBe('1\n');
  });
  it('--format csv: RFC 4180 rows, the default columns without --fields', () => {
    const r = quiclens('packets', 'captures/retry/retry.pcap', '--format', 'csv', '--filter', 'frame == 1');
    expect(r.code).toBe(0);
    const [header, row] = r.out.split('\r\n');
    expect(header).toBe('frame,time,connection,direction,src,dst,type,version,dcid,scid,pn,keyPhase,length,decrypted,frames.type');
    // a list with commas in one cell is quoted
    expect(row).toMatch(/^1,0,1,client,127\.0\.0\.1:\d+,127\.0\.0\.1:4433,initial,0x00000001,[0-9a-f]+,[0-9a-f]+,0,,1200,true,"crypto,padding"$/);
  });
  it('ndjson with --fields: objects of only those fields', () => {
    const rows = quiclens('packets', ...MIGRATION, '--format', 'ndjson', '--fields', 'frame,frames.type,token', '--filter', 'frame == 14').out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([{ frame: 14, 'frames.type': ['path_challenge', 'padding'], token: null }]);
  });
  it('an unknown name is a usage error that lists the nearest', () => {
    const r = quiclens('packets', MULTI, '--fields', 'frame,lenght');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--fields: no packet field is named lenght; did you mean length?');
    expect(quiclens('summary', MULTI, '--fields', 'id,handshake.durationMs,cipher').err).toContain('did you mean cipherSuite');
  });
  it('on summary: one row per connection, with its findings', () => {
    const r = quiclens('summary', ...ZERO_RTT_POST, '--fields', 'id,sni,alpn,handshake.zeroRtt.attempted,requests.method,findings.code');
    expect(r.out).toBe('id\tsni\talpn\thandshake.zeroRtt.attempted\trequests.method\tfindings.code\n1\tlocalhost\th3\tfalse\tGET\t\n2\tlocalhost\th3\ttrue\tPOST\tzero_rtt_non_idempotent\n');
  });
});

describe('summary --filter', () => {
  it('sni == "…" keeps the connections with that name', () => {
    const json = JSON.parse(quiclens('summary', MULTI, '--format', 'json', '--filter', 'sni == "localhost"').out);
    expect(json.connections.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);
    const none = quiclens('summary', MULTI, '--filter', 'sni == "example.com"');
    expect(none.out).toBe('no QUIC connection matches the filter\n');
    expect(none.err).toBe('quiclens: --filter matched no connection (of 3)\n');
  });
  it('connection in (…) narrows the table, the JSON and the findings as --connection does', () => {
    const json = JSON.parse(quiclens('summary', ...ZERO_RTT_POST, '--format', 'json', '--filter', 'connection in (2)').out);
    expect(json.connections.map((c: { id: number }) => c.id)).toEqual([2]);
    expect(json.findings.map((f: { code: string }) => f.code)).toContain('zero_rtt_non_idempotent');
    const first = JSON.parse(quiclens('summary', ...ZERO_RTT_POST, '--format', 'json', '--filter', 'connection == 1').out);
    expect(first.findings).toEqual([]);
  });
  it('--fail-on judges the connections the filter keeps, and only those', () => {
    expect(quiclens('summary', ...ZERO_RTT_POST, '--fail-on', 'warning').code).toBe(1);
    expect(quiclens('summary', ...ZERO_RTT_POST, '--fail-on', 'warning', '--filter', 'handshake.zeroRtt.attempted').code).toBe(1);
    expect(quiclens('summary', ...ZERO_RTT_POST, '--fail-on', 'warning', '--filter', '!handshake.zeroRtt.attempted').code).toBe(0);
    expect(quiclens('summary', ...ZERO_RTT_POST, '--fail-on', 'warning', '--filter', 'findings.code == "zero_rtt_non_idempotent"').code).toBe(1);
  });
  it('works on migrations and timeline too', () => {
    const m = quiclens('migrations', ...MIGRATION, '--filter', 'migrations.kind == "nat_rebinding"', '--format', 'json');
    expect(JSON.parse(m.out).connections).toEqual([]);
    const t = quiclens('timeline', ...MIGRATION, '--filter', 'migrations.kind == "active"', '--no-color');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^connection 1: /);
    expect(quiclens('timeline', ...MIGRATION, '--filter', 'migrations.kind == "nat_rebinding"').out).toBe('no QUIC connection matches the filter\n');
  });
});
