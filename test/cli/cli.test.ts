import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { exitCode } from '../../src/cli/analyse-inputs.js';
import { ProblemReporter } from '../../src/cli/problems.js';
import type { Finding } from '../../src/analysis/finding.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const HANDSHAKE = 'captures/handshake/handshake.pcap';

describe('quiclens packets', () => {
  it('prints one NDJSON object per QUIC packet with the fields design.md fixes', () => {
    const { code, out, err } = quiclens('packets', HANDSHAKE, '--format', 'ndjson');
    expect(code).toBe(0);
    expect(err).toBe('');
    const rows = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(178);
    const first = rows[0];
    expect(Object.keys(first).slice(0, 16)).toEqual([
      'frame', 'time', 'connection', 'direction', 'src', 'dst', 'form', 'type', 'version',
      'dcid', 'scid', 'pn', 'keyPhase', 'length', 'decrypted', 'frames',
    ]);
    // Initial keys come from the client's DCID (RFC 9001 §5.2): no key log needed
    expect(first).toMatchObject({ frame: 1, time: 0, connection: 1, direction: 'client', form: 'long', type: 'initial', version: '0x00000001', token: '', pn: 0, decrypted: true });
    expect(first.frames.map((f: { type: string }) => f.type)).toEqual(['crypto', 'padding']);
    expect(first.length).toBe(1200);
    expect(first.dst).toBe('127.0.0.1:4433');
    const short = rows.find((r) => r.form === 'short');
    expect(short).toMatchObject({ type: '1RTT', scid: null, version: '0x00000001', decrypted: 'no keys', pn: null, frames: [] });
    // the server's packets go to the CID the client chose
    expect(rows.filter((r) => r.direction === 'server').every((r) => r.dcid === first.scid)).toBe(true);
  });

  it('prints a table with a header and one row per packet', () => {
    const { code, out } = quiclens('packets', 'captures/retry/retry.pcap', '--no-color');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*frame\s+time\s+conn\s+dir/);
    expect(lines).toHaveLength(1 + 36);
    expect(lines[2]).toMatch(/^\s+2\s+0\.000\d+\s+1 S→C .* retry /);
    expect(out).not.toContain('\x1b['); // no colour when not a terminal
  });

  it('lays the table out for COLUMNS when piped, and cuts nothing with --wide', () => {
    const run = (env: NodeJS.ProcessEnv, ...args: string[]) =>
      spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'packets', 'captures/retry/retry.pcap', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } }).stdout.split('\n');
    const narrow = run({ COLUMNS: '' });
    const wide200 = run({ COLUMNS: '200' });
    // the frames column takes what 200 columns leave; without COLUMNS it keeps its 40
    expect(narrow[0]).toHaveLength(142);
    expect(wide200[0]).toHaveLength(199);
    expect(narrow[1]).toContain('600cd686e27…');
    const wide = run({ COLUMNS: '' }, '--wide');
    expect(wide[1]).toMatch(/ 600cd686e27572a463d13dae1ebdd929ade8 +e098e86a46f6b307f1de1e2982b8fba7ed /);
    expect(wide.every((l) => !l.includes('…'))).toBe(true);
    // the rows line up under the header: the frames column starts at the same place in each
    const at = wide[0]!.indexOf('frames');
    expect(wide[1]!.slice(at)).toMatch(/^CRYPTO off 0 len 371/);
  });

  it('shows only the connection asked for', () => {
    const rows = quiclens('packets', 'captures/multi/multi.pcap', '--format', 'ndjson', '--connection', '2')
      .out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.connection))).toEqual(new Set([2]));
  });
});

