import type { Keys } from '../redis/keys.js';
import { heartbeatIndexScore, isHeartbeatJudged } from '../domain/heartbeat.js';
import { isHostWatched } from '../domain/host-watch.js';
import { probeTargetOf } from '../domain/probe-target.js';
import { probeQueueFor } from '../queues/catalog.js';
import type { Task } from '../schemas/task.js';

/** One index or counter change, applied by the CAS script in the same atomic step as the task write. */
export type IndexOp =
  /** `lt`: only lowers a score already there (ZADD LT), or adds it. */
  | { op: 'zadd'; key: string; score: number; member: string; lt?: true }
  | { op: 'zrem'; key: string; member: string }
  | { op: 'sadd'; key: string; member: string }
  | { op: 'hset'; key: string; field: string; value: string }
  | { op: 'hdel'; key: string; field: string }
  | { op: 'incr'; key: string }
  | { op: 'xadd'; key: string; id: string; maxLen: number };

/** How many changes a host's change stream keeps: a watcher further behind than this reloads its host's targets whole. */
export const HOST_CHANGES_MAXLEN = 10_000;

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
      // The host's watcher follows its targets through the change stream: added or changed here
      // (a pin, say), in the same write. The same on claim (claim.lua parity: HSET host-targets,
      // XADD host-target-changes).
      const host = hostWatchKey(after);
      if (host) {
        ops.push({ op: 'hset', key: keys.hostTargets(host), field: id, value: JSON.stringify(probeTargetOf(after)) });
        ops.push({ op: 'xadd', key: keys.hostTargetChanges(host), id, maxLen: HOST_CHANGES_MAXLEN });
      }
    }
    const deadlineMoved = after.deadline !== undefined && (!probing(before) || after.deadline !== before?.deadline);
    if (deadlineMoved) ops.push({ op: 'zadd', key: keys.deadlines(), score: after.deadline!, member: id });
    if (isHeartbeatJudged(after)) {
      // Judged where the fact lives (DESIGN §3): never probed. On a claim (parity with claim.lua:
      // HSET probe-targets, ZADD deadlines, ZADD heartbeats <heartbeatAt or claimedAt>, ZADD
      // heartbeat-checks <deadline + 1>, and no probe-schedule entry) and on every beat, the index
      // follows the beat; the checks follow the deadline (the scheduler paces them in between).
      const score = heartbeatIndexScore(after);
      if (!probing(before) || score !== heartbeatIndexScore(before!)) ops.push({ op: 'zadd', key: keys.heartbeats(), score, member: id });
      if (deadlineMoved) ops.push({ op: 'zadd', key: keys.heartbeatChecks(), score: after.deadline! + 1, member: id });
    } else {
      // A fresh claim is probed at once: a runner that dies on start is found in the first round.
      if (!probing(before)) ops.push({ op: 'zadd', key: keys.probeSchedule(), score: now, member: id });
      // A round comes just past the deadline (due is `now > deadline`), however far its next slot
      // is (a host-watched runner's safety net): extend, escalate and stop stay on time.
      if (deadlineMoved) ops.push({ op: 'zadd', key: keys.probeSchedule(), score: after.deadline! + 1, member: id, lt: true });
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
    const host = hostWatchKey(before!);
    if (host) {
      ops.push({ op: 'hdel', key: keys.hostTargets(host), field: id });
      ops.push({ op: 'xadd', key: keys.hostTargetChanges(host), id, maxLen: HOST_CHANGES_MAXLEN });
    }
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

/**
 * The host key of a task its host's watcher watches (process, tmux: the name of its host's probe
 * queue); undefined for every other runtime.
 */
export function hostWatchKey(task: Task): string | undefined {
  const target = probeTargetOf(task);
  return isHostWatched(target.runtime.type) ? probeQueueFor(target) : undefined;
}

/**
 * The probe-target hash entry: `<phase>|<host key or empty>|<target json>`, read by the
 * scheduler's Lua scripts (the host key says whose watcher's summary lets it wait for the safety net).
 */
export function probeTargetEntry(task: Task): string {
  return `${probePhase(task).toFixed(6)}|${hostWatchKey(task) ?? ''}|${JSON.stringify(probeTargetOf(task))}`;
}
