import { InputError } from '../wire/input-issue.js';
import type { QlogItem } from './qlog-events.js';
import { readQlog, readQlogStream } from './read-qlog.js';
import { sniffQlog } from './sniff-qlog.js';

/** What `summary` and the other commands report of a qlog input, as they do of a capture. */
export interface QlogStats {
  path: string;
  format: 'qlog';
  /** events read */
  records: number;
  /** seconds: the first event's time, the zero of relative times */
  firstTime?: number;
}

/** A qlog file opened as an input. */
export interface QlogFile {
  kind: 'qlog';
  path: string;
  format: 'qlog';
  stats: QlogStats;
  items(): AsyncIterable<QlogItem>;
}

/**
 * The file at `path` as qlog, if its content says so; undefined when it is something else,
 * for the capture reader to try. (A folder is the caller's to walk, as the CLI's inputs do;
 * readQlogDir reads one as a stream of traces.)
 */
export async function openQlog(path: string): Promise<QlogFile | undefined> {
  const sniff = await sniffQlog(path);
  // a file that cannot be read is no more a capture than a qlog: say why once
  if (sniff.kind === 'unreadable') throw new InputError({ file: path, message: sniff.message, fatal: true });
  if (sniff.kind !== 'json' && sniff.kind !== 'json-seq') return undefined;
  return { kind: 'qlog', path, format: 'qlog', stats: { path, format: 'qlog', records: 0 }, items: () => readQlog(path) };
}

/**
 * A qlog arriving on a stream (standard input, a FIFO), whose first bytes already said it
 * is JSON. It is read once, as it comes.
 */
export function openQlogStream(name: string, chunks: AsyncIterable<Uint8Array>): QlogFile {
  let used = false;
  return {
    kind: 'qlog',
    path: name,
    format: 'qlog',
    stats: { path: name, format: 'qlog', records: 0 },
    items: () => {
      // a pipe's bytes are gone once read
      if (used) throw new Error(`${name}: a stream is read once`);
      used = true;
      return readQlogStream(name, chunks);
    },
  };
}
