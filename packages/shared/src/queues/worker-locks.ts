import type { WorkerOptions } from 'bullmq';

/**
 * Lock settings for the reaper's own workers (decide, diagnose, reassign). BullMQ's defaults
 * (30 s lock, 30 s stalled check) leave the job of a worker killed with -9 untouched for up to a
 * minute: exactly the wait smart-reap exists to remove. These jobs take milliseconds and every
 * step they take is idempotent (CAS transitions, deterministic continuation and job ids), so a
 * job run twice after a lost lock does no harm, and a dead worker's job is back within ~15 s.
 */
export const SHORT_WORKER_LOCKS: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 3,
};
