import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '@smart-reap/shared';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisSource: string;
  }
}

/**
 * One decision for the whole run: REDIS_URL when set; a testcontainers Redis when a Docker engine
 * answers; otherwise a private redis-server from PATH. No Redis at all fails the run loudly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    project.provide('redisSource', 'REDIS_URL');
    return async () => {};
  }
  const container = await tryContainer();
  if (container) {
    project.provide('redisUrl', container.url);
    project.provide('redisSource', 'testcontainers');
    return container.stop;
  }
  const server = await startPrivateRedis();
  project.provide('redisUrl', server.url);
  project.provide('redisSource', 'redis-server');
  return server.stop;
}

async function tryContainer(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no container runtime')), 3000)),
    ]);
  } catch {
    return undefined;
  }
  const { RedisContainer } = await import('@testcontainers/redis');
  const started = await new RedisContainer('redis:7-alpine').start();
  return { url: started.getConnectionUrl(), stop: async () => void (await started.stop()) };
}
