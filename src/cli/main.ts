import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { withCommonOptions, withFailOnOption, withOutputOptions, type CommonOptions } from './common-options.js';
import { checkCommand, withCheckOptions } from './check-command.js';
import { crosscheckCommand, withCrosscheckOptions } from './crosscheck-command.js';
import { exportQlogCommand, withExportOptions } from './export-command.js';
import { lbCheckCommand, withLbCheckOptions } from './lb-command.js';
import { lbDecodeCommand, withLbDecodeOptions } from './lb-decode-command.js';
import { migrationsCommand } from './migrations-command.js';
import { recoveryCommand } from './recovery-command.js';
import { streamsCommand } from './streams-command.js';
import { timelineCommand } from './timeline-command.js';
import { packetsCommand } from './packets-command.js';
import { reportCommand, withReportOptions } from './report-command.js';
import { COMMANDS, nearestCommand, subcommandProblem } from './nearest-command.js';
import { STDIN_PATH } from './stdin.js';
import { summaryCommand, withSummaryOptions, type SummaryOptions } from './summary-command.js';
import { setQuiet } from './notes.js';
import { OutputFile, redirectOutput, sameFile } from './output.js';
import { withFieldsOptions, withFilterOption } from './select-options.js';
import { CONNECTION_SPACE, PACKET_SPACE } from '../report/select/field-names.js';
import { jobsCommand } from './each-file.js';
import { withJobsOption } from './jobs-option.js';
import type { PacketsOptions } from './packets-command.js';
import { withIndexOptions, type IndexCommandOptions } from './index-options.js';
import { withQueryOptions, type QueryOptions } from './query-options.js';
import { needingPackage } from './optional-package.js';
import { withQueueAddOptions, withQueueStatusOptions, withWorkerOptions, type QueueAddOptions, type QueueStatusOptions, type WorkerOptions } from './queue-options.js';

/** the package's version, put in by the build (tsup.config.ts) */
declare const QUICLENS_VERSION: string;

/** index, query and worker need DuckDB, an optional dependency: their modules load when they run */
const DUCKDB = '@duckdb/node-api';
const indexCommand = needingPackage<IndexCommandOptions>(DUCKDB, async () => (await import('./index-command.js')).indexCommand);
const queryCommand = needingPackage<QueryOptions>(DUCKDB, async () => (await import('./query-command.js')).queryCommand);

/** summary and packets read each file on its own with --jobs (each-file.ts) */
function orEachFile<T extends { jobs?: number }>(command: 'packets' | 'summary', handler: (opts: T) => Promise<number>): (opts: T) => Promise<number> {
  return (opts) => (opts.jobs === undefined ? handler(opts) : jobsCommand(command, { ...(opts as unknown as PacketsOptions), jobs: opts.jobs }));
}

type Handler<T = CommonOptions> = (opts: T) => Promise<number>;

/** the options of every command that name files it reads: --output must not be one of them */
const READ_OPTIONS = ['inputs', 'capture', 'qlogs', 'configs', 'config', 'keylog', 'lb'] as const;

/** `--output FILE` opened before the command runs (a path that cannot be written is a usage error), or undefined for stdout */
function openOutput(argv: Record<string, unknown>): OutputFile | undefined {
  const path = argv.output;
  // `-o -` is stdout, as for tcpdump's -w - (the `-` was renamed with the inputs' before parsing)
  if (typeof path !== 'string' || path === STDIN_PATH) return undefined;
  const read = READ_OPTIONS.flatMap((k) => [argv[k]].flat().filter((v): v is string => typeof v === 'string'));
  const input = read.find((f) => sameFile(f, path));
  if (input !== undefined) usageError(`--output ${path} is also an input (${input}): it would be overwritten`);
  const file = OutputFile.open(path);
  if (typeof file !== 'string') return file;
  // not a usage mistake, a file that cannot be written: said plainly, exit 2 as for an input that cannot be read
  process.stderr.write(`quiclens: --output ${path}: cannot write it: ${file}\n`);
  process.exit(2);
}

/**
 * Runs a command; an unexpected error is a bug, reported in one line with a hint to file it.
 * `ownOutput`: the command writes its one file itself (report), so --output is left to it.
 */
