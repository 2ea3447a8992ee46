import { access, constants } from 'node:fs/promises';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { fileErrorMessage } from '../wire/file-error.js';
import { InputError } from '../wire/input-issue.js';
import { JOB_ATTEMPTS, QUEUE_NAME, type CaptureJobData, type CaptureJobResult } from './capture-job.js';
import type { WorkerSettings } from './worker-settings.js';

/** What indexing one capture into the Parquet folder gave (the tables' library function, adapted). */
export interface IndexedCapture {
  captureId: string;
  rows: Record<string, number>;
  alreadyIndexed: boolean;
  issues: string[];
}

/**
 * Indexes one capture into the Parquet folder, writing its partition atomically under its
 * content hash; throws InputError when the file is not a capture it can read at all.
 */
export type CaptureIndexer = (path: string, parquetDir: string, keylogs: readonly string[], source: string | undefined) => Promise<IndexedCapture>;

/**
 * A job whose worker died more than this many times is failed rather than tried again: a
 * capture that kills its worker every time (out of memory) must not take the fleet down one by one.
 */
const MAX_STALLED = 2;

/** what a worker tells as it goes, one line per event (the CLI prints them) */
export interface WorkerEvents {
  started(job: Job<CaptureJobData>): void;
  done(job: Job<CaptureJobData>, result: CaptureJobResult): void;
  /** `retryInMs` is undefined when the job failed for good */
  failed(job: Job<CaptureJobData>, reason: string, retryInMs: number | undefined): void;
  /** a job whose worker died was put back in the queue */
  stalled(jobId: string): void;
}

/** this process, as BullMQ records it beside each job (Job.processedBy) */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Runs one capture job. A file this worker cannot open (a missing mount, permissions) is an
 * ordinary error, retried with backoff, perhaps on another machine; a file that is not a
 * readable capture is an UnrecoverableError: trying again cannot help, so it fails at once.
 */
export async function runCaptureJob(data: CaptureJobData, indexer: CaptureIndexer): Promise<CaptureJobResult> {
  const t0 = performance.now();
  for (const file of [data.path, ...data.keylogs]) {
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      throw new Error(`${file}: ${fileErrorMessage(err)} on this worker (${workerName()})`);
    }
  }
  let indexed: IndexedCapture;
  try {
    indexed = await indexer(data.path, data.parquetDir, data.keylogs, data.source);
  } catch (err) {
    if (err instanceof InputError) throw new UnrecoverableError(err.message);
    throw err;
  }
  return { ...indexed, worker: workerName(), ms: Math.round(performance.now() - t0) };
}

/** the delay BullMQ's exponential backoff waits before attempt `made + 1` */
function backoffMs(job: Job<CaptureJobData>): number | undefined {
  const attempts = job.opts.attempts ?? JOB_ATTEMPTS;
  if (job.attemptsMade >= attempts) return undefined;
  const backoff = job.opts.backoff;
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  return typeof backoff === 'object' && backoff.type === 'exponential' ? delay * 2 ** (job.attemptsMade - 1) : delay;
}

/**
 * A BullMQ worker over the capture queue. `connection` is a connected blocking client
 * (redis-connection.ts); the worker makes its own second connection from it for its
 * blocking reads. Close it with `worker.close()` (waits for the jobs running) or
 * `worker.close(true)` (now: their locks run out and another worker takes them).
 */
export function startIndexWorker(connection: Redis, indexer: CaptureIndexer, settings: WorkerSettings, events: WorkerEvents): Worker<CaptureJobData, CaptureJobResult> {
  const worker = new Worker<CaptureJobData, CaptureJobResult>(
    QUEUE_NAME,
    async (job) => {
      events.started(job);
      return runCaptureJob(job.data, indexer);
    },
    {
      connection,
      name: workerName(),
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
    },
  );
  worker.on('completed', (job, result) => events.done(job, result));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const unrecoverable = err instanceof UnrecoverableError || err.name === 'UnrecoverableError';
    events.failed(job, err.message, unrecoverable ? undefined : backoffMs(job));
  });
  worker.on('stalled', (jobId) => events.stalled(jobId));
  return worker;
}
