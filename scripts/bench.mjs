#!/usr/bin/env node
// Throughput and peak memory of `quiclens packets --format ndjson` on a large generated
// capture, beside tshark doing comparable work on the same file, and of `quiclens summary`
// on a qlog of the same size. The inputs are made once (scripts/make-big-capture.mjs,
// scripts/make-big-qlog.mjs) and kept in bench-data/, which git ignores.
//
// usage: npm run bench [-- --size-mb 1024] [--no-tshark]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';

const args = process.argv.slice(2);
const i = args.indexOf('--size-mb');
const sizeMb = i >= 0 ? Number(args[i + 1]) : 1024;
const withTshark = !args.includes('--no-tshark');
const file = `bench-data/big-${sizeMb}mb.pcap`;

if (!existsSync('dist/cli.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
mkdirSync('bench-data', { recursive: true });
if (!existsSync(file)) {
  execFileSync('node', ['scripts/make-big-capture.mjs', file, '--size-mb', String(sizeMb)], { stdio: 'inherit' });
}
const bytes = statSync(file).size;

/** runs a command under GNU time: wall seconds and peak resident memory */
function measure(cmd, cmdArgs) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...cmdArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const field = (name) => r.stderr.split('\n').find((l) => l.includes(name))?.split(': ').pop()?.trim();
  const elapsed = field('Elapsed (wall clock) time') ?? '0';
  const seconds = elapsed.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  const peakMb = Number(field('Maximum resident set size') ?? 0) / 1024;
  return { status: r.status, seconds, peakMb };
}

const rows = [];
const ours = measure('node', ['bin/quiclens.js', 'packets', '--format', 'ndjson', file]);
rows.push(['quiclens packets --format ndjson', ours]);
if (withTshark) {
  const t = measure('tshark', ['-r', file, '-Y', 'quic', '-T', 'fields', '-e', 'frame.number', '-e', 'quic.long.packet_type',
    '-e', 'quic.version', '-e', 'quic.dcid', '-e', 'quic.scid']);
  rows.push(['tshark -Y quic -T fields (same columns)', t]);
}

console.log(`capture: ${file}, ${(bytes / 1048576).toFixed(0)} MiB`);
console.log(['tool'.padEnd(42), 'exit', 'seconds'.padStart(9), 'MiB/s'.padStart(8), 'peak MiB'.padStart(9)].join(' '));
for (const [name, m] of rows) {
  console.log([
    name.padEnd(42),
    String(m.status).padStart(4),
    m.seconds.toFixed(1).padStart(9),
    (bytes / 1048576 / m.seconds).toFixed(1).padStart(8),
    m.peakMb.toFixed(0).padStart(9),
  ].join(' '));
}
// Decryption speed: the generated capture cannot be decrypted (its CIDs are rewritten, so
// no tag verifies), so decrypt a real capture, with its key log, again and again in fresh
// sessions, in this process, and count packets per second.
const { openCapture, PacketSession, KeyLog } = await import('../dist/index.js');
const sample = 'captures/key-update/key-update.pcap';
const keylog = new KeyLog();
keylog.add((await import('node:fs')).readFileSync('captures/key-update/keys.log', 'latin1'));
const rounds = 200;
let packets = 0;
let decrypted = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) {
  const session = new PacketSession({ keylog });
  for await (const ev of session.read(await openCapture(sample))) {
    if (ev.kind !== 'packet') continue;
    packets++;
    if (ev.packet.decrypted === true) decrypted++;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const sampleBytes = statSync(sample).size * rounds;
console.log(`decryption: ${sample} ${rounds} times: ${packets} packets (${decrypted} decrypted) in ${secs.toFixed(1)} s: ` +
  `${Math.round(packets / secs)} packets/s, ${(sampleBytes / 1048576 / secs).toFixed(1)} MiB/s`);

// a qlog of the same size: every analysis runs on it, read record by record
const qlog = `bench-data/big-${sizeMb}mb.sqlog`;
if (!existsSync(qlog)) execFileSync('node', ['scripts/make-big-qlog.mjs', qlog, '--size-mb', String(sizeMb)], { stdio: 'inherit' });
const q = measure('node', ['bin/quiclens.js', 'summary', '--format', 'json', qlog]);
const qlogBytes = statSync(qlog).size;
console.log(`qlog: ${qlog}, ${(qlogBytes / 1048576).toFixed(0)} MiB: quiclens summary exit ${q.status}, ${q.seconds.toFixed(1)} s, ` +
  `${(qlogBytes / 1048576 / q.seconds).toFixed(1)} MiB/s, peak ${q.peakMb.toFixed(0)} MiB`);

for (const [name, peak] of [['packets on the capture', ours.peakMb], ['summary on the qlog', q.peakMb]]) {
  if (peak > 300) {
    console.log(`quiclens ${name}: peak memory ${peak.toFixed(0)} MiB is over the 300 MiB budget`);
    process.exitCode = 1;
  }
}
