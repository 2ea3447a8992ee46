import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCaptureToDb } from '../../src/cli/index-capture.js';
import { captureQueue } from '../../src/queue/add-captures.js';
import type { CaptureJobData } from '../../src/queue/capture-job.js';
import { connectRedis } from '../../src/queue/redis-connection.js';
import { REPO } from '../support/captures.js';
import { redisServerInstalled, startRedis, type RedisServer } from '../support/redis-server.js';
import { shiftedCapture } from '../support/shifted-capture.js';

// issue 17, work spread over machines: `queue add`, three `worker` processes, one SIGKILLed while
// it holds a job; BullMQ's stalled-job check gives the job to another worker, and the Parquet
// partitions (written atomically, named by the capture's content hash) hold each capture once

const BIN = join(REPO, 'bin/quiclens.js');
/** small real captures (captures/README.md); each copied four times, moved 0-3 days: 20 distinct files */
const SOURCES = ['retry', 'ipv6', 'aes256', 'chacha20', 'multi'];
const DAYS = 24 * 3600;
/** short locks for the test: a killed worker's job is free again about 2 s later (BullMQ's default is 30 s) */
const WORKER_ARGS = ['--lock-duration', '2000', '--stalled-interval', '500', '--format', 'ndjson'];

if (!redisServerInstalled() && process.env.CI === 'true') throw new Error('redis-server is required in CI (apt-get install redis-server)');

