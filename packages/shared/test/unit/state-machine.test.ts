import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, checkTransition, isTerminal, type TaskStatus } from '@smart-reap/shared';

const ALLOWED = new Set([
  'PENDING>ASSIGNED',
  'PENDING>CANCELLED',
  'ASSIGNED>IN_PROGRESS',
  'ASSIGNED>FAILED',
  'ASSIGNED>CANCELLED',
  'IN_PROGRESS>COMPLETED',
  'IN_PROGRESS>FAILED',
  'IN_PROGRESS>CANCELLED',
  'FAILED>ASSIGNED',
]);

describe('state machine (DESIGN §2)', () => {
  const pairs = TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as [TaskStatus, TaskStatus]));

  it.each(pairs)('%s → %s is allowed exactly when the design lists it', (from, to) => {
    const result = checkTransition(from, to, { attempt: 1, maxRetries: 1 });
    expect(result.ok).toBe(ALLOWED.has(`${from}>${to}`));
    if (!result.ok) expect(result.reason).toContain(`${from} → ${to}`);
  });

  it('reassignment needs a retry left', () => {
    expect(checkTransition('FAILED', 'ASSIGNED', { attempt: 1, maxRetries: 1 }).ok).toBe(true);
    const spent = checkTransition('FAILED', 'ASSIGNED', { attempt: 2, maxRetries: 1 });
    expect(spent).toEqual({ ok: false, reason: 'no retries left (attempt 2 of 2)' });
    expect(checkTransition('FAILED', 'ASSIGNED', { attempt: 1, maxRetries: 0 }).ok).toBe(false);
  });

  it('only COMPLETED and CANCELLED are terminal', () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(['COMPLETED', 'CANCELLED']);
  });
});
