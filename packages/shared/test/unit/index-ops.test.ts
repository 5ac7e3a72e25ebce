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

describe('the list indexes: kind at creation, crash type as the diagnosis names it', () => {
  const diagnosed = (t: Task, crashType: 'oom' | 'killed'): Task => ({
    ...t,
    context: { reap_diagnosis: { version: 1, crashType, confidence: 1, summary: '', evidence: [], logTail: '', logTailBytes: 0, runtimeState: 'dead', processState: 'dead', heartbeatAgeMs: null, partialOutputRatio: 0, decision: 'fail', retryable: true, attempt: 1, diagnosedAt: new Date(0).toISOString() } },
  });
  const listOps = (ops: ReturnType<typeof indexOpsFor>) => ops.filter((o) => 'key' in o && (o.key.includes(':kind-tasks:') || o.key.includes(':crash:')));

  it('adds the kind once, at creation, and the crash type when it appears, moves it when it changes, and scores both by creation', () => {
    const created = assigned({ createdAt: 42 });
    expect(listOps(indexOpsFor(keys, undefined, created, now))).toEqual([{ op: 'zadd', key: keys.kindTasks('fix'), score: 42, member: 't1' }]);
    const running = claimedFrom(created);
    expect(listOps(indexOpsFor(keys, created, running, now))).toEqual([]);
    const oom = diagnosed(running, 'oom');
    expect(listOps(indexOpsFor(keys, running, oom, now))).toEqual([{ op: 'zadd', key: keys.crashType('oom'), score: 42, member: 't1' }]);
    expect(listOps(indexOpsFor(keys, oom, { ...oom, status: 'FAILED' }, now))).toEqual([]);
    expect(listOps(indexOpsFor(keys, oom, diagnosed(running, 'killed'), now))).toEqual([
      { op: 'zrem', key: keys.crashType('oom'), member: 't1' },
      { op: 'zadd', key: keys.crashType('killed'), score: 42, member: 't1' },
    ]);
  });
});