function quiclens(args: string[]) {
  const r = spawnSync('node', [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface WorkerEvent {
  event: 'started' | 'done' | 'failed' | 'stalled';
  worker: string;
  jobId: string;
  path?: string;
  captureId?: string;
  alreadyIndexed?: boolean;
  reason?: string;
  retryInMs?: number | null;
}

/** a `quiclens worker` child process and the NDJSON events it logs */
class WorkerProcess {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';
  private listeners: ((e: WorkerEvent) => void)[] = [];

  constructor(url: string) {
    this.child = spawn('node', [BIN, 'worker', '--redis', url, ...WORKER_ARGS], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as WorkerEvent;
      this.events.push(e);
      for (const l of this.listeners) l(e);
    });
  }

  onEvent(l: (e: WorkerEvent) => void): void {
    this.listeners.push(l);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** rows per table per capture: `table/captureId` → count */
async function rowCounts(conn: DuckDBConnection, from: (table: string) => string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const table of ['captures', 'connections', 'packets', 'frames', 'migrations', 'findings', 'streams']) {
    for (const r of await rows(conn, `SELECT captureId, count(*) AS n FROM ${from(table)} GROUP BY captureId`)) out.set(`${table}/${r.captureId as string}`, Number(r.n));
  }
  return out;
}

describe.skipIf(!redisServerInstalled())('queue and workers (BullMQ over a private redis-server)', () => {
  let redis: RedisServer;
  let dir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'quiclens-queue-'));
  });

  afterAll(async () => {
    for (const w of workers) if (w.alive) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Redis down or a bad URL: exit 2 in one sentence, at once', () => {
    const down = quiclens(['queue', 'status', '--redis', `redis://127.0.0.1:${redis.port + 1 === 65536 ? 1 : redis.port + 1}`]);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/^quiclens: cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: connection refused: nothing listens there\n$/);
    const bad = quiclens(['worker', '--redis', 'http://localhost']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--redis: expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS), got the scheme 'http'");
    // a job is a file each worker opens: a pipe cannot be one (refused before Redis is asked)
    const pipe = quiclens(['queue', 'add', '-', '--redis', redis.url, '--parquet', join(dir, 'unused')]);
    expect(pipe.code).toBe(2);
    expect(pipe.err).toBe('quiclens: /dev/stdin: a queued job is a file each worker opens on its own; a stream is read once: save it to a file first\nquiclens: no capture to queue\n');
  });

  it('SIGTERM while a job runs: the worker finishes it, then exits 0', async () => {
    const url = `${redis.url}/2`;
    const capture = join(dir, 'one', 'handshake.pcap');
    mkdirSync(join(dir, 'one'));
    copyFileSync(join(REPO, 'captures/handshake/handshake.pcap'), capture);
    expect(quiclens(['queue', 'add', capture, '--redis', url, '--parquet', join(dir, 'one-parquet')]).code).toBe(0);
    const client = await connectRedis(url, { blocking: false });
    const queue = captureQueue(client) as Queue<CaptureJobData>;
    try {
      const w = new WorkerProcess(url);
      workers.push(w);
      // frozen as the job starts, told to stop, then let go: the signal arrives mid-job
      const started = new Promise<string>((resolve) => w.onEvent((e) => e.event === 'started' && resolve(e.jobId)));
      const jobId = await started;
      w.child.kill('SIGSTOP');
      expect(await queue.getJobState(jobId)).toBe('active');
      w.child.kill('SIGTERM');
      w.child.kill('SIGCONT');
      expect((await w.exited).code).toBe(0);
      expect(w.stderr).toContain('SIGTERM: taking no new job, finishing the ones running');
      expect(w.events.map((e) => e.event)).toEqual(['started', 'done']);
      expect(await queue.getJobState(jobId)).toBe('completed');
    } finally {
      await queue.close();
      await client.quit();
    }
  });

  // about 15 s of CPU (three workers, 21 jobs, 20 direct indexings); on a busy runner the wall clock stretches: 2 minutes allowed
  it('20 captures, three workers, one SIGKILLed mid-job: every capture indexed exactly once', async () => {
    const url = `${redis.url}/1`;
    const mirror = join(dir, 'mirror', 'lb-test');
    const parquet = join(dir, 'parquet');
    mkdirSync(mirror, { recursive: true });
    for (const [i, name] of SOURCES.entries()) {
      for (let d = 0; d < 4; d++) shiftedCapture(join(REPO, 'captures', name, `${name}.pcap`), d * DAYS, join(mirror, `${String(i * 4 + d).padStart(2, '0')}-${name}.pcap`));
    }
    // a capture when queued that is none when a worker opens it: failed at once with the reason, never retried
    const spoilt = join(dir, 'mirror', 'spoilt.pcap');
    copyFileSync(join(REPO, 'captures/retry/retry.pcap'), spoilt);

    const added = quiclens(['queue', 'add', mirror, spoilt, '--redis', url, '--parquet', parquet, '--format', 'json']);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.out).queued).toBe(21);
    writeFileSync(spoilt, 'this is no capture any more, the file was overwritten');
    // adding the folder again queues nothing: each file's job is there already
    const again = quiclens(['queue', 'add', mirror, '--redis', url, '--parquet', parquet, '--format', 'json']);
    expect(JSON.parse(again.out)).toMatchObject({ queued: 0 });
    expect(new Set((JSON.parse(again.out).jobs as { state: string }[]).map((j) => j.state))).toEqual(new Set(['waiting']));

    const client = await connectRedis(url, { blocking: false });
    const queue = captureQueue(client) as Queue<CaptureJobData>;
    try {
      const finished = new Set<string>();
      let allFinished!: () => void;
      const whenFinished = new Promise<void>((resolve) => (allFinished = resolve));
      const three = [new WorkerProcess(url), new WorkerProcess(url), new WorkerProcess(url)];
      const [victim, ...survivors] = three as [WorkerProcess, ...WorkerProcess[]];
      workers.push(...three);
      for (const w of three) {
        w.onEvent((e) => {
          if (e.event === 'done' || (e.event === 'failed' && e.retryInMs === null)) finished.add(e.jobId);
          if (finished.size === 21) allFinished();
        });
      }
      // the victim is frozen as it starts a job; killed if the job is still its own (active),
      // else let go to try with its next job: no race with a job that ends quickly
      let killed: string | undefined;
      let checking = false;
      victim.onEvent((e) => {
        if (killed || checking || e.event !== 'started') return;
        checking = true;
        victim.child.kill('SIGSTOP');
        void queue.getJobState(e.jobId).then((state) => {
          if (state === 'active' && !finished.has(e.jobId)) {
            killed = e.jobId;
            victim.child.kill('SIGKILL');
          } else victim.child.kill('SIGCONT');
          checking = false;
        });
      });
      await whenFinished;
      expect(killed).toBeDefined();
      expect((await victim.exited).signal).toBe('SIGKILL');

      for (const w of survivors) w.child.kill('SIGTERM');
      for (const w of survivors) expect(await w.exited, w.stderr).toEqual({ code: 0, signal: null });

      // the killed job: found stalled by a survivor, run again and done there
      const events = survivors.flatMap((w) => w.events);
      expect(events.some((e) => e.event === 'stalled' && e.jobId === killed)).toBe(true);
      const redone = events.find((e) => e.event === 'done' && e.jobId === killed)!;
      expect(redone.worker).not.toBe(victim.events[0]!.worker);
      const job = await queue.getJob(killed!);
      expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);

      const status = quiclens(['queue', 'status', '--redis', url, '--format', 'json']);
      expect(status.code).toBe(0);
      const s = JSON.parse(status.out);
      expect(s.counts).toEqual({ waiting: 0, active: 0, delayed: 0, done: 20, failed: 1 });
      expect(s.failed).toHaveLength(1);
      expect(s.failed[0]).toMatchObject({ path: spoilt, attempts: 1 });
      expect(s.failed[0].reason).toMatch(/^\S+spoilt\.pcap: not indexed: \S+spoilt\.pcap \(byte offset 0\): expected a capture .*, found bytes 74686973$/);
    } finally {
      await queue.close();
      await client.quit();
    }

    // only whole partition files in the tables' folders (a killed worker's leftovers stay in .tmp)
    const files = readdirSync(parquet, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => relative(parquet, join(f.parentPath, f.name)))
      .filter((f) => !f.startsWith('.tmp/'));
    for (const f of files) expect(f).toMatch(/^[a-z]+\/date=\d{4}-\d{2}-\d{2}\/source=lb-test\/[0-9a-f]{64}\.parquet$/);

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const fromParquet = (t: string) => `read_parquet('${parquet}/${t}/*/*/*.parquet', hive_partitioning = true)`;
      const caps = await rows(conn, `SELECT count(*)::INTEGER AS n, count(DISTINCT captureId)::INTEGER AS ids, count(DISTINCT date)::INTEGER AS dates FROM ${fromParquet('captures')}`);
      expect(caps[0]).toEqual({ n: 20, ids: 20, dates: 4 });
      const fromWorkers = await rowCounts(conn, fromParquet);
      // the same files indexed directly, one after the other, into a database of their own
      for (const f of readdirSync(mirror).sort()) await indexCaptureToDb(conn, join(mirror, f));
      const direct = await rowCounts(conn, (t) => t);
      expect(fromWorkers).toEqual(direct);
      expect([...direct.keys()].filter((k) => k.startsWith('packets/'))).toHaveLength(20);
      expect(Math.min(...[...direct].filter(([k]) => k.startsWith('packets/')).map(([, n]) => n))).toBeGreaterThan(0);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }, 120_000);
});