describe('decryption from the command line', () => {
  it('uses several key logs for one capture, each finding its own connection', () => {
    // split zero-rtt's key log: the lines of each connection (by client random) go to a file
    const lines = readFileSync(join(REPO, 'captures/zero-rtt/keys.log'), 'latin1').trim().split('\n');
    const randoms = [...new Set(lines.map((l) => l.split(' ')[1]))];
    expect(randoms).toHaveLength(2);
    const files = randoms.map((r, i) => {
      const f = join(tmpdir(), `quiclens-keys-${i}.log`);
      writeFileSync(f, lines.filter((l) => l.includes(r!)).join('\n') + '\n');
      return f;
    });
    const rows = (args: string[]) =>
      quiclens('packets', 'captures/zero-rtt/zero-rtt.pcap', '--format', 'ndjson', ...args).out.trim().split('\n').map((l) => JSON.parse(l));
    const one = rows(['--keylog', files[0]!]);
    const both = rows(['--keylog', files[0]!, '--keylog', files[1]!]);
    const decrypted = (rs: { decrypted: unknown; type: string }[]) => rs.filter((r) => r.decrypted === true && r.type !== 'initial').length;
    expect(decrypted(one)).toBeGreaterThan(0);
    expect(decrypted(both)).toBeGreaterThan(decrypted(one));
    expect(both.every((r: { decrypted: unknown }) => r.decrypted === true)).toBe(true);
    // the resumed connection's 0-RTT packet opens with its early traffic secret
    expect(both.find((r: { type: string }) => r.type === '0RTT')).toMatchObject({ decrypted: true, connection: 2 });
  });

  it('names a bad key log line and still decrypts with the rest', () => {
    const f = join(tmpdir(), 'quiclens-bad-keys.log');
    writeFileSync(f, 'NOT_A_LABEL 00 11\n' + readFileSync(join(REPO, 'captures/retry/keys.log'), 'latin1'));
    const { code, out, err } = quiclens('packets', 'captures/retry/retry.pcap', '--format', 'ndjson', '--keylog', f);
    expect(code).toBe(0);
    expect(err).toBe(`quiclens: ${f} (line 1): unknown label 'NOT_A_LABEL'\n`);
    expect(out.trim().split('\n').filter((l) => JSON.parse(l).decrypted === true)).toHaveLength(35);
  });
});

describe('quiclens summary', () => {
  it('finds the three connections of the multi capture, with their CIDs', () => {
    const { code, out } = quiclens('summary', 'captures/multi/multi.pcap', '--format', 'json');
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.inputs).toEqual([{ path: 'captures/multi/multi.pcap', format: 'pcap', records: 92 }]);
    expect(doc.connections.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);
    for (const c of doc.connections) {
      expect(c.server).toBe('127.0.0.1:4433');
      expect(c.serverCids).toContain(c.originalDcid);
      expect(c.roles).toBe('first_initial');
    }
    expect(doc.connections.reduce((n: number, c: { packets: { total: number } }) => n + c.packets.total, 0)).toBe(101);
  });

  it('is the default command', () => {
    expect(quiclens(HANDSHAKE, '--format', 'json').out).toBe(quiclens('summary', HANDSHAKE, '--format', 'json').out);
  });
});

describe('bad input: exit code 2, one line naming the file, the offset and what was expected', () => {
  it('a missing file is named, and the other inputs are still read', () => {
    const { code, out, err } = quiclens('packets', '/nonexistent.pcap', 'captures/retry/retry.pcap', '--format', 'ndjson');
    expect(code).toBe(2);
    expect(err).toBe('quiclens: /nonexistent.pcap: no such file\n');
    expect(out.trim().split('\n')).toHaveLength(36);
  });

  it('a truncated capture: what came before the cut is reported', () => {
    const cut = join(tmpdir(), 'quiclens-cut.pcap');
    writeFileSync(cut, readFileSync(join(REPO, HANDSHAKE)).subarray(0, 3000));
    const { code, out, err } = quiclens('packets', cut, '--format', 'ndjson');
    expect(code).toBe(2);
    expect(err).toBe(`quiclens: ${cut} (byte offset 2669): file is cut short: the record needs 513 bytes, the file ends after 331\n`);
    expect(out.trim().split('\n').length).toBe(5);
    expect(err).not.toContain('    at '); // no stack trace
  });

  it('a file that is no capture', () => {
    const { code, err } = quiclens('summary', 'README.md');
    expect(code).toBe(2);
    expect(err).toBe('quiclens: README.md (byte offset 0): expected a capture (pcap or pcapng) or a qlog (JSON, or JSON-SEQ records after 0x1E), found bytes 23207175\n');
  });

  it('a bad option value', () => {
    const { code, err } = quiclens('packets', HANDSHAKE, '--format', 'xml');
    expect(code).toBe(2);
    expect(err).toContain('Invalid values');
    expect(err).not.toContain('    at ');
  });
});

