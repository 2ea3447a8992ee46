import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, openSync, ftruncateSync, closeSync, copyFileSync } from 'node:fs';
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

/**
 * `packets - --format ndjson` fed `bytes` in two parts: the second is written only once the
 * first packet line is out, so a reader that waits for the end of the pipe hangs the test.
 */
async function packetsFromPipeInTwoParts(bytes: Buffer, split: number): Promise<{ first: string; code: number | null; lines: string[] }> {
  const child = spawn('node', [BIN, 'packets', '-', '--format', 'ndjson'], { cwd: REPO });
  let out = '';
  const firstLine = new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve();
    });
  });
  child.stdin.write(bytes.subarray(0, split));
  await firstLine;
  const first = out.split('\n')[0]!;
  child.stdin.end(bytes.subarray(split));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { first, code, lines: out.trim().split('\n') };
}

/**
 * `summary --format json` on a FIFO: started before any writer, so it must say it waits;
 * once it has, `bytes` are written to the FIFO and the run's result is returned.
 */
async function summaryThroughFifo(f: string, bytes: Buffer): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('node', [BIN, 'summary', f, '--format', 'json'], { cwd: REPO });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const told = new Promise<void>((resolve) =>
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting')) resolve();
    }),
  );
  await told;
  writeFileSync(f, bytes);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
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

  it('what is no capture nor qlog says what it found', () => {
    expect(quiclens(['summary', '-'], Buffer.from('hello world, not a capture')).err).toMatch(/^quiclens: \/dev\/stdin \(byte offset 0\): expected a pcap or pcapng file .* found 68656c6c\n$/);
  });

  it('streams: the first packets are printed before the pipe has sent the rest', async () => {
    const { first, code, lines } = await packetsFromPipeInTwoParts(bytes, 3000);
    expect(JSON.parse(first)).toMatchObject({ frame: 1, type: 'initial' });
    expect(code).toBe(0);
    expect(lines).toHaveLength(178);
  }, 30_000);
});

describe('a qlog from a pipe: told from a capture by its first bytes', () => {
  const QLOGS = readdirSync(join(REPO, 'captures/handshake/qlog')).filter((n) => n.endsWith('.sqlog')).map((n) => `captures/handshake/qlog/${n}`);
  // the facts of a summary, with the input's name (which differs: /dev/stdin) taken out
  const facts = (out: string, name: string) => {
    const doc = JSON.parse(out.split(JSON.stringify(name)).join('"INPUT"'));
    return { records: doc.inputs[0].records, format: doc.inputs[0].format, connections: doc.connections };
  };

  it.each(QLOGS)('%s piped to `summary -` gives the connection facts the file gives', (file) => {
    const fromFile = quiclens(['summary', file, '--format', 'json']);
    const r = quiclens(['summary', '-', '--format', 'json'], readFileSync(join(REPO, file)));
    expect(r.err).toBe(fromFile.err);
    expect(r.code).toBe(0);
    const piped = facts(r.out, '/dev/stdin');
    expect(piped.format).toBe('qlog');
    expect(piped.records).toBeGreaterThan(100);
    expect(piped).toEqual(facts(fromFile.out, file));
  });

  it('a whole-document JSON qlog on /dev/stdin is read as its file is', () => {
    const file = 'test/qlog/fixtures/qlog03-contained.qlog';
    const fromFile = facts(quiclens(['summary', file, '--format', 'json']).out, file);
    const r = quiclens(['summary', '/dev/stdin', '--format', 'json'], readFileSync(join(REPO, file)));
    expect(r.code).toBe(0);
    expect(facts(r.out, '/dev/stdin')).toEqual(fromFile);
    expect(fromFile.connections.length).toBeGreaterThan(0);
  });

  it('a piped JSON document cut short is read up to the cut, as a file is, and a record cut short in JSON-SEQ likewise', () => {
    const doc = readFileSync(join(REPO, 'test/qlog/fixtures/qlog03-contained.qlog'));
    const cut = quiclens(['summary', '-', '--format', 'json'], doc.subarray(0, Math.floor(doc.length * 0.8)));
    expect(cut.err).toMatch(/^quiclens: \/dev\/stdin \(line \d+, column \d+\): the JSON document is cut short/);
    const seq = readFileSync(join(REPO, QLOGS[0]!));
    const r = quiclens(['summary', '-', '--format', 'json'], seq.subarray(0, seq.length - 10));
    expect(r.err).toMatch(/is cut short at the end of the file/);
    expect(JSON.parse(r.out).inputs[0].records).toBeGreaterThan(100);
  });

  it('JSON-SEQ records are read as they arrive: the first packets are printed before the rest is sent', async () => {
    // the file's events four times over, each copy later than the one before: more events
    // than the reorder window (1024) holds, so packets come out before the stream ends
    const [header, ...events] = readFileSync(join(REPO, QLOGS[0]!), 'utf8').split('\x1e').filter((r) => r.trim() !== '');
    const copies = [0, 1, 2, 3].map((k) => events.map((e) => {
      const v = JSON.parse(e);
      return `\x1e${JSON.stringify({ ...v, time: v.time + 100 * k })}\n`;
    }).join(''));
    const bytes = Buffer.from(`\x1e${header}${copies.join('')}`);
    const split = Buffer.byteLength(`\x1e${header}${copies.slice(0, 3).join('')}`);
    const { first, code, lines } = await packetsFromPipeInTwoParts(bytes, split);
    expect(JSON.parse(first)).toMatchObject({ time: 0 });
    expect(code).toBe(0);
    const once = quiclens(['packets', QLOGS[0]!, '--format', 'ndjson']).out.trim().split('\n').length;
    expect(lines).toHaveLength(4 * once);
  }, 30_000);

  it('a JSON document on a pipe larger than the document limit is refused there, not held whole', () => {
    // 65 MiB of an array that never closes: the reader stops at the limit
    const big = Buffer.alloc(65 * 1024 * 1024, 0x20);
    big.write('{"traces":[', 0);
    const r = quiclens(['summary', '-'], big);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^quiclens: \/dev\/stdin \(byte offset 67108864\): a qlog JSON document of more than 67108864 bytes/);
  });

  it('a FIFO named as the input carries a qlog; while no writer has come, the user is told', async () => {
    const f = fifo('qlog.fifo');
    const { code, out, err } = await summaryThroughFifo(f, readFileSync(join(REPO, QLOGS[1]!)));
    expect(code).toBe(0);
    expect(err).toBe(`quiclens: ${f}: waiting for a program to write to this FIFO (Ctrl-C to stop)\n`);
    expect(facts(out, f)).toEqual(facts(quiclens(['summary', QLOGS[1]!, '--format', 'json']).out, QLOGS[1]!));
  }, 30_000);

  it('crosscheck, which takes a capture only, says a piped qlog is not one', () => {
    const r = quiclens(['crosscheck', '-', QLOGS[1]!], readFileSync(join(REPO, QLOGS[0]!)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/expected a capture \(pcap or pcapng\) here, found JSON text \(a qlog\?\)/);
  });
});

describe('FIFOs: read as a pipe when named as the capture, never waited on forever elsewhere', () => {
  it('a FIFO named as the capture is read like a pipe; while no writer has come, the user is told', async () => {
    const f = fifo('capture.fifo');
    const { code, out, err } = await summaryThroughFifo(f, readFileSync(join(REPO, HANDSHAKE)));
    expect(code).toBe(0);
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
