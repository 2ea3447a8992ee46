import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, openSync, ftruncateSync, closeSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { pcapToPcapng } from '../../scripts/pcap-to-pcapng.mjs';

// Section 6 and the FIFO hangs of section 8 of issue 12, as a user meets them on the command line.
const BIN = join(REPO, 'bin/quiclens.js');
const HANDSHAKE = 'captures/handshake/handshake.pcap';
const KEYS = 'captures/handshake/keys.log';

function quiclens(args: string[], input?: Buffer) {
  // a hang fails the test rather than the run: every call here must end well within this
  const r = spawnSync('node', [BIN, ...args], { cwd: REPO, encoding: 'utf8', input, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

const tmp = mkdtempSync(join(tmpdir(), 'quiclens-inputs-'));
function fifo(name: string): string {
  const path = join(tmp, name);
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  return path;
}

describe('a capture from a pipe: - and /dev/stdin', () => {
  const bytes = readFileSync(join(REPO, HANDSHAKE));
  const fromFile = JSON.parse(quiclens(['summary', HANDSHAKE, '--keylog', KEYS, '--format', 'json']).out);

  it('`-` reads standard input as the capture: the same connections as from the file', () => {
    const r = quiclens(['summary', '-', '--keylog', KEYS, '--format', 'json'], bytes);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.inputs).toEqual([{ path: '/dev/stdin', format: 'pcap', records: 175 }]);
    expect(doc.connections).toEqual(fromFile.connections);
  });

  it('/dev/stdin reads a pcapng stream, with no realpath or seek error', () => {
    const r = quiclens(['packets', '/dev/stdin', '--format', 'ndjson'], pcapToPcapng(bytes));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(178);
  });

  it('a pipe cut off mid-record: the packets before the cut, and where it stopped', () => {
    const r = quiclens(['packets', '-', '--format', 'ndjson'], bytes.subarray(0, 3000));
    expect(r.code).toBe(2);
    expect(r.err).toBe('quiclens: /dev/stdin (byte offset 2669): file is cut short: the record needs 513 bytes, the file ends after 331\n');
    expect(r.out.trim().split('\n')).toHaveLength(5);
  });

  it('what is no capture says what it found; a qlog on a pipe is asked for as a file', () => {
    expect(quiclens(['summary', '-'], Buffer.from('hello world, not a capture')).err).toMatch(/^quiclens: \/dev\/stdin \(byte offset 0\): expected a pcap or pcapng file .* found 68656c6c\n$/);
    const r = quiclens(['summary', '-'], Buffer.from('{"qlog_version":"0.3","traces":[]}'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a qlog is read from a file, not from a pipe/);
  });

  it('streams: the first packets are printed before the pipe has sent the rest', async () => {
    const child = spawn('node', [BIN, 'packets', '-', '--format', 'ndjson'], { cwd: REPO });
    let out = '';
    const firstLine = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve();
      });
    });
    child.stdin.write(bytes.subarray(0, 3000));
    // nothing more is written until a packet has been printed: a reader that waits for the end would hang here
    await firstLine;
    expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({ frame: 1, type: 'initial' });
    child.stdin.end(bytes.subarray(3000));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(178);
  }, 30_000);
});

