import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import {
  startJobWorker,
  type JobData,
  type JobQueues,
  type Keys,
  type Logger,
  type ProbeQueue,
  type ProbeResult,
  type ProbeResultJob,
  type ProbeTarget,
} from '@smart-reap/shared';
import type { RunnerStopperLookup, StopJobHandler } from './stop-handler.js';

export interface ProbeWorkerOptions {
  connection: Redis;
  keys: Keys;
  queues: JobQueues;
  /** The probe queues this prober takes from: its host's `probe-<host>`, the shared `probe`, or both. */
  queueNames: ProbeQueue[];
  /** Probes one target under its own budget; resolves `unknown` on overrun or error, never rejects. */
  probe: (target: ProbeTarget, now: number) => Promise<ProbeResult>;
  stops: StopJobHandler;
  logger: Logger;
  /** Probes in flight at once across all jobs of this process (PROBE_CONCURRENCY). */
  concurrency: number;
  /** A round older than this is dropped: a newer round already covers its tasks. */
  staleRoundMs: number;
  /** The host name stamped on results from shared-queue probes; local ones carry the runner's host. */
  nodeName: string;
  clock?: () => number;
  onProbe?: (target: ProbeTarget, result: ProbeResult, durationMs: number) => void;
}

export type { RunnerStopperLookup };

/**
 * Prober workers (DESIGN §3): each probe job is one round for a batch of tasks, probed with
 * bounded concurrency; a hung probe holds only its own slot until its budget ends. Results go to
 * the reaper's decide step as one job per round, so the mass-death breaker sees the round whole.
 */
export function startProbeWorkers(o: ProbeWorkerOptions): Worker[] {
  const clock = o.clock ?? Date.now;
  const limit = pLimit(o.concurrency);

  const probeRound = async (data: JobData<'probe'>, queueName: string): Promise<void> => {
    if (clock() - data.round > o.staleRoundMs) return;
    const results = await Promise.all(
      data.targets.map((target) =>
        limit(async (): Promise<ProbeResultJob> => {
          const started = clock();
          const r = await o.probe(target, started);
          o.onProbe?.(target, r, clock() - started);
          return {
            taskId: target.taskId,
            attempt: target.attempt,
            host: target.host ?? o.nodeName,
            runtimeState: r.runtimeState,
            processState: r.processState,
            evidence: r.evidence,
            exitCode: r.exitCode,
            signal: r.signal,
            pinnedPidStartTime: r.pinnedPidStartTime,
            probedAt: clock(),
          };
        }),
      ),
    );
    await o.queues.enqueue('decide', { round: data.round, queue: queueName, results });
  };

  return o.queueNames.map((queueName) => {
    const worker = startJobWorker(
      queueName,
      { probe: (data) => probeRound(data, queueName), stop: (data) => o.stops.handle(data) },
      {
        connection: o.connection,
        prefix: o.keys.bullPrefix(),
        // Jobs are cheap to hold open: the real bound is the shared probe limiter above.
        concurrency: Math.max(4, Math.ceil(o.concurrency / 8)),
        // A probe job outlives its usefulness quickly; never let BullMQ replay an old round.
        maxStalledCount: 0,
      },
    );
    worker.on('error', (err) => o.logger.warn({ queue: queueName, err: err.message }, 'probe worker error'));
    return worker;
  });
}
