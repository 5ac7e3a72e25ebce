import {
  diagnoseJob,
  REESCALATE_AFTER_MS,
  escalateTask,
  extendDeadline,
  paceWould,
  reapAttempt,
  shouldReescalate,
  type EventLog,
  type JobQueues,
  type Logger,
  type NewAuditEvent,
  type Task,
  type TaskStore,
  type TaskVerdict,
} from '@smart-reap/shared';
import { NotFoundError } from '@smart-reap/shared';
import type { ReaperMetrics } from '../metrics/reaper-metrics.js';
import type { Escalator } from './escalator.js';

export interface VerdictApplierOptions {
  store: TaskStore;
  queues: JobQueues;
  events: EventLog;
  escalator: Escalator;
  metrics: ReaperMetrics;
  logger: Logger;
  dryRun: boolean;
}

/**
 * Carries out one task's verdict. Every write re-checks, inside the store's compare-and-set, that
 * the task is still the attempt that was probed: a runner that completed meanwhile wins, and two
 * reaper replicas deciding on the same round produce one action.
 */
export class VerdictApplier {
  /** When each dry-run "would …" was last said, per task and action, in this process (see paceWould). */
  private wouldAt: ReadonlyMap<string, number> = new Map();

  constructor(private readonly o: VerdictApplierOptions) {}

  async apply(v: TaskVerdict, now: number): Promise<void> {
    const { outcome } = v;
    this.o.metrics.decisions.inc({ action: outcome.action });
    switch (outcome.action) {
      case 'none':
        if (v.stampChanged) await this.write(v, (t) => t);
        return;
      case 'skip':
      case 'reprobe':
        if (v.stampChanged && (await this.write(v, (t) => t))) await this.event(v, 'skip', outcome.reason);
        return;
      case 'hold':
        if ((await this.write(v, (t) => t)) && outcome.firstHold) await this.event(v, 'hold', outcome.reason);
        return;
      case 'extend':
        return this.act(v, 'extend', outcome.reason, (t) => extendDeadline(t, now), () => this.o.metrics.extensions.inc());
      case 'escalate':
        return this.escalate(v, outcome.reason, now);
      case 'stop':
        return this.takeDown(v, 'stop', outcome.reason, now, outcome.crashHint);
      case 'diagnose':
        return this.takeDown(v, 'diagnose', outcome.reason, now, outcome.crashHint);
    }
  }

  private async escalate(v: TaskVerdict, reason: string, now: number): Promise<void> {
    if (!shouldReescalate(v.task, now)) {
      if (v.stampChanged) await this.write(v, (t) => t);
      return;
    }
    if (this.o.dryRun) {
      if (v.stampChanged) await this.write(v, (t) => t);
      if (this.firstWould(v.task.id, 'escalate', now)) await this.o.escalator.emit(v.task.id, 'task', reason, v.stamp.evidence);
      return;
    }
    const written = await this.write(v, (t) => escalateTask(t, reason, now));
    if (written?.lastEscalatedAt === now) await this.o.escalator.emit(v.task.id, 'task', reason, v.stamp.evidence);
  }

  /** The truth table chose stop or diagnose by runtime: this only carries the choice out. */
  private async takeDown(v: TaskVerdict, action: 'stop' | 'diagnose', reason: string, now: number, hint?: 'timeout' | 'unknown'): Promise<void> {
    const stop = action === 'stop';
    await this.act(
      v,
      action,
      reason,
      (t) => reapAttempt(t, reason, now),
      async (t) => {
        const { result } = v;
        if (stop) {
          const target = { taskId: t.id, runtime: t.runner!.runtime, pid: t.runner?.pid, pidStartTime: t.runner?.pidStartTime, host: t.runner?.host };
          await this.o.queues.enqueue('stop', { taskId: t.id, attempt: t.attempt, target, reason, seenAt: result.probedAt });
          return;
        }
        await this.o.queues.enqueue(
          'diagnose',
          diagnoseJob(t, {
            reason,
            source: 'reaper',
            probe: { runtimeState: result.runtimeState, processState: result.processState, evidence: result.evidence, exitCode: result.exitCode, signal: result.signal },
            seenAt: result.probedAt,
            hint,
          }),
        );
      },
    );
  }

  /** An action: in dry run only recorded as "would …"; otherwise written, then its side effect. */
  private async act(
    v: TaskVerdict,
    type: NewAuditEvent['type'],
    reason: string,
    change: (t: Task) => Task,
    after: (t: Task) => unknown,
  ): Promise<void> {
    if (this.o.dryRun) {
      if (v.stampChanged) await this.write(v, (t) => t);
      if (this.firstWould(v.task.id, type, v.result.probedAt)) await this.event(v, type, `would ${type}: ${reason}`);
      return;
    }
    const written = await this.write(v, change);
    if (!written) return;
    await this.event(v, type, reason);
    await after(written);
  }

  private firstWould(taskId: string, action: string, now: number): boolean {
    const paced = paceWould(this.wouldAt, taskId, action, now, REESCALATE_AFTER_MS);
    this.wouldAt = paced.said;
    return paced.say;
  }

  /** Writes the new stamp plus `change`; undefined when the task moved on since the probe. */
  private async write(v: TaskVerdict, change: (t: Task) => Task): Promise<Task | undefined> {
    let wrote = false;
    try {
      const task = await this.o.store.mutate(v.task.id, (t) => {
        if (t.status !== 'IN_PROGRESS' || t.attempt !== v.task.attempt || t.reap) return { keep: true };
        wrote = true;
        return { write: change({ ...t, probe: v.stamp, runner: withPin(t.runner, v.pin) }) };
      });
      return wrote ? task : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  private async event(v: TaskVerdict, type: NewAuditEvent['type'], reason: string): Promise<void> {
    const evidence = [
      `runtime ${v.stamp.runtimeState}, process ${v.stamp.processState}`,
      `heartbeat age ${Math.round(v.heartbeatAgeMs / 1000)} s`,
      ...v.stamp.evidence,
    ];
    await this.o.events.append({ type, taskId: v.task.id, reason, evidence, dryRun: this.o.dryRun });
  }
}

/** The runner with the start time its prober pinned at first sight; a start time already known stays. */
function withPin(runner: Task['runner'], pin: string | undefined): Task['runner'] {
  if (!runner || pin === undefined || runner.pidStartTime !== undefined) return runner;
  return { ...runner, pidStartTime: pin, pidStartTimePinned: 'first-probe' };
}
