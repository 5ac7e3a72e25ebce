/**
 * Where every rule of a task's life is decided (DESIGN §2–§9). Each event is decided by one pure
 * function of (task, facts, config, now) in packages/shared/src/domain; the services only load
 * what it needs, call it, write its result in one compare-and-set, and enqueue what it says.
 *
 *   state / event                   decided by                          file (domain/…)
 *   ------------------------------  ----------------------------------  --------------------------
 *   any transition                  checkTransition, applyTransition    state-machine.ts
 *   create, dedup re-admission      endedForGood                        dedup-admission.ts
 *   ASSIGNED → IN_PROGRESS (claim)  decideClaim                         runner-ops.ts
 *     of one named attempt          decideClaimById                     runner-ops.ts
 *     its window                    effectiveMaxAge                     learned-timeout.ts
 *     its host                      resolveClaimHost                    resolve-claim-host.ts
 *     its log                       logPathRefusal                      log-ref-rule.ts
 *   lease of a runner call          checkLease, checkCurrentRunner      runner-ops.ts
 *   heartbeat                       decideHeartbeat                     runner-ops.ts
 *   IN_PROGRESS → COMPLETED         decideComplete                      runner-ops.ts
 *   runner reports failure          decideRunnerFail                    runner-ops.ts
 *   → CANCELLED                     decideCancel                        runner-ops.ts
 *   what a prober probes            probeTargetOf                       probe-target.ts
 *   judged from the heartbeat index isHeartbeatJudged,                  heartbeat.ts
 *     (no probe; stale ones only)   staleHeartbeatBefore
 *   host watcher: what to report    isHostWatched, watchReports         host-watch.ts
 *     is a host's summary fresh     hostWatchFreshSince                 host-watch.ts
 *   probe round (IN_PROGRESS)       evaluateRound                       evaluate-round.ts
 *     heartbeat fresh or stale      isHeartbeatFresh, heartbeatAxes     heartbeat.ts
 *     its probe queue unserved      queueSupervision                    supervision.ts
 *     an exit being reported        readExitReport                      exit-report-grace.ts
 *     the truth table, counters     decide, nextRoundCounters           truth-table.ts
 *     stop or diagnose (by runtime) decide (STOPPABLE_RUNTIMES)         truth-table.ts
 *     mass-death hold               massDeathHeld                       mass-death.ts
 *   extend                          extendDeadline                      runner-ops.ts
 *   escalate                        shouldReescalate, escalateTask      escalation.ts
 *   stop / diagnose (take down)     reapAttempt                         reap.ts
 *   a stopped runner's death        stuckDeath                          reap.ts
 *   dry run's "would …"             paceWould                           dry-run-pacing.ts
 *   live loop (runner alive)        liveErrorLine, observeLiveLoop      live-loop.ts
 *     flag, re-escalate, clear, stop decideLiveLoop, flagLiveLoop,      live-loop.ts
 *                                   clearLiveLoop
 *     its policy (config)           parseLiveLoopPolicy                 live-loop.ts
 *     a looping runner's death      liveLoopDeath                       live-loop.ts
 *   diagnose: crash type            classify                            classifier/classify.ts
 *     host memory evidence          withHostMemoryEvidence              classifier/memory-evidence.ts
 *   diagnose: recovery              decideRecovery                      recovery/decide-recovery.ts
 *     strategies in order           chooseRecovery                      recovery/recovery-engine.ts
 *   IN_PROGRESS → FAILED            recoveredAttempt                    recovery/recovered-attempt.ts
 *   FAILED → ASSIGNED (reassign)    decideReassign, newAttemptReset     reassign.ts
 *     held by an incident           mayHeldRetryGo                      incident-hold.ts
 *   FAILED → ASSIGNED (operator)    decideOperatorRetry                 operator-ops.ts
 *
 * DECISION_MAP below is the same map as data; a unit test checks that each function is exported
 * from the file named, and that every decide… function of the domain is in it.
 */
import type { Task, TaskStatus } from '../schemas/task.js';

export interface DecisionRef {
  /** What happens to the task. */
  event: string;
  /** The pure functions that decide it. */
  decidedBy: readonly string[];
  /** Their file, relative to packages/shared/src/domain. */
  file: string;
}

