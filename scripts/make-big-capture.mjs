#!/usr/bin/env node
// Makes a large classic pcap for benchmarks by repeating a real sample capture. Each copy
// gets its own connection IDs (the last bytes of every CID the sample uses are XORed with
// the copy's number) and later timestamps, so the result holds thousands of distinct
// connections, as a busy server's capture would, not one connection seen over and over.
//
// With --keep-cids the copies keep the sample's CIDs: one long connection whose packets the
// sample's key log still decrypts (each copy's numbers repeat the sample's, close enough to
// the largest seen for RFC 9000 A.3 to recover them), with every frame a real one, as the
// report's budget needs (a report holds each packet's frames). --packets N stops at the
// first whole record after N QUIC packets instead of at a size.
//
// usage: node scripts/make-big-capture.mjs OUT.pcap [--size-mb 1024 | --packets N] [--keep-cids]
//        [--from captures/handshake/handshake.pcap]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { openCapture, PacketSession } from '../dist/index.js';

const args = process.argv.slice(2);
const out = args.find((a) => !a.startsWith('--'));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
if (!out) {
  console.error('usage: make-big-capture.mjs OUT.pcap [--size-mb N | --packets N] [--keep-cids] [--from CAPTURE]');
  process.exit(2);
}
const sizeBytes = Number(opt('size-mb', '1024')) * 1024 * 1024;
const packetBudget = opt('packets') === undefined ? undefined : Number(opt('packets'));
const keepCids = args.includes('--keep-cids');
const from = opt('from', 'captures/handshake/handshake.pcap');

// pass 1: the sample's records, the CIDs its connections use and the QUIC packets in each record
const records = [];
const cids = new Set();
const file = await openCapture(from);
for await (const ev of file.events()) if (ev.kind === 'record') records.push(ev.record);
const packetsIn = new Map();
const session = new PacketSession();
for await (const ev of session.read(await openCapture(from))) {
  if (ev.kind !== 'packet') continue;
  packetsIn.set(ev.packet.frame, (packetsIn.get(ev.packet.frame) ?? 0) + 1);
  const h = ev.packet.header;
  for (const cid of [h.dcid, h.form === 'long' ? h.scid : null]) if (cid && cid.length >= 4) cids.add(cid.toString('hex'));
}
const linkTypes = new Set(records.map((r) => r.linkType));
if (linkTypes.size !== 1) throw new Error(`${from}: records of several link types; pick a simpler sample`);
const span = records.at(-1).time - records[0].time + 0.01;

function renamed(cidHex, copy) {
  const b = Buffer.from(cidHex, 'hex');
  b.writeUInt32BE((b.readUInt32BE(b.length - 4) ^ copy) >>> 0, b.length - 4);
  return b;
}

const ws = createWriteStream(out);
const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0);
header.writeUInt16LE(2, 4);
header.writeUInt16LE(4, 6);
header.writeUInt32LE(262144, 16);
header.writeUInt32LE([...linkTypes][0], 20);
ws.write(header);
let written = 24;
let packets = 0;
let copy = 0;
const cidList = keepCids ? [] : [...cids].map((h) => Buffer.from(h, 'hex'));
const more = () => (packetBudget === undefined ? written < sizeBytes : packets < packetBudget);
while (more()) {
  copy++;
  const swaps = cidList.map((c) => [c, renamed(c.toString('hex'), copy)]);
  const chunks = [];
  for (const r of records) {
    if (!more()) break;
    packets += packetsIn.get(r.frame) ?? 0;
    const data = Buffer.from(r.data);
    for (const [old, neu] of swaps) {
      for (let at = data.indexOf(old); at >= 0; at = data.indexOf(old, at + old.length)) neu.copy(data, at);
    }
    const t = r.time + copy * span;
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(Math.floor(t), 0);
    rh.writeUInt32LE(Math.round((t % 1) * 1e6) % 1e6, 4);
    rh.writeUInt32LE(data.length, 8);
    rh.writeUInt32LE(r.originalLength, 12);
    chunks.push(rh, data);
    written += 16 + data.length;
  }
  if (!ws.write(Buffer.concat(chunks))) await once(ws, 'drain');
}
ws.end();
await once(ws, 'finish');
console.error(`${out}: ${(written / 1048576).toFixed(0)} MiB, ${packets} QUIC packets, ${copy} copies of ${from} ` +
  `(${records.length} records, ${keepCids ? 'its CIDs kept' : `${cids.size} CIDs each renamed`})`);
