import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  EMPTY_LIVE_LOOP_STATE,
  clearLiveLoop,
  decideLiveLoop,
  flagLiveLoop,
  liveErrorLine,
  observeLiveLoop,
  probeTargetOf,
  reapAttempt,
  NotFoundError,
  type EventLog,
  type JobQueues,
  type Keys,
  type LiveDiagnosis,
  type LiveErrorLine,
  type LiveLine,
  type LiveLoopDecision,
  type LiveLoopSettings,
  type LiveLoopState,
  type Logger,
  type Task,
  type TaskStore,
} from '@smart-reap/shared';
import type { Counter } from 'prom-client';
import type { LiveCursor, LiveLogReader } from './live-log-reader.js';

export interface LiveWatcherOptions {
  redis: Redis;
  keys: Keys;
  store: TaskStore;
  events: EventLog;
  queues: JobQueues;
  reader: LiveLogReader;
  logger: Logger;
  /**
   * The side effects of an escalation (the `escalate` event, log line, smart_reap_escalations_total,
   * the webhook): the reaper's Escalator, which says "would escalate" itself under DRY_RUN.
   */
  escalate: (taskId: string, reason: string, evidence: string[]) => Promise<void>;
  /** smart_reap_live_loops_total{crash_type}: loops flagged. */
  loops: Counter<'crash_type'>;
  settings: LiveLoopSettings;
  /** LIVE_LOOP_SCAN_MS. */
  scanMs: number;
  /** DRY_RUN: every decision is only said ("would …", DESIGN §4); the task is never written. */
  dryRun: boolean;
  /** IN_PROGRESS tasks read per round at most; the next round goes on where this one stopped. Default 1000. */
  maxTasksPerRound?: number;
  /** Tasks read at once within a round. Default 8. */
  concurrency?: number;
  /** Budget to read one task's new lines. Default 3000 ms. */
  readTimeoutMs?: number;
  clock?: () => number;
}

/** Distinct lines whose reading is kept (oldest dropped first). */
const READINGS_KEPT = 5000;

/** What the watcher keeps per attempt between scans, in Redis so any replica may take the next round. */
interface WatchState {
  attempt: number;
  cursor: LiveCursor;
  loop: LiveLoopState;
  /** The runner's progress as last seen (a digest of ratio and partial output): a change is progress. */
  progress?: string;
  /** Dry run: the flag that would have been written, so a loop is said once and its clearing and stop follow from it. */
  wouldFlag?: LiveDiagnosis;
  /** Dry run: the "would stop" already said for this loop (its `since`). */
  wouldStopSaid?: number;
}

/**
 * Live diagnosis (DESIGN §12): every LIVE_LOOP_SCAN_MS, one replica (a Redis lock per round) reads
 * the new log lines of each IN_PROGRESS attempt, updates its loop state (domain/live-loop.ts) and
 * carries out what decideLiveLoop says — flag once, clear, or stop under an explicit policy. Every
 * write is a compare-and-set on the attempt that was read, so a runner that completed or was
 * reaped meanwhile wins.
 */
export class LiveWatcher {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private offset = 0;
  private readonly instance = randomUUID();
  private readonly clock: () => number;
  private running = false;
  /** Per-line readings by exact text: a loop repeats its lines, and classifying one costs ~0.1–0.7 ms. */
  private readonly readings = new Map<string, Omit<LiveErrorLine, 'at'> | null>();

  constructor(private readonly o: LiveWatcherOptions) {
    this.clock = o.clock ?? Date.now;
  }

  start(): void {
    this.running = true;
    this.timer = setInterval(() => {
      if (this.round) return; // the last round still runs: never two at once in one process
      this.round = this.scanRound()
        .then(() => undefined)
        .catch((err) => this.o.logger.warn({ err: (err as Error).message }, 'live loop scan failed; next round will try again'))
        .finally(() => (this.round = undefined));
    }, this.o.scanMs);
  }

  isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** One round; public so tests can drive it. Returns the number of tasks read, or undefined when another replica holds the round. */
  async scanRound(): Promise<number | undefined> {
    const lock = this.o.keys.liveLoopLock();
    // Released when the round ends; the expiry only frees it from a replica that died mid-round.
    if ((await this.o.redis.set(lock, this.instance, 'PX', Math.max(3 * this.o.scanMs, 30_000), 'NX')) !== 'OK') return undefined;
    try {
      const max = this.o.maxTasksPerRound ?? 1000;
      let ids = await this.o.store.idsPage('IN_PROGRESS', this.offset, max);
      if (!ids.length && this.offset > 0) {
        this.offset = 0;
        ids = await this.o.store.idsPage('IN_PROGRESS', 0, max);
      }
      this.offset = ids.length < max ? 0 : this.offset + ids.length;
      const tasks = (await this.o.store.getMany(ids)).filter((t) => t.status === 'IN_PROGRESS' && !t.reap);
      if (!tasks.length) return 0;
      const raw = await this.o.redis.mget(...tasks.map((t) => this.stateKey(t.id)));
      const queue = tasks.map((t, i) => ({ task: t, saved: parseState(raw[i]) }));
      const workers = Array.from({ length: Math.min(this.o.concurrency ?? 8, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await this.watch(next.task, next.saved);
      });
      await Promise.all(workers);
      return tasks.length;
    } finally {
      // Released only if still ours (it may have expired and been taken).
      await this.o.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lock, this.instance);
    }
  }

  private stateKey(taskId: string): string {
    return this.o.keys.liveLoop(taskId);
  }

