import { NotFoundError, type Logger, type Task, type TaskStore } from '@smart-reap/shared';
import type { Escalator } from '../decide/escalator.js';

export interface SupervisionTrackerOptions {
  store: TaskStore;
  escalator: Escalator;
  logger: Logger;
  dryRun: boolean;
}

/** A task whose probe queue changed hands this tick: nobody serves it now, or someone does again. */
export type SupervisionChange =
  | { taskId: string; attempt: number; to: 'unsupervised'; queue: string; reason: string }
  | { taskId: string; attempt: number; to: 'supervised'; queue: string };

/**
 * Writes the changes of supervision onto the tasks (`supervision`, indexed for the gauge and
 * /readyz) and escalates each lapse once. Each write re-checks, in the store's compare-and-set,
 * that the task is still the attempt the scheduler saw: two replicas write and escalate one lapse once.
 */
export class SupervisionTracker {
  constructor(private readonly o: SupervisionTrackerOptions) {}

  async apply(changes: SupervisionChange[], now: number): Promise<void> {
    const results = await Promise.allSettled(changes.map((c) => (c.to === 'unsupervised' ? this.lapse(c, now) : this.regain(c))));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) {
      this.o.logger.warn({ failed: failed.length, err: String((failed[0] as PromiseRejectedResult).reason) }, 'supervision not recorded for some tasks; the next round retries');
    }
  }

  private async lapse(c: Extract<SupervisionChange, { to: 'unsupervised' }>, now: number): Promise<void> {
    let lapsed = false;
    await this.mutate(c, (t) => {
      if (t.supervision) return undefined;
      lapsed = true;
      const supervision = { state: 'unsupervised' as const, since: now, reason: c.reason, queue: c.queue };
      // A dry run flags nothing on the task (as for every other escalation): only the event says "would".
      return this.o.dryRun ? { ...t, supervision } : { ...t, supervision, needsAttention: { reason: `unsupervised: ${c.reason}`, at: now }, lastEscalatedAt: now };
    });
    if (!lapsed) return;
    this.o.logger.warn({ taskId: c.taskId, queue: c.queue, reason: c.reason }, 'task unsupervised: nobody takes its probes');
    await this.o.escalator.emit(c.taskId, 'unsupervised', `unsupervised: ${c.reason}; not reaped while it lasts`, [`probe queue ${c.queue}`]);
  }

  private async regain(c: SupervisionChange): Promise<void> {
    let regained = false;
    await this.mutate(c, (t) => {
      if (!t.supervision) return undefined;
      regained = true;
      return { ...t, supervision: undefined };
    });
    if (regained) this.o.logger.info({ taskId: c.taskId, queue: c.queue }, 'task supervised again: its probe queue is served');
  }

  private async mutate(c: SupervisionChange, change: (t: Task) => Task | undefined): Promise<void> {
    try {
      await this.o.store.mutate(c.taskId, (t) => {
        if (t.status !== 'IN_PROGRESS' || t.attempt !== c.attempt || t.reap) return { keep: true };
        const next = change(t);
        return next ? { write: next } : { keep: true };
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
