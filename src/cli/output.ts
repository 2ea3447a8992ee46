import { closeSync, existsSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileErrorMessage } from '../wire/file-error.js';

/** where a command's output goes, with what a table needs to know of it */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Buffered writing to stdout (or the `--output` file) that respects backpressure: millions
 * of NDJSON lines must not pile up in memory when stdout is a slow pipe. A closed pipe
 * (`quiclens … | head`) ends the program quietly.
 */
export class Output {
  /**
   * Text is encoded as it comes into buffers of `chunkSize`: text joined into one long
   * string and then encoded costs more than the JSON itself (the rope of small strings is
   * flattened first), about 0.3 s per 100,000 NDJSON lines.
   */
  private buf: Buffer;
  private used = 0;
  /** filled buffers waiting to be written, and their bytes */
  private full: Buffer[] = [];
  private waiting = 0;
  private closed = false;
  /** text waiting longer than this is written even when the chunk is not full: a live pipe's packets show as they come */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** colour and table width are read from it: a file is no terminal */
    readonly stream: OutputStream = outputTarget(),
    private readonly chunkSize = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(chunkSize);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        this.closed = true;
        process.exit(process.exitCode ?? 0);
      }
      throw err;
    });
  }

  /** queue text; call `drain()` now and then (it is cheap when nothing waits) */
  write = (s: string): void => {
    if (this.closed) return;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit
    if (this.used + 3 * s.length > this.buf.length) this.pass();
    if (3 * s.length <= this.buf.length) this.used += this.buf.write(s, this.used, 'utf8');
    else {
      // longer than a buffer: encoded on its own
      const bytes = Buffer.from(s, 'utf8');
      this.full.push(bytes);
      this.waiting += bytes.length;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 200);
      // the timer never keeps the program alive on its own; the last flush is explicit
      this.timer.unref();
    }
  };

  async drain(): Promise<void> {
    if (this.waiting + this.used < this.chunkSize) return;
    await this.flush();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pass();
    if (this.full.length === 0 || this.closed) return;
    const pieces = this.full;
    this.full = [];
    this.waiting = 0;
    let ready = true;
    for (const piece of pieces) ready = this.stream.write(piece);
    if (!ready) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  /** the buffer being filled joins those waiting to be written; a new one takes its place */
  private pass(): void {
    if (this.used === 0) return;
    this.full.push(this.buf.subarray(0, this.used));
    this.waiting += this.used;
    this.buf = Buffer.allocUnsafe(this.chunkSize);
    this.used = 0;
  }
}

let target: OutputFile | undefined;

/** stdout, or the file `--output` names once the command line has opened it */
export function outputTarget(): OutputStream {
  return target?.stream ?? process.stdout;
}

/**
 * `--output FILE`: the command's output written to a temporary file beside FILE, which
 * takes FILE's name only when the command has finished, so that a reader (a CI step, a
 * dashboard) never sees half a file, and an earlier FILE stays whole if the run fails.
 * Writes are synchronous: a file never pushes back, and an error (a full disk) is kept
 * and told once at the end instead of failing in the middle of a table.
 */
export class OutputFile {
  readonly stream: OutputStream;
  private failure: NodeJS.ErrnoException | undefined;
  private open = true;
  private settled = false;

  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly fd: number,
  ) {
    const file = this;
    this.stream = new Writable({
      highWaterMark: 1 << 24,
      write(chunk: Buffer, _encoding, done) {
        file.writeAll(chunk);
        done();
      },
    });
    // a run that ends without commit or discard (killed by an exit elsewhere) leaves no temporary file
    process.once('exit', () => {
      if (!this.settled) this.discard();
    });
  }

  /** the file ready to be written, or why not in words, for `PATH: cannot write it: …` (the caller exits with 2) */
  static open(path: string): OutputFile | string {
    let info;
    try {
      info = statSync(path, { throwIfNoEntry: false });
    } catch (err) {
      return writeErrorMessage(err, dirname(path));
    }
    if (info?.isDirectory()) return 'it is a folder, expected a file name';
    // a FIFO or device cannot be renamed over: the shell's > writes to it
    if (info && !info.isFile()) return `it is ${info.isFIFO() ? 'a FIFO' : 'a device'}, not a regular file (the shell's > writes to one)`;
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      return new OutputFile(path, temp, openSync(temp, 'wx', info ? info.mode & 0o777 : 0o666));
    } catch (err) {
      return writeErrorMessage(err, dirname(path));
    }
  }

  /** text written straight to the file (a command that makes its one file whole, such as report) */
  write(text: string): void {
    this.writeAll(Buffer.from(text));
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }

  private writeAll(chunk: Buffer): void {
    if (this.failure) return;
    try {
      let done = 0;
      while (done < chunk.length) done += writeSync(this.fd, chunk, done);
    } catch (err) {
      this.failure = err as NodeJS.ErrnoException;
    }
  }

  /** the file given its name; why not in words (as open's), or undefined when it is there */
  commit(): string | undefined {
    this.close();
    this.settled = true;
    const failure = this.failure ?? rename(this.temp, this.path);
    if (!failure) return undefined;
    this.discard();
    return writeErrorMessage(failure, dirname(this.path));
  }

  /** the temporary file removed: the command failed before its output was whole */
  discard(): void {
    this.close();
    this.settled = true;
    try {
      unlinkSync(this.temp);
    } catch {
      // never made, or already gone
    }
  }
}

/** `--output` chosen for this run: every Output made from here on writes to it */
export function redirectOutput(file: OutputFile): void {
  target = file;
}

/** true when `path` is the file `other` names (an input the output would overwrite) */
export function sameFile(path: string, other: string): boolean {
  try {
    return realpathSync(path) === realpathSync(other);
  } catch {
    return false;
  }
}

function rename(from: string, to: string): NodeJS.ErrnoException | undefined {
  try {
    renameSync(from, to);
    return undefined;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

function writeErrorMessage(err: unknown, folder: string): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return existsSync(folder) ? `no file can be made in ${folder}` : `no such folder: ${folder}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: quiclens may not write in ${folder}`;
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EEXIST':
      return 'a temporary file of the same name is in the way (another quiclens writing the same file?)';
    default:
      return fileErrorMessage(err, 'a file');
  }
}
