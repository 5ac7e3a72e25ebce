import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisClient } from '@smart-reap/shared';

export function redisUrl(): string {
  const url = inject('redisUrl');
  if (!url) throw new Error('no Redis provided to this test project: check the globalSetup');
  return url;
}

/** A key prefix no other test shares, so tests never see each other's keys or queues. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a prefix's hash tag. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export function testRedis(role: 'worker' | 'producer' = 'producer'): Redis {
  return createRedisClient({ url: redisUrl(), role });
}
