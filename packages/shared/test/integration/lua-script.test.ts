import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { LuaScript } from '@smart-reap/shared';
import { redisUrl, uniquePrefix } from '../../../../test/support/redis-context.js';

describe('LuaScript', () => {
  const redis = new Redis(redisUrl());
  afterAll(() => redis.quit());
  const incrBy = new LuaScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`);

  it('runs by its SHA1, and loads itself again after the server forgot it', async () => {
    const key = `${uniquePrefix('lua')}:n`;
    expect(await incrBy.run(redis, [key], [2])).toBe(2);
    expect(await redis.script('EXISTS', incrBy.sha)).toEqual([1]);
    await redis.script('FLUSH');
    expect(await incrBy.run(redis, [key], [3])).toBe(5);
    expect(await redis.script('EXISTS', incrBy.sha)).toEqual([1]);
  });

  it("passes the script's own errors through", async () => {
    const failing = new LuaScript(`return redis.error_reply('BAD input')`);
    await expect(failing.run(redis, [], [])).rejects.toThrow('BAD input');
  });
});
