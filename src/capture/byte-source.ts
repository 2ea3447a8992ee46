import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** how many bytes a capture's format is recognised from (sniff-format.ts): a whole pcap file header */
export const HEAD_BYTES = 24;
const FILE_CHUNK = 1 << 20;
/** what a pipe or a file stream hands over at a time (Node's highWaterMark for both) */
const STREAM_CHUNK = 64 * 1024;

/**
 * A capture's bytes, read once from the start to the end: a file, or a pipe (standard
 * input, a FIFO) that cannot seek. The readers read through this, so a capture streams
 * from `tcpdump -w -` as it does from a file.
 */
export interface ByteSource {
  /** the name messages give the input */
  readonly name: string;
  /** the first bytes (up to HEAD_BYTES; fewer when the input is shorter), already known */
  readonly head: Buffer;
  /** the size of read that suits it: large for a file, a pipe's own chunk for a pipe (no big buffer per small read) */
  readonly chunkSize: number;
  /**
   * The next bytes, up to `length`, into `buf` at `offset`: as many as are there now, so a
   * pipe's packets are read as they come; 0 at the end.
   */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** a file, read in order from its start */
export async function fileSource(path: string): Promise<ByteSource> {
  const fh: FileHandle = await open(path, 'r');
  const head = Buffer.alloc(HEAD_BYTES);
  let pos = 0;
  try {
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    return {
      name: path,
      head: head.subarray(0, bytesRead),
      chunkSize: FILE_CHUNK,
      async read(buf, offset, length) {
        const { bytesRead: n } = await fh.read(buf, offset, length, pos);
        pos += n;
        return n;
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * A stream (a pipe, standard input, a FIFO, a device), pulled a chunk at a time: only the
 * chunk being read is held, so memory stays bounded however long the capture runs. Its
 * first bytes are read now, to recognise the format; `read` gives them again first.
 */
export async function streamSource(name: string, stream: Readable): Promise<ByteSource> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let pending: Buffer = Buffer.alloc(0);
  let done = false;
  const pull = async (): Promise<boolean> => {
    if (done) return false;
    const next = await chunks.next();
    if (next.done) {
      done = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'latin1') : next.value;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    return true;
  };
  while (pending.length < HEAD_BYTES && (await pull()));
  const head = Buffer.from(pending.subarray(0, HEAD_BYTES));
  return {
    name,
    head,
    chunkSize: STREAM_CHUNK,
    async read(buf, offset, length) {
      if (pending.length === 0 && !(await pull())) return 0;
      const n = pending.copy(buf, offset, 0, Math.min(length, pending.length));
      pending = pending.subarray(n);
      return n;
    },
    async close() {
      done = true;
      await chunks.return?.();
      stream.destroy();
    },
  };
}

/**
 * The source's bytes as chunks, from its first byte (the head again) to its end, for a
 * reader that takes a byte stream (a qlog arriving on a pipe); the source is closed after.
 */
export async function* sourceChunks(source: ByteSource): AsyncGenerator<Buffer> {
  try {
    while (true) {
      const buf = Buffer.allocUnsafe(source.chunkSize);
      const n = await source.read(buf, 0, buf.length);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    await source.close();
  }
}
