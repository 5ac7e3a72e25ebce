import type { LogStore, Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';

/** The task's capped log stream: what `POST /tasks/:id/log` and `reaper run` wrote, from any host. */
export class RedisStreamLogSource implements LogSource {
  readonly name = 'redis-stream';
  constructor(private readonly logs: LogStore) {}

  async read(task: Task, maxBytes: number): Promise<Buffer | undefined> {
    const buf = await this.logs.tail(task.id, maxBytes);
    return buf.length ? buf : undefined;
  }
}
