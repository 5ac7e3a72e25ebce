import type { AuditEvent, Diagnosis, Task } from '@smart-reap/shared';
import type { Scenario } from './scenarios.js';

/** What the demo has seen of one scenario so far. */
export interface Observation {
  /** The scenario's task as last read. */
  task?: Task;
  /** Its continuation as last read, once there is one. */
  continuation?: Task;
  /** Audit events of the task and its continuation, oldest first. */
  events: AuditEvent[];
  /** The first attempt's diagnosis, as first seen (a retry's completion keeps it, but it is kept here anyway). */
  firstDiagnosis?: Diagnosis;
  /** When the first attempt's runner process died, as its parent saw it (epoch ms). */
  deathAt?: number;
  /** The first attempt's deadline as last seen while it ran (epoch ms). */
  lastDeadline?: number;
  /** A runner could not be started, or its claim failed. */
  runnerProblem?: string;
}

export interface Verdict {
  /** Nothing more will change the verdict. */
  settled: boolean;
  ok: boolean;
  problems: string[];
}

const pending: Verdict = { settled: false, ok: false, problems: [] };
const pass: Verdict = { settled: true, ok: true, problems: [] };
const fail = (...problems: string[]): Verdict => ({ settled: true, ok: false, problems });

export function eventsOf(o: Observation, taskId: string | undefined, type: AuditEvent['type']): AuditEvent[] {
  return o.events.filter((e) => e.taskId === taskId && e.type === type);
}

/** The first event that took the first attempt down: `diagnose` (a death) or `stop` (stuck). */
export function takeDownEvent(o: Observation): AuditEvent | undefined {
  return o.events.find((e) => e.taskId === o.task?.id && (e.type === 'diagnose' || e.type === 'stop'));
}

/** Did the scenario end as expected? Pure: the demo's loop calls it on every refresh. */
export function judge(s: Scenario, o: Observation): Verdict {
  if (o.runnerProblem) return fail(o.runnerProblem);
  const task = o.task;
  if (!task) return pending;
  const takenDown = takeDownEvent(o);
  const expect = s.expect;

  switch (expect.type) {
    case 'completes': {
      if (takenDown) return fail(`was taken down (${takenDown.type}: ${takenDown.reason}) though it was working`);
      if (task.status === 'COMPLETED') {
        const extensions = eventsOf(o, task.id, 'extend').length;
        if (expect.extended && extensions === 0) return fail('completed without ever being extended: it never ran past its deadline');
        return pass;
      }
      if (task.status === 'FAILED' || task.status === 'CANCELLED') return fail(`ended ${task.status} instead of completing`);
      return pending;
    }
    case 'escalated': {
      if (takenDown) return fail(`was taken down (${takenDown.type}: ${takenDown.reason}) though it was alive and beating`);
      const escalated = eventsOf(o, task.id, 'escalate').length > 0;
      if (task.status === 'CANCELLED') return escalated ? pass : fail('was cancelled without having been escalated');
      if (task.status === 'COMPLETED' || task.status === 'FAILED') return fail(`ended ${task.status} instead of being escalated`);
      return pending;
    }
    case 'recovered': {
      const d = o.firstDiagnosis;
      if (!d) {
        if (task.status === 'COMPLETED') return fail('completed without dying: nothing to recover');
        if (task.status === 'CANCELLED') return fail('was cancelled');
        return pending;
      }
      const problems: string[] = [];
      if (d.crashType !== expect.crashType) problems.push(`diagnosed ${d.crashType}, expected ${expect.crashType} (${d.summary})`);
      if (d.decision !== expect.decision) problems.push(`recovered by ${d.decision}, expected ${expect.decision}`);
      if (takenDown && takenDown.type !== expect.takenDownBy) problems.push(`taken down by ${takenDown.type}, expected ${expect.takenDownBy}`);
      if (problems.length) return fail(...problems);
      if (expect.decision === 'reassign') {
        if (task.status === 'COMPLETED') return task.attempt > 1 ? pass : fail('completed at attempt 1 despite its diagnosis');
        if (task.status === 'CANCELLED') return fail('was cancelled before its retry completed');
        return pending;
      }
      const c = o.continuation;
      if (c?.status === 'COMPLETED') return pass;
      if (c && (c.status === 'FAILED' || c.status === 'CANCELLED')) return fail(`its continuation ${c.id} ended ${c.status}`);
      return pending;
    }
  }
}

/** At the demo's time limit: what is not settled yet did not end as expected. */
export function finalVerdict(s: Scenario, o: Observation, timedOut: boolean): Verdict {
  const v = judge(s, o);
  if (v.settled || !timedOut) return v;
  const where = o.continuation ? `continuation ${o.continuation.status}` : o.task ? `${o.task.status}, attempt ${o.task.attempt}` : 'no task';
  return fail(`did not finish in time (${where})`);
}
