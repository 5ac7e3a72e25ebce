import type { CrashType } from '../schemas/diagnosis.js';
import type { HealHint, Task } from '../schemas/task.js';
import { RETRYABLE_BY_DEFAULT } from './classifier/retryable.js';

/** What to do about one cause of death (DESIGN §8): how to come back, how often, with what hint. */
export interface Remedy {
  /** Flag the task for a person even when it is retried. */
  escalate: boolean;
  /** Multiplier of BACKOFF_BASE_MS for this cause. */
  backoffFactor: number;
  /** The cause's own cap on attempts, below the task's maxRetries. */
  maxAttempts?: number;
  hint?: (task: Task) => HealHint;
}

const more = (m: string | undefined) => `${Number(/^(\d+)x$/.exec(m ?? '')?.[1] ?? 1) * 2}x`;

export const REMEDIES: Readonly<Record<CrashType, Remedy>> = {
  oom: { escalate: false, backoffFactor: 1, maxAttempts: 3, hint: (t) => ({ memory: more(t.healHint?.memory), reason: 'ran out of memory: give it a bigger runtime' }) },
  segfault: { escalate: false, backoffFactor: 1, maxAttempts: 2 },
  panic: { escalate: false, backoffFactor: 1, maxAttempts: 2 },
  unhandled_exception: { escalate: false, backoffFactor: 1 },
  rate_limited: { escalate: false, backoffFactor: 2, hint: () => ({ reason: 'rate limited: retried after the provider reset' }) },
  provider_overloaded: { escalate: false, backoffFactor: 4, hint: () => ({ provider: 'fallback', reason: 'provider overloaded: route to a fallback if one is configured' }) },
  auth_error: { escalate: true, backoffFactor: 1 },
  context_overflow: { escalate: false, backoffFactor: 1 },
  network_error: { escalate: false, backoffFactor: 2 },
  disk_full: { escalate: true, backoffFactor: 1 },
  killed: { escalate: false, backoffFactor: 1 },
  timeout: {
    escalate: false,
    backoffFactor: 1,
    hint: (t) => ({ maxAgeMinutes: (t.effectiveMaxAgeMinutes ?? t.maxAgeMinutes ?? 30) * 2, reason: 'timed out: retried with a longer window' }),
  },
  // Retried, as DESIGN §5 says, but never silently: a death nobody can explain wants a person.
  unknown: { escalate: true, backoffFactor: 1 },
};

/** Whether a plain retry may help: DESIGN §5's column, kept beside the classifier. */
export function isRetryable(c: CrashType): boolean {
  return RETRYABLE_BY_DEFAULT[c];
}
