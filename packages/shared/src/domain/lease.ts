import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An attempt's lease (DESIGN §9): the secret a claim hands its runner. Only its sha256 is stored,
 * so whoever reads the task (or Redis) cannot speak for the runner.
 */
export function hashLease(lease: string): string {
  return createHash('sha256').update(lease, 'utf8').digest('hex');
}

/** A new attempt's lease and the hash that is written in its place: 32 random bytes, unguessable. */
export function newLease(): { lease: string; leaseHash: string } {
  const lease = randomBytes(32).toString('base64url');
  return { lease, leaseHash: hashLease(lease) };
}

/** Constant-time comparison of a presented lease's hash with a stored one. */
export function sameLeaseHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * How many ended attempts' lease hashes a task keeps, so their late calls get 409 (ended) rather
 * than 403 (never this task's). Retries are capped at 20, so this covers every attempt a task has.
 */
export const ENDED_LEASES_KEPT = 32;
