import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * A Lua script called by its SHA1 (EVALSHA). The hot scripts run thousands of times a second and
 * EVAL would send their whole text, and make Redis hash it, on every call. Where the server does
 * not know the script (a restart, a failover, SCRIPT FLUSH) it is sent once with EVAL, which also
 * loads it for the next calls.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * A script kept in its own `.lua` file beside the module that runs it, read once at module load:
   * the file's header names every KEYS and ARGV, and a Lua file can be read (and linted) as Lua.
   */
  static fromFile(url: URL): LuaScript {
    return new LuaScript(readFileSync(url, 'utf8'));
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
