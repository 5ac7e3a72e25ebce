import type { CreateTaskBody } from '../schemas/api.js';

/**
 * The POST /tasks body a producer's `task` job stands for (DESIGN §9). The BullMQ job id is its
 * idempotency key, so a job added twice under one id is one task. Data that names its own
 * `idempotencyKey` keeps it, as the same body does over HTTP: a producer moving a call from
 * POST /tasks to the queue keeps its keys, and the two ways of sending meet on one task.
 */
export function intakeBody(data: CreateTaskBody, bullJobId: string): CreateTaskBody {
  return { ...data, idempotencyKey: data.idempotencyKey ?? bullJobId };
}
