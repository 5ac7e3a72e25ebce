import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, SHORT_WORKER_LOCKS, intakeBody, startJobWorker, type Keys, type Logger, type TaskService, type TaskStatus } from '@smart-reap/shared';

export interface IntakeWorkerOptions {
  connection: Redis;
  keys: Keys;
  tasks: TaskService;
  logger: Logger;
}

/** What an intake job returns (Bull Board shows it): the task it made or found. */
export interface IntakeResult {
  taskId: string;
  status: TaskStatus;
  created: boolean;
}

/** What `reaper start` prints for producers: where a plain BullMQ `Queue.add` becomes a task. */
export function intakeContract(keys: Keys): string {
  return `BullMQ producers: queue '${QUEUE.tasks}', prefix '${keys.bullPrefix()}', job name 'task', data = POST /tasks body (job id = idempotency key)`;
}

/**
 * The intake (DESIGN §9): each `task` job a plain BullMQ producer adds to the tasks queue becomes
 * a task through the same TaskService as POST /tasks, so validation, idempotency and dedup are
 * the same. Data that does not validate and jobs of another name fail at once (jobProcessor's
 * UnrecoverableError), naming the field or the name. A job retried after a crash finds its task
 * by its idempotency key and makes no second one.
 */
export function startIntakeWorker(o: IntakeWorkerOptions): Worker {
  const worker = startJobWorker(
    QUEUE.tasks,
    {
      task: async (data, job): Promise<IntakeResult> => {
        // A job a worker took always has its id (BullMQ numbers those added without one).
        const { task, created } = await o.tasks.create(intakeBody(data, job.id!));
        return { taskId: task.id, status: task.status, created };
      },
    },
    { connection: o.connection, prefix: o.keys.bullPrefix(), concurrency: 8, ...SHORT_WORKER_LOCKS },
  );
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'intake worker error'));
  return worker;
}
