#!/usr/bin/env node
// Puts captures/gap back together: gap.pcap is a capture with a run of records cut out
// (editcap, record.sh's `gap` scenario) and gap-cut.pcap.part holds that run, so the whole
// capture, the same transfer without the gap, need not be kept in the repository twice.
// The run goes back before the first record of gap.pcap that is later than the run's
// first record. Both files are classic pcap with the same header, as editcap writes them.
//
// usage: node scripts/join-gap-capture.mjs OUT.pcap [--gap captures/gap/gap.pcap] [--cut captures/gap/gap-cut.pcap.part]
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
if (!out) {
  console.error('usage: join-gap-capture.mjs OUT.pcap [--gap GAP.pcap] [--cut CUT.pcap]');
  process.exit(2);
}

/** a classic pcap's header and records, each record with its time in microseconds */
function readPcap(path) {
  const buf = readFileSync(path);
  const magic = buf.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${path}: not a little-endian classic pcap (magic at byte 0)`);
  const nanos = magic === 0xa1b23c4d;
  const records = [];
  for (let at = 24; at < buf.length; ) {
    if (at + 16 > buf.length) throw new Error(`${path}: a record header cut short at byte ${at}`);
    const end = at + 16 + buf.readUInt32LE(at + 8);
    if (end > buf.length) throw new Error(`${path}: a record cut short at byte ${at}`);
    const time = buf.readUInt32LE(at) * 1e6 + (nanos ? buf.readUInt32LE(at + 4) / 1000 : buf.readUInt32LE(at + 4));
    records.push({ time, bytes: buf.subarray(at, end) });
    at = end;
  }
  return { header: buf.subarray(0, 24), records };
}

const gap = readPcap(opt('gap', 'captures/gap/gap.pcap'));
const cut = readPcap(opt('cut', 'captures/gap/gap-cut.pcap.part'));
if (!gap.header.equals(cut.header)) throw new Error('the two captures have different file headers: not cut from one capture');
if (cut.records.length === 0) throw new Error('the cut capture holds no records');
const first = cut.records[0].time;
let at = gap.records.findIndex((r) => r.time > first);
if (at < 0) at = gap.records.length;
const records = [...gap.records.slice(0, at), ...cut.records, ...gap.records.slice(at)];
writeFileSync(out, Buffer.concat([gap.header, ...records.map((r) => r.bytes)]));
console.error(`${out}: ${records.length} records (${cut.records.length} put back after record ${at})`);
