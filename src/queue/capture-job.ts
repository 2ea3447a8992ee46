import { createHash } from 'node:crypto';
import type { DefaultJobOptions } from 'bullmq';

/** the BullMQ queue every quiclens worker reads (one per Redis database; see docs/scale.md) */
export const QUEUE_NAME = 'quiclens-index';
/** BullMQ's name for the one kind of job the queue holds */
export const JOB_NAME = 'index-capture';

/** One job: index one capture file into the Parquet tables under `parquetDir`. */
export interface CaptureJobData {
  /** absolute path of the capture, as every worker sees it (a shared mount) */
  path: string;
  /** absolute path of the Parquet folder every worker writes its partitions into */
  parquetDir: string;
  /** the file's size and modification time when it was queued: part of the job id */
  size: number;
  mtimeMs: number;
  /** TLS key logs (absolute paths) the worker decrypts with */
  keylogs: string[];
  /** the partition's `source=` value; absent: the name of the folder the capture is in */
  source?: string;
}

/** What a job's worker returns; BullMQ keeps it beside the completed job. */
export interface CaptureJobResult {
  /** the capture's content hash: its partition's name in every table */
  captureId: string;
  /** rows written per table; empty when the capture was already indexed */
  rows: Record<string, number>;
  /** true when the partition was already there (a retry after a crash, or the same content queued under another path) */
  alreadyIndexed: boolean;
  /** the worker that did it (host:pid) and how long it took */
  worker: string;
  ms: number;
  /** problems found inside the capture that were skipped (the rest was indexed), first few */
  issues: string[];
}

/**
 * The job id: a hash of the capture's absolute path, size and modification time. Adding
 * the same file again finds its job and queues nothing; a file rewritten in place (new
 * size or time) is a new job. Only a stat is needed, not a read, so queueing hundreds of
 * large files is instant; content is deduplicated by the worker, whose partitions are
 * named by the content hash (CaptureJobResult.alreadyIndexed).
 */
export function captureJobId(path: string, size: number, mtimeMs: number): string {
  const h = createHash('sha256').update(`${path}\0${size}\0${Math.trunc(mtimeMs)}`).digest('hex');
  // BullMQ ids are strings that must not be plain integers nor hold ':' (its key separator)
  return `capture-${h.slice(0, 32)}`;
}

/** Retries: how many times a job is tried in all, and the first delay, doubled each time (1 s, 2 s, 4 s, 8 s) */
export const JOB_ATTEMPTS = 5;
export const FIRST_BACKOFF_MS = 1000;
/** finished jobs kept for `queue status` (and to find a file added twice), bounded by count and age */
const KEEP_DONE = { count: 100_000, age: 7 * 24 * 3600 };
const KEEP_FAILED = { count: 100_000, age: 30 * 24 * 3600 };

export const CAPTURE_JOB_OPTIONS: DefaultJobOptions = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: FIRST_BACKOFF_MS },
  removeOnComplete: KEEP_DONE,
  removeOnFail: KEEP_FAILED,
};
