import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import type { InputIssue } from '../wire/input-issue.js';

export type OutputFormat = 'table' | 'json' | 'ndjson';

/** The options every command shares (design.md, "The command line"). */
export interface CommonOptions {
  inputs: string[];
  keylog: string[];
  port: number[];
  format: OutputFormat;
  connection?: number;
  color: boolean;
  /** exit 1 when a finding of at least this severity is present */
  failOn?: 'info' | 'warning' | 'error';
  /** --fail-on counts inferred findings too, not only proven ones */
  failOnInferred?: boolean;
  /** --quiet: no notes or progress on stderr (errors still); every command has it (withOutputOptions) */
  quiet?: boolean;
  /** --output FILE: the output goes there instead of stdout (main.ts opens it before the command runs) */
  output?: string;
}

/**
 * `--keylog FILE`, repeatable. A repeatable option takes one value each time (`--keylog a
 * --keylog b`): an array option would also swallow the input files that follow it.
 */
export const KEYLOG_OPTION = {
  describe: 'TLS key log (SSLKEYLOGFILE format); repeat for several',
  type: 'string',
  requiresArg: true,
  coerce: (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat()),
  default: [] as string[],
} as const;

/** --connection names a connection the inputs do not hold: said, and the run fails (exit 2) */
export function missingConnection(wanted: number | undefined, connections: readonly { id: number }[]): InputIssue | undefined {
  if (wanted === undefined || connections.some((c) => c.id === wanted)) return undefined;
  const held = connections.length === 0 ? 'none' : connections.length === 1 ? 'only connection 1' : `connections 1 to ${connections.length}`;
  return { file: 'the command line', message: `--connection ${wanted}: the inputs hold ${held}`, fatal: true };
}

export function withCommonOptions<T>(y: Argv<T>) {
  return y
    .positional('inputs', {
      describe: 'capture files (pcap, pcapng) and qlog files or folders of them, recognised by content',
      type: 'string',
      array: true,
      default: [] as string[],
    })
    .option('qlog-dir', {
      describe: 'a folder of qlog files, one trace per file (a folder named as an input is read the same way); repeatable',
      type: 'string',
      requiresArg: true,
      coerce: (v: string | string[] | undefined) => {
        const dirs = v === undefined ? [] : [v].flat();
        // a FIFO named as a folder of qlogs is a mistake, and reading it would wait for a writer
        for (const d of dirs) {
          const info = statSync(d, { throwIfNoEntry: false });
          if (info && !info.isDirectory() && !info.isFile()) throw new Error(`--qlog-dir expects a folder of qlog files; ${d} is ${info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device'}`);
        }
        return dirs;
      },
      default: [] as string[],
    })
    // the folders join the inputs, so every command reads them as it reads files
    .middleware((argv) => {
      const a = argv as unknown as { inputs: string[]; qlogDir: string[] };
      a.inputs = [...(a.inputs ?? []), ...(a.qlogDir ?? [])];
    })
    .check((argv) => {
      if ((argv.inputs as string[]).length === 0) throw new Error('name at least one input: a capture, a qlog file, or a folder of qlogs (--qlog-dir)');
      return true;
    })
    .option('keylog', KEYLOG_OPTION)
    .option('port', {
      describe: 'UDP port where QUIC is expected (a hint: QUIC is found on any port); repeatable',
      type: 'number',
      requiresArg: true,
      coerce: (v: number | number[] | undefined) => {
        const ports = v === undefined ? [] : [v].flat();
        for (const p of ports) {
          if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--port expects a UDP port number (0-65535)${Number.isNaN(p) ? '' : `, got ${p}`}`);
        }
        return ports;
      },
      default: [] as number[],
    })
    .option('format', {
      describe: 'output format',
      choices: ['table', 'json', 'ndjson'] as const,
      requiresArg: true,
      default: 'table' as const,
    })
    .option('connection', {
      describe: 'show only this connection (its number)',
      type: 'number',
      requiresArg: true,
      coerce: (v: number | undefined) => {
        if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error('--connection expects a connection number: 1, 2, …');
        return v;
      },
    })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true });
}

/**
 * `--fail-on`, for the commands that report findings (summary, timeline, migrations): a
 * command that does not judge findings refuses it as a usage error, so a CI job that
 * asks `packets` to fail does not pass silently.
 */
export function withFailOnOption<T>(y: Argv<T>) {
  return y.option('fail-on', {
    describe: 'exit with code 1 when a finding of at least this severity is present (for CI)',
    choices: ['info', 'warning', 'error'] as const,
    requiresArg: true,
  }).option('fail-on-inferred', {
    describe: 'with --fail-on, count findings inferred from what the headers show, not only proven ones',
    type: 'boolean',
    default: false,
  });
}

/**
 * `--output FILE` and `--quiet`, for every command (given once, at the top of the command
 * line's definition, so each command has them). A command reads `quiet` from its options
 * or from notes.ts's isQuiet(); the output file is opened and redirected before it runs.
 */
export function withOutputOptions<T>(y: Argv<T>) {
  return y
    .option('output', {
      alias: 'o',
      describe: 'write the output to this file instead of stdout; it appears whole when the command ends (written beside it, then renamed)',
      type: 'string',
      requiresArg: true,
    })
    .option('quiet', {
      alias: 'q',
      describe: 'no notes or progress on stderr; errors and problems with the inputs are still told',
      type: 'boolean',
      default: false,
    });
}
