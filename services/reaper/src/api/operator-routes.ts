import { Router } from 'express';
import { OperatorRetryBodySchema, decideOperatorRetry, type EventLog, type TaskService } from '@smart-reap/shared';

/** DESIGN §9's operator actions (behind the bearer token like every non-health route). */
export function operatorRoutes(tasks: TaskService, events: EventLog): Router {
  const r = Router();

  // FAILED → ASSIGNED (attempt + 1) in one compare-and-set, then onto the assigned queue as a
  // reassignment would be; a reassign job still waiting for the old attempt then finds it moved on.
  r.post('/tasks/:id/retry', async (req, res) => {
    const body = OperatorRetryBodySchema.parse(req.body ?? {});
    const task = await tasks.store.mutate(req.params.id, (t, now) => decideOperatorRetry(t, body, now));
    await tasks.offer(task);
    await events.append({
      type: 'reassign',
      taskId: task.id,
      reason: `retry asked by ${body.by}: attempt ${task.attempt} of ${task.maxRetries + 1} queued (${body.reason})`,
      evidence: [`by ${body.by}`],
    });
    res.json({ id: task.id, status: task.status, attempt: task.attempt, maxRetries: task.maxRetries });
  });

  return r;
}
