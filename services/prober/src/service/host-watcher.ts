import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import {
  HOST_CHANGES_MAXLEN,
  hasExited,
  hostProbeQueue,
  readProcStat,
  watchReports,
  type JobQueues,
  type Keys,
  type Logger,
  type ProbeResult,
  type ProbeResultJob,
  type ProbeTarget,
  type ProcStat,
  type WatchMemory,
  type WatchSeen,
} from '@smart-reap/shared';

type Target = ProbeTarget & { attempt: number };

export interface HostWatcherOptions {
  redis: Redis;
  keys: Keys;
  queues: JobQueues;
  logger: Logger;
  /** This prober's host (NODE_NAME): the host whose process and tmux runners it watches. */
  nodeName: string;
  /** Probes one target under its own budget (the same adapters as probe rounds); never rejects. */
  probe: (target: ProbeTarget, now: number) => Promise<ProbeResult>;
  /** Between two sweeps (WATCH_INTERVAL_MS). */
  sweepMs: number;
  /** How often a target that stays not alive is reported again, a tmux pane looked at, and the summary written (PROBE_INTERVAL_MS). */
  reportMs: number;
  /** Full probes in flight at once (PROBE_CONCURRENCY). */
  concurrency: number;
  /** Default `/proc`. */
  procRoot?: string;
  clock?: () => number;
  /** Told each sweep's figures (benchmarks, tests). */
  onSweep?: (stats: SweepStats) => void;
}

export interface SweepStats {
  watched: number;
  /** Distinct pids read from /proc. */
  pidsRead: number;
  /** Targets looked at through their full probe (first sight, not alive, tmux). */
  fullProbes: number;
  reported: number;
  durationMs: number;
}

/**
 * A host's own watch of its host-local runners (issue 13): the targets of this host are loaded once
 * (its host-targets hash) and kept current from the host's change stream (written in the same
 * step as every task write, so it cannot drift), O(changes) per sweep. Each sweep reads /proc once
 * per distinct pid; only a runner that is not plainly alive (gone, zombie, pid reused), one seen
 * for the first time, or a tmux pane gets its full probe, the same adapters as a probe round.
 * What changed goes to the decide step as one round per sweep (the mass-death breaker sees a
 * host's deaths together, with the count of the rest seen alive), and a summary per interval says
 * the host's targets are watched: the scheduler then gives them only a safety-net round.
 */
