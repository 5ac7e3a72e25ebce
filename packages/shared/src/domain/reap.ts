import type { DeathReport } from '../queues/catalog.js';
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

/**
 * The death of a stuck runner once it was stopped where it lives (DESIGN §4: alive but silent past
 * its deadline): diagnosed `timeout` unless its log says more, with what the stop saw as evidence.
 * Decided here for every stop, whoever carried it out.
 */
export function stuckDeath(stop: { reason: string; seenAt: number }, stopEvidence: string[]): DeathReport {
  return {
    reason: stop.reason,
    source: 'reaper',
    probe: { runtimeState: 'alive', processState: 'alive', evidence: ['stuck: alive but silent past its deadline', ...stopEvidence] },
    seenAt: stop.seenAt,
    hint: 'timeout',
  };
}
