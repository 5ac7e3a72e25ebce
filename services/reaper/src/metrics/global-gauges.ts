import { Gauge, type Registry } from 'prom-client';
import { TASK_STATUSES, type IncidentTracker, type JobQueues, type Keys } from '@smart-reap/shared';
import type { Redis } from 'ioredis';

/**
 * Fleet-wide figures, read from Redis at scrape time. Exported by the reaper only, so that a
 * sum over replicas of a per-process metric never double-counts them.
 */
export function registerGlobalGauges(registry: Registry, redis: Redis, keys: Keys, queues: JobQueues, incidents: IncidentTracker): void {
  new Gauge({
    name: 'smart_reap_incidents_open',
    help: 'Open incidents; each pauses reassignment in its scope (the circuit breaker)',
    registers: [registry],
    async collect() {
      this.set(await incidents.openCount());
    },
  });
  new Gauge({
    name: 'smart_reap_tasks',
    help: 'Tasks by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const pipeline = redis.pipeline();
      for (const s of TASK_STATUSES) pipeline.zcard(keys.status(s));
      const counts = (await pipeline.exec()) ?? [];
      TASK_STATUSES.forEach((s, i) => this.set({ status: s }, Number(counts[i]?.[1] ?? 0)));
    },
  });
  new Gauge({
    name: 'smart_reap_unsupervised_tasks',
    help: 'IN_PROGRESS tasks whose probe queue no live prober serves (its prober gone, or the queue paused): not reaped while it lasts',
    registers: [registry],
    async collect() {
      this.set(await redis.hlen(keys.unsupervised()));
    },
  });
  new Gauge({
    name: 'smart_reap_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of queues.known()) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
}
