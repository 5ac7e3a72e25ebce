import type { Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';
import { FileLogSource } from './file-log-source.js';

export interface LogSources {
  stream: LogSource;
  file?: LogSource;
  pane?: LogSource;
  pod?: LogSource;
}

export interface LogTailRead {
  bytes: Buffer;
  source: string;
  /** Sources that failed on the way, for the diagnosis's evidence. */
  problems: string[];
}

/**
 * DESIGN §5's order: the runner's own `logRef` when it named one; else the task's Redis stream;
 * when that is empty and the runner lived in a tmux pane or a pod, the pane or the pod's log.
 * A source that fails is noted and the next one is tried: a diagnosis is written either way.
 */
export async function readLogTail(task: Task, sources: LogSources, maxBytes: number, signal: AbortSignal): Promise<LogTailRead> {
  const problems: string[] = [];
  const logRef = task.runner?.logRef;
  const runtime = task.runner?.runtime.type;
  const order: Array<LogSource | undefined> = [];
  if (FileLogSource.pathOf(logRef)) order.push(sources.file);
  else if (logRef?.startsWith('tmux:')) order.push(sources.pane);
  else if (logRef?.startsWith('k8s:')) order.push(sources.pod);
  order.push(sources.stream);
  if (runtime === 'tmux') order.push(sources.pane);
  if (runtime === 'kubernetes') order.push(sources.pod);
  for (const source of order) {
    if (!source) continue;
    try {
      const bytes = await source.read(task, maxBytes, signal);
      if (bytes?.length) return { bytes, source: source.name, problems };
    } catch (err) {
      problems.push(`${source.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { bytes: Buffer.alloc(0), source: 'none', problems };
}
