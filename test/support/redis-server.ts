import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's redis-server (apt-get install redis-server); .ci/run installs it when missing */
export const REDIS_SERVER = '/usr/bin/redis-server';

export function redisServerInstalled(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** a TCP port nothing listens on now (the kernel's pick) */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** resolves when redis-server says it is ready, rejects with its output when it exits first */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const onData = (b: Buffer) => {
      said += b.toString();
      if (said.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${said}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * A private redis-server for one test file: loopback only, on a free port, in a temp folder,
 * with nothing written to disk (no RDB, no AOF) and BullMQ's eviction policy. A port taken
 * between the pick and the start is tried again with another.
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'quiclens-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await ready(child);
    } catch (err) {
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    child.stdout!.resume();
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      stop: () =>
        new Promise<void>((resolve) => {
          const done = () => {
            rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
    };
  }
}
