import { stat } from 'node:fs/promises';
import { InputError } from '../wire/input-issue.js';
import type { QlogItem } from './qlog-events.js';
import { readQlog, readQlogDir } from './read-qlog.js';
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

/** A qlog file, or a folder of them (one trace per file), opened as an input. */
export interface QlogFile {
  kind: 'qlog';
  path: string;
  format: 'qlog';
  stats: QlogStats;
  items(): AsyncIterable<QlogItem>;
}

/**
 * The input at `path` as qlog, if its content says so (a folder counts as a folder of
 * qlog files); undefined when it is something else, for the capture reader to try.
 */
export async function openQlog(path: string): Promise<QlogFile | undefined> {
  const info = await stat(path).catch(() => undefined);
  const folder = info?.isDirectory() === true;
  if (!folder) {
    const sniff = await sniffQlog(path);
    // a file that cannot be read is no more a capture than a qlog: say why once
    if (sniff.kind === 'unreadable') throw new InputError({ file: path, message: sniff.message, fatal: true });
    if (sniff.kind !== 'json' && sniff.kind !== 'json-seq') return undefined;
  }
  return {
    kind: 'qlog',
    path,
    format: 'qlog',
    stats: { path, format: 'qlog', records: 0 },
    items: () => (folder ? readQlogDir(path) : readQlog(path)),
  };
}
