import type { Argv } from 'yargs';
import { KEYLOG_OPTION } from './common-options.js';
import { isStdin } from './stdin.js';

export interface IndexCommandOptions {
  inputs: string[];
  db?: string;
  parquet?: string;
  keylog: string[];
  port: number[];
  source?: string;
  format: 'table' | 'json' | 'ndjson';
  color: boolean;
  quiet?: boolean;
}

export function withIndexOptions<T>(y: Argv<T>) {
  return y
    .positional('inputs', { describe: 'capture files (pcap, pcapng), qlog files, or folders of them: each file is one capture', type: 'string', array: true, default: [] as string[] })
    .option('db', { describe: 'append the rows to this DuckDB file (created when missing)', type: 'string', requiresArg: true })
    .option('parquet', { describe: 'write the rows as Parquet under this folder: <table>/date=YYYY-MM-DD/source=NAME/<captureId>.parquet', type: 'string', requiresArg: true })
    .option('source', { describe: "the captures' source, their Parquet partition (default: the name of the folder each capture is in)", type: 'string', requiresArg: true })
    .option('keylog', KEYLOG_OPTION)
    .option('port', {
      describe: 'UDP port where QUIC is expected (a hint); repeatable',
      type: 'number',
      requiresArg: true,
      coerce: (v: number | number[] | undefined) => (v === undefined ? [] : [v].flat()),
      default: [] as number[],
    })
    .option('format', { describe: 'what is said of each capture indexed', choices: ['table', 'json', 'ndjson'] as const, requiresArg: true, default: 'table' as const })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true })
    .check((argv) => {
      const a = argv as unknown as IndexCommandOptions;
      if (a.inputs.length === 0) throw new Error('name at least one capture or folder of captures to index');
      if (a.db === undefined && a.parquet === undefined) throw new Error('name where the tables go: --db FILE.duckdb or --parquet DIR (or both)');
      if (a.inputs.some(isStdin)) throw new Error("index reads files: a capture's id is the hash of its bytes, and standard input has no file to hash");
      return true;
    });
}
