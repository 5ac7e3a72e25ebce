import { describe, expect, it } from 'vitest';
import { decideOperatorRetry, decideReassign, endedForGood, newAttemptReset, type Diagnosis, type Task } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const diagnosed = (decision: Diagnosis['decision']) => ({ reap_diagnosis: { crashType: 'network_error', decision } as Diagnosis });

/** A FAILED attempt that recovery decided to reassign, with a retry left. */
const failed = (over: Partial<Task> = {}): Task =>
  taskFixture({
    status: 'FAILED',
    attempt: 1,
    maxRetries: 2,
    context: diagnosed('reassign'),
    runner: { runnerId: 'r1', runtime: { type: 'process', ref: '1' }, pid: 1, claimedAt: 0 },
    deadline: 10,
    extensions: 2,
    probe: { runtimeState: 'dead', processState: 'dead', at: 0, evidence: [], unknownRounds: 0, contradictionRounds: 0 },
    reap: { at: 5, by: 'reaper', reason: 'dead' },
    progress: { ratio: 0.1 },
    failure: { error: 'boom' },
    ...over,
  });

const config = { incidentMaxHoldMs: 60_000 };
const facts = { jobAttempt: 1 };

describe('decideReassign', () => {
  it('FAILED with a reassign decision and a retry left goes back to ASSIGNED as the next attempt, reset', () => {
    const d = decideReassign(failed(), facts, config, 100);
    expect('write' in d && d.write).toMatchObject({
      status: 'ASSIGNED',
      attempt: 2,
      runner: undefined,
      deadline: undefined,
      extensions: 0,
      probe: undefined,
      reap: undefined,
      progress: undefined,
      failure: undefined,
    });
    expect('write' in d && d.write.history.at(-1)).toEqual({ from: 'FAILED', to: 'ASSIGNED', at: 100, by: 'reassigner', reason: 'retry after network_error' });
  });

  it('waits while the diagnoser has not yet written FAILED', () => {
    expect(decideReassign(failed({ status: 'IN_PROGRESS' }), facts, config, 0)).toEqual({ wait: 'not-failed-yet' });
  });

  it('moves on for another attempt, another decision, a spent budget, or another status', () => {
    expect(decideReassign(failed(), { jobAttempt: 2 }, config, 0)).toHaveProperty('movedOn');
    expect(decideReassign(failed({ context: diagnosed('fail') }), facts, config, 0)).toHaveProperty('movedOn');
    expect(decideReassign(failed({ context: diagnosed('resume') }), facts, config, 0)).toHaveProperty('movedOn');
    expect(decideReassign(failed({ attempt: 3, maxRetries: 2 }), { jobAttempt: 3 }, config, 0)).toHaveProperty('movedOn');
    expect(decideReassign(failed({ status: 'CANCELLED' }), facts, config, 0)).toHaveProperty('movedOn');
    expect(decideReassign(failed({ status: 'ASSIGNED' }), facts, config, 0)).toHaveProperty('movedOn');
  });

  it('the last retry may go (attempt = maxRetries)', () => {
    expect(decideReassign(failed({ attempt: 2, maxRetries: 2 }), { jobAttempt: 2 }, config, 0)).toHaveProperty('write');
  });

  it('an open incident holds it up to INCIDENT_MAX_HOLD_MS; a resolved one does not', () => {
    const incident = { id: 'i1', openedAt: 1000 };
    expect(decideReassign(failed(), { ...facts, incident }, config, 1000 + 59_999)).toEqual({ wait: 'incident', incidentId: 'i1' });
    expect(decideReassign(failed(), { ...facts, incident }, config, 1000 + 60_000)).toHaveProperty('write');
    expect(decideReassign(failed(), { ...facts, incident: { ...incident, resolvedAt: 1500 } }, config, 2000)).toHaveProperty('write');
  });

  it("shares its reset with an operator's retry", () => {
    const d = decideOperatorRetry(failed(), { by: 'op', reason: 'again' }, 0);
    expect('write' in d && d.write).toMatchObject(newAttemptReset(failed()));
  });
});

describe('endedForGood: when a dedup fingerprint admits a new task', () => {
  it('a cancelled task has ended', () => {
    expect(endedForGood(failed({ status: 'CANCELLED' }))).toBe(true);
  });

  it('a failed task that is not to be retried has ended', () => {
    expect(endedForGood(failed({ context: diagnosed('fail') }))).toBe(true);
  });

  it('a failed task whose retries are spent has ended, even with a reassign decision', () => {
    expect(endedForGood(failed({ attempt: 3, maxRetries: 2 }))).toBe(true);
  });

  it('a failed task awaiting its reassignment has not', () => {
    expect(endedForGood(failed())).toBe(false);
    expect(endedForGood(failed({ attempt: 2, maxRetries: 2 }))).toBe(false);
  });

  it('a failed task whose work goes on in a continuation has not', () => {
    expect(endedForGood(failed({ context: diagnosed('resume'), continuationId: 't1-c1' }))).toBe(false);
  });

  it('open or completed tasks have not', () => {
    for (const status of ['ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'PENDING'] as const) expect(endedForGood(failed({ status, context: {} }))).toBe(false);
  });
});
