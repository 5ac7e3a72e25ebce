import {
  recoveredAttempt,
  type Diagnosis,
  type EventLog,
  type JobQueues,
  type RecoveryOutcome,
  type Task,
  type TaskService,
  type TaskStore,
} from '@smart-reap/shared';
import { ConflictError } from '@smart-reap/shared';

export interface RecoveryApplierOptions {
  store: TaskStore;
  tasks: TaskService;
  queues: JobQueues;
  events: EventLog;
}

/** The continuation of a parent attempt has a fixed id: replicas racing on one death make one. */
export function continuationId(parentId: string, attempt: number): string {
  return `${parentId}-c${attempt}`;
}

/**
 * Carries out a recovery outcome so that a crash anywhere in it can be replayed safely: the
 * continuation and the reassign job are made first under fixed ids (a replay finds them), and
 * the parent's move to FAILED comes last, once, through the store's compare-and-set.
 */
export class RecoveryApplier {
  constructor(private readonly o: RecoveryApplierOptions) {}

  /** `attention`: why a person should look (heal-by-cause escalation, a fingerprint out of attempts). Returns false when the attempt was already recovered (by another replica or an earlier try). */
  async apply(task: Task, outcome: RecoveryOutcome, diagnosis: Diagnosis, now: number, attention?: string): Promise<boolean> {
    let contId: string | undefined;
    if (outcome.decision === 'resume') {
      contId = continuationId(task.id, task.attempt);
      await this.createContinuation(task, contId, outcome.continuation, now);
    } else if (outcome.decision === 'reassign') {
      await this.o.queues.enqueue('reassign', { taskId: task.id, attempt: task.attempt }, { delay: outcome.delayMs });
    }
    let wrote = false;
    await this.o.store.mutate(task.id, (t) => {
      const next = recoveredAttempt(t, task.attempt, outcome, attention, diagnosis, contId, now);
      if (!next) return { keep: true };
      wrote = true;
      return { write: next };
    });
    if (wrote) {
      await this.o.events.append({
        type: outcome.decision === 'resume' ? 'resume' : outcome.decision === 'reassign' ? 'reassign' : 'fail',
        taskId: task.id,
        reason: `${diagnosis.summary} → ${outcome.reason}`,
        evidence: diagnosis.evidence,
      });
    }
    return wrote;
  }

  private async createContinuation(parent: Task, id: string, c: Extract<RecoveryOutcome, { decision: 'resume' }>['continuation'], now: number): Promise<void> {
    const existing = await this.o.store.get(id);
    if (existing) {
      if (existing.status === 'ASSIGNED') await this.o.tasks.offer(existing);
      return;
    }
    try {
      await this.o.tasks.create(
        { kind: c.kind, payload: c.payload, maxRetries: c.maxRetries, expectedOutputChars: c.expectedOutputChars },
        {
          id,
          parentId: parent.id,
          // Set here, not in the body: the body's dedupKey would find the parent's fingerprint and make nothing.
          dedupKey: parent.dedupKey,
          healHint: c.healHint,
          maxAgeMinutes: parent.maxAgeMinutes,
          history: [{ from: 'PENDING', to: 'ASSIGNED', at: now, by: 'diagnoser', reason: `continuation of ${parent.id} attempt ${parent.attempt}` }],
        },
      );
    } catch (err) {
      // Another replica made it between our read and our insert: that one stands.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}
