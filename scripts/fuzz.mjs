#!/usr/bin/env node
// quiclens's own fuzzer: mutants of the sample captures, qlogs, key logs and load-balancer
// configs, run through the library in-process. It fails (exit 1) on an error that is not one
// of our input-error types (InputError thrown, or an issue reported and reading going on), on
// an input that takes longer than the time limit, on memory growth past the limit, and on
// messages that show internal values (undefined, NaN, [object Object]) or run on for pages.
//
//   npm run fuzz -- --seconds 60 --seed 1          # CI's budget
//   npm run fuzz -- --inputs 100000                # per reader
//   node scripts/fuzz.mjs --replay fuzz-failures/qlog-123.sqlog --reader qlog
//
// Each input runs in a worker thread; the main thread watches the clock and the process's
// memory, and on a hang or a blow-up saves the input, stops the worker and starts another
// where it left off. Every mutant is a function of (seed, reader, input number), so a run
// can be repeated exactly.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pcapToPcapng } from './pcap-to-pcapng.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READERS = ['pcap', 'pcapng', 'qlog', 'keylog', 'lb'];

function parseArgs(argv) {
  const o = { seconds: undefined, inputs: undefined, seed: 1, out: join(ROOT, 'fuzz-failures'), readers: READERS, timeLimitMs: 2000, memoryMb: 1024, replay: undefined, reader: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--seconds') o.seconds = Number(v());
    else if (a === '--inputs') o.inputs = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--readers') o.readers = v().split(',');
    else if (a === '--time-limit-ms') o.timeLimitMs = Number(v());
    else if (a === '--memory-mb') o.memoryMb = Number(v());
    else if (a === '--replay') o.replay = resolve(v());
    else if (a === '--reader') o.reader = v();
    else throw new Error(`unknown option ${a}`);
  }
  for (const r of o.readers) if (!READERS.includes(r)) throw new Error(`unknown reader ${r}: expected ${READERS.join(', ')}`);
  if (o.seconds === undefined && o.inputs === undefined && !o.replay) o.seconds = 60;
  return o;
}