describe('--fail-on: exit code 1 for CI when a finding is at least that severe', () => {
  const post = ['captures/zero-rtt-post/zero-rtt-post.pcap', '--keylog', 'captures/zero-rtt-post/keys.log'];
  it.each([
    [[...post, '--fail-on', 'warning'], 1],
    [[...post, '--fail-on', 'info'], 1],
    [[...post, '--fail-on', 'error'], 0],
    [[...post], 0],
    [['captures/zero-rtt/zero-rtt.pcap', '--keylog', 'captures/zero-rtt/keys.log', '--fail-on', 'info'], 0],
    // without keys the PATH_RESPONSE that validates the new path is encrypted: no false amplification error
    [['captures/migration/migration.pcap', '--fail-on', 'error'], 0],
    [['captures/nat-rebinding/nat-rebinding.pcap', '--fail-on', 'warning'], 0],
  ])('%j → %d', (args, code) => {
    expect(quiclens('summary', ...args).code).toBe(code);
  });

  it('counts only proven findings unless --fail-on-inferred is given', () => {
    const problems = new ProblemReporter(() => undefined);
    const inferred: Finding = { severity: 'error', code: 'migration_forbidden', connection: 1, message: '…', evidence: 'inferred', reason: 'a new DCID' };
    expect(exitCode(problems, [inferred], { failOn: 'warning' })).toBe(0);
    expect(exitCode(problems, [inferred], { failOn: 'warning', failOnInferred: true })).toBe(1);
    expect(exitCode(problems, [{ ...inferred, evidence: 'proven' }], { failOn: 'warning' })).toBe(1);
    expect(quiclens('summary', HANDSHAKE, '--fail-on', 'error', '--fail-on-inferred').code).toBe(0);
  });
});

describe('quiclens timeline', () => {
  it('draws the handshake as a ladder within 100 columns, with --explain sentences', () => {
    const { code, out } = quiclens('timeline', 'captures/retry/retry.pcap', '--keylog', 'captures/retry/keys.log', '--no-color');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^QUIC v1, 2 round trips \(retry\), complete after [\d.]+ ms, confirmed at [\d.]+ ms$/);
    expect(lines[2]).toBe("times in ms since the connection's first packet (frame 1, 0.000000 s into the capture)");
    expect(lines.filter((l) => l.endsWith('client_initial'))).toHaveLength(2);
    expect(lines.find((l) => l.endsWith('retry'))).toMatch(/^ +0\.\d{3}  │◀─+ Retry ─┤  retry$/);
    expect(lines.find((l) => l.endsWith('client_initial'))).toMatch(/^ +0\.000  ├─ Initial: ClientHello ─+▶│  client_initial$/);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
    const explained = quiclens('timeline', 'captures/retry/retry.pcap', '--explain', '--no-color').out;
    expect(explained).toContain("the client repeats its Initial with this Retry's token");
    expect(explained).toContain("The client sends its Initial again, now carrying the Retry's token");
  });

  it('writes design.md\'s handshake object in JSON', () => {
    const doc = JSON.parse(quiclens('timeline', 'captures/handshake/handshake.pcap', '--keylog', 'captures/handshake/keys.log', '--format', 'json').out);
    const h = doc.connections[0].handshake;
    expect(h).toMatchObject({ complete: true, roundTrips: 1, retry: false, versionNegotiation: false, zeroRtt: { attempted: false } });
    expect(h.events[0]).toEqual({ time: 0, event: 'client_initial', frame: 1, by: 'client', detail: 'Initial: ClientHello' });
    expect(h.confirmedAt).toBeGreaterThan(0);
  });
});

