import { DelayedError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, SHORT_WORKER_LOCKS, awaitsReassignment, decideReassign, startJobWorker, type EventLog, type Incident, type Keys, type Logger, type Task, type TaskService, type TaskStore } from '@smart-reap/shared';
import type { ReaperMetrics } from '../metrics/reaper-metrics.js';

/** The incident breaker as the reassign worker sees it: which incident pauses a task, and the note that it held one. */
export interface ReassignIncidents {
  pausing(task: Task): Promise<Incident | undefined>;
  hold(incidentId: string, taskId: string): Promise<void>;
}

export interface ReassignWorkerOptions {
  connection: Redis;
  keys: Keys;
  store: TaskStore;
  tasks: TaskService;
  events: EventLog;
  metrics: ReaperMetrics;
  logger: Logger;
  dryRun: boolean;
  /** Open incidents, which hold the retries in their scope. Default: none. */
  incidents?: ReassignIncidents;
  /** INCIDENT_MAX_HOLD_MS: how long an incident nothing resolves may hold a retry. */
  incidentMaxHoldMs: number;
  /** How long a paused or early job waits before it looks again. Default 1000 ms. */
  recheckMs?: number;
  /** Default Date.now. */
  clock?: () => number;
}

/**
 * FAILED → ASSIGNED (attempt + 1) when decideReassign says so, then back onto the assigned queue.
 * The job id is per attempt and the move is one compare-and-set that decides again on what it
 * reads: replicas reassign once.
 */
export function startReassignWorker(o: ReassignWorkerOptions): Worker {
  const clock = o.clock ?? Date.now;
  const config = { incidentMaxHoldMs: o.incidentMaxHoldMs };
  const worker = startJobWorker(
    QUEUE.reassign,
    { reassign: async ({ taskId, attempt }, job, token) => {
      // Look again later without spending one of the job's attempts: the diagnoser has not yet
      // written FAILED (the job is made before that write), or an incident holds the scope.
      const later = async () => {
        await job.moveToDelayed(clock() + (o.recheckMs ?? 1000), token);
        throw new DelayedError();
      };
      const task = await o.store.get(taskId);
      if (!task) return 'gone';
      // Only a task awaiting reassignment can be held: no incident lookup for the others.
      const incident = awaitsReassignment(task) ? await o.incidents?.pausing(task) : undefined;
      const facts = { jobAttempt: attempt, incident };
      const decision = decideReassign(task, facts, config, clock());
      if ('movedOn' in decision) return 'moved-on';
      if ('wait' in decision) {
        if (decision.wait === 'incident') {
          await o.incidents?.hold(decision.incidentId, task.id);
          o.metrics.reassigned.inc({ outcome: 'paused' });
        }
        return later();
      }
      if (o.dryRun) {
        await o.events.append({ type: 'reassign', taskId, reason: `would reassign: attempt ${attempt + 1}`, evidence: [], dryRun: true });
        return 'dry-run';
      }
      let wrote = false;
      const next = await o.store.mutate(taskId, (t, now) => {
        const d = decideReassign(t, facts, config, now);
        if (!('write' in d)) return { keep: true };
        wrote = true;
        return { write: d.write };
      });
      if (!wrote) return 'moved-on';
      await o.tasks.offer(next);
      o.metrics.reassigned.inc({ outcome: 'reassigned' });
      await o.events.append({ type: 'reassign', taskId, reason: `attempt ${next.attempt} of ${next.maxRetries + 1} queued`, evidence: [] });
      return 'reassigned';
    } },
    { connection: o.connection, prefix: o.keys.bullPrefix(), concurrency: 8, ...SHORT_WORKER_LOCKS },
  );
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'reassign worker error'));
  return worker;
}
