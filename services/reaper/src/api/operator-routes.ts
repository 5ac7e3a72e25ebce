import { decideOperatorRetry, type EventLog, type TaskService } from '@smart-reap/shared';
import { ROUTES } from './api-routes.js';
import type { RouteTable } from './route-table.js';

/** DESIGN §9's operator actions (behind the bearer token like every non-health route). */
export function operatorRoutes(table: RouteTable, tasks: TaskService, events: EventLog): void {
  // FAILED → ASSIGNED (attempt + 1) in one compare-and-set, then onto the assigned queue as a
  // reassignment would be; a reassign job still waiting for the old attempt then finds it moved on.
  table.handle(ROUTES.retry, async ({ body }, req, res) => {
    const task = await tasks.store.mutate(req.params.id!, (t, now) => decideOperatorRetry(t, body, now));
    await tasks.offer(task);
    await events.append({
      type: 'reassign',
      taskId: task.id,
      reason: `retry asked by ${body.by}: attempt ${task.attempt} of ${task.maxRetries + 1} queued (${body.reason})`,
      evidence: [`by ${body.by}`],
    });
    res.json({ id: task.id, status: task.status, attempt: task.attempt, maxRetries: task.maxRetries });
  });
}
