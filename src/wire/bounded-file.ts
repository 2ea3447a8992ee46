import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fileErrorMessage } from './file-error.js';
import { InputError } from './input-issue.js';

const CHUNK = 64 * 1024;
/** how long to wait between reads of a pipe whose writer has sent nothing yet */
const PIPE_POLL_MS = 10;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface BoundedReadOptions {
  /** the most bytes read; a longer input is an InputError naming this limit */
  maxBytes: number;
  /** what the file should be, for messages: "a key log", "a load-balancer config" */
  what: string;
  /** where the file was named, when that is the place to point at (an nginx include), and by what word */
  namedAt?: { file: string; line: number; column?: number; by: string };
}

/**
 * A text input's bytes, a chunk at a time, synchronously, for the small inputs read whole
 * before the analysis (key logs, load-balancer configs). Bounded: more than `maxBytes` is
 * an InputError, so `/dev/zero` or a 2 GB file is refused after the limit, not held.
 *
 * A FIFO or pipe is opened without blocking: with no program writing to it, a blocking
 * open would wait forever, so it reads as empty and is said to have no writer. While a
 * writer is connected but silent, reading waits for it, as `cat` does.
 */
export function* readFileChunks(path: string, opts: BoundedReadOptions): Generator<Buffer> {
  const fail = (message: string): never => {
    const at = opts.namedAt;
    throw new InputError(at ? { file: at.file, line: at.line, ...(at.column !== undefined ? { column: at.column } : {}), message: `${at.by} ${path}: ${message}`, fatal: true } : { file: path, message, fatal: true });
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fail(fileErrorMessage(err, opts.what));
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return fail(`is a folder, expected ${opts.what}`);
    if (info.isSocket()) return fail(`is a socket, expected ${opts.what}`);
    const pipe = info.isFIFO();
    if (info.isFile() && info.size > opts.maxBytes) return fail(tooLarge(opts));
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          sleep(PIPE_POLL_MS);
          continue;
        }
        return fail(fileErrorMessage(err, opts.what));
      }
      if (n === 0) break;
      total += n;
      if (total > opts.maxBytes) return fail(tooLarge(opts));
      yield buf.subarray(0, n);
    }
    if (pipe && total === 0) fail(`is a FIFO with no program writing to it: expected ${opts.what}; start the writer first, or give a file`);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(opts: BoundedReadOptions): string {
  return `is larger than ${sizeText(opts.maxBytes)}, the most quiclens reads of ${opts.what}`;
}

/** a whole text input, up to the limit, as readFileChunks reads it */
export function readBoundedText(path: string, opts: BoundedReadOptions, encoding: BufferEncoding = 'utf8'): string {
  const chunks = [...readFileChunks(path, opts)];
  return Buffer.concat(chunks).toString(encoding);
}

/** a byte count as people say it: 64 MiB */
export function sizeText(bytes: number): string {
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}
