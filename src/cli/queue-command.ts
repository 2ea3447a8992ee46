import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { addCaptures, captureQueue, type CaptureToQueue, type QueuedCapture } from '../queue/add-captures.js';
import type { CaptureJobData, CaptureJobResult } from '../queue/capture-job.js';
import { queueStatus, type QueueStatus } from '../queue/queue-status.js';
import { connectRedis, RedisUnavailable } from '../queue/redis-connection.js';
import { fileErrorMessage } from '../wire/file-error.js';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { openInputs } from './inputs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';
import type { QueueAddOptions, QueueStatusOptions } from './queue-options.js';
import { isStdin } from './stdin.js';

/** connected, or the reason told on stderr (exit 2) */
async function connect(url: string): Promise<Redis | undefined> {
  try {
    return await connectRedis(url, { blocking: false });
  } catch (err) {
    if (!(err instanceof RedisUnavailable)) throw err;
    process.stderr.write(`quiclens: ${err.message}\n`);
    return undefined;
  }
}

/** runs `use` over the capture queue, then closes the queue and the connection whatever happens */
async function withQueue<T>(client: Redis, use: (queue: Queue<CaptureJobData, CaptureJobResult>) => Promise<T>): Promise<T> {
  const queue = captureQueue(client) as Queue<CaptureJobData, CaptureJobResult>;
  try {
    return await use(queue);
  } finally {
    await queue.close();
    await client.quit().catch(() => client.disconnect());
  }
}

/**
 * The capture and qlog files among the inputs (as `quiclens index` takes them), with their
 * size and time. A job is a path every worker opens on its own, so standard input and FIFOs
 * are refused.
 */
async function capturesToQueue(inputs: readonly string[], problems: ProblemReporter): Promise<CaptureToQueue[]> {
  const out: CaptureToQueue[] = [];
  const files: string[] = [];
  for (const path of inputs) {
    const info = isStdin(path) ? undefined : await stat(path).catch(() => undefined);
    if (isStdin(path) || info?.isFIFO() || info?.isCharacterDevice()) {
      problems.report({ file: path, message: 'a queued job is a file each worker opens on its own; a stream is read once: save it to a file first', fatal: true });
    } else files.push(path);
  }
  for await (const input of openInputs(files, problems)) {
    const path = resolve(input.path);
    try {
      const info = await stat(path);
      if (!info.isFile()) continue;
      out.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    } catch (err) {
      problems.report({ file: input.path, message: fileErrorMessage(err, 'a capture file'), fatal: true });
    }
  }
  return out;
}

/** `quiclens queue add INPUT… --redis URL --parquet DIR`: one job per capture file */
export async function queueAddCommand(opts: QueueAddOptions): Promise<number> {
  const problems = new ProblemReporter();
  const parquetDir = resolve(opts.parquet);
  const dirInfo = await stat(parquetDir).catch(() => undefined);
  if (dirInfo && !dirInfo.isDirectory()) {
    process.stderr.write(`quiclens: --parquet ${opts.parquet}: is a file, expected a folder for the Parquet tables\n`);
    return 2;
  }
  const keylogs: string[] = [];
  for (const k of opts.keylog) {
    const info = await stat(k).catch((err: unknown) => err as Error);
    if (info instanceof Error || !info.isFile()) problems.report({ file: k, message: info instanceof Error ? fileErrorMessage(info, 'a key log') : 'expected a key log file', fatal: true });
    else keylogs.push(resolve(k));
  }
  const files = await capturesToQueue(opts.inputs, problems);
  if (files.length === 0) {
    problems.finish();
    process.stderr.write('quiclens: no capture to queue\n');
    return 2;
  }
  const client = await connect(opts.redis);
  if (!client) return 2;
  const queued = await withQueue(client, (queue) => addCaptures(queue, files, parquetDir, keylogs, opts.source));
  const out = new Output();
  out.write(opts.format === 'json' ? JSON.stringify(queueAddJson(queued, parquetDir), null, 2) + '\n' : queueAddText(queued));
  await out.flush();
  problems.finish();
  return problems.exitCode;
}

export function queueAddJson(queued: readonly QueuedCapture[], parquetDir: string) {
  return { parquet: parquetDir, queued: queued.filter((q) => q.state === 'queued').length, jobs: queued.map((q) => ({ path: q.path, jobId: q.jobId, state: q.state })) };
}

function queueAddText(queued: readonly QueuedCapture[]): string {
  const fresh = queued.filter((q) => q.state === 'queued');
  const lines = queued.map((q) => (q.state === 'queued' ? `queued   ${q.path}` : `already in the queue (${q.state}), not queued again: ${q.path}`));
  const already = queued.length - fresh.length;
  lines.push(`${fresh.length} of ${queued.length} captures queued${already > 0 ? ` (${already} already in the queue)` : ''}`);
  return lines.join('\n') + '\n';
}

/** `quiclens queue status --redis URL`: counts, the jobs running, the failed ones with their reasons */
export async function queueStatusCommand(opts: QueueStatusOptions): Promise<number> {
  const client = await connect(opts.redis);
  if (!client) return 2;
  const status = await withQueue(client, queueStatus);
  const out = new Output();
  out.write(opts.format === 'json' ? JSON.stringify(status, null, 2) + '\n' : queueStatusText(status));
  await out.flush();
  return 0;
}

export function queueStatusText(s: QueueStatus): string {
  const c = s.counts;
  const lines = [
    `queue ${s.queue}: ${c.done} done, ${c.failed} failed, ${c.waiting} waiting, ${c.active} active, ${c.delayed} waiting to be retried`,
    `indexed: ${s.indexed.captures} captures (${s.indexed.alreadyIndexed} of them already indexed before), ${s.indexed.packets} packets`,
  ];
  if (s.active.length > 0) {
    const t = new Table({ head: ['active job', 'capture', 'worker', 'started', 'attempt'], style: { head: [], border: [] } });
    for (const a of s.active) t.push([a.jobId, a.path, a.worker ?? 'unknown', a.startedAt ?? 'unknown', a.attempt]);
    lines.push(t.toString());
  }
  if (s.failed.length > 0) {
    const t = new Table({ head: ['failed job', 'capture', 'attempts', 'failed at', 'reason'], style: { head: [], border: [] }, wordWrap: true, colWidths: [null, null, null, null, 60] as number[] });
    for (const f of s.failed) t.push([f.jobId, f.path, f.attempts, f.failedAt ?? 'unknown', f.reason]);
    lines.push(t.toString());
    if (s.failedNotShown > 0) lines.push(`${s.failedNotShown} more failed jobs not shown`);
  }
  return lines.join('\n') + '\n';
}