function run<T>(handler: Handler<T>, ownOutput = false) {
  return async (argv: T) => {
    const a = argv as T & Record<string, unknown>;
    setQuiet(a.quiet === true);
    const file = ownOutput ? undefined : openOutput(a);
    if (file) redirectOutput(file);
    try {
      let code = await handler(argv);
      const problem = file?.commit();
      if (problem) {
        process.stderr.write(`quiclens: --output ${file!.path}: cannot write it: ${problem}; nothing was written\n`);
        code = 2;
      }
      process.exitCode = code;
    } catch (err) {
      file?.discard();
      const e = err as Error;
      process.stderr.write(`quiclens: internal error: ${e.message}\n`);
      if (process.env.QUICLENS_DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exitCode = 70;
    }
  };
}

/**
 * yargs lays out a command's whole help text each time the command runs, in case a later
 * failure wants to print it: about 80 ms of a run's CPU, for a text our own failure handler
 * (.fail below) never prints. The one hook there is for it is internal, so it is looked for
 * and, where a yargs release lacks it, left alone.
 */
function skipHelpCache(cli: unknown): void {
  const internal = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** a usage error in one line, as yargs' own are told (exit 2) */
function usageError(message: string): never {
  process.stderr.write(`quiclens: ${message}\nRun 'quiclens --help' for usage.\n`);
  process.exit(2);
}

/** yargs' usage messages in our words: an option without its value, options a command does not use */
function plainUsage(msg: string): string {
  const missing = msg.match(/^Not enough arguments following: (\S+)$/);
  if (missing) return `--${missing[1]} needs a value`;
  const unknown = msg.match(/^Unknown arguments?: (.*)$/);
  if (unknown) {
    // yargs names each unknown option twice (fail-on, failOn): the one the user typed is kept
    const typed = unknown[1]!.split(', ').filter((name) => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`));
    const words = args.filter((a) => !a.startsWith('-'));
    const command = !(COMMANDS as readonly string[]).includes(words[0] ?? '') ? 'summary' : words.slice(0, words[0] === 'lb' || words[0] === 'export' || words[0] === 'queue' ? 2 : 1).join(' ');
    if (typed.length > 0) {
      const names = typed.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(', ');
      return `${typed.length === 1 ? 'option' : 'options'} ${names} ${typed.length === 1 ? 'is' : 'are'} not used by '${command}' (see 'quiclens ${command} --help')`;
    }
  }
  return msg;
}

// `-` is standard input, as in tcpdump and tshark; yargs drops a bare `-`, so it is renamed
// before parsing (only an argument that is `-` alone, never an option's value that starts so)
const args = hideBin(process.argv).map((a) => (a === '-' ? STDIN_PATH : a));
const first = args.find((a) => !a.startsWith('-'));
// the default command takes inputs, so a mistyped command would otherwise be read as a file
const meant = first === args[0] && first !== undefined ? nearestCommand(first) : undefined;
if (meant) usageError(`unknown command '${first}': did you mean '${meant}'?`);
const subProblem = args[0] === undefined ? undefined : subcommandProblem(args[0], args[1]);
if (subProblem) usageError(subProblem);

const cli = yargs(args);
skipHelpCache(cli);
await withOutputOptions(cli)
  .scriptName('quiclens')
  .usage('$0 <command> <inputs...> [options]\n\nQUIC packet and handshake analyzer for captures (pcap, pcapng) and endpoint logs (qlog).')
  .command(
    ['summary [inputs...]', '$0 [inputs...]'],
    'one row per QUIC connection (the default command)',
    (y) => withJobsOption(withSummaryOptions(withFieldsOptions(withFilterOption(withFailOnOption(withCommonOptions(y)), CONNECTION_SPACE), CONNECTION_SPACE))),
    run(orEachFile('summary', (o: SummaryOptions & { jobs?: number }) => summaryCommand(o))) as never,
  )
  .command(
    'packets [inputs...]',
    'one row per QUIC packet: frame, time, connection, direction, type, packet number, CIDs, length',
    (y) => withJobsOption(withFieldsOptions(withFilterOption(withCommonOptions(y), PACKET_SPACE), PACKET_SPACE)).option('wide', { describe: 'the table cuts nothing: full CIDs, addresses and every frame (rows as wide as they need)', type: 'boolean', default: false }),
    run(orEachFile('packets', (o: PacketsOptions) => packetsCommand(o))) as never,
  )
  .command(
    'timeline [inputs...]',
    "each connection's handshake as a ladder diagram between client and server, with times and round trips",
    (y) => withFilterOption(withFailOnOption(withCommonOptions(y)), CONNECTION_SPACE).option('explain', { describe: 'one plain sentence per event, for people learning QUIC', type: 'boolean', default: false }),
    run(timelineCommand) as never,
  )
  .command(
    'migrations [inputs...]',
    'every path change of every connection: its kind, the PATH_CHALLENGE/RESPONSE pairs, the verdict',
    (y) => withFilterOption(withFailOnOption(withCommonOptions(y)), CONNECTION_SPACE),
    run(migrationsCommand) as never,
  )
  .command(
    'recovery [inputs...]',
    'per connection and sender: packets lost after and before the capture point, retransmitted bytes, RTT legs, bytes in flight, flow-control waits',
    (y) => withCommonOptions(y),
    run(recoveryCommand) as never,
  )
  .command(
    'streams [inputs...]',
    "each connection's streams: who opened them, bytes each way, how they ended, head-of-line waits, and what TCP would have done",
    (y) => withCommonOptions(y),
    run(streamsCommand) as never,
  )
  .command(
    'check [inputs...]',
    "the QUIC interop runner's test cases (--expect handshake,retry,…) as pass/fail verdicts per capture, for CI: table, json or junit",
    (y) => withCheckOptions(y),
    run(checkCommand) as never,
  )
  .command('export <command>', 'write a capture in another format', (y) =>
    y
      .command(
        'qlog [inputs...]',
        'a qlog file (JSON-SEQ, qlog 0.3, as qvis reads) per connection and vantage point',
        (c) => withExportOptions(c),
        run(exportQlogCommand) as never,
      )
      .demandCommand(1, 'name an export format: qlog'),
  )
  .command(
    'crosscheck <capture> <qlogs...>',
    "the endpoints' qlogs against the capture of the same run: packets logged but not captured, captured but not logged, and fields that disagree",
    (y) => withCrosscheckOptions(y),
    run(crosscheckCommand) as never,
  )
  .command('lb <command>', 'load-balancer configs: would they keep a migrating QUIC client on its backend?', (y) =>
    y
      .command(
        'check <configs...>',
        'per QUIC listener: what it routes by, and whether a port change, an address change or a move to the preferred address survives',
        (c) => withLbCheckOptions(c),
        run(lbCheckCommand) as never,
      )
      .command(
        'decode [cids...]',
        'the server ID a QUIC-LB balancer reads from each connection ID; with --capture, whether each connection\'s CIDs lead to one server',
        (c) => withLbDecodeOptions(c),
        run(lbDecodeCommand) as never,
      )
      .demandCommand(1, 'name an lb command: check or decode'),
  )
  .command(
    'report [inputs...]',
    'one self-contained HTML file (--out) that shows the inputs: connections, handshake ladders, migrations, streams, loss and RTT, findings, every packet',
    (y) => withReportOptions(y),
    run(reportCommand, true) as never,
  )
  .command(
    'index [inputs...]',
    'captures into tables: a DuckDB file (--db) or Parquet partitions (--parquet), one capture per file, never twice (docs/tables.md)',
    (y) => withIndexOptions(y),
    run(indexCommand) as never,
  )
  .command(
    'query <sql>',
    'SQL over the tables index wrote (--db FILE or --parquet DIR): a table, JSON, NDJSON or CSV (docs/tables.md)',
    (y) => withQueryOptions(y),
    run(queryCommand) as never,
  )
  .command('queue <command>', 'the job queue (BullMQ over Redis) that spreads indexing over workers on many machines (docs/scale.md)', (y) =>
    y
      .command(
        'add [inputs...]',
        'one job per capture file (a folder gives its captures) for the workers to index into --parquet DIR; a file already queued is not queued again',
        (c) => withQueueAddOptions(c),
        run(async (o: QueueAddOptions) => (await import('./queue-command.js')).queueAddCommand(o)) as never,
      )
      .command('status', 'jobs done, failed (with the reason), waiting and running', (c) => withQueueStatusOptions(c), run(async (o: QueueStatusOptions) => (await import('./queue-command.js')).queueStatusCommand(o)) as never)
      .demandCommand(1, 'name a queue command: add or status'),
  )
  .command(
    'worker',
    'take capture jobs from the queue and index each into its Parquet partition, until SIGTERM or Ctrl-C (docs/scale.md)',
    (y) => withWorkerOptions(y),
    run(needingPackage<WorkerOptions>(DUCKDB, async () => (await import('./worker-command.js')).workerCommand)) as never,
  )
  .example('$0 packets capture.pcapng --format ndjson', 'every QUIC packet as one JSON object per line')
  .example('$0 summary capture.pcap --port 4433', 'connections, with a hint that QUIC runs on 4433')
  .example('$0 summary *.pcap --by sni --top 10', 'a fleet at a glance: the ten SNIs with the most connections, their handshake times and findings')
  .example('$0 summary capture.pcap --format conn', 'one line per connection for a SIEM (TSV with a Zeek-style header)')
  .example(`$0 packets capture.pcap --filter 'frames.type == "path_challenge"' --fields frame,src,dst`, 'only the packets that probe a path, three columns (docs/filter.md)')
  .example('$0 report capture.pcap --keylog keys.log --out report.html', 'one HTML page to open in a browser or hand to a colleague')
  .example('$0 check run.pcap --keylog keys.log --expect handshake,retry --format junit', "the interop runner's verdicts as JUnit XML; exit 1 when a case fails")
  .example('$0 lb check nginx.conf --format sarif', 'load-balancer verdicts for code scanning; exit 1 when a migration would break')
  .strict()
  .help()
  .alias('h', 'help')
  .version(QUICLENS_VERSION)
  .wrap(Math.min(100, process.stdout.columns ?? 100))
  .fail((msg, err) => {
    // usage errors, including an option value that fails its check, in one line
    usageError(plainUsage(msg ?? err?.message ?? 'usage error'));
  })
  .parseAsync();
