import { ConflictError } from '../errors/conflict-error.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import type { ClaimBody, CompleteBody, FailBody, HeartbeatBody } from '../schemas/api.js';
import type { Task } from '../schemas/task.js';
import { ENDED_LEASES_KEPT, hashLease, sameLeaseHash } from './lease.js';
import { redact, redactDeep } from './redact.js';
import { checkTransition } from './state-machine.js';

/**
 * The runner-facing operations as pure decisions over a task: the store runs them inside its
 * compare-and-set loop, so each is one atomic step whatever the number of API replicas.
 */
export type RunnerDecision = { write: Task } | { refuse: ConflictError | ForbiddenError };

const MINUTE = 60_000;

/**
 * Whether a presented lease speaks for the task's current attempt: 403 when it is missing or was
 * never this task's (that changes nothing and says nothing about the attempt), 409 when it is the
 * lease of an attempt that has ended (reaped, failed, completed, cancelled, or claimed again since).
 */
export function checkLease(task: Task, lease: string | undefined): ConflictError | ForbiddenError | undefined {
  if (!lease) return new ForbiddenError(`a lease is required for task ${task.id}: the one its claim returned (body field lease or header Reaper-Lease)`, 'lease_missing');
  const presented = hashLease(lease);
  if (task.leaseHash && sameLeaseHash(presented, task.leaseHash)) {
    if (task.status !== 'IN_PROGRESS' || task.reap) {
      return new ConflictError(`the lease's attempt of task ${task.id} has ended (status ${task.status}${task.reap ? `, ${task.reap.reason}` : ''}); its calls change nothing`, 'runner_fenced');
    }
    return undefined;
  }
  if ((task.endedLeaseHashes ?? []).some((h) => sameLeaseHash(presented, h))) {
    return new ConflictError(`the lease is an earlier attempt's of task ${task.id}; its calls change nothing`, 'runner_fenced');
  }
  return new ForbiddenError(`the lease is not task ${task.id}'s`, 'lease_invalid');
}

/**
 * The caller must hold the lease of the task's current IN_PROGRESS attempt and name that attempt's
 * runner: the runner id is public (GET /tasks/:id shows it), so it alone proves nothing.
 */
export function checkCurrentRunner(task: Task, runnerId: string, lease: string | undefined): ConflictError | ForbiddenError | undefined {
  const leaseRefusal = checkLease(task, lease);
  if (leaseRefusal) return leaseRefusal;
  if (task.runner?.runnerId !== runnerId) {
    return new ForbiddenError(`the lease of task ${task.id} was given to another runner than ${runnerId}`, 'runner_mismatch', 'runnerId');
  }
  // No check of fencedRunners: a reaped attempt is known by its lease (the task's reap, or a later
  // claim), and a runner reaped once may claim the same task again as a new attempt.
  return undefined;
}

/** `leaseHash` is the hash of the new attempt's lease; the previous attempt's joins the ended ones. */
export function decideClaim(task: Task, claim: ClaimBody, now: number, maxAgeMinutes: number, leaseHash: string): RunnerDecision {
  const check = checkTransition(task.status, 'IN_PROGRESS', task);
  if (!check.ok) return { refuse: new ConflictError(check.reason, 'transition_not_allowed') };
  const { runnerId, runtime, pid, pidStartTime, host, logRef, reporter, memoryCgroup } = claim;
  return {
    write: {
      ...task,
      status: 'IN_PROGRESS',
      runner: { runnerId, runtime, pid, pidStartTime, host, logRef, reporter, memoryCgroup, claimedAt: now },
      effectiveMaxAgeMinutes: maxAgeMinutes,
      // Age counts from the claim: time spent queued is no one's fault.
      deadline: now + maxAgeMinutes * MINUTE,
      extensions: 0,
      heartbeatAt: now,
      leaseHash,
      endedLeaseHashes: task.leaseHash ? [...(task.endedLeaseHashes ?? []), task.leaseHash].slice(-ENDED_LEASES_KEPT) : task.endedLeaseHashes,
      progress: undefined,
      probe: undefined,
      reap: undefined,
      // A lapse of supervision was the ended attempt's: the next probe round judges this one.
      supervision: undefined,
      history: [...task.history, { from: task.status, to: 'IN_PROGRESS', at: now, by: runnerId, reason: 'claimed' }],
    },
  };
}

