import type { Diagnosis } from '../../schemas/diagnosis.js';
import type { Task } from '../../schemas/task.js';
import { applyTransition } from '../state-machine.js';
import type { RecoveryOutcome } from './recovery-strategy.js';

/**
 * The attempt after its recovery was carried out: FAILED with its diagnosis, the continuation
 * that goes on with its work (if any), the heal hint a reassignment carries, and a person asked
 * to look when decideRecovery gave a reason to. Undefined when the reaped attempt was already recovered
 * (by another replica, or an earlier try of the same job).
 */
export function recoveredAttempt(
  task: Task,
  attempt: number,
  outcome: RecoveryOutcome,
  attention: string | undefined,
  diagnosis: Diagnosis,
  continuationId: string | undefined,
  now: number,
): Task | undefined {
  if (task.status !== 'IN_PROGRESS' || task.attempt !== attempt || !task.reap) return undefined;
  return applyTransition(task, { to: 'FAILED', by: 'diagnoser', reason: `${diagnosis.crashType}: ${outcome.reason}` }, now, {
    context: { ...task.context, reap_diagnosis: diagnosis },
    continuationId: continuationId ?? task.continuationId,
    healHint: outcome.decision === 'reassign' ? outcome.healHint : task.healHint,
    needsAttention: attention ? { reason: attention, at: now } : task.needsAttention,
  });
}
