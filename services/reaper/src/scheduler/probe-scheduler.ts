import { hostWatchFreshSince, probeQueueFor, queueSupervision, staleHeartbeatBefore, type Config, type JobData, type JobQueues, type Keys, type Logger, type ProbeResultJob, type ProberRegistry, type ProberSnapshot } from '@smart-reap/shared';
import type { Redis } from 'ioredis';
import { TAKE_DUE_PROBES, TAKE_HEARTBEAT_CHECKS } from './due-probes-script.js';
import type { SupervisionChange, SupervisionTracker } from './supervision-tracker.js';

type Target = JobData<'probe'>['targets'][number];

export interface ProbeSchedulerOptions {
  redis: Redis;
  keys: Keys;
  queues: JobQueues;
  config: Pick<Config, 'TICK_MS' | 'PROBE_INTERVAL_MS' | 'PROBE_TIMEOUT_MS' | 'HEARTBEAT_GRACE_MS' | 'SAFETY_NET_INTERVAL_MS' | 'WATCH_INTERVAL_MS'>;
  logger: Logger;
  /** Who takes which probe queue: read once per tick. */
  probers: ProberRegistry;
  /** Records on the tasks which probe queues nobody serves, and escalates each lapse. */
  supervision: SupervisionTracker;
  /** Default Date.now. */
  clock?: () => number;
  /** Targets per probe job. Default 200: big enough to keep job overhead low, small enough to spread. */
  batchSize?: number;
  /** Most tasks taken in one tick. Default 20 000. */
  maxPerTick?: number;
  /** Told each tick's figures (benchmarks, tests). Default: nobody. */
  onTick?: (stats: TickStats) => void;
}

/** ProbeSchedulerOptions with every default applied, once: what the scheduler reads. */
type ProbeSchedulerSettings = ProbeSchedulerOptions & Required<Pick<ProbeSchedulerOptions, 'clock' | 'batchSize' | 'maxPerTick'>>;

function schedulerSettings(o: ProbeSchedulerOptions): ProbeSchedulerSettings {
  return { ...o, clock: o.clock ?? Date.now, batchSize: o.batchSize ?? 200, maxPerTick: o.maxPerTick ?? 20_000 };
}

export interface TickStats {
  durationMs: number;
  probed: number;
  jobs: number;
  /** Due tasks whose probe queue nobody serves: not enqueued this tick. */
  unsupervised: number;
  /** Heartbeat-judged tasks sent straight to the decide step (stale or past their deadline): no probe job. */
  judged: number;
}

/** The decide queue's name for rounds the scheduler judged from the heartbeat index (no prober saw them). */
export const HEARTBEAT_ROUND_QUEUE = 'heartbeat-index';

/**
 * Every TICK_MS, enqueues the probes that have come due (DESIGN §3). The tick costs O(due), never
 * waits on a probe, and never overlaps itself.
 */