export class HostWatcher {
  private readonly host: string;
  private readonly clock: () => number;
  private readonly limit: ReturnType<typeof pLimit>;
  private targets = new Map<string, Target>();
  private memory: Map<string, WatchMemory> = new Map();
  /** The last full probe of each target and when it was taken. */
  private readonly last = new Map<string, { result: ProbeResult; at: number }>();
  private lastId = '0-0';
  private lastSummaryAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly o: HostWatcherOptions) {
    this.host = hostProbeQueue(o.nodeName);
    this.clock = o.clock ?? Date.now;
    this.limit = pLimit(o.concurrency);
  }

  async start(): Promise<void> {
    await this.load();
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = this.clock();
      this.running = this.sweep()
        .then((stats) => this.o.onSweep?.(stats))
        .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'host watch sweep failed; next sweep retries'))
        .finally(() => this.schedule(Math.max(0, this.o.sweepMs - (this.clock() - started))));
    }, delay);
  }

  /** The host's targets, whole: at start, and when the change stream was trimmed past this watcher. */
  private async load(): Promise<void> {
    const { redis, keys } = this.o;
    // The stream position first: changes made while the hash is read are read again, harmlessly.
    const newest = await redis.xrevrange(keys.hostTargetChanges(this.host), '+', '-', 'COUNT', 1);
    this.lastId = newest[0]?.[0] ?? '0-0';
    const all = await redis.hgetall(keys.hostTargets(this.host));
    this.targets = new Map(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as Target]));
  }

  /** The changes since the last sweep: O(changes). */
  private async follow(): Promise<void> {
    const { redis, keys } = this.o;
    const read = await redis.xread('COUNT', HOST_CHANGES_MAXLEN, 'STREAMS', keys.hostTargetChanges(this.host), this.lastId);
    const entries = read?.[0]?.[1] ?? [];
    if (entries.length === 0) return;
    if (entries.length >= HOST_CHANGES_MAXLEN) {
      // As far behind as the stream keeps: some changes may be trimmed away, so read the host whole.
      await this.load();
      return;
    }
    this.lastId = entries[entries.length - 1]![0];
    const ids = [...new Set(entries.map(([, fields]) => fields[fields.indexOf('id') + 1]!))];
    for (let at = 0; at < ids.length; at += 1000) {
      const chunk = ids.slice(at, at + 1000);
      const values = await redis.hmget(keys.hostTargets(this.host), ...chunk);
      chunk.forEach((id, i) => {
        const json = values[i];
        if (json === null || json === undefined) this.targets.delete(id);
        else this.targets.set(id, JSON.parse(json) as Target);
      });
    }
  }

  async sweep(): Promise<SweepStats> {
    const t0 = performance.now();
    const [paused] = await Promise.all([this.o.redis.hget(this.o.keys.bullQueueMeta(this.host), 'paused'), this.follow()]);
    // A paused host probe queue pauses the host's supervision whole (DESIGN §3, issue 10): no
    // reports and no summaries, so the scheduler takes these runners back and marks them unsupervised.
    if (paused !== null) return { watched: 0, pidsRead: 0, fullProbes: 0, reported: 0, durationMs: performance.now() - t0 };
    const now = this.clock();
    const targets = [...this.targets.values()];
    const stats = await this.readPids(targets);
    // Synchronous for the plainly alive (nearly all of them): only the others wait on a full probe.
    const seen: WatchSeen[] = new Array(targets.length);
    const probes: Array<Promise<void>> = [];
    targets.forEach((t, i) => {
      const previous = this.last.get(t.taskId);
      const plainlyAlive = t.runtime.type === 'process' && t.pid !== undefined && t.pidStartTime !== undefined && isPlainlyAlive(stats.get(t.pid), t.pidStartTime);
      if (plainlyAlive && previous) {
        seen[i] = { taskId: t.taskId, result: ALIVE };
        return;
      }
      const reprobe = !previous || now - previous.at >= this.o.reportMs || (t.runtime.type === 'process' && isAlive(previous.result));
      if (!reprobe) {
        seen[i] = { taskId: t.taskId, result: previous.result };
        return;
      }
      probes.push(
        this.limit(async () => {
          const result = await this.o.probe(t, now);
          this.last.set(t.taskId, { result, at: now });
          seen[i] = { taskId: t.taskId, result };
        }),
      );
    });
    const fullProbes = probes.length;
    await Promise.all(probes);
    for (const id of this.last.keys()) if (!this.targets.has(id)) this.last.delete(id);
    const { report, memory } = watchReports(this.memory, seen, now, this.o.reportMs);
    this.memory = memory;
    if (report.length > 0) {
      const results = report.map((s): ProbeResultJob => {
        const t = this.targets.get(s.taskId)!;
        return {
          taskId: t.taskId,
          attempt: t.attempt,
          host: t.host ?? this.o.nodeName,
          runtimeState: s.result.runtimeState,
          processState: s.result.processState,
          evidence: s.result.evidence,
          exitCode: s.result.exitCode,
          signal: s.result.signal,
          pinnedPidStartTime: s.result.pinnedPidStartTime,
          probedAt: now,
        };
      });
      await this.o.queues.enqueue('decide', { round: now, queue: `watch-${this.host}`, results, alsoAlive: seen.length - report.length });
    }
    if (now - this.lastSummaryAt >= this.o.reportMs) await this.summarize(now, seen.length, seen.filter((s) => isAlive(s.result)).length);
    return { watched: seen.length, pidsRead: stats.size, fullProbes, reported: report.length, durationMs: performance.now() - t0 };
  }

  /** "Every target of this host watched, these many alive, as of now": what lets the scheduler wait for the safety net. */
  private async summarize(now: number, watched: number, alive: number): Promise<void> {
    const { redis, keys } = this.o;
    await redis
      .multi()
      .zadd(keys.hostWatch(), now, this.host)
      .hset(keys.hostWatchSummaries(), this.host, JSON.stringify({ host: this.o.nodeName, at: now, watched, alive }))
      .exec();
    this.lastSummaryAt = now;
  }

  /** /proc/<pid>/stat of each distinct pid among the process targets, read once this sweep. */
  private async readPids(targets: Target[]): Promise<Map<number, ProcStat | undefined>> {
    const pids = new Set<number>();
    for (const t of targets) if (t.runtime.type === 'process' && t.pid !== undefined && t.pid > 0) pids.add(t.pid);
    const stats = new Map<number, ProcStat | undefined>();
    await Promise.all([...pids].map(async (pid) => stats.set(pid, await readProcStat(pid, { procRoot: this.o.procRoot }).catch(() => undefined))));
    return stats;
  }
}

const ALIVE: ProbeResult = { runtimeState: 'alive', processState: 'alive', evidence: ['watched on its host: running, start time as at claim'] };

function isAlive(r: ProbeResult): boolean {
  return r.runtimeState === 'alive' && r.processState === 'alive';
}

/** The cheap look: the pid runs, is no zombie, and has the start time it was claimed with. Anything else gets the full probe. */
function isPlainlyAlive(stat: ProcStat | undefined, startTime: string): boolean {
  return stat !== undefined && !hasExited(stat) && stat.startTime === startTime;
}
