import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.js';
import type { Keys } from '../redis/keys.js';
import { planJob, type JobData, type JobExtraArgs, type JobName } from './catalog.js';

const REMOVE_WAITING = LuaScript.fromFile(new URL('./remove-pointer.lua', import.meta.url));

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

  /**
   * Removes a job, in O(1) when it is the oldest waiting one (see remove-pointer.lua: BullMQ's own
   * removal scans the whole wait list for it); any other state goes through BullMQ's removal.
   * For jobs with no parent, children or deduplication id: the assigned queue's pointers.
   */
  async removePointer(queueName: string, jobId: string): Promise<void> {
    const q = this.queue(queueName);
    const removed = await REMOVE_WAITING.run(this.connection, [q.keys.wait!, q.keys.delayed!, q.toKey(jobId), q.keys.events!, q.keys.meta!], [jobId]);
    if (removed !== 1) await q.remove(jobId);
  }

  known(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
