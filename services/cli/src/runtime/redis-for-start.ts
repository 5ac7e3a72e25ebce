import { DataDirInUseError, redisHost, startPrivateRedis, type Logger } from '@smart-reap/shared';

export interface RedisForStart {
  url: string;
  stop(): Promise<void>;
}

export interface RedisForStartOptions {
  redisUrl: string | undefined;
  /** Where a private redis-server keeps its append-only file (DATA_DIR/redis); undefined: it keeps nothing (`--ephemeral`). */
  dataDir: string | undefined;
  logger: Logger;
}

/**
 * REDIS_URL when set; else a private redis-server from PATH on a free loopback port, said out
 * loud. It keeps its data in `dataDir` unless told to keep nothing, and it dies with this
 * process, even when this process is SIGKILLed (setpriv --pdeathsig, where util-linux has it).
 */
export async function redisForStart(o: RedisForStartOptions): Promise<RedisForStart> {
  const { redisUrl, dataDir, logger } = o;
  if (redisUrl) {
    logger.info({ redisHost: redisHost(redisUrl) }, 'using REDIS_URL');
    return { url: redisUrl, stop: async () => undefined };
  }
  let server;
  try {
    server = await startPrivateRedis({ dataDir, dieWithParent: true });
  } catch (err) {
    if (err instanceof DataDirInUseError) throw err;
    throw new Error(
      `REDIS_URL is not set and no redis-server could be started (${(err as Error).message}).\n` +
        `Either point REDIS_URL at a Redis 7 (REDIS_URL=redis://host:6379) or install one: apt-get install redis-server`,
    );
  }
  const where = { redisHost: `127.0.0.1:${server.port}`, redisPid: server.pid };
  if (dataDir) {
    logger.info({ ...where, dataDir }, `REDIS_URL is not set: started a private redis-server on a free port, keeping its data in ${dataDir}`);
  } else {
    // Said once, by the persistence check that follows the start: that it keeps nothing.
    logger.info(where, 'REDIS_URL is not set: started a private redis-server on a free port, keeping no files');
  }
  if (!server.diesWithParent) {
    logger.warn(where, 'setpriv (util-linux) not found: if this process is killed outright, the private redis-server keeps running');
  }
  return server;
}
