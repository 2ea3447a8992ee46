import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';

/**
 * `--jobs N` (packets, summary): each input file analysed on its own, N files at a time in
 * worker threads; `--jobs 0` is one per core. Without it the inputs are one analysis, as
 * design.md has them: a connection may go on from one file into the next, a qlog joins its
 * capture's connection. That meaning is kept: --jobs is asked for, never assumed.
 */
export function withJobsOption<T>(y: Argv<T>) {
  return y.option('jobs', {
    describe: 'analyse each input file on its own, N files at a time in parallel (0: one per core); output in input order',
    type: 'number',
    requiresArg: true,
    coerce: (v: number | undefined) => {
      if (v === undefined) return undefined;
      if (!Number.isInteger(v) || v < 0) throw new Error('--jobs expects a number of files at a time: 1, 2, … (0: one per core)');
      return v === 0 ? availableParallelism() : v;
    },
  });
}

/** what --jobs cannot be combined with, in words; undefined when the options fit */
export function jobsConflict(opts: { jobs?: number; connection?: number; format: string }, command: 'packets' | 'summary'): string | undefined {
  if (opts.jobs === undefined) return undefined;
  if (opts.connection !== undefined) return '--connection numbers the connections of one analysis; with --jobs each file numbers its own: leave one of them out';
  if (command === 'packets' && opts.format === 'json') return "packets --format json is one array held to the end; with --jobs use --format ndjson (each line names its file in 'input')";
  return undefined;
}
