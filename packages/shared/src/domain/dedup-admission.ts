import type { Task } from '../schemas/task.js';
import { awaitsReassignment } from './reassign.js';

/**
 * Cancelled, or FAILED with nothing more coming (no reassignment, no continuation). A dedup
 * fingerprint admits a new task once the task holding it ended for good; until then a create
 * with the same fingerprint returns the holder.
 */
export function endedForGood(task: Task): boolean {
  if (task.status === 'CANCELLED') return true;
  if (task.status !== 'FAILED' || task.continuationId) return false;
  return !awaitsReassignment(task);
}
