import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * `worker`: BullMQ workers and blocking consumers; must wait out a Redis outage (no per-command
 *  retry limit), as BullMQ requires.
 * `producer`: API and schedulers; fail fast so a request gets an answer instead of hanging while
 *  Redis is away.
 */
export type RedisRole = 'worker' | 'producer';

export interface RedisClientOptions {
  url: string;
  role: RedisRole;
  logger?: Logger;
  /** Connection name shown by CLIENT LIST; defaults to `smart-reap:<role>`. */
  name?: string;
}

/** The one place that opens Redis connections (CONVENTIONS: nothing else calls `new Redis()`). */
export function createRedisClient(opts: RedisClientOptions): Redis {
  const base: RedisOptions = {
    connectionName: opts.name ?? `smart-reap:${opts.role}`,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    lazyConnect: false,
  };
  const roleOptions: RedisOptions =
    opts.role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : // Auto-pipelining: the commands of concurrent requests issued in one tick go out in one
        // write (hundreds of claims and creates in flight cost a syscall each otherwise). Never on
        // a worker connection: BullMQ duplicates it for blocking commands.
        { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, enableAutoPipelining: true };
  const client = new Redis(opts.url, { ...base, ...roleOptions });
  let lastErrorAt = 0;
  client.on('error', (err: Error) => {
    // ioredis emits one error per reconnect attempt; one line every 5 s is enough to see an outage.
    const now = Date.now();
    if (now - lastErrorAt < 5000) return;
    lastErrorAt = now;
    opts.logger?.warn({ redisHost: redisHost(opts.url), role: opts.role, err: err.message }, 'redis connection error');
  });
  return client;
}

/** The host:port of a Redis URL, for logs: the URL itself may hold a password. */
export function redisHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparseable url)';
  }
}

/** Resolves once the client is ready, or rejects after `timeoutMs`. */
export async function waitForReady(client: Redis, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