export class ProbeScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly o: ProbeSchedulerSettings;
  private readonly clock: () => number;
  private readonly batchSize: number;
  private readonly maxPerTick: number;
  /** The host keys whose watcher's summary was fresh at the last tick. */
  private watchedHosts = new Set<string>();

  constructor(options: ProbeSchedulerOptions) {
    this.o = schedulerSettings(options);
    ({ clock: this.clock, batchSize: this.batchSize, maxPerTick: this.maxPerTick } = this.o);
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
    // A watcher summarizes once per probe interval, or once per sweep when its sweeps are further apart.
    const freshSince = hostWatchFreshSince(now, Math.max(config.PROBE_INTERVAL_MS, config.WATCH_INTERVAL_MS));
    await this.recallUnwatchedHosts(freshSince, now);
    const [flat, checks] = (await Promise.all([
      TAKE_DUE_PROBES.run(
        redis,
        [keys.probeSchedule(), keys.probeTargets(), keys.hostWatch(), keys.deadlines()],
        [String(now), String(config.PROBE_INTERVAL_MS), String(this.maxPerTick), String(config.SAFETY_NET_INTERVAL_MS), String(freshSince)],
      ),
      TAKE_HEARTBEAT_CHECKS.run(
        redis,
        [keys.heartbeats(), keys.heartbeatChecks(), keys.deadlines(), keys.probeTargets()],
        [String(now), String(staleHeartbeatBefore(now, config.HEARTBEAT_GRACE_MS)), String(config.PROBE_INTERVAL_MS), String(this.maxPerTick)],
      ),
    ])) as [string[], string[]];
    const judged = this.judgeHeartbeats(checks, now);
    const byQueue = new Map<string, Target[]>();
    for (let i = 0; i < flat.length; i += 2) {
      const target = JSON.parse(flat[i + 1]!) as Target;
      const q = probeQueueFor(target);
      let list = byQueue.get(q);
      if (!list) byQueue.set(q, (list = []));
      list.push(target);
    }
    const { snapshot, marked } = await this.readSupervision(byQueue, flat, now);
    const changes: SupervisionChange[] = [];
    const adds: Promise<void>[] = [];
    let unsupervised = 0;
    for (const [queueName, targets] of byQueue) {
      const served = queueSupervision(queueName, snapshot);
      for (const t of targets) {
        if (!served.served && !marked.has(t.taskId)) changes.push({ taskId: t.taskId, attempt: t.attempt, to: 'unsupervised', queue: queueName, reason: served.reason });
        if (served.served && marked.has(t.taskId)) changes.push({ taskId: t.taskId, attempt: t.attempt, to: 'supervised', queue: queueName });
      }
      // Nobody takes from it: jobs would only pile up, and a round seen late decides nothing anyway.
      if (!served.served) {
        unsupervised += targets.length;
        continue;
      }
      for (let i = 0; i < targets.length; i += this.batchSize) {
        const batch = targets.slice(i, i + this.batchSize);
        adds.push(this.o.queues.enqueue('probe', { round: now, targets: batch }, { batch: i / this.batchSize }));
      }
    }
    await Promise.all([...adds, ...judged, changes.length ? this.o.supervision.apply(changes, now) : undefined]);
    return { durationMs: performance.now() - t0, probed: flat.length / 2 - unsupervised, jobs: adds.length, unsupervised, judged: checks.length / 2 };
  }

  /**
   * A host whose watcher's summaries went stale since the last tick: its runners wait for a
   * safety-net slot up to SAFETY_NET_INTERVAL_MS away, so they are brought forward to now, once
   * (O(that host's targets)); from there on they are probed every interval until summaries return,
   * and marked unsupervised if nobody serves their probe queue either. Hosts are remembered per
   * scheduler: a replica that starts late only leaves them to their next slot.
   */
  private async recallUnwatchedHosts(freshSince: number, now: number): Promise<void> {
    const { redis, keys } = this.o;
    const flat = await redis.zrange(keys.hostWatch(), '0', '-1', 'WITHSCORES');
    const watched = new Set<string>();
    const lapsed: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const host = flat[i]!;
      if (Number(flat[i + 1]) >= freshSince) watched.add(host);
      else if (this.watchedHosts.has(host)) lapsed.push(host);
    }
    this.watchedHosts = watched;
    for (const host of lapsed) {
      const ids = await redis.hkeys(keys.hostTargets(host));
      this.o.logger.warn({ host, targets: ids.length }, 'host watcher summaries stale: its runners are probed every interval again');
      for (let i = 0; i < ids.length; i += 1000) {
        await redis.zadd(keys.probeSchedule(), 'XX', ...ids.slice(i, i + 1000).flatMap((id) => [String(now), id]));
      }
    }
  }

  /**
   * The heartbeat-judged tasks taken this tick go to the decide step as a round of their own: the
   * decide step judges their axes from the stored heartbeat on its clock (heartbeatAxes), as it
   * always did, so a stale one takes the same path to its diagnosis. The reaper sees the fact
   * itself: no prober is asked, and none has to be registered for these tasks to be supervised.
   */
  private judgeHeartbeats(flat: string[], now: number): Array<Promise<void>> {
    const results: ProbeResultJob[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const target = JSON.parse(flat[i + 1]!) as Target;
      results.push({
        taskId: target.taskId,
        attempt: target.attempt,
        host: target.host ?? HEARTBEAT_ROUND_QUEUE,
        runtimeState: 'unknown',
        processState: 'unknown',
        evidence: ['judged from the heartbeat index'],
        probedAt: now,
      });
    }
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < results.length; i += this.batchSize) {
      jobs.push(this.o.queues.enqueue('decide', { round: now, queue: HEARTBEAT_ROUND_QUEUE, results: results.slice(i, i + this.batchSize) }));
    }
    return jobs;
  }

  /** The probers' registrations, the pause flags of the due queues, and which due tasks are marked unsupervised: one round trip each, together. */
  private async readSupervision(byQueue: Map<string, Target[]>, flat: string[], now: number): Promise<{ snapshot: ProberSnapshot; marked: Set<string> }> {
    if (flat.length === 0) return { snapshot: { entries: [], pausedQueues: new Set(), now }, marked: new Set() };
    const { redis, keys } = this.o;
    const queues = [...byQueue.keys()];
    const ids: string[] = [];
    for (let i = 0; i < flat.length; i += 2) ids.push(flat[i]!);
    const pipeline = redis.pipeline();
    for (const q of queues) pipeline.hget(keys.bullQueueMeta(q), 'paused');
    pipeline.hmget(keys.unsupervised(), ...ids);
    const [entries, results] = await Promise.all([this.o.probers.entries(), pipeline.exec()]);
    const replies = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const pausedQueues = new Set(queues.filter((_, i) => replies[i] !== null && replies[i] !== undefined));
    const flags = (replies[queues.length] as Array<string | null>) ?? [];
    const marked = new Set(ids.filter((_, i) => flags[i] !== null && flags[i] !== undefined));
    return { snapshot: { entries, pausedQueues, now }, marked };
  }
}
