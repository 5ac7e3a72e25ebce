import type { Diagnosis } from '../../schemas/diagnosis.js';
import type { Task } from '../../schemas/task.js';
import { failAndReassign } from './fail-and-reassign.js';
import type { RecoveryContext, RecoveryOutcome, RecoveryStrategy } from './recovery-strategy.js';
import { resumePartial } from './resume-partial.js';

/** Strategies by name; a new one is a file plus one line here. */
export const BUILTIN_STRATEGIES: readonly RecoveryStrategy[] = [resumePartial, failAndReassign];

export class RecoveryRegistry {
  private readonly byName = new Map<string, RecoveryStrategy>();

  constructor(strategies: readonly RecoveryStrategy[] = BUILTIN_STRATEGIES) {
    for (const s of strategies) this.register(s);
  }

  register(strategy: RecoveryStrategy): void {
    this.byName.set(strategy.name, strategy);
  }

  /** The configured list, refusing names nobody registered (a typo must not silently disable recovery). */
  resolve(names: readonly string[]): RecoveryStrategy[] {
    return names.map((n) => {
      const s = this.byName.get(n);
      if (!s) throw new Error(`unknown recovery strategy "${n}" (known: ${[...this.byName.keys()].join(', ')})`);
      return s;
    });
  }
}

/**
 * Tries the strategies in order; the first that applies wins. A strategy that throws fails the
 * task with a reason saying so: a bug in one strategy never stops the worker.
 */
export function chooseRecovery(strategies: readonly RecoveryStrategy[], task: Task, diagnosis: Diagnosis, ctx: RecoveryContext): RecoveryOutcome & { strategy: string } {
  for (const s of strategies) {
    try {
      const outcome = s.recover(task, diagnosis, ctx);
      if (outcome) return { ...outcome, strategy: s.name };
    } catch (err) {
      return { decision: 'fail', reason: `recovery strategy ${s.name} failed: ${(err as Error).message}`, strategy: s.name };
    }
  }
  return { decision: 'fail', reason: 'no recovery strategy applied', strategy: 'none' };
}
