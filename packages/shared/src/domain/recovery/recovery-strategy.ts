import type { CrashType, Diagnosis } from '../../schemas/diagnosis.js';
import type { HealHint, Task } from '../../schemas/task.js';

export interface RecoveryContext {
  now: number;
  resumeMinRatio: number;
  backoffBaseMs: number;
  partialOutputRatio: number;
  retryable: (crashType: CrashType) => boolean;
  /** The provider's retry-after, when the log tail named one. */
  retryAfterMs?: number;
  healHint?: HealHint;
  random: () => number;
}

export type RecoveryOutcome =
  | {
      decision: 'resume';
      continuation: { kind: string; payload: unknown; maxRetries: number; expectedOutputChars?: number; healHint?: HealHint };
      reason: string;
    }
  | { decision: 'reassign'; delayMs: number; healHint?: HealHint; reason: string }
  | { decision: 'fail'; reason: string };

/**
 * DESIGN §7: a way to bring work back. `recover` returns undefined when it does not apply, so the
 * next configured strategy is tried. Pure: the diagnoser carries the outcome out.
 */
export interface RecoveryStrategy {
  readonly name: string;
  recover(task: Task, diagnosis: Diagnosis, context: RecoveryContext): RecoveryOutcome | undefined;
}
