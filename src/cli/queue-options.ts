import type { Argv } from 'yargs';
import { redisUrlProblem } from '../queue/redis-url.js';
import { DEFAULT_WORKER_SETTINGS } from '../queue/worker-settings.js';
import { KEYLOG_OPTION } from './common-options.js';

// the options of `queue add`, `queue status` and `worker`, apart from the commands: the command
// line loads BullMQ, ioredis and DuckDB only when one of these commands runs

/** `--redis URL`, for queue add, queue status and worker; a URL that cannot be one is a usage error */
export const REDIS_OPTION = {
  describe: 'the Redis server the queue lives in: redis://[user:password@]host[:port][/db] (rediss:// for TLS)',
  type: 'string',
  requiresArg: true,
  demandOption: true,
  coerce: (v: string) => {
    const problem = redisUrlProblem(v);
    if (problem) throw new Error(`--redis: ${problem}`);
    return v;
  },
} as const;

export interface QueueAddOptions {
  inputs: string[];
  redis: string;
  parquet: string;
  keylog: string[];
  source?: string;
  format: 'table' | 'json';
}

export interface QueueStatusOptions {
  redis: string;
  format: 'table' | 'json';
}

export function withQueueAddOptions<T>(y: Argv<T>) {
  return y
    .positional('inputs', { describe: 'capture files (pcap, pcapng), qlog files, or folders of them, at paths every worker can read', type: 'string', array: true, default: [] as string[] })
    .option('redis', REDIS_OPTION)
    .option('parquet', { describe: 'the Parquet folder the workers write into (a path every worker can write)', type: 'string', requiresArg: true, demandOption: true })
    .option('keylog', { ...KEYLOG_OPTION, describe: 'TLS key log the workers decrypt with (a path every worker can read); repeatable' })
    .option('source', { describe: "the captures' source, their Parquet partition (source=NAME); by default the name of the folder each is in", type: 'string', requiresArg: true })
    .option('format', { describe: 'output format', choices: ['table', 'json'] as const, requiresArg: true, default: 'table' as const })
    .check((argv) => {
      if ((argv.inputs as string[]).length === 0) throw new Error('name at least one capture file or folder to queue');
      return true;
    });
}

export function withQueueStatusOptions<T>(y: Argv<T>) {
  return y
    .option('redis', REDIS_OPTION)
    .option('format', { describe: 'output format', choices: ['table', 'json'] as const, requiresArg: true, default: 'table' as const });
}

export interface WorkerOptions {
  redis: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  format: 'text' | 'ndjson';
}

function positiveInteger(name: string, min: number) {
  return (v: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} expects a whole number of at least ${min}${Number.isNaN(v) ? '' : `, got ${v}`}`);
    return v;
  };
}

export function withWorkerOptions<T>(y: Argv<T>) {
  return y
    .option('redis', REDIS_OPTION)
    .option('concurrency', { describe: 'jobs this process runs at once (run one worker per core for CPU-bound indexing)', type: 'number', requiresArg: true, default: DEFAULT_WORKER_SETTINGS.concurrency, coerce: positiveInteger('concurrency', 1) })
    .option('lock-duration', { describe: "milliseconds a job's lock lasts unrenewed: a worker that dies frees its job after this", type: 'number', requiresArg: true, default: DEFAULT_WORKER_SETTINGS.lockDurationMs, coerce: positiveInteger('lock-duration', 100) })
    .option('stalled-interval', { describe: 'milliseconds between checks for jobs whose worker died (BullMQ\'s stalled-job check)', type: 'number', requiresArg: true, default: DEFAULT_WORKER_SETTINGS.stalledIntervalMs, coerce: positiveInteger('stalled-interval', 100) })
    .option('format', { describe: 'log lines: text, or one JSON object per event (for a log shipper)', choices: ['text', 'ndjson'] as const, requiresArg: true, default: 'text' as const });
}

