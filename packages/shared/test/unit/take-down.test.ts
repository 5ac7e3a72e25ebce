import { describe, expect, it } from 'vitest';
import { REESCALATE_AFTER_MS, escalateTask, reapAttempt, recoveredAttempt, shouldReescalate, stuckDeath, type Diagnosis, type RecoveryOutcome } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const running = () => taskFixture({ runner: { runnerId: 'r1', runtime: { type: 'process', ref: '' }, claimedAt: 0 }, fencedRunners: ['r0'] });
const diagnosis = { crashType: 'oom', decision: 'reassign', summary: 's' } as Diagnosis;

describe('reapAttempt', () => {
  it('reaps the attempt and fences its runner once', () => {
    const t = reapAttempt(running(), 'stuck', 5);
    expect(t).toMatchObject({ reap: { at: 5, by: 'reaper', reason: 'stuck' }, fencedRunners: ['r0', 'r1'] });
    expect(reapAttempt(t, 'again', 6).fencedRunners).toEqual(['r0', 'r1']);
  });
});

describe('escalation pacing', () => {
  it('escalates once, then again only after REESCALATE_AFTER_MS', () => {
    const once = escalateTask(running(), 'needs a person', 100);
    expect(once).toMatchObject({ needsAttention: { reason: 'needs a person', at: 100 }, lastEscalatedAt: 100 });
    expect(shouldReescalate(once, 100 + REESCALATE_AFTER_MS - 1)).toBe(false);
    expect(escalateTask(once, 'later', 101)).toBe(once);
    expect(shouldReescalate(once, 100 + REESCALATE_AFTER_MS)).toBe(true);
  });
});

describe('recoveredAttempt', () => {
  const reaped = () => reapAttempt(running(), 'dead', 1);
  const reassign: RecoveryOutcome = { decision: 'reassign', delayMs: 10, reason: 'retry', healHint: { memory: '2x' } };

  it('moves the reaped attempt to FAILED with its diagnosis, hint and attention', () => {
    const t = recoveredAttempt(reaped(), 1, reassign, 'look', diagnosis, undefined, 9)!;
    expect(t).toMatchObject({ status: 'FAILED', context: { reap_diagnosis: diagnosis }, healHint: { memory: '2x' }, needsAttention: { reason: 'look', at: 9 } });
    expect(t.history.at(-1)).toEqual({ from: 'IN_PROGRESS', to: 'FAILED', at: 9, by: 'diagnoser', reason: 'oom: retry' });
  });

  it('keeps the hint and the attention it had when the outcome brings none', () => {
    const t = recoveredAttempt({ ...reaped(), healHint: { reason: 'old' }, needsAttention: { reason: 'earlier', at: 0 } }, 1, { decision: 'fail', reason: 'no' }, undefined, diagnosis, 't1-c1', 9)!;
    expect(t).toMatchObject({ healHint: { reason: 'old' }, needsAttention: { reason: 'earlier', at: 0 }, continuationId: 't1-c1' });
  });

  it('changes nothing for an attempt already recovered, not reaped, or another one', () => {
    expect(recoveredAttempt({ ...reaped(), status: 'FAILED' }, 1, reassign, undefined, diagnosis, undefined, 9)).toBeUndefined();
    expect(recoveredAttempt(running(), 1, reassign, undefined, diagnosis, undefined, 9)).toBeUndefined();
    expect(recoveredAttempt(reaped(), 2, reassign, undefined, diagnosis, undefined, 9)).toBeUndefined();
  });
});

describe('stuckDeath', () => {
  it('a stopped runner was alive but silent: diagnosed timeout unless its log says more, with the stop\'s evidence', () => {
    expect(stuckDeath({ reason: 'stuck past deadline', seenAt: 42 }, ['SIGTERM sent to pid 7', 'pid 7 gone after 20 ms'])).toEqual({
      reason: 'stuck past deadline',
      source: 'reaper',
      probe: { runtimeState: 'alive', processState: 'alive', evidence: ['stuck: alive but silent past its deadline', 'SIGTERM sent to pid 7', 'pid 7 gone after 20 ms'] },
      seenAt: 42,
      hint: 'timeout',
    });
  });
});
