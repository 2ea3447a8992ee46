import type { Argv } from 'yargs';

export type OutputFormat = 'table' | 'json' | 'ndjson';

/** The options every command shares (design.md, "The command line"). */
export interface CommonOptions {
  inputs: string[];
  keylog: string[];
  port: number[];
  format: OutputFormat;
  connection?: number;
  color: boolean;
}

export function withCommonOptions<T>(y: Argv<T>) {
  return y
    .positional('inputs', {
      describe: 'capture files (pcap, pcapng), recognised by content',
      type: 'string',
      array: true,
      demandOption: true,
    })
    .option('keylog', {
      describe: 'TLS key log (SSLKEYLOGFILE format); repeatable',
      type: 'string',
      array: true,
      default: [] as string[],
    })
    .option('port', {
      describe: 'UDP port where QUIC is expected (a hint: QUIC is found on any port)',
      type: 'number',
      array: true,
      default: [] as number[],
    })
    .option('format', {
      describe: 'output format',
      choices: ['table', 'json', 'ndjson'] as const,
      default: 'table' as const,
    })
    .option('connection', { describe: 'show only this connection (its number)', type: 'number' })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true });
}
