import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.js';
import type { LogPage } from '../schemas/api.js';

export interface LogStoreOptions {
  /** Lines kept per task: enough for a 4 KB tail many times over. Default 2000. */
  maxLines?: number;
}

/** A task's capped log stream in Redis: what `POST /tasks/:id/log` and `reaper run` write. */
export class LogStore {
  private readonly maxLines: number;
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    options: LogStoreOptions = {},
  ) {
    this.maxLines = options.maxLines ?? 2000;
  }

  async append(taskId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const pipeline = this.redis.pipeline();
    const key = this.keys.log(taskId);
    for (const line of lines) pipeline.xadd(key, 'MAXLEN', '~', String(this.maxLines), '*', 'l', line);
    await pipeline.exec();
  }

  /** The newest lines whose UTF-8 size adds up to at least `maxBytes`, oldest first, as bytes. */
  async tail(taskId: string, maxBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    let end = '+';
    const batch = 200;
    while (size < maxBytes) {
      const entries = await this.redis.xrevrange(this.keys.log(taskId), end, '-', 'COUNT', batch);
      for (const [, fields] of entries) {
        const line = Buffer.from(`${fields[1] ?? ''}\n`, 'utf8');
        chunks.push(line);
        size += line.length;
        if (size >= maxBytes) break;
      }
      if (entries.length < batch) break;
      const lastId = entries[entries.length - 1]![0];
      end = `(${lastId}`;
    }
    return Buffer.concat(chunks.reverse());
  }

  /**
   * Up to `limit` lines after `cursor` (from the oldest kept when none), oldest first. A cursor
   * whose line the cap has trimmed since still works: the stream ids only grow.
   */
  async page(taskId: string, cursor: string | undefined, limit: number): Promise<LogPage> {
    const entries = await this.redis.xrange(this.keys.log(taskId), cursor ? `(${cursor}` : '-', '+', 'COUNT', limit);
    const lines = entries.map(([id, fields]) => ({ id, at: Number(id.split('-')[0]), line: fields[1] ?? '' }));
    const nextCursor = lines.at(-1)?.id ?? cursor;
    return nextCursor === undefined ? { lines } : { lines, nextCursor };
  }

  async drop(taskId: string): Promise<void> {
    await this.redis.del(this.keys.log(taskId));
  }
}
