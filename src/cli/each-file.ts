import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Worker } from 'node:worker_threads';
import { colourOn } from '../report/colour.js';
import type { EachFileCommand, FileJob, WorkerMessage } from './file-worker.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import type { PacketsOptions } from './packets-command.js';
import { ProblemReporter } from './problems.js';
import { isStdin } from './stdin.js';
import { terminalWidth } from './terminal-width.js';
import { jobsConflict } from './jobs-option.js';
import { ProgressLine, progressWanted } from './progress-line.js';

/**
 * a later file's output held in memory up to this; the rest waits in a temporary file
 * (QUICLENS_JOBS_HOLD_BYTES sets it lower, for the tests that prove the spill)
 */
const HOLD_BYTES = Number(process.env.QUICLENS_JOBS_HOLD_BYTES) > 0 ? Number(process.env.QUICLENS_JOBS_HOLD_BYTES) : 8 << 20;
const SPILL_READ = 1 << 20;

interface FileState {
  path: string;
  size: number;
  /** output not yet printed, oldest first: these chunks, then the spill file's unread bytes */
  held: string[];
  heldBytes: number;
  spill?: { path: string; fd: number; written: number; read: number; decoder: StringDecoder };
  /** the worker's last chunk, when it waits for this file's turn to be printed */
  ack?: () => void;
  /** the file's heading (a table) or the comma before it (a JSON array) is printed */
  printedHead?: boolean;
  done: boolean;
  code: number;
  packets: number;
  bytesRead: number;
}

/** `packets --jobs N`, `summary --jobs N` */
export async function jobsCommand(command: EachFileCommand, opts: PacketsOptions & { jobs: number; quiet?: boolean }): Promise<number> {
  const conflict = jobsConflict(opts, command);
  if (conflict) {
    process.stderr.write(`quiclens: ${conflict}\n`);
    return 2;
  }
  return eachFile(command, opts, opts.jobs, progressWanted(process.stderr, opts.quiet) ? new ProgressLine() : undefined);
}

/**
 * `--jobs N`: each input file analysed on its own, one worker thread per file, N at a time;
 * the output printed in input order, each file's as soon as the files before it are
 * printed. A file whose turn has not come keeps its output in memory up to HOLD_BYTES and
 * in a temporary file beyond. A file that cannot be read is reported with its name and
 * the others still run; the exit code is the worst of the files' (2 bad input, 1 a finding
 * asked to fail on).
 */