export const DECISION_MAP: readonly DecisionRef[] = [
  { event: 'any transition', decidedBy: ['checkTransition', 'applyTransition'], file: 'state-machine.ts' },
  { event: 'create: dedup re-admission', decidedBy: ['endedForGood'], file: 'dedup-admission.ts' },
  { event: 'ASSIGNED → IN_PROGRESS (claim)', decidedBy: ['decideClaim'], file: 'runner-ops.ts' },
  { event: 'claim of one named attempt (a BullMQ-native runner)', decidedBy: ['decideClaimById'], file: 'runner-ops.ts' },
  { event: "claim: the attempt's window", decidedBy: ['effectiveMaxAge'], file: 'learned-timeout.ts' },
  { event: "claim: the runner's host", decidedBy: ['resolveClaimHost'], file: 'resolve-claim-host.ts' },
  { event: "claim: the runner's log", decidedBy: ['logPathRefusal'], file: 'log-ref-rule.ts' },
  { event: 'lease of a runner call', decidedBy: ['checkLease', 'checkCurrentRunner'], file: 'runner-ops.ts' },
  { event: 'heartbeat', decidedBy: ['decideHeartbeat'], file: 'runner-ops.ts' },
  { event: 'IN_PROGRESS → COMPLETED', decidedBy: ['decideComplete'], file: 'runner-ops.ts' },
  { event: 'runner reports failure', decidedBy: ['decideRunnerFail'], file: 'runner-ops.ts' },
  { event: '→ CANCELLED', decidedBy: ['decideCancel'], file: 'runner-ops.ts' },
  { event: 'what a prober probes', decidedBy: ['probeTargetOf'], file: 'probe-target.ts' },
  { event: 'judged from the heartbeat index (no probe; stale ones only)', decidedBy: ['isHeartbeatJudged', 'staleHeartbeatBefore'], file: 'heartbeat.ts' },
  { event: 'host watcher: what to report', decidedBy: ['isHostWatched', 'watchReports'], file: 'host-watch.ts' },
  { event: "host watcher: is a host's summary fresh", decidedBy: ['hostWatchFreshSince'], file: 'host-watch.ts' },
  { event: 'probe round', decidedBy: ['evaluateRound'], file: 'evaluate-round.ts' },
  { event: 'probe round: heartbeat fresh or stale', decidedBy: ['isHeartbeatFresh', 'heartbeatAxes'], file: 'heartbeat.ts' },
  { event: 'probe round: its probe queue unserved (unsupervised)', decidedBy: ['queueSupervision'], file: 'supervision.ts' },
  { event: 'probe: an exit being reported', decidedBy: ['readExitReport'], file: 'exit-report-grace.ts' },
  { event: 'probe round: truth table, stop or diagnose by runtime', decidedBy: ['decide', 'nextRoundCounters'], file: 'truth-table.ts' },
  { event: 'probe round: mass-death hold', decidedBy: ['massDeathHeld'], file: 'mass-death.ts' },
  { event: 'extend', decidedBy: ['extendDeadline'], file: 'runner-ops.ts' },
  { event: 'escalate', decidedBy: ['shouldReescalate', 'escalateTask'], file: 'escalation.ts' },
  { event: 'stop / diagnose: take the attempt down', decidedBy: ['reapAttempt'], file: 'reap.ts' },
  { event: "a stopped runner's death", decidedBy: ['stuckDeath'], file: 'reap.ts' },
  { event: "dry run's would …", decidedBy: ['paceWould'], file: 'dry-run-pacing.ts' },
  { event: 'live loop: lines read while the runner lives', decidedBy: ['liveErrorLine', 'observeLiveLoop'], file: 'live-loop.ts' },
  { event: 'live loop: flag, re-escalate, clear or stop', decidedBy: ['decideLiveLoop', 'flagLiveLoop', 'clearLiveLoop'], file: 'live-loop.ts' },
  { event: 'live loop: its per-cause policy', decidedBy: ['parseLiveLoopPolicy'], file: 'live-loop.ts' },
  { event: "a looping runner's death (stopped by policy)", decidedBy: ['liveLoopDeath'], file: 'live-loop.ts' },
  { event: 'diagnose: crash type', decidedBy: ['classify'], file: 'classifier/classify.ts' },
  { event: 'diagnose: host memory evidence', decidedBy: ['withHostMemoryEvidence'], file: 'classifier/memory-evidence.ts' },
  { event: 'diagnose: recovery', decidedBy: ['decideRecovery'], file: 'recovery/decide-recovery.ts' },
  { event: 'diagnose: strategies in order', decidedBy: ['chooseRecovery'], file: 'recovery/recovery-engine.ts' },
  { event: 'IN_PROGRESS → FAILED', decidedBy: ['recoveredAttempt'], file: 'recovery/recovered-attempt.ts' },
  { event: 'FAILED → ASSIGNED (reassign)', decidedBy: ['decideReassign', 'newAttemptReset'], file: 'reassign.ts' },
  { event: 'reassign: held by an incident', decidedBy: ['mayHeldRetryGo'], file: 'incident-hold.ts' },
  { event: 'FAILED → ASSIGNED (operator retry)', decidedBy: ['decideOperatorRetry'], file: 'operator-ops.ts' },
];

/** DESIGN §2. Anything not listed is refused. */
const ALLOWED: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PENDING: ['ASSIGNED', 'CANCELLED'],
  ASSIGNED: ['IN_PROGRESS', 'FAILED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'CANCELLED'],
  FAILED: ['ASSIGNED'],
  COMPLETED: [],
  CANCELLED: [],
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

export interface TransitionFacts {
  attempt: number;
  maxRetries: number;
}

/**
 * Whether `from → to` may happen. FAILED → ASSIGNED is a reassignment and needs a retry left:
 * the next attempt (attempt + 1) must not exceed maxRetries + 1.
 */
export function checkTransition(from: TaskStatus, to: TaskStatus, facts: TransitionFacts): TransitionCheck {
  if (!ALLOWED[from].includes(to)) {
    const allowed = ALLOWED[from];
    return {
      ok: false,
      reason: `transition ${from} → ${to} is not allowed (${from} may go to ${allowed.length ? allowed.join(', ') : 'nothing: it is terminal'})`,
    };
  }
  if (from === 'FAILED' && to === 'ASSIGNED' && facts.attempt > facts.maxRetries) {
    return { ok: false, reason: `no retries left (attempt ${facts.attempt} of ${facts.maxRetries + 1})` };
  }
  return { ok: true };
}

export function isTerminal(status: TaskStatus): boolean {
  return ALLOWED[status].length === 0;
}

export interface TransitionRequest {
  to: TaskStatus;
  by: string;
  reason: string;
}

/** The task after `from → req.to` with `patch`, the move recorded in its history; checked by the caller. */
export function applyTransition(task: Task, req: TransitionRequest, now: number, patch: Partial<Task>): Task {
  return {
    ...task,
    ...patch,
    status: req.to,
    history: [...task.history, { from: task.status, to: req.to, at: now, by: req.by, reason: req.reason }],
  };
}
