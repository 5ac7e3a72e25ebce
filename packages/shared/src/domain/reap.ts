import type { Task } from '../schemas/task.js';

/**
 * The reaper takes an attempt down (DESIGN §4): reaped, so its runner's calls are refused from
 * now on, and its runner fenced; the diagnoser then moves it to FAILED.
 */
export function reapAttempt(task: Task, reason: string, now: number): Task {
  return {
    ...task,
    reap: { at: now, by: 'reaper', reason },
    fencedRunners: task.runner ? [...new Set([...task.fencedRunners, task.runner.runnerId])] : task.fencedRunners,
  };
}
