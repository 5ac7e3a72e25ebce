import { ConflictError } from '../errors/conflict-error.js';
import type { ClaimBody, FailBody, HeartbeatBody } from '../schemas/api.js';
import type { Task } from '../schemas/task.js';
import { checkTransition } from './state-machine.js';

/**
 * The runner-facing operations as pure decisions over a task: the store runs them inside its
 * compare-and-set loop, so each is one atomic step whatever the number of API replicas.
 */
export type RunnerDecision = { write: Task } | { refuse: ConflictError };

const MINUTE = 60_000;

/** The runner calling must be the task's current, unfenced runner of an IN_PROGRESS attempt. */
export function checkCurrentRunner(task: Task, runnerId: string): ConflictError | undefined {
  if (task.fencedRunners.includes(runnerId)) {
    return new ConflictError(`runner ${runnerId} was reaped from task ${task.id}; its calls change nothing`, 'runner_fenced');
  }
  if (task.status !== 'IN_PROGRESS' || task.runner?.runnerId !== runnerId) {
    return new ConflictError(
      `runner ${runnerId} is not the current runner of task ${task.id} (status ${task.status})`,
      'not_current_runner',
    );
  }
  if (task.reap) {
    return new ConflictError(`task ${task.id} was taken down (${task.reap.reason}); its runner's calls change nothing`, 'runner_fenced');
  }
  return undefined;
}

export function decideClaim(task: Task, claim: ClaimBody, now: number, maxAgeMinutes: number): RunnerDecision {
  const check = checkTransition(task.status, 'IN_PROGRESS', task);
  if (!check.ok) return { refuse: new ConflictError(check.reason, 'transition_not_allowed') };
  const { runnerId, runtime, pid, pidStartTime, host, logRef, reporter } = claim;
  return {
    write: {
      ...task,
      status: 'IN_PROGRESS',
      runner: { runnerId, runtime, pid, pidStartTime, host, logRef, reporter, claimedAt: now },
      effectiveMaxAgeMinutes: maxAgeMinutes,
      // Age counts from the claim: time spent queued is no one's fault.
      deadline: now + maxAgeMinutes * MINUTE,
      extensions: 0,
      heartbeatAt: now,
      progress: undefined,
      probe: undefined,
      reap: undefined,
      history: [...task.history, { from: task.status, to: 'IN_PROGRESS', at: now, by: runnerId, reason: 'claimed' }],
    },
  };
}

export function decideHeartbeat(task: Task, body: HeartbeatBody, now: number): RunnerDecision {
  const refused = checkCurrentRunner(task, body.runnerId);
  if (refused) return { refuse: refused };
  return {
    write: {
      ...task,
      heartbeatAt: now,
      progress: body.progress ?? task.progress,
      context: body.snapshot ? { ...task.context, snapshot: body.snapshot } : task.context,
    },
  };
}

export function decideComplete(task: Task, runnerId: string, output: unknown, now: number): RunnerDecision {
  const refused = checkCurrentRunner(task, runnerId);
  if (refused) return { refuse: refused };
  return {
    write: {
      ...task,
      status: 'COMPLETED',
      output,
      heartbeatAt: now,
      needsAttention: null,
      history: [...task.history, { from: task.status, to: 'COMPLETED', at: now, by: runnerId, reason: 'completed by runner' }],
    },
  };
}

/**
 * A runner that knows it failed: the attempt is taken down and fenced here, and goes through the
 * same diagnosis and recovery as a reaped one (the diagnoser moves it to FAILED).
 */
export function decideRunnerFail(task: Task, body: FailBody, now: number): RunnerDecision {
  const refused = checkCurrentRunner(task, body.runnerId);
  if (refused) return { refuse: refused };
  return {
    write: {
      ...task,
      failure: { error: body.error, exitCode: body.exitCode, signal: body.signal },
      context: body.snapshot ? { ...task.context, snapshot: body.snapshot } : task.context,
      fencedRunners: [...task.fencedRunners, body.runnerId],
      reap: { at: now, by: body.runnerId, reason: 'runner reported failure' },
    },
  };
}

export function decideCancel(task: Task, by: string, reason: string, now: number): RunnerDecision {
  const check = checkTransition(task.status, 'CANCELLED', task);
  if (!check.ok) return { refuse: new ConflictError(check.reason, 'transition_not_allowed') };
  return {
    write: {
      ...task,
      status: 'CANCELLED',
      fencedRunners: task.runner ? [...new Set([...task.fencedRunners, task.runner.runnerId])] : task.fencedRunners,
      history: [...task.history, { from: task.status, to: 'CANCELLED', at: now, by, reason }],
    },
  };
}

export function extendDeadline(task: Task, now: number): Task {
  const window = (task.effectiveMaxAgeMinutes ?? task.maxAgeMinutes ?? 0) * MINUTE;
  return { ...task, deadline: Math.max(task.deadline ?? now, now) + window, extensions: task.extensions + 1 };
}