  private async watch(task: Task, saved: WatchState | undefined): Promise<void> {
    const now = this.clock();
    const prev: WatchState = saved?.attempt === task.attempt ? saved : { attempt: task.attempt, cursor: {}, loop: EMPTY_LIVE_LOOP_STATE };
    let read;
    try {
      read = await this.o.reader.read(task, prev.cursor, now, AbortSignal.timeout(this.o.readTimeoutMs ?? 3000));
    } catch (err) {
      this.o.logger.debug({ taskId: task.id, err: (err as Error).message }, 'live log not readable this round');
      return;
    }
    const progress = progressDigest(task);
    // The first look only learns where the runner is: progress is a change seen between scans.
    const progressed = saved?.attempt === task.attempt && progress !== undefined && progress !== prev.progress;
    const errors = read.lines.flatMap((l) => this.reading(l) ?? []);
    const loop = observeLiveLoop(prev.loop, errors, progressed, this.o.settings.windowMs, now);
    // A dry run decides on the flag it would have written, never on the task's.
    const seen = this.o.dryRun ? { ...task, context: { ...task.context, live_diagnosis: prev.wouldFlag } } : task;
    const decision = decideLiveLoop(seen, loop, this.o.settings, now);
    const next: WatchState = { attempt: task.attempt, cursor: read.cursor, loop, progress, wouldFlag: prev.wouldFlag, wouldStopSaid: prev.wouldStopSaid };
    if (this.o.dryRun) await this.sayWould(task, decision, next);
    else await this.apply(task, decision, now);
    // Kept while the attempt may still run; an ended attempt's state just expires.
    await this.o.redis.set(this.stateKey(task.id), JSON.stringify(next), 'PX', Math.max(20 * this.o.scanMs, 3_600_000));
  }

  private reading(line: LiveLine): LiveErrorLine | undefined {
    let r = this.readings.get(line.text);
    if (r === undefined) {
      const e = liveErrorLine(line);
      r = e ? { cause: e.cause, summary: e.summary, evidence: e.evidence } : null;
      if (this.readings.size >= READINGS_KEPT) this.readings.delete(this.readings.keys().next().value!);
      this.readings.set(line.text, r);
    }
    return r ? { ...r, at: line.at } : undefined;
  }

  /** DRY_RUN: each decision once as a "would …" event; only the watcher's own state changes. */
  private async sayWould(task: Task, d: LiveLoopDecision, state: WatchState): Promise<void> {
    if (d.action === 'none') return;
    if (d.action === 'flag') state.wouldFlag = d.diagnosis;
    if (d.action === 'clear') state.wouldFlag = undefined;
    if (d.action === 'stop') {
      if (state.wouldStopSaid === state.loop.since) return;
      state.wouldStopSaid = state.loop.since;
    }
    if (d.action === 'flag') return this.o.escalate(task.id, d.reason, d.diagnosis.evidence);
    if (d.action === 'reescalate') return; // said once already, when it would have been flagged
    await this.o.events.append({ type: d.action, taskId: task.id, reason: `would ${d.action}: ${d.reason}`, evidence: [], dryRun: true });
  }

  private async apply(task: Task, d: LiveLoopDecision, now: number): Promise<void> {
    switch (d.action) {
      case 'none':
        return;
      case 'flag': {
        const wrote = await this.write(task, (t) => (t.context.live_diagnosis ? undefined : flagLiveLoop(t, d.diagnosis, now)));
        if (!wrote) return;
        this.o.loops.inc({ crash_type: d.diagnosis.crashType });
        await this.o.escalate(task.id, d.reason, d.diagnosis.evidence);
        return;
      }
      case 'reescalate': {
        const wrote = await this.write(task, (t) => (t.context.live_diagnosis ? { ...t, lastEscalatedAt: now } : undefined));
        if (wrote) await this.o.escalate(task.id, d.reason, wrote.context.live_diagnosis?.evidence ?? []);
        return;
      }
      case 'clear': {
        const wrote = await this.write(task, (t) => (t.context.live_diagnosis ? clearLiveLoop(t) : undefined));
        if (!wrote) return;
        await this.o.events.append({ type: 'clear', taskId: task.id, reason: d.reason, evidence: [] });
        this.o.logger.info({ taskId: task.id }, 'live loop cleared');
        return;
      }
      case 'stop': {
        const evidence = task.context.live_diagnosis?.evidence ?? [];
        const wrote = await this.write(task, (t) => reapAttempt(t, d.reason, now));
        if (!wrote) return;
        await this.o.events.append({ type: 'stop', taskId: task.id, reason: d.reason, evidence });
        const { attempt: _a, ...target } = probeTargetOf(wrote);
        await this.o.queues.enqueue('stop', { taskId: wrote.id, attempt: wrote.attempt, target, reason: d.reason, seenAt: now, why: 'live_loop' });
        this.o.logger.warn({ taskId: task.id, reason: d.reason }, 'stopping a looping runner (LIVE_LOOP_POLICY)');
        return;
      }
    }
  }

  /** One compare-and-set on the attempt that was read; undefined when it moved on or `change` had nothing to do. */
  private async write(task: Task, change: (t: Task) => Task | undefined): Promise<Task | undefined> {
    let wrote = false;
    try {
      const after = await this.o.store.mutate(task.id, (t) => {
        if (t.status !== 'IN_PROGRESS' || t.attempt !== task.attempt || t.reap) return { keep: true };
        const next = change(t);
        if (!next) return { keep: true };
        wrote = true;
        return { write: next };
      });
      return wrote ? after : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
}

function parseState(raw: string | null | undefined): WatchState | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as WatchState;
  } catch {
    return undefined;
  }
}

/** The runner's reported progress in a few bytes: the ratio and a digest of its partial output. */
function progressDigest(task: Task): string | undefined {
  const p = task.progress;
  if (!p) return undefined;
  return `${p.ratio}:${p.partialOutput === undefined ? '' : createHash('sha1').update(p.partialOutput).digest('base64url')}`;
}
