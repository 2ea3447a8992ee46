import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { captureJobId, type CaptureJobData } from '../../src/queue/capture-job.js';
import { runCaptureJob, type CaptureIndexer } from '../../src/queue/index-worker.js';
import { redactedUrl, redisUrlProblem } from '../../src/queue/redis-url.js';
import { InputError } from '../../src/wire/input-issue.js';

describe('captureJobId: one job per file version (path, size, mtime)', () => {
  const id = captureJobId('/mirror/lb-1/0001.pcap', 1000, 1_700_000_000_123.4);
  it('is the same for the same file, and a BullMQ custom id (no ":", not an integer)', () => {
    expect(captureJobId('/mirror/lb-1/0001.pcap', 1000, 1_700_000_000_123.9)).toBe(id);
    expect(id).toMatch(/^capture-[0-9a-f]{32}$/);
  });
  it('changes with the path, the size or the time', () => {
    expect(captureJobId('/mirror/lb-2/0001.pcap', 1000, 1_700_000_000_123)).not.toBe(id);
    expect(captureJobId('/mirror/lb-1/0001.pcap', 1001, 1_700_000_000_123)).not.toBe(id);
    expect(captureJobId('/mirror/lb-1/0001.pcap', 1000, 1_700_000_000_124)).not.toBe(id);
  });
});

describe('--redis URLs', () => {
  it.each([
    ['redis://127.0.0.1:6379', undefined],
    ['redis://:secret@redis.internal:6380/2', undefined],
    ['rediss://user:pw@redis.example.com', undefined],
    ['127.0.0.1:6379', "expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS), got '127.0.0.1:6379' (no scheme: put redis:// in front)"],
    ['localhost:6379', "expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS), got 'localhost:6379' (no scheme: put redis:// in front)"],
    ['redis://', 'expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS), got no host'],
    ['http://localhost:6379', "expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS), got the scheme 'http'"],
    ['redis://localhost/queue', "expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS): the database after the '/' is a number, got 'queue'"],
  ])('%s', (url, problem) => {
    expect(redisUrlProblem(url)).toBe(problem);
  });
  it('a password is never named in a message', () => {
    expect(redactedUrl('redis://:secret@redis.internal:6380/2')).toBe('redis://:***@redis.internal:6380/2');
  });
});

describe('runCaptureJob: what is retried and what fails at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiclens-job-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const capture = join(dir, 'a.pcap');
  writeFileSync(capture, 'x');
  const data = (path: string, keylogs: string[] = []): CaptureJobData => ({ path, parquetDir: dir, size: 1, mtimeMs: 0, keylogs });
  const indexed: CaptureIndexer = async () => ({ captureId: 'ab'.repeat(32), rows: { packets: 7 }, alreadyIndexed: false, issues: [] });

  it('a file this worker cannot open is an ordinary error (BullMQ retries it with backoff, maybe elsewhere)', async () => {
    const err = await runCaptureJob(data(join(dir, 'missing.pcap')), indexed).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toMatch(/missing\.pcap: no such file on this worker \(.+:\d+\)$/);
    const noKeys = await runCaptureJob(data(capture, [join(dir, 'keys.log')]), indexed).catch((e: unknown) => e as Error);
    expect((noKeys as Error).message).toMatch(/keys\.log: no such file on this worker/);
  });

  it("a file that is no capture fails at once (UnrecoverableError), with the reader's words", async () => {
    const bad: CaptureIndexer = async (path) => {
      throw new InputError({ file: path, offset: 0, message: 'expected a pcap or pcapng file', fatal: true });
    };
    const err = await runCaptureJob(data(capture), bad).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe(`${capture} (byte offset 0): expected a pcap or pcapng file`);
  });

  it('a done job says which worker did it and how long it took', async () => {
    const r = await runCaptureJob(data(capture), indexed);
    expect(r).toMatchObject({ captureId: 'ab'.repeat(32), rows: { packets: 7 }, alreadyIndexed: false });
    expect(r.worker).toMatch(/^.+:\d+$/);
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });
});
