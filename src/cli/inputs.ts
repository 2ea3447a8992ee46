import { createReadStream, type Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sourceChunks, streamSource, type ByteSource } from '../capture/byte-source.js';
import { openCapture, openCaptureSource, type CaptureFile } from '../capture/open-capture.js';
import { sniffFormat } from '../capture/sniff-format.js';
import { openQlog, openQlogStream, type QlogFile } from '../qlog/open-qlog.js';
import { fileErrorMessage } from '../wire/file-error.js';
import { InputError } from '../wire/input-issue.js';
import type { ProblemReporter } from './problems.js';
import { isStdin } from './stdin.js';

/** how deep a folder input is searched: a scenario folder holds its qlog folder */
const MAX_DEPTH = 4;
/** how long a FIFO may wait for its writer before the user is told why nothing happens */
const FIFO_NOTICE_MS = 1000;

type Input = CaptureFile | QlogFile;

/**
 * Opens each input by its content: a qlog file, else a capture. A folder is read for the
 * captures and qlogs in it and its subfolders, in name order; other files there are named
 * once and passed over. A file given twice (itself and inside a folder) is read once. A
 * file that cannot be opened is reported and left out; the others are still analysed.
 *
 * Standard input (`-`, `/dev/stdin`) and a FIFO or device named on the command line are
 * read as a stream, once: a capture or a qlog, told apart by the first bytes. Inside a folder only regular files are read: a
 * FIFO there may have no writer, and a read would wait for one forever.
 */
export async function* openInputs(paths: readonly string[], problems: ProblemReporter): AsyncGenerator<Input> {
  const seen = new Set<string>();
  for (const path of paths) yield* openPath(path, problems, seen, 0);
}

async function* openPath(path: string, problems: ProblemReporter, seen: Set<string>, depth: number): AsyncGenerator<Input> {
  if (isStdin(path)) {
    if (seen.has('\0stdin')) {
      problems.note({ file: path, message: 'standard input is named twice: it is read once' });
      return;
    }
    seen.add('\0stdin');
    yield* reported(openStdin(path), problems);
    return;
  }
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    problems.report({ file: path, message: fileErrorMessage(err, 'a capture or qlog file'), fatal: true });
    return;
  }
  if (info.isDirectory()) {
    yield* openFolder(path, problems, seen, depth);
    return;
  }
  if (info.isSocket()) {
    problems.report({ file: path, message: 'is a socket, expected a capture or qlog file (or a pipe: `-` reads standard input)', fatal: true });
    return;
  }
  if (info.isFIFO() || info.isCharacterDevice()) {
    yield* reported(openFifo(path, problems), problems);
    return;
  }
  const real = await realpath(path).catch(() => path);
  if (seen.has(real)) return;
  seen.add(real);
  try {
    // a file that cannot be opened is said so plainly here, before either reader tries it
    await (await open(path, 'r')).close();
    yield (await openQlog(path)) ?? (await openCapture(path));
  } catch (err) {
    if (err instanceof InputError) {
      // neither reader took it: say both were tried
      problems.report(err.issue.offset === 0 ? { ...err.issue, message: neitherMessage(err.issue.message) } : err.issue);
    } else if ((err as NodeJS.ErrnoException).code) {
      problems.report({ file: path, message: fileErrorMessage(err, 'a capture or qlog file'), fatal: true });
    } else throw err;
  }
}

/** the one input an opener gives, or its InputError reported */
async function* reported(opening: Promise<Input>, problems: ProblemReporter): AsyncGenerator<Input> {
  try {
    yield await opening;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.report(err.issue);
  }
}

async function openStdin(path: string, captureOnly = false): Promise<Input> {
  if (process.stdin.isTTY) {
    throw new InputError({ file: path, message: 'standard input is a terminal: pipe a capture in (tcpdump -w - | quiclens summary -)', fatal: true });
  }
  return openStream(path, process.stdin, captureOnly);
}

/**
 * A stream, by its first bytes: a capture (pcap, pcapng) or a qlog (JSON, JSON-SEQ). Only
 * those bytes are read before the reader that takes it begins.
 */