export async function eachFile(command: EachFileCommand, opts: PacketsOptions, jobs: number, progress?: ProgressLine): Promise<number> {
  const problems = new ProblemReporter();
  for (const path of opts.inputs) {
    const info = isStdin(path) ? undefined : statSync(path, { throwIfNoEntry: false });
    if (isStdin(path) || info?.isFIFO() || info?.isCharacterDevice()) {
      problems.report({ file: path, message: '--jobs reads files, each on its own; a stream is read once, in order: leave --jobs out to read it', fatal: true });
      problems.finish();
      return 2;
    }
  }
  // the key logs are read once here, their problems told once
  const keys = readKeyLogs(opts.keylog, problems);
  const states: FileState[] = [];
  for await (const input of openInputs(opts.inputs, problems)) {
    const size = statSync(input.path, { throwIfNoEntry: false })?.size ?? 0;
    states.push({ path: input.path, size, held: [], heldBytes: 0, done: false, code: 0, packets: 0, bytesRead: 0 });
  }
  progress?.start(states.reduce((n, s) => n + s.size, 0));

  const out = new Output();
  const table = opts.format === 'table';
  const jsonArray = command === 'summary' && opts.format === 'json';
  let printedAny = false;
  let current = 0;
  let spillDir: string | undefined;

  const print = async (st: FileState, text: string) => {
    if (text.length === 0) return;
    if (table && !st.printedHead) {
      out.write(`${printedAny ? '\n' : ''}==> ${st.path} <==\n`);
      st.printedHead = true;
    }
    if (jsonArray && !st.printedHead) {
      out.write(printedAny ? ',\n' : '[\n');
      st.printedHead = true;
    }
    printedAny = true;
    out.write(text);
    await out.drain();
  };

  /** prints the current file's held output, and the next files' in turn as each finishes */
  const pumpOnce = async () => {
    while (current < states.length) {
      const st = states[current]!;
      while (true) {
        const text = st.held.shift();
        if (text !== undefined) {
          st.heldBytes -= text.length;
          await print(st, text);
          continue;
        }
        const spill = st.spill;
        if (spill && spill.read < spill.written) {
          const buf = Buffer.allocUnsafe(Math.min(SPILL_READ, spill.written - spill.read));
          const n = readSync(spill.fd, buf, 0, buf.length, spill.read);
          spill.read += n;
          await print(st, spill.decoder.write(buf.subarray(0, n)));
          continue;
        }
        break;
      }
      const ack = st.ack;
      st.ack = undefined;
      ack?.();
      if (!st.done) return;
      if (st.spill) closeSync(st.spill.fd);
      current++;
    }
  };
  // one pump at a time; a call while it runs makes it look again, and returns when it is through
  let pumping: Promise<void> | undefined;
  let again = false;
  const pump = (): Promise<void> => {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        await pumpOnce();
      } while (again);
      pumping = undefined;
    })();
    return pumping;
  };

  const keep = (index: number, text: string, ack: () => void) => {
    const st = states[index]!;
    if (text.length > 0) {
      if (!st.spill && st.heldBytes + text.length <= HOLD_BYTES) {
        st.held.push(text);
        st.heldBytes += text.length;
      } else {
        if (!st.spill) {
          spillDir ??= mkdtempSync(join(tmpdir(), 'quiclens-jobs-'));
          const path = join(spillDir, `${index}.out`);
          st.spill = { path, fd: openSync(path, 'w+'), written: 0, read: 0, decoder: new StringDecoder('utf8') };
        }
        st.spill.written += writeSync(st.spill.fd, text, st.spill.written, 'utf8');
      }
    }
    // the file being printed waits for its text to be printed; a later one only for it to be kept
    if (index === current) st.ack = ack;
    else ack();
    void pump();
  };

  const finished = new Promise<void>((resolveAll) => {
    let next = 0;
    let running = 0;
    const startWorker = () => {
      if (next >= states.length) {
        if (running === 0) resolveAll();
        return;
      }
      const worker = new Worker(new URL('./file-worker.js', import.meta.url));
      running++;
      let index = -1;
      const take = () => {
        if (next >= states.length) {
          running--;
          void worker.terminate();
          if (running === 0) resolveAll();
          return;
        }
        index = next++;
        const job: FileJob = { command, opts: { ...opts, jobs: undefined }, file: states[index]!.path, colour: colourOn(process.stdout, opts.color), columns: terminalWidth() };
        worker.postMessage({ kind: 'job', job });
      };
      const finish = (code: number) => {
        const st = states[index]!;
        st.done = true;
        st.code = code;
        progress?.update(totalPackets(), totalBytes());
        void pump();
      };
      worker.on('message', (m: WorkerMessage) => {
        const st = states[index]!;
        switch (m.kind) {
          case 'out':
            keep(index, m.text, () => worker.postMessage({ kind: 'taken' }));
            break;
          case 'err':
            progress?.clear();
            process.stderr.write(m.text);
            break;
          case 'progress':
            st.packets = m.packets;
            st.bytesRead = m.bytesRead ?? st.bytesRead;
            progress?.update(totalPackets(), totalBytes());
            break;
          case 'done':
            for (const r of m.matched) keys.matched.add(r);
            finish(m.code);
            take();
            break;
          case 'failed':
            problems.report({ file: st.path, message: `internal error: ${m.message}`, fatal: false });
            finish(70);
            take();
            break;
        }
      });
      worker.on('error', (err) => {
        // the worker itself died (out of memory …): its file is reported, the others go on in a new one
        running--;
        if (index >= 0 && !states[index]!.done) {
          problems.report({ file: states[index]!.path, message: `internal error: ${err.message}`, fatal: false });
          finish(70);
        }
        startWorker();
      });
      take();
    };
    const totalPackets = () => states.reduce((n, s) => n + s.packets, 0);
    const totalBytes = () => states.reduce((n, s) => n + (s.done ? s.size : s.bytesRead), 0);
    const n = Math.max(1, Math.min(jobs, states.length));
    if (states.length === 0) resolveAll();
    for (let i = 0; i < n; i++) startWorker();
  });

  try {
    await finished;
    await pump();
    progress?.end();
    if (jsonArray) out.write(printedAny ? ']\n' : '[]\n');
    await out.flush();
  } finally {
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
  }
  reportUnmatchedKeyLogs(keys, problems);
  problems.finish();
  const codes = [problems.exitCode, ...states.map((s) => s.code)];
  // bad input outranks an internal error, which outranks a finding asked to fail on
  for (const worst of [2, 70, 1]) if (codes.includes(worst)) return worst;
  return 0;
}
