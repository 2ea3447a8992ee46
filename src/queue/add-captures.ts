import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CAPTURE_JOB_OPTIONS, JOB_NAME, QUEUE_NAME, captureJobId, type CaptureJobData } from './capture-job.js';

/** a capture file to queue, as `queue add` found it */
export interface CaptureToQueue {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface QueuedCapture {
  path: string;
  jobId: string;
  /** `queued`, or the state of the job already there for this file (`completed`, `waiting`, `failed`, …) */
  state: string;
}

/** the queue of capture jobs on a connected client (closing it leaves the client open) */
export function captureQueue(connection: Redis): Queue<CaptureJobData> {
  return new Queue<CaptureJobData>(QUEUE_NAME, { connection, defaultJobOptions: CAPTURE_JOB_OPTIONS });
}

/**
 * Queues one job per capture, by its job id (capture-job.ts): a file whose job is already
 * in the queue (waiting, running, done or failed) is not queued again, and its state is
 * returned instead.
 */
export async function addCaptures(queue: Queue<CaptureJobData>, files: readonly CaptureToQueue[], parquetDir: string, keylogs: readonly string[], source?: string): Promise<QueuedCapture[]> {
  const out: QueuedCapture[] = [];
  const fresh: { name: string; data: CaptureJobData; opts: { jobId: string } }[] = [];
  for (const file of files) {
    const jobId = captureJobId(file.path, file.size, file.mtimeMs);
    const state = await queue.getJobState(jobId);
    if (state !== 'unknown') {
      out.push({ path: file.path, jobId, state });
      continue;
    }
    fresh.push({ name: JOB_NAME, data: { path: file.path, parquetDir, size: file.size, mtimeMs: file.mtimeMs, keylogs: [...keylogs], ...(source === undefined ? {} : { source }) }, opts: { jobId } });
    out.push({ path: file.path, jobId, state: 'queued' });
  }
  if (fresh.length > 0) await queue.addBulk(fresh);
  return out;
}