async function openStream(name: string, stream: Readable, captureOnly: boolean): Promise<Input> {
  let source: ByteSource;
  try {
    source = await streamSource(name, stream);
  } catch (err) {
    throw new InputError({ file: name, message: fileErrorMessage(err, captureOnly ? 'a capture' : 'a capture or a qlog'), fatal: true });
  }
  if (!captureOnly && sniffFormat(source.head) === 'qlog') return openQlogStream(name, sourceChunks(source));
  return openCaptureSource(source);
}

/**
 * A FIFO or device named on the command line, read as a stream (a capture or a qlog), as tcpdump -r
 * reads one. Opening a FIFO waits for a writer; after a second the user is told so.
 */
async function openFifo(path: string, problems: ProblemReporter, captureOnly = false): Promise<Input> {
  const stream = createReadStream(path);
  const notice = setTimeout(
    () => problems.note({ file: path, message: 'waiting for a program to write to this FIFO (Ctrl-C to stop)' }),
    FIFO_NOTICE_MS,
  );
  stream.once('open', () => clearTimeout(notice));
  stream.once('error', () => clearTimeout(notice));
  try {
    return await openStream(path, stream, captureOnly);
  } finally {
    clearTimeout(notice);
  }
}

const EXPECTED = 'expected a capture (pcap or pcapng) or a qlog (JSON, or JSON-SEQ records after 0x1E)';

/** the capture reader's complaint about a file's first bytes, said for both readers */
function neitherMessage(captureMessage: string): string {
  const found = captureMessage.match(/found ([0-9a-f]+)$/);
  if (found) return `${EXPECTED}, found bytes ${found[1]}`;
  const short = captureMessage.match(/only (\d+) bytes/);
  if (short) return `${EXPECTED}, but the file has only ${short[1]} bytes`;
  if (/JSON text/.test(captureMessage)) return `${EXPECTED}, found JSON that is neither (a qlog is an object with "traces", or JSON-SEQ records)`;
  return captureMessage;
}

/** why a folder entry that is not a regular file is passed over */
function notAFile(info: Stats): string | undefined {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return undefined;
}

async function* openFolder(dir: string, problems: ProblemReporter, seen: Set<string>, depth: number): AsyncGenerator<Input> {
  const skipped: string[] = [];
  let found = 0;
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    problems.report({ file: dir, message: fileErrorMessage(err, 'a folder'), fatal: depth === 0 });
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (err) {
      skipped.push(`${name} (${fileErrorMessage(err)})`);
      continue;
    }
    if (info.isDirectory()) {
      if (depth + 1 >= MAX_DEPTH) continue;
      for await (const input of openFolder(path, problems, seen, depth + 1)) {
        found++;
        yield input;
      }
      continue;
    }
    // a FIFO found in a folder may have no writer: opening it would wait forever
    const special = notAFile(info);
    if (special) {
      skipped.push(`${name} (${special}, not a file)`);
      continue;
    }
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) {
      found++;
      continue;
    }
    // inside a folder, a file that is neither a capture nor a qlog (a key log, a README) is passed over
    const input = (await openQlog(path).catch(() => undefined)) ?? (await openCapture(path).catch(() => undefined));
    if (!input) {
      skipped.push(name);
      continue;
    }
    seen.add(real);
    found++;
    yield input;
  }
  if (found === 0 && depth === 0) {
    problems.report({ file: dir, message: `no capture or qlog file in this folder${skipped.length > 0 ? ` (only ${skipped.join(', ')})` : ''}`, fatal: true });
  } else if (skipped.length > 0 && depth === 0) {
    problems.note({ file: dir, message: `passed over ${skipped.length === 1 ? 'a file' : `${skipped.length} files`} that ${skipped.length === 1 ? 'is' : 'are'} neither a capture nor a qlog: ${skipped.join(', ')}` });
  }
}

/**
 * The capture named by a command that takes exactly one (crosscheck): a file, standard
 * input or a FIFO, as the other commands read them; an InputError when it cannot be opened.
 */
export async function openCaptureInput(path: string, problems: ProblemReporter): Promise<CaptureFile> {
  if (isStdin(path)) return (await openStdin(path, true)) as CaptureFile;
  const info = await stat(path).catch((err: unknown) => {
    throw new InputError({ file: path, message: fileErrorMessage(err, 'a capture file'), fatal: true });
  });
  if (info.isFIFO() || info.isCharacterDevice()) return (await openFifo(path, problems, true)) as CaptureFile;
  return openCapture(path);
}