describe('quiclens timeline without keys', () => {
  it('says complete from the client 1-RTT packet, and does not call an encrypted end an idle timeout', () => {
    const { out } = quiclens('timeline', HANDSHAKE, '--no-color');
    expect(out).not.toContain('handshake not complete');
    expect(out).not.toContain('idle_end');
    expect(out).toMatch(/^QUIC v1, 1 round trip, complete by 23\.018 ms \(the client's first 1-RTT packet\), confirmation unknown$/m);
    expect(out).toMatch(/^confirmation unknown: HANDSHAKE_DONE would be in server packets not read \(encrypted: no key log$/m);
    expect(Math.max(...out.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(100);
    expect(out).toMatch(/last packet, not read: closed or idle\? ─+▶│  last_packet/);
  });

  it('times count from the connection\'s first packet: a later connection starts at 0', () => {
    const { out } = quiclens('timeline', 'captures/zero-rtt/zero-rtt.pcap', '--no-color');
    const second = out.split('\n\n').find((b) => b.startsWith('connection 2'))!;
    expect(second).toMatch(/times in ms since the connection's first packet \(frame \d+, 0\.3\d+ s into the capture\)/);
    expect(out.split('\n').filter((l) => l.endsWith('client_initial')).map((l) => l.trim().split(' ')[0])).toEqual(['0.000', '0.000']);
  });
});

describe('quiclens summary without keys', () => {
  it('lists the checks it could not make, and why', () => {
    const doc = JSON.parse(quiclens('summary', 'captures/migration/migration.pcap', '--format', 'json').out);
    expect(doc.findings).toEqual([]);
    expect(doc.unjudged).toEqual([
      { code: 'migration_during_handshake', connection: 1, frame: 14, reason: 'HANDSHAKE_DONE would be in server packets not read (encrypted: no key log for this connection)' },
      { code: 'migration_forbidden', connection: 1, frame: 14, reason: expect.stringContaining('disable_active_migration') },
    ]);
    expect(JSON.parse(quiclens('summary', 'captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log', '--format', 'json').out).unjudged).toEqual([]);
  });
});

describe('quiclens migrations', () => {
  it('shows the active migration with its challenges, and says when there is none', () => {
    const { code, out } = quiclens('migrations', 'captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log', '--no-color');
    expect(code).toBe(0);
    expect(out).toMatch(/│ 0\.08\d+ s +│ 14 +│ active +│ 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ │ port +│ client [0-9a-f]{8}… \(14\) → 21/);
    expect(quiclens('migrations', 'captures/handshake/handshake.pcap').out).toBe('no migrations: every connection kept its path\n');
  });
});

describe('--help', () => {
  it.each(['packets', 'summary', 'migrations', 'timeline'])('%s --help describes the command and its options', (cmd) => {
    const { code, out } = quiclens(cmd, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`quiclens ${cmd}`);
    for (const opt of ['--keylog', '--port', '--format', '--connection', '--no-color']) expect(out).toContain(opt);
  });
});

describe('export qlog where it cannot write', () => {
  it.each([
    ['a file', join(REPO, 'README.md'), /expected a folder for the qlog files, found a file/],
    ['below a file', join(REPO, 'README.md', 'x'), /cannot use it as a folder|cannot make the folder/],
    ['under /proc (a recursive mkdir there never returns)', '/proc/quiclens-nope', /cannot make the folder/],
  ] as const)('%s: exit 2, said plainly, at once', (_what, out, message) => {
    const { code, err } = quiclens('export', 'qlog', HANDSHAKE, '--out', out);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toContain('internal error');
  });
});

describe('--connection', () => {
  it('a connection the inputs do not hold is an error that says which they hold', () => {
    const { code, err } = quiclens('summary', HANDSHAKE, '--connection', '9');
    expect(code).toBe(2);
    expect(err).toContain('--connection 9: the inputs hold only connection 1');
  });
  it('something that is no connection number is a usage error', () => {
    const { code, err } = quiclens('packets', HANDSHAKE, '--connection', '0');
    expect(code).toBe(2);
    expect(err).toContain('--connection expects a connection number');
  });
});