describe('FIFOs: read as a pipe when named as the capture, never waited on forever elsewhere', () => {
  it('a FIFO named as the capture is read like a pipe; while no writer has come, the user is told', async () => {
    const f = fifo('capture.fifo');
    const child = spawn('node', [BIN, 'summary', f, '--format', 'json'], { cwd: REPO });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const told = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting')) resolve();
    }));
    await told;
    writeFileSync(f, readFileSync(join(REPO, HANDSHAKE)));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(err).toBe(`quiclens: ${f}: waiting for a program to write to this FIFO (Ctrl-C to stop)\n`);
    expect(JSON.parse(out).connections).toHaveLength(1);
  }, 30_000);

  it('a FIFO inside a folder is passed over, named, and the captures beside it are read', () => {
    const dir = join(tmp, 'folder');
    mkdirSync(dir);
    copyFileSync(join(REPO, HANDSHAKE), join(dir, 'a.pcap'));
    spawnSync('mkfifo', [join(dir, 'b.fifo')]);
    const r = quiclens(['summary', dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`quiclens: ${dir}: passed over a file that is neither a capture nor a qlog: b.fifo (a FIFO, not a file)\n`);
    expect(JSON.parse(r.out).connections).toHaveLength(1);
  });

  it('a key log, an lb config and an nginx include that are FIFOs with no writer: exit 2, said plainly', () => {
    const f = fifo('nowriter.fifo');
    const k = quiclens(['summary', HANDSHAKE, '--keylog', f]);
    expect(k.code).toBe(2);
    expect(k.err).toBe(`quiclens: ${f}: is a FIFO with no program writing to it: expected a TLS key log (SSLKEYLOGFILE format); start the writer first, or give a file\n`);
    const c = quiclens(['lb', 'check', f]);
    expect(c.code).toBe(2);
    expect(c.err).toBe(`quiclens: ${f}: is a FIFO with no program writing to it: expected a load-balancer config file; start the writer first, or give a file\n`);
    const conf = join(tmp, 'nginx.conf');
    writeFileSync(conf, `stream {\n  include ${f};\n}\n`);
    const i = quiclens(['lb', 'check', conf]);
    expect(i.code).toBe(2);
    expect(i.err).toBe(`quiclens: ${conf} (line 2, column 3): include ${f}: is a FIFO with no program writing to it: expected an nginx config file; start the writer first, or give a file\n`);
  });

  it('a FIFO named as a folder of qlogs (--qlog-dir) is a usage error, not a wait', () => {
    const f = fifo('qlogdir.fifo');
    const r = quiclens(['summary', '--qlog-dir', f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`quiclens: --qlog-dir expects a folder of qlog files; ${f} is a FIFO\nRun 'quiclens --help' for usage.\n`);
  });
});

