import type { Task, TaskStatus } from '../schemas/task.js';

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
