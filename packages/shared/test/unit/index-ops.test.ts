import { describe, expect, it } from 'vitest';
import { indexOpsFor, Keys, type Task } from '../../src/index.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const keys = new Keys('k');
const now = 1_000_000;
const assigned = (over: Partial<Task> = {}) => taskFixture({ id: 't1', kind: 'fix', status: 'ASSIGNED', dedupKey: 'issue-42', ...over });
const claimedFrom = (t: Task): Task => ({ ...t, status: 'IN_PROGRESS', runner: { runnerId: 'r', runtime: { type: 'heartbeat', ref: '' }, claimedAt: now }, heartbeatAt: now });
const incrs = (ops: ReturnType<typeof indexOpsFor>) => ops.filter((o) => o.op === 'incr');

describe("a fingerprint's attempts, counted in the claim's own write", () => {
  it('a claim of a task with a fingerprint counts one attempt of it', () => {
    const before = assigned();
    expect(incrs(indexOpsFor(keys, before, claimedFrom(before), now))).toEqual([{ op: 'incr', key: keys.fingerprintAttempts('fix', 'issue-42') }]);
  });

  it('a claim of a task without one counts nothing', () => {
    const before = assigned({ dedupKey: undefined });
    expect(incrs(indexOpsFor(keys, before, claimedFrom(before), now))).toEqual([]);
  });

  it('no other write counts: creation, a heartbeat, the end of the attempt, the reassignment', () => {
    const created = assigned();
    const running = claimedFrom(created);
    const failed: Task = { ...running, status: 'FAILED' };
    expect(incrs(indexOpsFor(keys, undefined, created, now))).toEqual([]);
    expect(incrs(indexOpsFor(keys, running, { ...running, heartbeatAt: now + 1 }, now))).toEqual([]);
    expect(incrs(indexOpsFor(keys, running, failed, now))).toEqual([]);
    expect(incrs(indexOpsFor(keys, failed, { ...failed, status: 'ASSIGNED', attempt: 2 }, now))).toEqual([]);
    expect(incrs(indexOpsFor(keys, created, { ...created, status: 'CANCELLED' }, now))).toEqual([]);
  });
});
