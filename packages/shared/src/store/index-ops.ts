import type { Keys } from '../redis/keys.js';
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
    ops.push({ op: 'zadd', key: keys.status(after.status), score: after.createdAt, member: id });
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
    if (after.deadline !== undefined && after.deadline !== before?.deadline) {
      ops.push({ op: 'zadd', key: keys.deadlines(), score: after.deadline, member: id });
    }
    // A fresh claim is probed at once: a runner that dies on start is found in the first round.
    if (!probing(before)) ops.push({ op: 'zadd', key: keys.probeSchedule(), score: now, member: id });
  } else if (probing(before)) {
    ops.push({ op: 'zrem', key: keys.deadlines(), member: id });
    ops.push({ op: 'zrem', key: keys.probeSchedule(), member: id });
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
  ops.push(...listIndexOps(keys, before, after));
  return ops;
}

/**
 * The list API's filter indexes (GET /tasks?kind=&crashType=), all scored by creation time like
 * the status and all-tasks indexes, so that one cursor `(createdAt, id)` pages any of them and a
 * combined filter can walk whichever is smallest.
 */
function listIndexOps(keys: Keys, before: Task | undefined, after: Task): IndexOp[] {
  const ops: IndexOp[] = [];
  if (!before) ops.push({ op: 'zadd', key: keys.kindTasks(after.kind), score: after.createdAt, member: after.id });
  const crashBefore = before?.context.reap_diagnosis?.crashType;
  const crashAfter = after.context.reap_diagnosis?.crashType;
  if (crashBefore !== crashAfter) {
    if (crashBefore) ops.push({ op: 'zrem', key: keys.crashType(crashBefore), member: after.id });
    if (crashAfter) ops.push({ op: 'zadd', key: keys.crashType(crashAfter), score: after.createdAt, member: after.id });
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
