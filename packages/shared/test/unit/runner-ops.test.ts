import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ENDED_LEASES_KEPT,
  ForbiddenError,
  checkLease,
  decideClaim,
  decideClaimById,
  decideComplete,
  decideHeartbeat,
  decideRunnerFail,
  hashLease,
  sameLeaseHash,
  type Task,
} from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const LEASE = 'the-lease-of-attempt-one';
const runner = { runnerId: 'r1', runtime: { type: 'heartbeat' as const, ref: '' }, claimedAt: 0 };
const live = (over: Partial<Task> = {}) => taskFixture({ runner, leaseHash: hashLease(LEASE), ...over });
const refusal = (d: { write: Task } | { refuse: Error }) => ('refuse' in d ? d.refuse : undefined);

describe('lease checks (DESIGN §9)', () => {
  it('hashes compare in constant time and only when equal', () => {
    expect(sameLeaseHash(hashLease('a'), hashLease('a'))).toBe(true);
    expect(sameLeaseHash(hashLease('a'), hashLease('b'))).toBe(false);
    expect(sameLeaseHash(hashLease('a'), 'abcd')).toBe(false); // a shorter stored form never matches
    expect(sameLeaseHash('', '')).toBe(false);
  });

  it('missing → 403 lease_missing; wrong → 403 lease_invalid; current → accepted', () => {
    expect(checkLease(live(), undefined)).toMatchObject({ name: 'ForbiddenError', code: 'lease_missing', field: 'lease' });
    expect(checkLease(live(), 'guess')).toMatchObject({ name: 'ForbiddenError', code: 'lease_invalid' });
    expect(checkLease(live(), LEASE)).toBeUndefined();
  });

  it("an ended attempt's lease → 409: reaped, completed, cancelled, or an earlier attempt", () => {
    expect(checkLease(live({ reap: { at: 1, by: 'reaper', reason: 'dead' } }), LEASE)).toBeInstanceOf(ConflictError);
    expect(checkLease(live({ status: 'COMPLETED' }), LEASE)).toMatchObject({ code: 'runner_fenced' });
    expect(checkLease(live({ status: 'CANCELLED' }), LEASE)).toBeInstanceOf(ConflictError);
    const later = live({ leaseHash: hashLease('second'), endedLeaseHashes: [hashLease(LEASE)] });
    expect(checkLease(later, LEASE)).toMatchObject({ name: 'ConflictError', code: 'runner_fenced' });
    expect(checkLease(later, 'second')).toBeUndefined();
  });

  it('decideHeartbeat, decideComplete and decideRunnerFail refuse without the lease, and with another runner id', () => {
    const t = live();
    for (const body of [{ runnerId: 'r1' }, { runnerId: 'r1', lease: 'nope' }, { runnerId: 'r2', lease: LEASE }]) {
      expect(refusal(decideHeartbeat(t, body, 5))).toBeInstanceOf(ForbiddenError);
      expect(refusal(decideComplete(t, { ...body, output: 'x' }, 5))).toBeInstanceOf(ForbiddenError);
      expect(refusal(decideRunnerFail(t, { ...body, error: 'x' }, 5))).toBeInstanceOf(ForbiddenError);
    }
    expect(refusal(decideHeartbeat(t, { runnerId: 'r2', lease: LEASE }, 5))).toMatchObject({ code: 'runner_mismatch', field: 'runnerId' });
    expect(decideHeartbeat(t, { runnerId: 'r1', lease: LEASE }, 5)).toMatchObject({ write: { heartbeatAt: 5 } });
    expect(decideComplete(t, { runnerId: 'r1', lease: LEASE, output: 'ok' }, 5)).toMatchObject({ write: { status: 'COMPLETED', output: 'ok' } });
  });

  it('a runner reaped once may claim the same task again: its new lease speaks, fencedRunners notwithstanding', () => {
    const t = live({ fencedRunners: ['r1'] });
    expect(decideHeartbeat(t, { runnerId: 'r1', lease: LEASE }, 5)).toHaveProperty('write');
  });

  it('decideClaimById claims the named attempt while it is ASSIGNED, and changes nothing once the task moved on', () => {
    const claim = { runnerId: 'r1', runtime: { type: 'process' as const, ref: '' } };
    const assigned = taskFixture({ status: 'ASSIGNED', attempt: 2 });
    expect(decideClaimById(assigned, 2, claim, 10, 5, hashLease('n'))).toMatchObject({ write: { status: 'IN_PROGRESS', leaseHash: hashLease('n') } });
    expect(decideClaimById(assigned, 1, claim, 10, 5, hashLease('n'))).toEqual({ keep: true });
    expect(decideClaimById(taskFixture({ status: 'IN_PROGRESS', attempt: 2 }), 2, claim, 10, 5, hashLease('n'))).toEqual({ keep: true });
    expect(decideClaimById(taskFixture({ status: 'CANCELLED', attempt: 2 }), 2, claim, 10, 5, hashLease('n'))).toEqual({ keep: true });
  });

  it("decideClaim sets the new attempt's hash and keeps a bounded list of ended ones", () => {
    let t = taskFixture({ status: 'ASSIGNED', leaseHash: hashLease('old') });
    const claim = { runnerId: 'r1', runtime: { type: 'heartbeat' as const, ref: '' } };
    const first = decideClaim(t, claim, 10, 5, hashLease('new'));
    expect(first).toMatchObject({ write: { leaseHash: hashLease('new'), endedLeaseHashes: [hashLease('old')] } });
    t = taskFixture({ status: 'ASSIGNED', leaseHash: hashLease('x'), endedLeaseHashes: Array.from({ length: ENDED_LEASES_KEPT }, (_, i) => hashLease(`e${i}`)) });
    const next = decideClaim(t, claim, 10, 5, hashLease('y'));
    const ended = 'write' in next ? next.write.endedLeaseHashes! : [];
    expect(ended).toHaveLength(ENDED_LEASES_KEPT);
    expect(ended.at(-1)).toBe(hashLease('x'));
    expect(ended).not.toContain(hashLease('e0'));
  });
});

describe('redaction of what a runner sends', () => {
  const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
  it('failure.error, progress.partialOutput and every string in output are redacted before they are written', () => {
    const t = live();
    const failed = decideRunnerFail(t, { runnerId: 'r1', lease: LEASE, error: `401 with key ${key}` }, 5);
    expect('write' in failed && failed.write.failure?.error).toBe('401 with key sk-ant-[REDACTED]');
    const beat = decideHeartbeat(t, { runnerId: 'r1', lease: LEASE, progress: { ratio: 0.5, partialOutput: `export API_KEY=${key}` } }, 5);
    expect('write' in beat && beat.write.progress).toEqual({ ratio: 0.5, partialOutput: 'export API_KEY=sk-ant-[REDACTED]' });
    const done = decideComplete(t, { runnerId: 'r1', lease: LEASE, output: { nested: [{ text: `Bearer ${key}` }], apiKey: 'plain-value', n: 3, ok: true } }, 5);
    expect('write' in done && done.write.output).toEqual({ nested: [{ text: 'Bearer [REDACTED]' }], apiKey: '[REDACTED]', n: 3, ok: true });
  });
});