/* ------------------------------------------------------------------------------------ */
/* main thread: budget, clock, memory, failures                                          */

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fuzz: ${err.message}\n`);
    process.exit(2);
  }
  if (opts.replay) opts.readers = [opts.reader ?? guessReader(opts.replay)];
  const tmp = mkdtempSync(join(process.env.FUZZ_TMP ?? (statSafe('/dev/shm') ? '/dev/shm' : tmpdir()), 'quiclens-fuzz-'));
  const counts = Object.fromEntries(opts.readers.map((r) => [r, 0]));
  const issues = Object.fromEntries(opts.readers.map((r) => [r, 0]));
  const failures = [];
  // the budget counts time spent fuzzing, not the seeds' preparation in each worker
  const budgetMs = opts.seconds !== undefined ? opts.seconds * 1000 : Infinity;
  let fuzzMs = 0;
  const started = Date.now();
  let current = null;
  let baseline = null;
  /** the input that last ran over the time limit, to be run once more */
  let suspect = null;
  let retried = 0;
  let lastReport = Date.now();

  const saveFailure = (reader, n, file, kind, detail) => {
    mkdirSync(opts.out, { recursive: true });
    const name = `${reader}-seed${opts.seed}-${n}${extname(file)}`;
    const target = join(opts.out, name);
    try {
      copyFileSync(file, target);
    } catch {
      /* the input may not have been written yet */
    }
    writeFileSync(`${target}.txt`, `${kind}\n${detail}\n\nreproduce: node scripts/fuzz.mjs --replay ${target} --reader ${reader}\n`);
    failures.push({ reader, n, kind, detail: detail.split('\n')[0], file: target });
    process.stderr.write(`fuzz: FAIL ${reader} #${n}: ${kind}: ${detail.split('\n')[0].slice(0, 300)}\n  saved as ${target}\n`);
  };

  for (;;) {
    const done = await runWorker();
    if (done) break;
  }
  rmSync(tmp, { recursive: true, force: true });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`fuzz: seed ${opts.seed}, ${secs} s${retried > 0 ? ` (${retried} input(s) over the time limit once, run again)` : ''}\n`);
  for (const r of opts.readers) process.stdout.write(`  ${r.padEnd(7)} ${String(counts[r]).padStart(8)} inputs, ${issues[r]} reported as bad input\n`);
  if (failures.length > 0) {
    process.stdout.write(`fuzz: ${failures.length} failure(s), inputs saved in ${opts.out}\n`);
    process.exit(1);
  }
  process.stdout.write('fuzz: no internal error, hang or blow-up\n');

  function runWorker() {
    return new Promise((resolveRun) => {
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: { opts, tmp, counts, budgetMs: budgetMs - fuzzMs },
        resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb + 512 },
      });
      let finished = false;
      let readyAt;
      const finish = (allDone) => {
        if (finished) return;
        finished = true;
        if (readyAt !== undefined) fuzzMs += Date.now() - readyAt;
        clearInterval(timer);
        current = null;
        resolveRun(allDone);
      };
      const timer = setInterval(() => {
        if (!current) return;
        const elapsed = Date.now() - current.at;
        const rss = process.memoryUsage().rss;
        if (elapsed > opts.timeLimitMs) {
          // on a busy machine one slow input may be the machine's fault: the same input runs
          // once more in a fresh worker, and fails only if it is slow again
          const again = suspect && suspect.reader === current.reader && suspect.n === current.n;
          if (again) {
            saveFailure(current.reader, current.n, current.file, 'time limit', `took more than ${opts.timeLimitMs} ms, twice (stopped)`);
            counts[current.reader] = current.n + 1;
            suspect = null;
          } else {
            suspect = { reader: current.reader, n: current.n };
            retried++;
          }
          current = null;
          void w.terminate().then(() => finish(false));
        } else if (baseline !== null && rss - baseline > opts.memoryMb * 1024 * 1024) {
          saveFailure(current.reader, current.n, current.file, 'memory', `the process grew by ${Math.round((rss - baseline) / 1048576)} MiB`);
          counts[current.reader] = current.n + 1;
          current = null;
          void w.terminate().then(() => finish(false));
        }
      }, 100);
      w.on('message', (m) => {
        if (m.t === 'ready') {
          readyAt = Date.now();
          if (global.gc) global.gc();
          baseline ??= process.memoryUsage().rss;
        } else if (m.t === 'start') current = { reader: m.reader, n: m.n, file: m.file, at: Date.now() };
        else if (m.t === 'end') {
          current = null;
          counts[m.reader] = m.n + 1;
          if (m.issue) issues[m.reader]++;
          if (m.failure) saveFailure(m.reader, m.n, m.file, m.failure.kind, m.failure.detail);
          if (Date.now() - lastReport > 30_000) {
            lastReport = Date.now();
            process.stderr.write(`fuzz: ${((Date.now() - started) / 1000).toFixed(0)} s: ${opts.readers.map((r) => `${r} ${counts[r]}`).join(', ')}\n`);
          }
        } else if (m.t === 'done') finish(true);
      });
      w.on('error', (err) => {
        if (current) {
          saveFailure(current.reader, current.n, current.file, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', String(err.stack ?? err));
          counts[current.reader] = current.n + 1;
        } else process.stderr.write(`fuzz: worker failed outside an input: ${err.stack ?? err}\n`);
        finish(current === null);
      });
      w.on('exit', () => finish(false));
    });
  }
}

function statSafe(p) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/* ------------------------------------------------------------------------------------ */
/* randomness: every mutant from (seed, reader, n)                                        */

