import type { Task } from '../schemas/task.js';
import { redact } from './redact.js';

/**
 * A task as the API serves it: without the lease hashes (only the runner holds its lease), and with
 * a runtime ref's credentials hidden (an http ref may carry a password the prober needs, so it is
 * stored as given but never shown).
 */
export function publicTask<T extends Task>(task: T): Omit<T, 'leaseHash' | 'endedLeaseHashes'> {
  const { leaseHash: _hash, endedLeaseHashes: _ended, ...rest } = task;
  if (!rest.runner) return rest;
  return { ...rest, runner: { ...rest.runner, runtime: { ...rest.runner.runtime, ref: redact(rest.runner.runtime.ref) } } };
}