/**
 * A claim of one named attempt (a BullMQ-native runner holding that attempt's pointer job): the
 * same claim as decideClaim while the task is still ASSIGNED at that attempt, and no change once
 * it moved on (claimed over HTTP, cancelled, reassigned as a later attempt): the job is stale.
 */
export function decideClaimById(task: Task, attempt: number, claim: ClaimBody, now: number, maxAgeMinutes: number, leaseHash: string): RunnerDecision | { keep: true } {
  if (task.status !== 'ASSIGNED' || task.attempt !== attempt) return { keep: true };
  return decideClaim(task, claim, now, maxAgeMinutes, leaseHash);
}

export function decideHeartbeat(task: Task, body: HeartbeatBody, now: number): RunnerDecision {
  const refused = checkCurrentRunner(task, body.runnerId, body.lease);
  if (refused) return { refuse: refused };
  const progress = body.progress && { ...body.progress, partialOutput: body.progress.partialOutput === undefined ? undefined : redact(body.progress.partialOutput) };
  return {
    write: {
      ...task,
      heartbeatAt: now,
      progress: progress ?? task.progress,
      context: body.snapshot ? { ...task.context, snapshot: body.snapshot } : task.context,
    },
  };
}

export function decideComplete(task: Task, body: CompleteBody, now: number): RunnerDecision {
  const { runnerId } = body;
  const refused = checkCurrentRunner(task, runnerId, body.lease);
  if (refused) return { refuse: refused };
  return {
    write: {
      ...task,
      status: 'COMPLETED',
      output: redactDeep(body.output),
      heartbeatAt: now,
      needsAttention: null,
      history: [...task.history, { from: task.status, to: 'COMPLETED', at: now, by: runnerId, reason: 'completed by runner' }],
    },
  };
}

/**
 * A runner that knows it failed: the attempt is taken down and fenced here, and goes through the
 * same diagnosis and recovery as a reaped one (the diagnoser moves it to FAILED).
 */
export function decideRunnerFail(task: Task, body: FailBody, now: number): RunnerDecision {
  const refused = checkCurrentRunner(task, body.runnerId, body.lease);
  if (refused) return { refuse: refused };
  return {
    write: {
      ...task,
      failure: { error: body.error === undefined ? undefined : redact(body.error), exitCode: body.exitCode, signal: body.signal },
      context: body.snapshot ? { ...task.context, snapshot: body.snapshot } : task.context,
      fencedRunners: [...task.fencedRunners, body.runnerId],
      reap: { at: now, by: body.runnerId, reason: 'runner reported failure' },
    },
  };
}

export function decideCancel(task: Task, by: string, reason: string, now: number): RunnerDecision {
  const check = checkTransition(task.status, 'CANCELLED', task);
  if (!check.ok) return { refuse: new ConflictError(check.reason, 'transition_not_allowed') };
  return {
    write: {
      ...task,
      status: 'CANCELLED',
      fencedRunners: task.runner ? [...new Set([...task.fencedRunners, task.runner.runnerId])] : task.fencedRunners,
      history: [...task.history, { from: task.status, to: 'CANCELLED', at: now, by, reason }],
    },
  };
}

export function extendDeadline(task: Task, now: number): Task {
  const window = (task.effectiveMaxAgeMinutes ?? task.maxAgeMinutes ?? 0) * MINUTE;
  return { ...task, deadline: Math.max(task.deadline ?? now, now) + window, extensions: task.extensions + 1 };
}
