import { closeSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { QlogLine } from './recovery-qlog.js';

/** JSON-SEQ record separator (RFC 7464 §2) */
const RS = '\x1e';
const CHUNK = 64 * 1024;
/** the time of a record as QlogWriter writes it: `time` is the first member */
const TIME = /^\x1e\{"time":(-?[0-9.eE+-]+),/;

/**
 * Inserts events, sorted by time, into a JSON-SEQ qlog that QlogWriter wrote in time order,
 * keeping the whole file in time order (readers such as ours take only small reorderings).
 * A record at the same time as an inserted event stays before it: a packet, then what it
 * changed. The file is read and rewritten in chunks, so memory holds only `events`.
 */
export function mergeIntoSeq(path: string, events: readonly QlogLine[]): void {
  if (events.length === 0) return;
  const tmp = `${path}.merging`;
  const input = openSync(path, 'r');
  const output = openSync(tmp, 'w');
  let next = 0;
  const insertUpTo = (time: number) => {
    let text = '';
    while (next < events.length && events[next]!.time < time) text += `${RS}${JSON.stringify(events[next++])}\n`;
    if (text) writeSync(output, text);
  };
  try {
    const buf = Buffer.alloc(CHUNK);
    // a chunk may end inside a character of several bytes: the decoder keeps them for the next
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (let n = readSync(input, buf); n > 0; n = readSync(input, buf)) {
      const lines = (carry + decoder.write(buf.subarray(0, n))).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        const m = TIME.exec(line);
        if (m) insertUpTo(Number(m[1]));
        writeSync(output, `${line}\n`);
      }
    }
    carry += decoder.end();
    if (carry) writeSync(output, carry);
    insertUpTo(Infinity);
  } finally {
    closeSync(input);
    closeSync(output);
  }
  renameSync(tmp, path);
}
