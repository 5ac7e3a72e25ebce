import type { ProbeResultJob } from '../queues/catalog.js';
import type { ProbeStamp, Task } from '../schemas/task.js';
import { heartbeatAxes, isHeartbeatFresh, taskHeartbeatAgeMs } from './heartbeat.js';
import { massDeathHeld } from './mass-death.js';
import { decide, nextRoundCounters, type DecideOutcome } from './truth-table.js';

export interface RoundSettings {
  heartbeatGraceMs: number;
  maxExtensions: number;
  massDeathHoldMs: number;
}

export type RoundOutcome = DecideOutcome | { action: 'hold'; reason: string; heldUntil: number; firstHold: boolean };

export interface TaskVerdict {
  task: Task;
  result: ProbeResultJob;
  stamp: ProbeStamp;
  outcome: RoundOutcome;
  heartbeatAgeMs: number;
  /** The stamp differs from the stored one in a way the next round depends on (a start time to pin included). */
  stampChanged: boolean;
  /** The start time the prober read for a pid claimed without one: stored on the runner from now on. */
  pin?: string;
}

export interface RoundVerdict {
  verdicts: TaskVerdict[];
  /** Scopes in which the mass-death breaker tripped this round. */
  breaker: string[];
}

/** How stale a stored stamp may grow before an unchanged round refreshes it anyway. */
export const STAMP_REFRESH_MS = 10_000;

/**
 * One probe round through the truth table and the mass-death breaker, as a pure step: which
 * tasks to act on and how, and what each task's probe stamp becomes. Results for tasks that are
 * no longer in the probed attempt are dropped. `alsoAlive`: tasks the round saw alive without
 * listing them (a host watcher's sweep), counted by the mass-death breaker.
 */
export function evaluateRound(tasks: Map<string, Task>, results: ProbeResultJob[], s: RoundSettings, now: number, alsoAlive = 0): RoundVerdict {
  const live: Array<Omit<TaskVerdict, 'outcome' | 'stampChanged'> & { decided: DecideOutcome }> = [];
  for (const result of results) {
    const task = tasks.get(result.taskId);
    if (!task || task.status !== 'IN_PROGRESS' || task.attempt !== result.attempt || task.reap) continue;
    const heartbeatAgeMs = taskHeartbeatAgeMs(task, now);
    const fresh = isHeartbeatFresh(heartbeatAgeMs, s.heartbeatGraceMs);
    const runtimeType = task.runner?.runtime.type ?? 'heartbeat';
    // A heartbeat-only runner has nothing a prober can look at: its axes are its heartbeat, judged
    // here on this clock like every other task's freshness, not on the prober's.
    const seen = runtimeType === 'heartbeat' ? heartbeatAxes(task, now, s.heartbeatGraceMs) : result;
    const counters = nextRoundCounters(task.probe, seen.runtimeState, seen.processState, fresh);
    const decided = decide({
      runtime: seen.runtimeState,
      process: seen.processState,
      heartbeatFresh: fresh,
      due: task.deadline !== undefined && now > task.deadline,
      extensions: task.extensions,
      maxExtensions: s.maxExtensions,
      runtimeType,
      ...counters,
    });
    const stamp: ProbeStamp = {
      runtimeState: seen.runtimeState,
      processState: seen.processState,
      at: result.probedAt,
      evidence: seen.evidence,
      exitCode: result.exitCode,
      signal: result.signal,
      ...counters,
      heldUntil: undefined,
    };
    live.push({ task, result, stamp, heartbeatAgeMs, decided });
  }

  // A death is a process seen dead; a lost runner (unknown) or a stuck one (timeout) is not.
  const isDeath = (d: DecideOutcome) => d.action === 'diagnose' && d.crashHint === undefined;
  const { held, scopes } = massDeathHeld(
    live.map((v) => ({ taskId: v.task.id, host: v.result.host, dead: isDeath(v.decided) })),
    alsoAlive,
  );

  const verdicts = live.map((v): TaskVerdict => {
    let outcome: RoundOutcome = v.decided;
    const previousHold = v.task.probe?.heldUntil;
    if (isDeath(v.decided)) {
      // A death held earlier and still seen after its hold is acted on; a new one joins the hold.
      if (previousHold !== undefined && now < previousHold) {
        outcome = { action: 'hold', reason: 'mass-death breaker: death held as inconclusive', heldUntil: previousHold, firstHold: false };
      } else if (previousHold === undefined && held.has(v.task.id)) {
        const heldUntil = now + s.massDeathHoldMs;
        outcome = { action: 'hold', reason: `mass-death breaker tripped (${scopes.join('; ')}): death held until ${new Date(heldUntil).toISOString()}`, heldUntil, firstHold: true };
      }
    }
    const stamp = { ...v.stamp, heldUntil: outcome.action === 'hold' ? outcome.heldUntil : undefined };
    const prev = v.task.probe;
    const stampChanged =
      !prev ||
      prev.runtimeState !== stamp.runtimeState ||
      prev.processState !== stamp.processState ||
      prev.unknownRounds !== stamp.unknownRounds ||
      prev.contradictionRounds !== stamp.contradictionRounds ||
      prev.heldUntil !== stamp.heldUntil ||
      now - prev.at >= STAMP_REFRESH_MS;
    const runner = v.task.runner;
    const pin = v.result.pinnedPidStartTime !== undefined && runner?.pid !== undefined && runner.pidStartTime === undefined ? v.result.pinnedPidStartTime : undefined;
    return { task: v.task, result: v.result, stamp, heartbeatAgeMs: v.heartbeatAgeMs, outcome, stampChanged: stampChanged || pin !== undefined, pin };
  });
  return { verdicts, breaker: scopes };
}
