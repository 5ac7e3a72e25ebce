import { reassignDelayMs } from './backoff.js';
import type { RecoveryStrategy } from './recovery-strategy.js';

/**
 * DESIGN §7's default: FAILED, and back to ASSIGNED after the cause's backoff while retries
 * remain. A cause's own cap on attempts is decideRecovery's, for any strategy that reassigns.
 */
export const failAndReassign: RecoveryStrategy = {
  name: 'fail-and-reassign',
  recover(task, diagnosis, ctx) {
    if (!ctx.retryable(diagnosis.crashType)) {
      return { decision: 'fail', reason: `${diagnosis.crashType} is not retried: a new attempt would fail the same way` };
    }
    if (task.attempt > task.maxRetries) {
      return { decision: 'fail', reason: `retries spent (attempt ${task.attempt} of ${task.maxRetries + 1})` };
    }
    return {
      decision: 'reassign',
      delayMs: reassignDelayMs(diagnosis.crashType, task.attempt - 1, ctx.backoffBaseMs, ctx.random, ctx.retryAfterMs),
      healHint: ctx.healHint,
      reason: `retry ${task.attempt} of ${task.maxRetries} after ${diagnosis.crashType}`,
    };
  },
};
