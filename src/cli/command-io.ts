import { statSync } from 'node:fs';
import { palette, type Palette } from '../report/colour.js';
import type { KeyLogFiles } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';
import { inputBytes, ProgressLine, progressWanted } from './progress-line.js';
import { terminalWidth } from './terminal-width.js';

/**
 * Where a command writes and how its output looks. Run in the main thread this is the
 * process's own stdout and stderr; run in a worker over one file (`--jobs`) the output goes
 * to the main thread, which prints the files in input order, and the colour and width are
 * the main thread's terminal's.
 */
export interface CommandIo {
  out: Output;
  problems: ProblemReporter;
  colour: Palette;
  /** the terminal's width (terminal-width.ts) */
  columns?: number;
  /** each input analysed on its own (--jobs): the file this run reads, named in each packet's JSON */
  input?: string;
  /**
   * the key logs, already read (--jobs: the main thread reads them once, reports their
   * problems once, and says which matched no connection of any file); unset, the command reads them
   */
  keyLogs?: KeyLogFiles;
  /** told now and then while the inputs are read (the progress line): packets so far, the file being read and its bytes read (a capture's) */
  onProgress?: (packets: number, path: string, bytesRead: number | undefined) => void;
  /** the reading is over: the progress line is erased */
  readDone?: () => void;
}

export function processIo(opts: { color: boolean; inputs?: string[]; quiet?: boolean }): CommandIo {
  const out = new Output();
  const io: CommandIo = {
    out,
    problems: new ProblemReporter(),
    // the stream written to: stdout, or the file --output names (which has no colour)
    colour: palette(out.stream, opts.color),
    columns: terminalWidth(out.stream),
  };
  if (!progressWanted(process.stderr, opts.quiet)) return io;
  const line = new ProgressLine();
  line.start(inputBytes(opts.inputs ?? []));
  // a file is counted whole once the next one is being read
  let file: string | undefined;
  let before = 0;
  return {
    ...io,
    problems: new ProblemReporter((s) => {
      line.clear();
      process.stderr.write(s);
    }),
    onProgress: (packets, path, bytesRead) => {
      if (path !== file) {
        if (file !== undefined) before += statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        file = path;
      }
      line.update(packets, before + (bytesRead ?? 0));
    },
    readDone: () => line.end(),
  };
}

/** a capture's bytes read so far; a qlog does not count them */
export function bytesRead(file: { stats: object }): number | undefined {
  return (file.stats as { bytesRead?: number }).bytesRead;
}
