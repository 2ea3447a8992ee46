import { Redis } from 'ioredis';
import { redactedUrl, redisUrlProblem } from './redis-url.js';

/** how long one connection attempt may take before it counts as failed */
const CONNECT_TIMEOUT_MS = 3000;
/** attempts at the first connection: a wrong URL or a Redis that is down is said within seconds */
const FIRST_CONNECT_ATTEMPTS = 3;
/** attempts to reconnect once connected (about a minute): a Redis restart is ridden out, a Redis gone for good ends the worker */
const RECONNECT_ATTEMPTS = 30;
/** the whole first connection, whatever happens: quiclens never hangs on Redis */
const FIRST_CONNECT_DEADLINE_MS = 15_000;

/** Redis could not be reached or refused us: said in one sentence, for exit 2 */
export class RedisUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailable';
  }
}

/** a connection error in plain words, from the system's code or Redis' own reply */
function reason(err: Error | undefined): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused: nothing listens there';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no such host';
  if (code === 'ETIMEDOUT' || err?.message === 'connect ETIMEDOUT') return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the host cannot be reached';
  if (err && /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(err.message)) return `Redis refused the credentials (${err.message})`;
  return err ? err.message : 'the connection closed';
}

/** a reply that says retrying the same URL cannot help: give up at once */
function hopeless(err: Error): boolean {
  return /NOAUTH|WRONGPASS|invalid password|invalid username|ERR .*DB index/i.test(err.message);
}

export interface RedisConnectOptions {
  /**
   * A worker's connection: commands wait through a reconnection (BullMQ's blocking reads
   * need that, maxRetriesPerRequest null). Otherwise (queue add, status) a command fails
   * after one retry rather than wait.
   */
  blocking: boolean;
}

/**
 * Connects to Redis at `url` and resolves once it answers; rejects with RedisUnavailable
 * after FIRST_CONNECT_ATTEMPTS failed attempts or FIRST_CONNECT_DEADLINE_MS, whichever
 * comes first. Once connected, a lost connection is retried RECONNECT_ATTEMPTS times, then
 * the client ends ('end' event) for the caller to act on.
 */
export async function connectRedis(url: string, options: RedisConnectOptions): Promise<Redis> {
  const problem = redisUrlProblem(url);
  if (problem) throw new RedisUnavailable(`--redis ${redactedUrl(url)}: ${problem}`);
  let connected = false;
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: options.blocking ? null : 1,
    // backoff between attempts, capped at 2 s; null ends the client
    retryStrategy: (times) => (times >= (connected ? RECONNECT_ATTEMPTS : FIRST_CONNECT_ATTEMPTS) ? null : Math.min(times * 250, 2000)),
  });
  // ioredis reports each failed attempt as an 'error' event; unheard, Node would throw it
  client.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err?: Error) => {
        clearTimeout(deadline);
        reject(new RedisUnavailable(`cannot use Redis at ${redactedUrl(url)}: ${reason(err ?? lastError)}`));
      };
      const deadline = setTimeout(() => fail(lastError ?? new Error(`no answer within ${FIRST_CONNECT_DEADLINE_MS / 1000} s`)), FIRST_CONNECT_DEADLINE_MS);
      client.once('ready', () => {
        clearTimeout(deadline);
        resolve();
      });
      client.once('end', () => fail());
      client.on('error', (err: Error) => {
        if (hopeless(err)) fail(err);
      });
      client.connect().catch(() => undefined);
    });
  } catch (err) {
    client.disconnect();
    throw err;
  }
  connected = true;
  return client;
}
