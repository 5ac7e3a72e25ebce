import { describe, expect, it } from 'vitest';
import { decideOperatorRetry, type Task } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const asked = { by: 'alice', reason: 'provider key rotated' };
const written = (task: Task) => {
  const d = decideOperatorRetry(task, asked, 5000);
  if (!('write' in d)) throw d.refuse;
  return d.write;
};

describe('decideOperatorRetry (DESIGN §9 POST /tasks/:id/retry)', () => {
  it('a FAILED task with its budget spent → ASSIGNED, attempt + 1, maxRetries raised by one, who asked in history', () => {
    const task = taskFixture({
      status: 'FAILED',
      attempt: 2,
      maxRetries: 1,
      runner: { runnerId: 'r1', runtime: { type: 'process', ref: '' }, claimedAt: 1 },
      deadline: 99,
      extensions: 2,
      reap: { at: 3, by: 'reaper', reason: 'stuck' },
      failure: { error: 'boom' },
      progress: { ratio: 0.1 },
    });
    const next = written(task);
    expect(next).toMatchObject({ status: 'ASSIGNED', attempt: 3, maxRetries: 2, extensions: 0 });
    expect(next.runner).toBeUndefined();
    expect(next.deadline).toBeUndefined();
    expect(next.reap).toBeUndefined();
    expect(next.failure).toBeUndefined();
    expect(next.progress).toBeUndefined();
    expect(next.history.at(-1)).toEqual({ from: 'FAILED', to: 'ASSIGNED', at: 5000, by: 'alice', reason: 'provider key rotated' });
  });

  it('keeps a budget that still has retries (an auth_error failed with retries unused)', () => {
    expect(written(taskFixture({ status: 'FAILED', attempt: 1, maxRetries: 3 }))).toMatchObject({ attempt: 2, maxRetries: 3 });
  });

  it('drops a heal hold so the retry is claimable now, keeping the rest of the hint', () => {
    const next = written(taskFixture({ status: 'FAILED', healHint: { notBefore: 10_000, memory: '2Gi' } }));
    expect(next.healHint).toEqual({ memory: '2Gi', notBefore: undefined });
  });

  it.each(['PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const)('refuses a %s task', (status) => {
    const d = decideOperatorRetry(taskFixture({ status }), asked, 1);
    expect('refuse' in d && d.refuse).toMatchObject({ name: 'ConflictError', code: 'transition_not_allowed' });
  });

  it('refuses a FAILED task whose work goes on in a continuation', () => {
    const d = decideOperatorRetry(taskFixture({ status: 'FAILED', continuationId: 'c1' }), asked, 1);
    expect('refuse' in d && d.refuse.message).toMatch(/continuation c1/);
  });
});
