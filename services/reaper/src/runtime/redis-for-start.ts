import { redisHost, startPrivateRedis, type Logger } from '@smart-reap/shared';

export interface RedisForStart {
  url: string;
  stop(): Promise<void>;
}

/**
 * REDIS_URL when set; else a private redis-server from PATH on a free loopback port, said out
 * loud, because nothing it holds outlives the process.
 */
export async function redisForStart(redisUrl: string | undefined, logger: Logger): Promise<RedisForStart> {
  if (redisUrl) {
    logger.info({ redisHost: redisHost(redisUrl) }, 'using REDIS_URL');
    return { url: redisUrl, stop: async () => undefined };
  }
  try {
    const server = await startPrivateRedis();
    logger.warn(
      { redisHost: `127.0.0.1:${server.port}` },
      'REDIS_URL is not set: started a private redis-server on a free port; nothing is kept when this process exits',
    );
    return server;
  } catch (err) {
    throw new Error(
      `REDIS_URL is not set and no redis-server could be started (${(err as Error).message}).\n` +
        `Either point REDIS_URL at a Redis 7 (REDIS_URL=redis://host:6379) or install one: apt-get install redis-server`,
    );
  }
}
