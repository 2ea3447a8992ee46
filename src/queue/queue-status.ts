import type { Queue } from 'bullmq';
import type { CaptureJobData, CaptureJobResult } from './capture-job.js';

/** failed jobs listed one by one, newest first; beyond this they are counted */
const FAILED_SHOWN = 50;

export interface ActiveCapture {
  jobId: string;
  path: string;
  /** host:pid of the worker that holds it (BullMQ's processedBy), null when not recorded */
  worker: string | null;
  /** ISO time the current attempt began */
  startedAt: string | null;
  attempt: number;
}

export interface FailedCapture {
  jobId: string;
  path: string;
  reason: string;
  attempts: number;
  failedAt: string | null;
}

/** `queue status`: what the queue holds now */
export interface QueueStatus {
  queue: string;
  counts: {
    waiting: number;
    active: number;
    /** waiting for a retry's backoff to pass */
    delayed: number;
    done: number;
    failed: number;
  };
  /** rows and packets written by the finished jobs BullMQ still keeps */
  indexed: { captures: number; alreadyIndexed: number; packets: number };
  active: ActiveCapture[];
  failed: FailedCapture[];
  /** failed jobs not listed (more than FAILED_SHOWN) */
  failedNotShown: number;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || ms === 0 ? null : new Date(ms).toISOString();
}

export async function queueStatus(queue: Queue<CaptureJobData, CaptureJobResult>): Promise<QueueStatus> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  const n = (k: string) => c[k] ?? 0;
  const active = await queue.getActive();
  const failed = await queue.getFailed(0, FAILED_SHOWN - 1);
  const indexed = { captures: 0, alreadyIndexed: 0, packets: 0 };
  // the finished jobs' results, read in pages: a queue may keep 100,000 of them
  for (let start = 0; start < n('completed'); start += 1000) {
    for (const job of await queue.getCompleted(start, start + 999)) {
      const r = job.returnvalue as CaptureJobResult | null;
      if (!r) continue;
      indexed.captures++;
      if (r.alreadyIndexed) indexed.alreadyIndexed++;
      indexed.packets += r.rows.packets ?? 0;
    }
  }
  return {
    queue: queue.name,
    counts: { waiting: n('waiting') + n('prioritized'), active: n('active'), delayed: n('delayed'), done: n('completed'), failed: n('failed') },
    indexed,
    active: active
      .filter((j) => j.id !== undefined)
      .map((j) => ({ jobId: j.id!, path: j.data.path, worker: j.processedBy ?? null, startedAt: iso(j.processedOn), attempt: j.attemptsStarted })),
    failed: failed
      .filter((j) => j.id !== undefined)
      .map((j) => ({ jobId: j.id!, path: j.data.path, reason: j.failedReason, attempts: j.attemptsMade, failedAt: iso(j.finishedOn) })),
    failedNotShown: Math.max(0, n('failed') - failed.length),
  };
}
