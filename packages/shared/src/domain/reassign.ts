import type { Task } from '../schemas/task.js';
import { mayHeldRetryGo } from './incident-hold.js';
import { applyTransition, checkTransition } from './state-machine.js';

/**
 * The fields a new attempt starts without: the last attempt's runner, window, probe, reap,
 * progress and failure. A reassignment and an operator's retry both start from here.
 */
export function newAttemptReset(task: Task): Partial<Task> {
  return {
    attempt: task.attempt + 1,
    runner: undefined,
    deadline: undefined,
    extensions: 0,
    probe: undefined,
    reap: undefined,
    progress: undefined,
    failure: undefined,
  };
}

/**
 * FAILED, with recovery's decision to reassign and a retry left. Retryability was settled when
 * recovery decided (a cause that no new attempt can cure is never reassigned), so this is also
 * what keeps a failed task from having ended for good.
 */
export function awaitsReassignment(task: Task): boolean {
  return task.status === 'FAILED' && task.context.reap_diagnosis?.decision === 'reassign' && task.attempt <= task.maxRetries;
}

export interface ReassignFacts {
  /** The attempt the reassign job was made for. */
  jobAttempt: number;
  /** The open incident in the task's scope, if any: it holds the retry (DESIGN §8's breaker). */
  incident?: { id: string; openedAt: number; resolvedAt?: number };
}

export interface ReassignConfig {
  /** INCIDENT_MAX_HOLD_MS. */
  incidentMaxHoldMs: number;
}

export type ReassignDecision =
  /** Look again later: the diagnoser has not yet written FAILED, or an incident holds the retry. */
  | { wait: 'not-failed-yet' }
  | { wait: 'incident'; incidentId: string }
  /** Nothing to do for this job: the attempt moved on, or it is not to be retried. */
  | { movedOn: string }
  | { write: Task };

/**
 * May this attempt go back to ASSIGNED (FAILED → ASSIGNED, attempt + 1, DESIGN §7)? Only the
 * attempt the job was made for, once recovery decided to reassign it with a retry left, and not
 * while an open incident in its scope holds it (up to the incident's max hold).
 */
export function decideReassign(task: Task, facts: ReassignFacts, config: ReassignConfig, now: number): ReassignDecision {
  if (task.attempt !== facts.jobAttempt) return { movedOn: `attempt ${task.attempt} is not the job's ${facts.jobAttempt}` };
  if (task.status === 'IN_PROGRESS') return { wait: 'not-failed-yet' };
  if (!awaitsReassignment(task)) return { movedOn: `task is ${task.status} and not to be reassigned` };
  const check = checkTransition('FAILED', 'ASSIGNED', task);
  if (!check.ok) return { movedOn: check.reason };
  if (facts.incident && !mayHeldRetryGo(facts.incident, now, { maxHoldMs: config.incidentMaxHoldMs })) {
    return { wait: 'incident', incidentId: facts.incident.id };
  }
  return {
    write: applyTransition(task, { to: 'ASSIGNED', by: 'reassigner', reason: `retry after ${task.context.reap_diagnosis?.crashType}` }, now, newAttemptReset(task)),
  };
}
