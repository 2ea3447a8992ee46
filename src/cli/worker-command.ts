import type { Job } from 'bullmq';
import type { CaptureJobData, CaptureJobResult } from '../queue/capture-job.js';
import { startIndexWorker, workerName, type CaptureIndexer, type WorkerEvents } from '../queue/index-worker.js';
import { connectRedis, RedisUnavailable } from '../queue/redis-connection.js';
import { redactedUrl } from '../queue/redis-url.js';
import { parquetIndexer } from './capture-indexer.js';
import { Output } from './output.js';
import type { WorkerOptions } from './queue-options.js';

/** a worker that cannot close within this after the last job is released stops anyway */
const CLOSE_DEADLINE_MS = 10_000;

/** what a worker did, told when it stops */
interface Tally {
  done: number;
  failed: number;
}

/** one log line per event: plain words, or NDJSON ({"event": …}, fields as docs/scale.md lists) */
function workerLog(format: WorkerOptions['format'], out: Output, tally: Tally): WorkerEvents {
  const me = workerName();
  const line = (event: string, fields: Record<string, unknown>, text: string) => {
    out.write(format === 'ndjson' ? JSON.stringify({ time: new Date().toISOString(), event, worker: me, ...fields }) + '\n' : `quiclens worker ${me}: ${text}\n`);
    void out.flush();
  };
  const attempt = (job: Job<CaptureJobData>) => `attempt ${job.attemptsStarted} of ${job.opts.attempts ?? 1}`;
  return {
    started: (job) => line('started', { jobId: job.id, path: job.data.path, attempt: job.attemptsStarted }, `started ${job.id} ${job.data.path} (${attempt(job)})`),
    done: (job, r: CaptureJobResult) => {
      tally.done++;
      line(
        'done',
        { jobId: job.id, path: job.data.path, captureId: r.captureId, alreadyIndexed: r.alreadyIndexed, rows: r.rows, ms: r.ms, issues: r.issues },
        r.alreadyIndexed
          ? `done ${job.id} ${job.data.path}: already indexed as capture ${r.captureId}, nothing written (${r.ms} ms)`
          : `done ${job.id} ${job.data.path}: capture ${r.captureId}, ${r.rows.packets ?? 0} packets, ${r.rows.connections ?? 0} connections in ${r.ms} ms${r.issues.length > 0 ? `; ${r.issues.length} problems skipped: ${r.issues[0]}` : ''}`,
      );
    },
    failed: (job, reason, retryInMs) => {
      if (retryInMs === undefined) tally.failed++;
      line(
        'failed',
        { jobId: job.id, path: job.data.path, attempt: job.attemptsMade, reason, retryInMs: retryInMs ?? null },
        `failed ${job.id} ${job.data.path} (${attempt(job)}): ${reason}; ${retryInMs === undefined ? 'failed for good' : `tried again in ${retryInMs / 1000} s`}`,
      );
    },
    stalled: (jobId) => line('stalled', { jobId }, `${jobId}: its worker stopped mid-job (its lock ran out): back in the queue`),
  };
}

/**
 * `quiclens worker --redis URL`: takes capture jobs from the queue and indexes each into its
 * Parquet partition until told to stop. SIGTERM or SIGINT: no new job is taken and the jobs
 * running finish; a second signal stops at once, and those jobs are taken again by another
 * worker once their lock runs out. Exit 2 when Redis cannot be reached or is lost for good.
 */
export async function workerCommand(opts: WorkerOptions, indexer: CaptureIndexer = parquetIndexer): Promise<number> {
  let client;
  try {
    client = await connectRedis(opts.redis, { blocking: true });
  } catch (err) {
    if (!(err instanceof RedisUnavailable)) throw err;
    process.stderr.write(`quiclens: ${err.message}\n`);
    return 2;
  }
  const out = new Output();
  const settings = { concurrency: opts.concurrency, lockDurationMs: opts.lockDuration, stalledIntervalMs: opts.stalledInterval };
  const tally: Tally = { done: 0, failed: 0 };
  const worker = startIndexWorker(client, indexer, settings, workerLog(opts.format, out, tally));
  const told = new Set<string>();
  // BullMQ reports trouble with Redis here (unheard, Node would end the process on it); each kind once
  worker.on('error', (err) => {
    if (told.has(err.message)) return;
    told.add(err.message);
    process.stderr.write(`quiclens worker: ${err.message}\n`);
  });
  process.stderr.write(`quiclens worker ${workerName()}: waiting for jobs on ${redactedUrl(opts.redis)} (concurrency ${opts.concurrency})\n`);
  const code = await new Promise<number>((done) => {
    let stopping = false;
    const stop = (force: boolean, code: number) => {
      const deadline = setTimeout(() => {
        client.disconnect();
        done(code);
      }, CLOSE_DEADLINE_MS);
      deadline.unref();
      void worker
        .close(force)
        .catch(() => undefined)
        .then(() => client.quit())
        .catch(() => client.disconnect())
        .finally(() => {
          clearTimeout(deadline);
          done(code);
        });
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`quiclens worker: ${signal} again: stopping now; the jobs running go back to the queue when their lock runs out\n`);
        stop(true, 130);
        return;
      }
      stopping = true;
      process.stderr.write(`quiclens worker: ${signal}: taking no new job, finishing the ones running (${signal} again to stop now)\n`);
      stop(false, 0);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    client.once('end', () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`quiclens worker: lost Redis at ${redactedUrl(opts.redis)} and could not reconnect: stopping\n`);
      stop(true, 2);
    });
  });
  await out.flush();
  // the process's own CPU time: what a bench or an operator sizing a fleet wants to know
  const cpu = process.cpuUsage();
  process.stderr.write(`quiclens worker ${workerName()}: stopped: ${tally.done} jobs done, ${tally.failed} failed, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`);
  return code;
}
