import type { CrashType, Diagnosis } from '../../schemas/diagnosis.js';
import type { Task } from '../../schemas/task.js';
import { REMEDIES } from '../heal-remedies.js';
import { chooseRecovery } from './recovery-engine.js';
import type { RecoveryOutcome, RecoveryStrategy } from './recovery-strategy.js';

/** DESIGN §8: attempts in all that one fingerprint may take across retries and continuations. */
export const DEFAULT_MAX_FINGERPRINT_ATTEMPTS = 3;

/** What the diagnoser loaded for one attempt that ended. */
export interface RecoveryFacts {
  /** Attempts this task's fingerprint (kind + dedupKey) has taken so far, this one included; 0 without one. */
  fingerprintAttempts: number;
  /** How much of the work was done (partialOutputRatio). */
  partialOutputRatio: number;
  /** The provider's retry-after, when the log tail named one. */
  retryAfterMs?: number;
}

export interface RecoveryConfig {
  /** RECOVERY_STRATEGIES, resolved: tried in order, the first that applies wins. */
  strategies: readonly RecoveryStrategy[];
  resumeMinRatio: number;
  backoffBaseMs: number;
  maxFingerprintAttempts: number;
  retryable: (crashType: CrashType) => boolean;
  /** The backoff's jitter source. */
  random: () => number;
}

export interface RecoveryDecision {
  outcome: RecoveryOutcome & { strategy: string };
  /** Why a person should look (a fingerprint out of attempts, a cause that always wants one), if one should. */
  attention?: string;
}

/**
 * How an attempt that ended comes back, if it does (DESIGN §7–§8), in this order: a fingerprint
 * that has used its attempts fails and wants a person; otherwise the strategies in their order;
 * a reassignment then stays within its cause's own cap. `diagnosis` is the diagnosis before its
 * decision (crash type and summary are what count here).
 */
export function decideRecovery(task: Task, diagnosis: Diagnosis, facts: RecoveryFacts, config: RecoveryConfig, now: number): RecoveryDecision {
  const { crashType, summary } = diagnosis;
  const remedy = REMEDIES[crashType];
  if (task.dedupKey && facts.fingerprintAttempts >= config.maxFingerprintAttempts) {
    return {
      outcome: { decision: 'fail', reason: `fingerprint ${task.kind}/${task.dedupKey} has used its ${config.maxFingerprintAttempts} attempts`, strategy: 'fingerprint-cap' },
      attention: `one fingerprint has failed ${facts.fingerprintAttempts} times: ${summary}`,
    };
  }
  const chosen = chooseRecovery(config.strategies, task, diagnosis, {
    now,
    resumeMinRatio: config.resumeMinRatio,
    backoffBaseMs: config.backoffBaseMs,
    partialOutputRatio: facts.partialOutputRatio,
    retryable: config.retryable,
    retryAfterMs: facts.retryAfterMs,
    healHint: remedy.hint?.(task),
    random: config.random,
  });
  const cap = remedy.maxAttempts;
  const outcome =
    chosen.decision === 'reassign' && cap !== undefined && task.attempt >= cap
      ? { decision: 'fail' as const, reason: `${crashType} has its own cap of ${cap} attempts`, strategy: chosen.strategy }
      : chosen;
  return { outcome, attention: remedy.escalate ? `${crashType}: ${summary}` : undefined };
}
