import { ConflictError } from '../errors/conflict-error.js';
import type { Task } from '../schemas/task.js';
import { newAttemptReset } from './reassign.js';
import type { RunnerDecision } from './runner-ops.js';

export interface OperatorRetryRequest {
  /** Who asked; recorded in the task's history. */
  by: string;
  reason: string;
}

/**
 * An operator gives a FAILED task one more attempt (DESIGN §9 `POST /tasks/:id/retry`): FAILED →
 * ASSIGNED with attempt + 1, like a reassignment. A person asking overrides the spent budget, so
 * `maxRetries` is raised just enough for that one attempt; it never lowers a budget with retries left.
 */
export function decideOperatorRetry(task: Task, req: OperatorRetryRequest, now: number): RunnerDecision {
  if (task.status !== 'FAILED') {
    return {
      refuse: new ConflictError(`task ${task.id} is ${task.status}: only a FAILED task can be retried`, 'transition_not_allowed'),
    };
  }
  // Its work already goes on in the continuation: a second line of the same work would race it.
  if (task.continuationId) {
    return {
      refuse: new ConflictError(
        `task ${task.id} was resumed as continuation ${task.continuationId}: retry that one instead`,
        'transition_not_allowed',
      ),
    };
  }
  // Raised by one when the budget is spent (attempt = maxRetries + 1), so FAILED → ASSIGNED holds.
  const maxRetries = Math.max(task.maxRetries, task.attempt);
  // A hold the healer set (a provider's reset) is overridden: the operator asked for it now.
  const healHint = task.healHint ? { ...task.healHint, notBefore: undefined } : undefined;
  return {
    write: {
      ...task,
      ...newAttemptReset(task),
      status: 'ASSIGNED',
      maxRetries,
      healHint,
      history: [...task.history, { from: 'FAILED', to: 'ASSIGNED', at: now, by: req.by, reason: req.reason }],
    },
  };
}
