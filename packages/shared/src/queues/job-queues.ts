import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.js';
import { planJob, type JobData, type JobExtraArgs, type JobName } from './catalog.js';

/**
 * The producer side of every queue, typed by the job catalog. Queues are created on first use
 * (host probe queues appear as runner hosts do) and share one connection.
 */
export class JobQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    readonly keys: Keys,
  ) {}

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.keys.bullPrefix(),
        defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
      });
      // BullMQ re-emits the shared connection's errors on every queue, and prints them raw where
      // no one listens; createRedisClient already logs that connection's errors once, by host.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Checks, routes and adds a job as the catalog says: its queue, id and options come from its name and data. */
  async enqueue<N extends JobName>(name: N, data: JobData<N>, ...extra: JobExtraArgs<N>): Promise<void> {
    const job = planJob(name, data, ...extra);
    await this.queue(job.queue).add(job.name, job.data, job.opts);
  }

  known(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
