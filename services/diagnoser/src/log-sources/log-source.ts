import type { Task } from '@smart-reap/shared';

/** Where a dead runner's last words are. Returns the raw last bytes, or undefined when it has none. */
export interface LogSource {
  readonly name: string;
  read(task: Task, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined>;
}