describe('key logs: bounded, and told when they are not one or match nothing', () => {
  it('--keylog /dev/zero stops at the first line too long for a key log (exit 2), not read whole', () => {
    const r = quiclens(['summary', HANDSHAKE, '--keylog', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("quiclens: /dev/zero (line 1): the line is longer than 1 KiB: not a key log, expected lines 'LABEL <64-digit hex client random> <hex secret>' (SSLKEYLOGFILE format) (a key log line is about 200 bytes)\n");
  });

  it('a file that is not a key log: exit 2, naming the first line that is wrong', () => {
    const f = join(tmp, 'notes.txt');
    writeFileSync(f, '# my notes\n\nthe server is at 10.0.0.1\nnothing else\n');
    const r = quiclens(['summary', HANDSHAKE, '--keylog', f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`quiclens: ${f} (line 3): not a key log: expected lines 'LABEL <64-digit hex client random> <hex secret>' (SSLKEYLOGFILE format); unknown label 'the'\n`);
  });

  it('a key log for another capture is said, per file, and the run goes on (exit 0)', () => {
    const r = quiclens(['summary', HANDSHAKE, '--keylog', KEYS, '--keylog', 'captures/retry/keys.log', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('quiclens: captures/retry/keys.log: matches no connection: no ClientHello in the inputs carries the client random it names (a key log of another run?)\n');
    expect(JSON.parse(r.out).connections[0].alpn).toBe('h3');
  });
});

describe('options a command does not use, or without their value, and mistyped commands', () => {
  it.each([
    [['packets', HANDSHAKE, '--fail-on', 'error'], "quiclens: option --fail-on is not used by 'packets' (see 'quiclens packets --help')"],
    [['summary', HANDSHAKE, '--keylog'], 'quiclens: --keylog needs a value'],
    [['summary', HANDSHAKE, '--keylog', '--format', 'json'], 'quiclens: --keylog needs a value'],
    [['timeline', HANDSHAKE, '--port'], 'quiclens: --port needs a value'],
    [['lb', 'check', 'x.conf', '--capture'], 'quiclens: --capture needs a value'],
    [['sumary', HANDSHAKE], "quiclens: unknown command 'sumary': did you mean 'summary'?"],
    [['pakcets', HANDSHAKE], "quiclens: unknown command 'pakcets': did you mean 'packets'?"],
    [['lb', 'check', 'x.conf', '--quic-port', '0'], "quiclens: --quic-port expects UDP port numbers (1-65535), got '0'"],
  ])('%j', (args, message) => {
    const r = quiclens(args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${message}\nRun 'quiclens --help' for usage.\n`);
    expect(r.out).toBe('');
  });

  it('--fail-on still works where findings are judged', () => {
    expect(quiclens(['summary', 'captures/zero-rtt-post/zero-rtt-post.pcap', '--keylog', 'captures/zero-rtt-post/keys.log', '--fail-on', 'warning']).code).toBe(1);
  });
});

describe('file errors in plain words', () => {
  it('a symbolic link loop is named as one, as a capture, a key log and a config', () => {
    const loop = join(tmp, 'loop');
    symlinkSync(loop, loop);
    const said = `quiclens: ${loop}: too many levels of symbolic links: a link leads back to itself\n`;
    expect(quiclens(['summary', loop]).err).toBe(said);
    expect(quiclens(['summary', HANDSHAKE, '--keylog', loop]).err).toBe(said);
    expect(quiclens(['lb', 'check', loop]).err).toBe(said);
  });

  it('an lb config larger than the limit is refused at once, not read (a 2 GB sparse file)', () => {
    const big = join(tmp, 'big.conf');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    const r = quiclens(['lb', 'check', big]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`quiclens: ${big}: is larger than 64 MiB, the most quiclens reads of a load-balancer config file\n`);
  });
});

describe('lb check judges only listeners that can carry QUIC', () => {
  const keys = 'test/lb/configs/nginx-stream-keys.conf';
  it('UDP listeners off the QUIC ports are listed as skipped, with why, and do not fail the check', () => {
    const r = quiclens(['lb', 'check', keys, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.quicPorts).toEqual([443]);
    expect(doc.listeners).toEqual([]);
    expect(doc.configs).toEqual([{ file: keys, kind: 'nginx', listeners: 0, skipped: 3 }]);
    expect(doc.skipped.map((s: { listen: string; line: number }) => [s.listen, s.line])).toEqual([['0.0.0.0:8443', 18], ['0.0.0.0:8444', 19], ['0.0.0.0:8445', 20]]);
    expect(doc.skipped[0].reason).toBe('a UDP listener on port 8443, not a QUIC port: QUIC is judged on port 443; add --quic-port 8443 if QUIC runs there');
    const table = quiclens(['lb', 'check', keys, '--no-color']).out;
    expect(table).toContain('Skipped: 3 UDP listeners that cannot carry QUIC here');
    expect(table).toContain(`${keys}:18 nginx-stream-udp 0.0.0.0:8443: a UDP listener on port 8443, not a QUIC port`);
  });

  it('--quic-port (repeatable, or a comma list) puts them under judgement', () => {
    const r = quiclens(['lb', 'check', keys, '--quic-port', '8443,8444', '--quic-port', '8445', '--format', 'json']);
    expect(r.code).toBe(1); // the round-robin listener on 8443 loses a moving client
    const doc = JSON.parse(r.out);
    expect(doc.quicPorts).toEqual([8443, 8444, 8445]);
    expect(doc.listeners.map((l: { listen: string }) => l.listen)).toEqual(['0.0.0.0:8443', '0.0.0.0:8444', '0.0.0.0:8445']);
    expect(doc.skipped).toEqual([]);
  });

  it('a listener that says quic is judged on any port: a Service port named quic, a replayed capture reaching it', () => {
    const svc = join(tmp, 'svc.yaml');
    writeFileSync(svc, 'apiVersion: v1\nkind: Service\nmetadata: {name: edge}\nspec:\n  ports:\n  - {name: quic, protocol: UDP, port: 4443}\n  - {name: dns, protocol: UDP, port: 53}\n');
    const doc = JSON.parse(quiclens(['lb', 'check', svc, '--format', 'json']).out);
    expect(doc.listeners.map((l: { listen: string }) => l.listen)).toEqual(['edge:4443']);
    expect(doc.skipped.map((l: { listen: string }) => l.listen)).toEqual(['edge:53']);
    // the sample balancer listens on 4433: its capture proves QUIC reaches it
    const replayed = JSON.parse(quiclens(['lb', 'check', 'captures/nginx-lb/nginx.conf', '--capture', 'captures/nginx-lb/nginx-lb.pcap', '--format', 'json']).out);
    expect(replayed.listeners.map((l: { listen: string }) => l.listen)).toEqual(['127.0.0.1:4433']);
  });
});
