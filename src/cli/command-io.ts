import { palette, type Palette } from '../report/colour.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';
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
  /** told now and then while the inputs are read (the progress line): packets so far, the file being read and its bytes read (a capture's) */
  onProgress?: (packets: number, path: string, bytesRead: number | undefined) => void;
}

export function processIo(opts: { color: boolean }): CommandIo {
  return {
    out: new Output(),
    problems: new ProblemReporter(),
    colour: palette(process.stdout, opts.color),
    columns: terminalWidth(),
  };
}
