import { publicTask, type TaskService } from '@smart-reap/shared';
import type { ApiMetrics } from './api-metrics.js';
import { ROUTES } from './api-routes.js';
import type { RouteTable } from './route-table.js';

/** DESIGN §9's task routes; bodies and queries parsed by their specs' zod schemas (a ZodError becomes 400 in the error handler). */
export function taskRoutes(table: RouteTable, tasks: TaskService, metrics?: ApiMetrics): void {
  table.handle(ROUTES.createTask, async ({ body }, _req, res) => {
    const result = await tasks.create(body);
    if (result.created) metrics?.tasksCreated.inc();
    res.status(result.created ? 201 : 200).json(result.task);
  });

  table.handle(ROUTES.listTasks, async ({ query }, _req, res) => {
    const page = await tasks.list(query);
    res.json({ tasks: page.tasks.map(publicTask), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });

  table.handle(ROUTES.claim, async ({ body }, _req, res) => {
    const task = await tasks.claim(body);
    if (!task) {
      res.status(204).end();
      return;
    }
    res.json(publicTask(task));
  });

  table.handle(ROUTES.getTask, async (_input, req, res) => {
    res.json(publicTask(await tasks.store.mustGet(req.params.id!)));
  });

  table.handle(ROUTES.heartbeat, async ({ body }, req, res) => {
    const task = await tasks.heartbeat(req.params.id!, body);
    res.json({ id: task.id, status: task.status, deadline: task.deadline });
  });

  table.handle(ROUTES.appendLog, async ({ body }, req, res) => {
    await tasks.appendLog(req.params.id!, body);
    res.status(202).json({ accepted: body.lines.length });
  });

  table.handle(ROUTES.readLog, async ({ query }, req, res) => {
    res.json(await tasks.readLog(req.params.id!, query));
  });

  table.handle(ROUTES.complete, async ({ body }, req, res) => {
    const task = await tasks.complete(req.params.id!, body);
    res.json({ id: task.id, status: task.status });
  });

  table.handle(ROUTES.fail, async ({ body }, req, res) => {
    const task = await tasks.fail(req.params.id!, body);
    res.status(202).json({ id: task.id, status: task.status, diagnosing: true });
  });

  table.handle(ROUTES.cancel, async ({ body }, req, res) => {
    const task = await tasks.cancel(req.params.id!, body.reason);
    res.json({ id: task.id, status: task.status });
  });
}
