import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { paletteFor } from '../report/colour.js';
import type { CommandIo } from './command-io.js';
import { readKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { packetsCommand, type PacketsOptions } from './packets-command.js';
import { ProblemReporter } from './problems.js';
import { summaryCommand } from './summary-command.js';

/**
 * A worker thread of `--jobs` (each-file.ts): it runs one command over one input file at a
 * time, as the main thread would over that file alone, and sends its output back. Output
 * waits for the main thread's word that the last chunk was taken (printed, kept, or spilled
 * to disk), so a worker running ahead of the file being printed cannot fill memory.
 */

export type EachFileCommand = 'packets' | 'summary';

/** the main thread's request: one file */
export interface FileJob {
  command: EachFileCommand;
  opts: PacketsOptions;
  file: string;
  colour: boolean;
  columns?: number;
}

/** what a worker tells the main thread */
export type WorkerMessage =
  | { kind: 'out'; text: string }
  | { kind: 'err'; text: string }
  | { kind: 'progress'; packets: number; bytesRead?: number }
  | { kind: 'done'; code: number; matched: string[] }
  | { kind: 'failed'; message: string };

const port = parentPort!;
let taken: (() => void) | undefined;

const send = (m: WorkerMessage) => port.postMessage(m);

const toMain = new Writable({
  decodeStrings: false,
  highWaterMark: 1 << 16,
  write(chunk: string | Buffer, _encoding, done) {
    taken = () => done();
    send({ kind: 'out', text: typeof chunk === 'string' ? chunk : chunk.toString('utf8') });
  },
});

port.on('message', (m: { kind: 'taken' } | { kind: 'job'; job: FileJob }) => {
  if (m.kind === 'taken') {
    const t = taken;
    taken = undefined;
    t?.();
    return;
  }
  void run(m.job);
});

async function run(job: FileJob): Promise<void> {
  // the key logs' own problems are the main thread's to tell, once for all files
  const keyLogs = readKeyLogs(job.opts.keylog, new ProblemReporter(() => {}));
  const io: CommandIo = {
    out: new Output(toMain),
    problems: new ProblemReporter((text) => send({ kind: 'err', text })),
    colour: paletteFor(job.colour),
    columns: job.columns,
    input: job.command === 'packets' ? job.file : undefined,
    keyLogs,
    onProgress: (packets, _path, bytesRead) => send({ kind: 'progress', packets, bytesRead }),
  };
  const opts = { ...job.opts, inputs: [job.file] };
  try {
    const code = job.command === 'packets' ? await packetsCommand(opts, io) : await summaryCommand(opts, io);
    // an empty write is called back after every chunk before it was taken: only then is the file done
    await new Promise<void>((resolve) => toMain.write('', () => resolve()));
    send({ kind: 'done', code, matched: [...keyLogs.matched] });
  } catch (err) {
    send({ kind: 'failed', message: (err as Error).message });
  }
}