function rngFor(seed, reader, n) {
  let h = 2166136261 ^ seed;
  for (const c of `${reader}/${n}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

const INTERESTING_8 = [0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xff];
const INTERESTING_32 = [0, 1, 12, 16, 0x7f, 0xff, 0x100, 0x3fff, 0x4000, 0xffff, 0x10000, 0x40000, 0x7fffffff, 0x80000000, 0xffffffff];

/* ------------------------------------------------------------------------------------ */
/* byte mutators, for every reader                                                        */

function bitFlips(rng, b) {
  const out = Buffer.from(b);
  if (out.length === 0) return out;
  for (let k = 1 + rng.int(8); k > 0; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
}
function byteSets(rng, b) {
  const out = Buffer.from(b);
  if (out.length === 0) return out;
  for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(out.length)] = rng.pick(INTERESTING_8);
  return out;
}
function truncate(rng, b) {
  return Buffer.from(b.subarray(0, rng.int(b.length + 1)));
}
function splice(rng, a, b) {
  return Buffer.concat([a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1))]);
}
function duplicateSlice(rng, b) {
  if (b.length === 0) return Buffer.from(b);
  const from = rng.int(b.length);
  const len = 1 + rng.int(Math.min(4096, b.length - from));
  const at = rng.int(b.length + 1);
  return Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
}
function u32At(rng, b, offsets, little) {
  const out = Buffer.from(b);
  if (offsets.length === 0 || out.length < 4) return out;
  const at = Math.min(rng.pick(offsets), out.length - 4);
  const old = little ? out.readUInt32LE(at) : out.readUInt32BE(at);
  const v = rng.chance(0.5) ? rng.pick(INTERESTING_32) : (old + rng.int(64) - 32) >>> 0;
  if (little) out.writeUInt32LE(v >>> 0, at);
  else out.writeUInt32BE(v >>> 0, at);
  return out;
}
function byteMutant(rng, seed, others) {
  switch (rng.int(5)) {
    case 0:
      return bitFlips(rng, seed);
    case 1:
      return byteSets(rng, seed);
    case 2:
      return truncate(rng, seed);
    case 3:
      return splice(rng, seed, rng.pick(others));
    default:
      return duplicateSlice(rng, seed);
  }
}

/* ------------------------------------------------------------------------------------ */
/* worker: seeds, targets                                                                 */

async function workerMain() {
  const { opts, tmp, counts, budgetMs } = workerData;
  const lib = await import(join(ROOT, 'dist/index.js'));
  const seeds = await loadSeeds(lib, opts.replay ? [opts.reader ?? guessReader(opts.replay)] : opts.readers);
  parentPort.postMessage({ t: 'ready' });
  const deadline = Date.now() + budgetMs;
  const write = (reader, ext, bytes) => {
    const file = join(tmp, `input-${reader}${ext}`);
    writeFileSync(file, bytes);
    return file;
  };
  if (opts.replay) {
    const reader = opts.reader ?? guessReader(opts.replay);
    const file = write(reader, extname(opts.replay), readFileSync(opts.replay));
    parentPort.postMessage({ t: 'start', reader, n: 0, file });
    const result = await runOne(lib, seeds, reader, file, opts.replay);
    if (result.failure) process.stderr.write(`${result.failure.kind}: ${result.failure.detail}\n`);
    else process.stderr.write(`no failure${result.issue ? ' (reported as bad input)' : ''}\n`);
    parentPort.postMessage({ t: 'end', reader, n: 0, file, ...result });
    parentPort.postMessage({ t: 'done' });
    return;
  }
  const n = { ...counts };
  const limit = opts.inputs ?? Infinity;
  for (;;) {
    if (Date.now() > deadline) break;
    const open = opts.readers.filter((r) => n[r] < limit);
    if (open.length === 0) break;
    // the reader with the fewest inputs goes next, so each gets its share of the budget
    const reader = open.reduce((a, b) => (n[b] < n[a] ? b : a));
    const i = n[reader];
    const rng = rngFor(opts.seed, reader, i);
    const { bytes, ext, context } = makeMutant(lib, seeds, reader, rng);
    const file = write(reader, ext, bytes);
    parentPort.postMessage({ t: 'start', reader, n: i, file });
    const result = await runOne(lib, seeds, reader, file, undefined, context);
    // a failing input is kept under its own name: the next mutant overwrites the input file
    const kept = result.failure ? write(`fail-${reader}-${i}`, ext, bytes) : file;
    parentPort.postMessage({ t: 'end', reader, n: i, file: kept, ...result });
    n[reader] = i + 1;
  }
  parentPort.postMessage({ t: 'done' });
}

function guessReader(file) {
  const e = extname(file);
  if (e === '.pcap') return 'pcap';
  if (e === '.pcapng') return 'pcapng';
  if (e === '.qlog' || e === '.sqlog') return 'qlog';
  if (e === '.log') return 'keylog';
  return 'lb';
}

function listFiles(dir, test) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...listFiles(p, test));
    else if (test(p, s)) out.push(p);
  }
  return out;
}

async function loadSeeds(lib, readers) {
  const caps = join(ROOT, 'captures');
  // small captures keep the inputs fast; every one has its key log beside it
  const pcaps = listFiles(caps, (p, s) => p.endsWith('.pcap') && s.size <= 100_000).map((p) => ({
    path: p,
    bytes: readFileSync(p),
    keylog: readFileSync(join(dirname(p), 'keys.log'), 'latin1'),
  }));
  // the packets a plaintext mutant is sealed into: found once per seed, only for the readers that use them
  const pcapngs = pcaps.map((s) => ({ ...s, bytes: pcapToPcapng(s.bytes, s.keylog), packets: [] }));
  for (const s of pcaps) s.packets = readers.includes('pcap') ? await sealedPackets(lib, s) : [];
  for (const s of pcapngs) s.packets = readers.includes('pcapng') ? await sealedPackets(lib, s) : [];
  const qlogs = [
    ...listFiles(join(ROOT, 'test/qlog/fixtures'), (p, s) => /\.(s?qlog)$/.test(p) && s.size > 0),
    ...listFiles(caps, (p, s) => p.endsWith('.sqlog') && s.size <= 25_000),
  ].map((p) => ({ path: p, bytes: readFileSync(p) }));
  const configs = [
    ...listFiles(join(ROOT, 'test/lb/configs'), () => true),
    join(caps, 'nginx-lb/nginx.conf'),
  ].map((p) => ({ path: p, bytes: readFileSync(p) }));
  return { pcaps, pcapngs, qlogs, configs };
}

/**
 * Every packet of a seed capture that opens, with the keys that open it and its place in the
 * file: the packets a plaintext mutant can be sealed back into. Found with the library
 * itself (its connections, packet numbers and headers), the keys tried one by one.
 */
async function sealedPackets(lib, seed) {
  const file = join(mkdtempSync(join(tmpdir(), 'quiclens-fuzz-seed-')), basename(seed.path) + (seed.bytes.readUInt32LE(0) === 0x0a0d0d0a ? '.pcapng' : '.pcap'));
  writeFileSync(file, seed.bytes);
  const capture = await lib.openCapture(file);
  const payloads = new Map();
  for await (const ev of lib.readDatagrams(capture)) if (ev.kind === 'datagram') payloads.set(ev.datagram.frame, Buffer.from(ev.datagram.payload));
  const keylog = new lib.KeyLog();
  keylog.add(seed.keylog);
  const session = new lib.PacketSession({ keylog });
  const capture2 = await lib.openCapture(file);
  const out = [];
  const secretKeys = [];
  for (const secrets of keylog.values()) {
    for (const [label, secret] of Object.entries(secrets)) {
      for (const suite of lib.supportedSuites().filter((s) => s.hashLength === secret.length)) secretKeys.push({ label, secret, suite });
    }
  }
  for await (const ev of session.read(capture2)) {
    if (ev.kind !== 'packet' || ev.packet.decrypted !== true || ev.packet.pn === null) continue;
    const p = ev.packet;
    const h = p.header;
    const payload = payloads.get(p.frame);
    if (!payload || h.pnOffset === undefined) continue;
    const bytes = payload.subarray(h.offset, h.offset + h.length);
    const version = h.form === 'long' ? h.version : p.connection.version;
    const vs = version === null ? undefined : lib.protectionFor(version);
    if (!vs) continue;
    const candidates = [];
    if (h.type === 'initial' && p.connection.originalDcid) {
      const k = lib.initialKeys(version, Buffer.from(p.connection.originalDcid, 'hex'));
      if (k) candidates.push(k.client, k.server);
    } else for (const s of secretKeys) candidates.push(new lib.PacketKeys(s.secret, s.suite, vs));
    for (const keys of candidates) {
      const un = lib.removeHeaderProtection(bytes, h.pnOffset, keys);
      if (!un.ok) continue;
      const header = lib.unprotectedHeader(bytes, un);
      const plain = lib.openPayload(keys, p.pn, header, bytes.subarray(un.headerLength));
      if (!plain) continue;
      const at = seed.bytes.indexOf(bytes);
      if (at >= 0) out.push({ at, length: bytes.length, header, pnOffset: h.pnOffset, pn: p.pn, keys, plain, type: h.type });
      break;
    }
  }
  rmSync(dirname(file), { recursive: true, force: true });
  return out;
}

/** the plaintext of a packet changed, sealed again under its keys, header protection applied */
function resealed(lib, rng, seed) {
  const out = Buffer.from(seed.bytes);
  if (seed.packets.length === 0) return out;
  const p = rng.pick(seed.packets);
  let plain = Buffer.from(p.plain);
  switch (rng.int(5)) {
    case 0:
      plain = bitFlips(rng, plain);
      break;
    case 1:
      plain = byteSets(rng, plain);
      break;
    case 2: {
      // frames of another packet spliced in
      const other = rng.pick(seed.packets).plain;
      plain = splice(rng, plain, other);
      break;
    }
    case 3: {
      // a frame type and varints written over a random place
      const at = rng.int(plain.length);
      const junk = Buffer.from([rng.int(0x40), ...Array.from({ length: 1 + rng.int(8) }, () => rng.pick(INTERESTING_8))]);
      junk.copy(plain, at);
      break;
    }
    default:
      plain = duplicateSlice(rng, plain);
  }
  // the same length, so the Length field and the datagram stay as they were; padding fills
  if (plain.length < p.plain.length) plain = Buffer.concat([plain, Buffer.alloc(p.plain.length - plain.length)]);
  plain = plain.subarray(0, p.plain.length);
  const sealed = lib.sealPayload(p.keys, p.pn, p.header, plain);
  const clear = Buffer.concat([p.header, sealed]);
  if (clear.length !== p.length) return out;
  lib.applyHeaderProtection(clear, p.pnOffset, p.keys).copy(out, p.at);
  return out;
}

/** the QUIC Length field of a long-header packet rewritten (RFC 9000 §17.2) */
function quicLength(rng, seed) {
  const out = Buffer.from(seed.bytes);
  const longs = seed.packets.filter((p) => p.header[0] & 0x80);
  if (longs.length === 0) return out;
  const p = rng.pick(longs);
  // the Length varint ends where the packet number starts
  const len = p.header[p.pnOffset - 2] & 0xc0 ? 2 : 1;
  const at = p.at + p.pnOffset - len;
  if (len === 2) out.writeUInt16BE(0x4000 | rng.pick([0, 1, 16, 20, 0x3fff, p.length, p.length + 1]) & 0x3fff, at);
  else out[at] = rng.int(64);
  return out;
}

function recordOffsets(bytes) {
  const offsets = [];
  if (bytes.readUInt32LE(0) === 0x0a0d0d0a) {
    for (let off = 0; off + 12 <= bytes.length; ) {
      offsets.push(off + 4);
      const len = bytes.readUInt32LE(off + 4);
      if (len < 12) break;
      off += len;
    }
    return { offsets, little: true };
  }
  const little = bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d;
  offsets.push(4, 16, 20);
  for (let off = 24; off + 16 <= bytes.length; ) {
    offsets.push(off + 8, off + 12, off + 16 + 14, off + 16 + 16, off + 16 + 38);
    off += 16 + (little ? bytes.readUInt32LE(off + 8) : bytes.readUInt32BE(off + 8));
  }
  return { offsets, little };
}

/* qlog: structure-aware mutants */

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'quic:__proto__', 'transport:constructor', 'quic:toString'];
const VALUES = [null, -1, 1e308, -0, 2 ** 53 + 1, '', 'NaN', '0x', '__proto__', [], {}, true, '9'.repeat(400), { __proto__: null, data: '__proto__' }];

function deep(depth, leaf) {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

function mutateJsonValue(rng, root) {
  // a random node, found by walking down, then changed
  let node = root;
  for (let d = 0; d < 8; d++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = rng.pick(keys);
    const child = node[k];
    if (child === null || typeof child !== 'object' || rng.chance(0.3)) {
      switch (rng.int(4)) {
        case 0:
          node[k] = rng.pick(VALUES);
          break;
        case 1:
          delete node[k];
          break;
        case 2:
          if (!Array.isArray(node)) {
            Object.defineProperty(node, rng.pick(NAMES), { value: child, enumerable: true, writable: true, configurable: true });
          } else node[k] = rng.pick(NAMES);
          break;
        default:
          node[k] = typeof child === 'string' ? rng.pick(NAMES) : typeof child === 'number' ? String(child) : child;
      }
      return;
    }
    node = child;
  }
}

function qlogMutant(rng, seed, others) {
  const text = seed.bytes.toString('utf8');
  const seq = text.trimStart().startsWith('\x1e') || !text.trimStart().startsWith('{"qlog_version') && text.includes('\n{');
  const choice = rng.int(10);
  if (choice < 4) return byteMutant(rng, seed.bytes, others.map((o) => o.bytes));
  if (choice === 4) {
    // an event name or an event_fields column nested thousands deep, or a huge record
    const kind = rng.int(3);
    if (kind === 0) return Buffer.from(`{"qlog_version":"draft-01","traces":[{"event_fields":${deep(2000 + rng.int(4000), '"x"')},"events":[[1,"transport","packet_sent",{}]]}]}`);
    if (kind === 1) return Buffer.from(`\x1e{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{}}\n\x1e{"time":1,"name":"quic:packet_sent","data":${deep(3000 + rng.int(3000), '1').replace(/\[/g, '{"a":[').replace(/\]/g, ']}')}}\n`);
    return Buffer.from(`\x1e{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{}}\n\x1e{"time":1,"name":"${rng.pick(NAMES)}","data":{"frames":[{"frame_type":"${rng.pick(NAMES)}","${rng.pick(NAMES)}":{"a":1}}]}}\n`);
  }
  if (seq) {
    const records = text.split('\x1e');
    const i = 1 + rng.int(Math.max(1, records.length - 1));
    try {
      const v = JSON.parse(records[i] ?? '{}');
      for (let k = 1 + rng.int(3); k > 0; k--) mutateJsonValue(rng, v);
      records[i] = `${JSON.stringify(v)}\n`;
    } catch {
      /* a record that was already broken stays so */
    }
    return Buffer.from(records.join('\x1e'));
  }
  try {
    const v = JSON.parse(text);
    for (let k = 1 + rng.int(4); k > 0; k--) mutateJsonValue(rng, v);
    const out = JSON.stringify(v, null, rng.chance(0.5) ? 1 : 0);
    // cut short in the middle, as a stopped writer leaves it
    return Buffer.from(rng.chance(0.3) ? out.slice(0, rng.int(out.length)) : out);
  } catch {
    return byteMutant(rng, seed.bytes, others.map((o) => o.bytes));
  }
}

/* key logs and configs: line-aware mutants */

const KEYLOG_LABELS = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'CLIENT_EARLY_TRAFFIC_SECRET', '__proto__', 'constructor', 'toString', 'CLIENT_RANDOM', ''];

function lineMutant(rng, text, tokens) {
  const lines = text.split('\n');
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const i = rng.int(lines.length);
    switch (rng.int(6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(rng.int(lines.length), 0, lines[i] ?? '');
        break;
      case 2: {
        const words = (lines[i] ?? '').split(/(\s+)/);
        const w = rng.int(words.length);
        words[w] = rng.pick(tokens);
        lines[i] = words.join('');
        break;
      }
      case 3:
        lines[i] = (lines[i] ?? '').replace(/\d+/, () => rng.pick(['-1', 'NaN', '1e999', '0', '99999999999999999999', '', 'x']));
        break;
      case 4:
        lines.splice(i, 0, rng.pick(tokens));
        break;
      default:
        lines[i] = (lines[i] ?? '').slice(0, rng.int((lines[i] ?? '').length + 1));
    }
  }
  return Buffer.from(lines.join('\n'));
}

const CONFIG_TOKENS = [
  '{', '}', ';', 'include *;', 'include conf.d/*.conf;', 'stream {', 'server {', 'listen 443 udp;', 'listen 443 quic reuseport;', 'hash $remote_addr;',
  'proxy_pass up;', 'upstream up {', 'server 10.0.0.1:443;', '"', "'", '#', '$', '${', '__proto__', 'constructor', 'toString', '&a', '*a', '<<: *a', '!!binary x',
  '? [a]: b', '- port: 443', '  protocol: UDP', 'kind: Service', 'kind: List', 'items:', 'sessionAffinity: ClientIP', 'timeoutSeconds: {a: 1}', 'port: [1]',
  'port_value: {}', 'name: {x: 1}', 'namespace: [a]', '-A -u 10.0.0.1:443 -s', '-a -u 10.0.0.1:443 -r', '-p', '-s NaN', '-w x', 'lb_policy: MAGLEV', 'idle_timeout: 1x', 'server_id_length: 999',
];

function makeMutant(lib, seeds, reader, rng) {
  switch (reader) {
    case 'pcap':
    case 'pcapng': {
      const list = reader === 'pcap' ? seeds.pcaps : seeds.pcapngs;
      const seed = rng.pick(list);
      const choice = rng.int(10);
      let bytes;
      if (choice < 4) bytes = resealed(lib, rng, seed);
      else if (choice === 4) bytes = quicLength(rng, seed);
      else if (choice === 5) {
        const { offsets, little } = recordOffsets(seed.bytes);
        bytes = u32At(rng, seed.bytes, offsets, little);
      } else bytes = byteMutant(rng, seed.bytes, list.map((s) => s.bytes));
      // now and then two mutations, so a bad length meets a bad payload
      if (rng.chance(0.15)) bytes = bitFlips(rng, bytes);
      return { bytes, ext: `.${reader}`, context: { keylog: seed.keylog } };
    }
    case 'qlog': {
      const seed = rng.pick(seeds.qlogs);
      return { bytes: qlogMutant(rng, seed, seeds.qlogs), ext: extname(seed.path) };
    }
    case 'keylog': {
      const seed = rng.pick(seeds.pcaps);
      const bytes = rng.chance(0.5) ? lineMutant(rng, seed.keylog, KEYLOG_LABELS.map((l) => `${l} ${'ab'.repeat(32)} ${'cd'.repeat(32)}`).concat(KEYLOG_LABELS)) : byteMutant(rng, Buffer.from(seed.keylog, 'latin1'), seeds.pcaps.map((s) => Buffer.from(s.keylog, 'latin1')));
      return { bytes, ext: '.log', context: { capture: seed } };
    }
    default: {
      const seed = rng.pick(seeds.configs);
      const bytes = rng.chance(0.6) ? lineMutant(rng, seed.bytes.toString('utf8'), CONFIG_TOKENS) : byteMutant(rng, seed.bytes, seeds.configs.map((s) => s.bytes));
      return { bytes, ext: extname(seed.path) || '.conf', context: { config: seed } };
    }
  }
}

/* ------------------------------------------------------------------------------------ */
/* running one input                                                                      */

const INTERNAL_WORDS = /\bundefined\b|\bNaN\b|\[object Object\]/;
const MAX_MESSAGE = 2000;

/** the input's own text, so that a message quoting it is not taken for one showing internals */
let inputText = '';

function checkMessage(text, where) {
  if (text.length > MAX_MESSAGE) return { kind: 'message', detail: `${where}: a message of ${text.length} characters: ${text.slice(0, 200)}…` };
  if (text.includes('\n')) return { kind: 'message', detail: `${where}: a message over several lines: ${JSON.stringify(text.slice(0, 400))}` };
  const m = INTERNAL_WORDS.exec(text);
  if (m && !inputText.includes(m[0])) return { kind: 'message', detail: `${where}: shows an internal value: ${text.slice(0, 400)}` };
  return undefined;
}

const plain = (s) => s;
const PALETTE = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, blue: plain, magenta: plain, grey: plain, gray: plain };

async function analyse(lib, path, keylogText) {
  let issue = false;
  let failure;
  const keylog = new lib.KeyLog();
  if (keylogText !== undefined) {
    for (const p of keylog.add(keylogText)) {
      issue = true;
      failure ??= checkMessage(`line ${p.line}: ${p.message}`, 'key log problem');
    }
  }
  let file;
  try {
    file = (await lib.openQlog(path)) ?? (await lib.openCapture(path));
  } catch (err) {
    if (err instanceof lib.InputError) return { issue: true, failure: failure ?? checkMessage(err.message, 'InputError') };
    throw err;
  }
  const session = new lib.PacketSession({ keylog });
  for await (const ev of session.read(file)) {
    if (ev.kind === 'issue') {
      issue = true;
      failure ??= checkMessage(ev.issue.message, 'reported issue');
    } else if (ev.kind === 'packet') JSON.stringify(lib.packetToJson(ev.packet));
  }
  for (const f of session.findings()) failure ??= checkMessage(f.message, `finding ${f.code}`);
  for (const c of session.tracker.connections) {
    JSON.stringify(session.timeline.summary(c));
    JSON.stringify(session.paths.migrations(c));
    JSON.stringify(session.http3.requests(c));
    JSON.stringify(session.zeroRtt(c));
  }
  return { issue, failure };
}

async function runOne(lib, seeds, reader, file, replayOf, context = {}) {
  inputText = readFileSync(file, 'latin1');
  try {
    if (reader === 'pcap' || reader === 'pcapng' || reader === 'qlog') {
      const keylog = context.keylog ?? (replayOf ? keylogBeside(replayOf) : undefined);
      return await analyse(lib, file, keylog);
    }
    if (reader === 'keylog') {
      const capture = context.capture ?? seeds.pcaps[0];
      const cap = join(dirname(file), 'keylog-capture.pcap');
      writeFileSync(cap, capture.bytes);
      inputText += capture.bytes.toString('latin1');
      return await analyse(lib, cap, readFileSync(file, 'latin1'));
    }
    // lb: the config, with the nginx include folder beside it
    copyIncludes(dirname(file));
    let config;
    try {
      config = lib.readLbConfig(file);
    } catch (err) {
      if (err instanceof lib.InputError) return { issue: true, failure: checkMessage(err.message, 'InputError') };
      throw err;
    }
    const check = { configs: [config] };
    JSON.stringify(lib.lbToJson(check));
    const text = lib.lbTable(check, PALETTE);
    return { issue: false, failure: checkMessage(text.slice(0, 100_000).split('\n').find((l) => INTERNAL_WORDS.test(l)) ?? '', 'lb check text') };
  } catch (err) {
    return { issue: false, failure: { kind: 'internal error', detail: String(err?.stack ?? err) } };
  }
}

let includesCopied = false;
function copyIncludes(dir) {
  if (includesCopied) return;
  includesCopied = true;
  mkdirSync(join(dir, 'conf.d'), { recursive: true });
  copyFileSync(join(ROOT, 'test/lb/configs/nginx-include/conf.d/site.conf'), join(dir, 'conf.d/site.conf'));
}

function keylogBeside(file) {
  try {
    return readFileSync(join(dirname(file), 'keys.log'), 'latin1');
  } catch {
    return undefined;
  }
}

if (isMainThread) await main();
else await workerMain();
