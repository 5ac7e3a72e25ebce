import type { ProbeTargetJob } from '../queues/catalog.js';
import type { Task } from '../schemas/task.js';

/**
 * What a prober needs of an IN_PROGRESS task: kept beside the task so a tick never parses tasks.
 * A runner that named no runtime is seen through its heartbeats only. The heartbeat itself is not
 * part of the target: the decide step reads it from the task, so a beat rewrites no target.
 */
export function probeTargetOf(task: Task): ProbeTargetJob & { attempt: number } {
  const r = task.runner;
  return {
    taskId: task.id,
    attempt: task.attempt,
    runtime: r?.runtime ?? { type: 'heartbeat', ref: '' },
    pid: r?.pid,
    pidStartTime: r?.pidStartTime,
    host: r?.host,
    reporter: r?.reporter,
  };
}
