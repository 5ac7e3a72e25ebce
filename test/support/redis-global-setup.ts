import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '@smart-reap/shared';
import { howToInstall, missingPackages, systemProbe } from './required-tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisSource: string;
  }
}

/**
 * First the tools: a missing tmux, Chromium or Redis stops the run at once with one line saying how
 * to install them, rather than as failures scattered through it. Then one decision for the whole
 * run: REDIS_URL when set; a testcontainers Redis when a Docker engine answers; otherwise a private
 * redis-server from PATH.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const docker = process.env.REDIS_URL ? false : await containerRuntimeAnswers();
  const missing = missingPackages(systemProbe, Boolean(process.env.REDIS_URL) || docker);
  if (missing.length > 0) throw new Error(howToInstall(missing));
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    project.provide('redisSource', 'REDIS_URL');
    return async () => {};
  }
  const container = docker ? await startContainer() : undefined;
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

/** Whether a Docker engine answers (it fails in a few ms where none runs; 3 s at most). */
async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no container runtime')), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const started = await new RedisContainer('redis:7-alpine').start();
  return { url: started.getConnectionUrl(), stop: async () => void (await started.stop()) };
}
