#!/usr/bin/env node
// Makes a large qlog for the bench: the client's JSON-SEQ log of captures/kernel-drops (a
// 1 MB download, written by ngtcp2) with its 1-RTT events repeated, packet numbers and times
// shifted each round, until the file reaches the size asked for: one long bulk transfer, as a
// big download's qlog is.
//
// usage: node scripts/make-big-qlog.mjs OUT.sqlog [--size-mb 200]
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [out, ...rest] = process.argv.slice(2);
const i = rest.indexOf('--size-mb');
const target = (i >= 0 ? Number(rest[i + 1]) : 200) * 1048576;
const dir = 'captures/kernel-drops/qlog';
const source = readdirSync(dir).map((f) => join(dir, f)).find((f) => readFileSync(f, 'utf8').includes('"type":"client"'));
const records = readFileSync(source, 'utf8').split('\x1e').filter((r) => r.trim()).flatMap((r) => {
  try {
    return [JSON.parse(r)];
  } catch {
    return [];
  }
});
const [header, ...events] = records;
const oneRtt = events.filter((e) => e.data?.header?.packet_type === '1RTT');
const span = Math.max(...oneRtt.map((e) => e.time)) - Math.min(...oneRtt.map((e) => e.time)) + 1;
const maxPn = Math.max(...oneRtt.map((e) => e.data.header.packet_number));
const fd = openSync(out, 'w');
let written = 0;
const put = (o) => {
  const line = `\x1e${JSON.stringify(o)}\n`;
  writeSync(fd, line);
  written += Buffer.byteLength(line);
};
put(header);
// the handshake once, then the 1-RTT transfer again and again
for (const e of events) if (e.data?.header?.packet_type !== '1RTT') put(e);
for (let round = 0; written < target; round++) {
  for (const e of oneRtt) {
    const shifted = structuredClone(e);
    shifted.time += round * span;
    shifted.data.header.packet_number += round * (maxPn + 1);
    put(shifted);
  }
}
closeSync(fd);
console.log(`${out}: ${(written / 1048576).toFixed(0)} MiB from ${source}`);
