import { Router } from 'express';
import {
  CancelBodySchema,
  ClaimBodySchema,
  CompleteBodySchema,
  CreateTaskBodySchema,
  FailBodySchema,
  HeartbeatBodySchema,
  ListTasksQuerySchema,
  LogBodySchema,
  publicTask,
  type TaskService,
} from '@smart-reap/shared';
import type { Request } from 'express';
import type { ApiMetrics } from './api-metrics.js';

/**
 * A runner call's body with the lease from the `Reaper-Lease` header when the body has none: the
 * header lets a runner keep its secret out of the JSON it logs.
 */
function withLease(req: Request): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const header = req.get('reaper-lease');
  return header !== undefined && body.lease === undefined ? { ...body, lease: header } : body;
}

/** DESIGN §9's task routes; bodies parsed by zod (a ZodError becomes 400 in the error handler). */
export function taskRoutes(tasks: TaskService, metrics?: ApiMetrics): Router {
  const r = Router();

  r.post('/tasks', async (req, res) => {
    const body = CreateTaskBodySchema.parse(req.body ?? {});
    const result = await tasks.create(body);
    if (result.created) metrics?.tasksCreated.inc();
    res.status(result.created ? 201 : 200).json(result.task);
  });

  r.get('/tasks', async (req, res) => {
    const query = ListTasksQuerySchema.parse(req.query);
    const page = await tasks.list(query);
    res.json({ tasks: page.tasks.map(publicTask), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });

  r.post('/tasks/claim', async (req, res) => {
    const body = ClaimBodySchema.parse(req.body ?? {});
    const task = await tasks.claim(body);
    if (!task) {
      res.status(204).end();
      return;
    }
    res.json(publicTask(task));
  });

  r.get('/tasks/:id', async (req, res) => {
    res.json(publicTask(await tasks.store.mustGet(req.params.id)));
  });

  r.post('/tasks/:id/heartbeat', async (req, res) => {
    const body = HeartbeatBodySchema.parse(withLease(req));
    const task = await tasks.heartbeat(req.params.id, body);
    res.json({ id: task.id, status: task.status, deadline: task.deadline });
  });

  r.post('/tasks/:id/log', async (req, res) => {
    const body = LogBodySchema.parse(withLease(req));
    await tasks.appendLog(req.params.id, body);
    res.status(202).json({ accepted: body.lines.length });
  });

  r.post('/tasks/:id/complete', async (req, res) => {
    const body = CompleteBodySchema.parse(withLease(req));
    const task = await tasks.complete(req.params.id, body);
    res.json({ id: task.id, status: task.status });
  });

  r.post('/tasks/:id/fail', async (req, res) => {
    const body = FailBodySchema.parse(withLease(req));
    const task = await tasks.fail(req.params.id, body);
    res.status(202).json({ id: task.id, status: task.status, diagnosing: true });
  });

  r.post('/tasks/:id/cancel', async (req, res) => {
    const body = CancelBodySchema.parse(req.body ?? {});
    const task = await tasks.cancel(req.params.id, body.reason);
    res.json({ id: task.id, status: task.status });
  });

  return r;
}
