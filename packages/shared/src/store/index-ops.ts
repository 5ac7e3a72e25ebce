import type { Keys } from '../redis/keys.js';
import { heartbeatIndexScore, isHeartbeatJudged } from '../domain/heartbeat.js';
import { probeTargetOf } from '../domain/probe-target.js';
import type { Task } from '../schemas/task.js';

/** One index or counter change, applied by the CAS script in the same atomic step as the task write. */
export type IndexOp =
  | { op: 'zadd'; key: string; score: number; member: string }
  | { op: 'zrem'; key: string; member: string }
  | { op: 'sadd'; key: string; member: string }
  | { op: 'hset'; key: string; field: string; value: string }
  | { op: 'hdel'; key: string; field: string }
  | { op: 'incr'; key: string };

/**
 * The index changes that follow from a task going from `before` to `after`. Derived, never
 * hand-written at call sites, so the indexes cannot drift from the task hashes.
 */
export function indexOpsFor(keys: Keys, before: Task | undefined, after: Task, now: number): IndexOp[] {
  const ops: IndexOp[] = [];
  const id = after.id;
  if (!before) ops.push({ op: 'zadd', key: keys.allTasks(), score: after.createdAt, member: id });
  if (before?.status !== after.status) {
    if (before) ops.push({ op: 'zrem', key: keys.status(before.status), member: id });
    ops.push({ op: 'zadd', key: keys.status(after.status), score: now, member: id });
  }
  const wasClaimable = before?.status === 'ASSIGNED';
  const isClaimable = after.status === 'ASSIGNED';
  if (isClaimable && !wasClaimable) {
    ops.push({ op: 'sadd', key: keys.kinds(), member: after.kind });
    ops.push({ op: 'zadd', key: keys.claimable(after.kind), score: Math.max(now, after.healHint?.notBefore ?? 0), member: id });
  } else if (wasClaimable && !isClaimable) {
    ops.push({ op: 'zrem', key: keys.claimable(before.kind), member: id });
  }
  // A claim (the one way out of ASSIGNED into IN_PROGRESS) spends one of its fingerprint's
  // attempts, counted in the claim's own write: no crash can land between the two.
  if (wasClaimable && after.status === 'IN_PROGRESS' && after.dedupKey) {
    ops.push({ op: 'incr', key: keys.fingerprintAttempts(after.kind, after.dedupKey) });
  }
  const probing = (t: Task | undefined) => t?.status === 'IN_PROGRESS' && !t.reap;
  if (probing(after)) {
    const target = probeTargetEntry(after);
    if (!probing(before) || target !== probeTargetEntry(before!)) {
      ops.push({ op: 'hset', key: keys.probeTargets(), field: id, value: target });
    }
    const deadlineMoved = after.deadline !== undefined && (!probing(before) || after.deadline !== before?.deadline);
    if (deadlineMoved) ops.push({ op: 'zadd', key: keys.deadlines(), score: after.deadline!, member: id });
    if (isHeartbeatJudged(after)) {
      // Judged where the fact lives (DESIGN §3): never probed. On a claim (parity with claim.lua:
      // HSET probe-targets, ZADD deadlines, ZADD heartbeats <heartbeatAt or claimedAt>, ZADD
      // heartbeat-checks <deadline>, and no probe-schedule entry) and on every beat, the index
      // follows the beat; the checks follow the deadline (the scheduler paces them in between).
      const score = heartbeatIndexScore(after);
      if (!probing(before) || score !== heartbeatIndexScore(before!)) ops.push({ op: 'zadd', key: keys.heartbeats(), score, member: id });
      if (deadlineMoved) ops.push({ op: 'zadd', key: keys.heartbeatChecks(), score: after.deadline!, member: id });
    } else if (!probing(before)) {
      // A fresh claim is probed at once: a runner that dies on start is found in the first round.
      ops.push({ op: 'zadd', key: keys.probeSchedule(), score: now, member: id });
    }
  } else if (probing(before)) {
    ops.push({ op: 'zrem', key: keys.deadlines(), member: id });
    if (isHeartbeatJudged(before!)) {
      ops.push({ op: 'zrem', key: keys.heartbeats(), member: id });
      ops.push({ op: 'zrem', key: keys.heartbeatChecks(), member: id });
    } else {
      ops.push({ op: 'zrem', key: keys.probeSchedule(), member: id });
    }
    ops.push({ op: 'hdel', key: keys.probeTargets(), field: id });
  }
  // The tasks nobody probes, for the gauge and /readyz: counted without reading every task.
  const lapse = (t: Task | undefined) => (probing(t) && t!.supervision ? JSON.stringify(t!.supervision) : undefined);
  const lapseAfter = lapse(after);
  if (lapseAfter !== undefined) {
    if (lapseAfter !== lapse(before)) ops.push({ op: 'hset', key: keys.unsupervised(), field: id, value: lapseAfter });
  } else if (lapse(before) !== undefined) {
    ops.push({ op: 'hdel', key: keys.unsupervised(), field: id });
  }
  return ops;
}

/**
 * Where in each probe interval a task is probed, as a fraction. Runners of one host share a phase
 * so that a host's tasks are probed in the same round (the mass-death breaker judges rounds);
 * tasks with no host spread by id so that a large fleet does not come due in one tick.
 */
export function probePhase(task: Task): number {
  const key = task.runner?.host ?? task.id;
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** The probe-target hash entry: `<phase>|<target json>`, read by the scheduler's Lua script. */
export function probeTargetEntry(task: Task): string {
  return `${probePhase(task).toFixed(6)}|${JSON.stringify(probeTargetOf(task))}`;
}
