import { QUEUE, hostProbeQueue, type Config, type JobData, type JobQueues, type Keys, type Logger } from '@smart-reap/shared';
import type { Redis } from 'ioredis';
import { TAKE_DUE_PROBES } from './due-probes-script.js';

type Target = JobData<'probe'>['targets'][number];

export interface ProbeSchedulerOptions {
  redis: Redis;
  keys: Keys;
  queues: JobQueues;
  config: Pick<Config, 'TICK_MS' | 'PROBE_INTERVAL_MS' | 'PROBE_TIMEOUT_MS'>;
  logger: Logger;
  clock?: () => number;
  /** Targets per probe job. Default 200: big enough to keep job overhead low, small enough to spread. */
  batchSize?: number;
  /** Most tasks taken in one tick. Default 20 000. */
  maxPerTick?: number;
  onTick?: (stats: TickStats) => void;
}

export interface TickStats {
  durationMs: number;
  probed: number;
  jobs: number;
}

/** `process` and `tmux` runners can only be seen from their own host. */
export function probeQueueFor(target: Pick<Target, 'runtime' | 'host'>): string {
  const local = target.runtime.type === 'process' || target.runtime.type === 'tmux';
  return local ? hostProbeQueue(target.host ?? 'unknown-host') : QUEUE.probe;
}

/**
 * Every TICK_MS, enqueues the probes that have come due (DESIGN §3). The tick costs O(due), never
 * waits on a probe, and never overlaps itself.
 */
export class ProbeScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly clock: () => number;
  private readonly batchSize: number;
  private readonly maxPerTick: number;

  constructor(private readonly o: ProbeSchedulerOptions) {
    this.clock = o.clock ?? Date.now;
    this.batchSize = o.batchSize ?? 200;
    this.maxPerTick = o.maxPerTick ?? 20_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = this.clock();
      this.running = this.tick()
        .then((stats) => this.o.onTick?.(stats))
        .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'probe tick failed; next tick retries'))
        .finally(() => this.schedule(Math.max(0, this.o.config.TICK_MS - (this.clock() - started))));
    }, delay);
  }

  async tick(): Promise<TickStats> {
    const t0 = performance.now();
    const now = this.clock();
    const { redis, keys, config } = this.o;
    const flat = (await TAKE_DUE_PROBES.run(
      redis,
      [keys.probeSchedule(), keys.probeTargets()],
      [String(now), String(config.PROBE_INTERVAL_MS), String(this.maxPerTick)],
    )) as string[];
    const byQueue = new Map<string, Target[]>();
    for (let i = 0; i < flat.length; i += 2) {
      const target = JSON.parse(flat[i + 1]!) as Target;
      const q = probeQueueFor(target);
      let list = byQueue.get(q);
      if (!list) byQueue.set(q, (list = []));
      list.push(target);
    }
    const adds: Promise<void>[] = [];
    for (const [queueName, targets] of byQueue) {
      for (let i = 0; i < targets.length; i += this.batchSize) {
        const batch = targets.slice(i, i + this.batchSize);
        adds.push(
          this.o.queues.add(queueName, 'probe', { round: now, targets: batch }, {
            jobId: `r${now}-${i / this.batchSize}`,
            removeOnComplete: true,
            removeOnFail: { count: 100 },
          }),
        );
      }
    }
    await Promise.all(adds);
    return { durationMs: performance.now() - t0, probed: flat.length / 2, jobs: adds.length };
  }
}
