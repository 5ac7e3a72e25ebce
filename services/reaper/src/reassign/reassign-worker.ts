import { DelayedError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, SHORT_WORKER_LOCKS, applyTransition, checkTransition, startJobWorker, type EventLog, type Keys, type Logger, type Task, type TaskService, type TaskStore } from '@smart-reap/shared';
import type { ReaperMetrics } from '../metrics/reaper-metrics.js';

export interface ReassignWorkerOptions {
  connection: Redis;
  keys: Keys;
  store: TaskStore;
  tasks: TaskService;
  events: EventLog;
  metrics: ReaperMetrics;
  logger: Logger;
  dryRun: boolean;
  /** Why reassignment of this task is paused (an open incident in its scope), if it is. */
  paused?: (task: Task) => Promise<string | undefined>;
  /** How long a paused or early job waits before it looks again. Default 1000 ms. */
  recheckMs?: number;
  /** Default Date.now. */
  clock?: () => number;
}

/**
 * FAILED → ASSIGNED (attempt + 1) while retries remain, then back onto the tasks queue. The
 * job id is per attempt and the move is one compare-and-set: replicas reassign once.
 */
export function startReassignWorker(o: ReassignWorkerOptions): Worker {
  const clock = o.clock ?? Date.now;
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
      if (task.status === 'IN_PROGRESS' && task.attempt === attempt) return later();
      if (task.status !== 'FAILED' || task.attempt !== attempt || task.context.reap_diagnosis?.decision !== 'reassign') return 'moved-on';
      if (await o.paused?.(task)) {
        o.metrics.reassigned.inc({ outcome: 'paused' });
        return later();
      }
      if (o.dryRun) {
        await o.events.append({ type: 'reassign', taskId, reason: `would reassign: attempt ${attempt + 1}`, evidence: [], dryRun: true });
        return 'dry-run';
      }
      let wrote = false;
      const next = await o.store.mutate(taskId, (t, now) => {
        if (t.status !== 'FAILED' || t.attempt !== attempt) return { keep: true };
        const check = checkTransition('FAILED', 'ASSIGNED', t);
        if (!check.ok) return { keep: true };
        wrote = true;
        return {
          write: applyTransition(t, { to: 'ASSIGNED', by: 'reassigner', reason: `retry after ${t.context.reap_diagnosis?.crashType}` }, now, {
            attempt: t.attempt + 1,
            runner: undefined,
            deadline: undefined,
            extensions: 0,
            probe: undefined,
            reap: undefined,
            progress: undefined,
            failure: undefined,
          }),
        };
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
