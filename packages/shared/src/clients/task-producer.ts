import { configWith } from '../config.js';
import { createCore, type Core } from '../core.js';
import type { Logger } from '../logger.js';
import { CreateTaskBodySchema, type CreateTaskBody } from '../schemas/api.js';
import type { CreateResult } from '../tasks/task-service.js';

export interface TaskProducerOptions {
  redisUrl: string;
  /** The reaper's `KEY_PREFIX`. Default `sr`. */
  keyPrefix?: string;
  logger?: Logger;
}

/**
 * For producers that would rather not go through HTTP: creates tasks straight in Redis and puts
 * them on the BullMQ assigned queue. It is the same TaskService as `POST /tasks`, so validation,
 * idempotency keys and deduplication hold alike; a bad body throws the ZodError naming the field.
 */
export class TaskProducer {
  private constructor(private readonly core: Core) {}

  static async connect(options: TaskProducerOptions): Promise<TaskProducer> {
    const config = configWith({ KEY_PREFIX: options.keyPrefix ?? 'sr' });
    const core = createCore({ config, redisUrl: options.redisUrl, logger: options.logger });
    try {
      await core.ready();
    } catch (err) {
      await core.close();
      throw err;
    }
    return new TaskProducer(core);
  }

  async create(body: CreateTaskBody): Promise<CreateResult> {
    return this.core.tasks.create(CreateTaskBodySchema.parse(body));
  }

  close(): Promise<void> {
    return this.core.close();
  }
}
