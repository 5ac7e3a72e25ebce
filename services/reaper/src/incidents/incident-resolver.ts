import { QUEUE, reassignJobId, type EventLog, type Incident, type IncidentTracker, type JobQueues, type TaskStore } from '@smart-reap/shared';

export interface IncidentResolverOptions {
  incidents: IncidentTracker;
  store: TaskStore;
  queues: JobQueues;
  events: EventLog;
  clock?: () => number;
}

export interface Resolution {
  incident: Incident;
  /** Held retries sent on at once by this call. */
  released: number;
}

/**
 * `POST /incidents/:id/resolve`: an operator says the cause is fixed. The incident closes, and
 * every retry it held goes now rather than at its next look (its delayed reassign job is promoted:
 * the reassign worker then finds no open incident and moves the task to ASSIGNED).
 */
export class IncidentResolver {
  constructor(private readonly o: IncidentResolverOptions) {}

  async resolve(id: string, by: string | undefined): Promise<Resolution | undefined> {
    const now = (this.o.clock ?? Date.now)();
    const resolvedBy = by ? `operator:${by}` : 'operator';
    const result = await this.o.incidents.resolve(id, resolvedBy, now);
    if (!result) return undefined;
    let released = 0;
    const reassign = this.o.queues.queue(QUEUE.reassign);
    for (const taskId of result.held) {
      const task = await this.o.store.get(taskId);
      if (task?.status !== 'FAILED') continue;
      const job = await reassign.getJob(reassignJobId(taskId, task.attempt));
      // A job that is active right now looks again within the worker's recheck; one promoted by
      // another call or replica is already waiting.
      if (!job || !(await job.isDelayed())) continue;
      await job.promote().then(
        () => released++,
        () => undefined,
      );
    }
    if (result.resolvedNow) {
      await this.o.events.append({ type: 'incident', reason: `incident ${id} resolved by ${resolvedBy}; ${released} held retries released`, evidence: result.held });
    }
    return { incident: result.incident, released };
  }
}
