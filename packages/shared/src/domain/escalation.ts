import type { Task } from '../schemas/task.js';

/** Re-fire an escalation at most this often while its condition lasts (DESIGN §4). */
export const REESCALATE_AFTER_MS = 30 * 60_000;

/** Whether a task's escalation is due: never escalated, or last escalated REESCALATE_AFTER_MS ago. */
export function shouldReescalate(task: Task, now: number): boolean {
  return task.lastEscalatedAt === undefined || now - task.lastEscalatedAt >= REESCALATE_AFTER_MS;
}

/** The task flagged for a person, when its escalation is due; unchanged otherwise. */
export function escalateTask(task: Task, reason: string, now: number): Task {
  return shouldReescalate(task, now) ? { ...task, needsAttention: { reason, at: now }, lastEscalatedAt: now } : task;
}
