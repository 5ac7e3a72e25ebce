import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, SHORT_WORKER_LOCKS, evaluateRound, startJobWorker, type Config, type Keys, type Logger, type Task, type TaskStore } from '@smart-reap/shared';
import type { ReaperMetrics } from '../metrics/reaper-metrics.js';
import type { Escalator } from './escalator.js';
import type { VerdictApplier } from './verdict-applier.js';

export interface DecideWorkerOptions {
  connection: Redis;
  keys: Keys;
  store: TaskStore;
  applier: VerdictApplier;
  escalator: Escalator;
  metrics: ReaperMetrics;
  logger: Logger;
  config: Pick<Config, 'HEARTBEAT_GRACE_MS' | 'MAX_EXTENSIONS' | 'MASS_DEATH_HOLD_MS'>;
  /** Default Date.now. */
  clock?: () => number;
  /** Rounds decided at once. Default 4. */
  concurrency?: number;
}

/**
 * The reaper's decide step: takes each probe round's results, runs them through the truth table
 * and the mass-death breaker, and applies the verdicts. If Redis cannot be read the job fails and
 * the round is simply decided again by the next one: nothing is guessed.
 */
export function startDecideWorker(o: DecideWorkerOptions): Worker {
  const clock = o.clock ?? Date.now;
  const worker = startJobWorker(
    QUEUE.decide,
    { decide: async (data) => {
      const tasks = new Map<string, Task>();
      for (const t of await o.store.getMany(data.results.map((r) => r.taskId))) tasks.set(t.id, t);
      const now = clock();
      const round = evaluateRound(
        tasks,
        data.results,
        { heartbeatGraceMs: o.config.HEARTBEAT_GRACE_MS, maxExtensions: o.config.MAX_EXTENSIONS, massDeathHoldMs: o.config.MASS_DEATH_HOLD_MS },
        now,
        data.alsoAlive,
      );
      if (round.verdicts.some((v) => v.outcome.action === 'hold' && v.outcome.firstHold)) {
        o.metrics.massDeathHolds.inc();
        await o.escalator.emit(undefined, 'mass_death', `mass-death breaker tripped on ${data.queue}: ${round.breaker.join('; ')}; deaths held for ${o.config.MASS_DEATH_HOLD_MS} ms`, round.breaker);
      }
      const results = await Promise.allSettled(round.verdicts.map((v) => o.applier.apply(v, now)));
      const failed = results.filter((r) => r.status === 'rejected');
      if (failed.length) {
        o.logger.warn({ failed: failed.length, err: String((failed[0] as PromiseRejectedResult).reason) }, 'some verdicts could not be applied; next round decides again');
      }
    } },
    { connection: o.connection, prefix: o.keys.bullPrefix(), concurrency: o.concurrency ?? 4, removeOnComplete: { count: 0 }, removeOnFail: { count: 100 }, ...SHORT_WORKER_LOCKS },
  );
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'decide worker error'));
  return worker;
}
