import { describe, expect, it } from 'vitest';
import { HOST_CHANGES_MAXLEN, indexOpsFor, Keys, probeTargetEntry, probeTargetOf, type Task } from '../../src/index.js';
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

describe('heartbeat runtimes: the heartbeat index instead of the probe schedule (issue 13)', () => {
  const on = (ops: ReturnType<typeof indexOpsFor>, key: string) => ops.filter((o) => 'key' in o && o.key === key);
  const claimed = (type: 'heartbeat' | 'process'): [Task, Task] => {
    const before = assigned({ dedupKey: undefined });
    const after: Task = { ...before, status: 'IN_PROGRESS', deadline: now + 60_000, runner: { runnerId: 'r', runtime: { type, ref: '' }, claimedAt: now, pid: 5 } };
    return [before, after];
  };

  it('a heartbeat claim enters the index at its claim time and the checks at its deadline, never the probe schedule', () => {
    const [before, after] = claimed('heartbeat');
    const ops = indexOpsFor(keys, before, after, now);
    expect(on(ops, keys.heartbeats())).toEqual([{ op: 'zadd', key: keys.heartbeats(), score: now, member: 't1' }]);
    expect(on(ops, keys.heartbeatChecks())).toEqual([{ op: 'zadd', key: keys.heartbeatChecks(), score: now + 60_001, member: 't1' }]); // due is `now > deadline`
    expect(on(ops, keys.probeSchedule())).toEqual([]);
    expect(on(ops, keys.deadlines())).toHaveLength(1);
    expect(on(ops, keys.probeTargets())).toHaveLength(1);
  });

  it('every beat moves the index; a beat that changes nothing else touches no other index', () => {
    const [, running] = claimed('heartbeat');
    const ops = indexOpsFor(keys, running, { ...running, heartbeatAt: now + 30_000 }, now + 30_000);
    expect(ops).toEqual([{ op: 'zadd', key: keys.heartbeats(), score: now + 30_000, member: 't1' }]);
  });

  it('an extension moves the check to the new deadline', () => {
    const [, running] = claimed('heartbeat');
    const ops = indexOpsFor(keys, running, { ...running, deadline: now + 120_000, extensions: 1 }, now);
    expect(on(ops, keys.heartbeatChecks())).toEqual([{ op: 'zadd', key: keys.heartbeatChecks(), score: now + 120_001, member: 't1' }]);
  });

  it('leaving IN_PROGRESS (or being reaped) leaves the index and the checks', () => {
    const [, running] = claimed('heartbeat');
    for (const after of [{ ...running, status: 'COMPLETED' as const }, { ...running, reap: { by: 'reaper' as const, at: now, reason: 'lost' } }]) {
      const ops = indexOpsFor(keys, running, after as Task, now);
      expect(on(ops, keys.heartbeats())).toEqual([{ op: 'zrem', key: keys.heartbeats(), member: 't1' }]);
      expect(on(ops, keys.heartbeatChecks())).toEqual([{ op: 'zrem', key: keys.heartbeatChecks(), member: 't1' }]);
      expect(on(ops, keys.probeSchedule())).toEqual([]);
    }
  });

  it('a process claim is probed at once, and just past its deadline whatever its slot, and never enters the heartbeat index', () => {
    const [before, after] = claimed('process');
    const ops = indexOpsFor(keys, before, after, now);
    expect(on(ops, keys.probeSchedule())).toEqual([
      { op: 'zadd', key: keys.probeSchedule(), score: now, member: 't1' },
      { op: 'zadd', key: keys.probeSchedule(), score: now + 60_001, member: 't1', lt: true },
    ]);
    expect(on(ops, keys.heartbeats())).toEqual([]);
    expect(on(ops, keys.heartbeatChecks())).toEqual([]);
  });
});

describe("host-local runtimes: their host's targets and change stream, in the same write (issue 13)", () => {
  const claimedOn = (type: 'process' | 'tmux' | 'http'): [Task, Task] => {
    const before = assigned({ dedupKey: undefined });
    const after: Task = { ...before, status: 'IN_PROGRESS', deadline: now + 60_000, runner: { runnerId: 'r', runtime: { type, ref: type === 'http' ? 'http://x/' : '' }, claimedAt: now, pid: 5, host: 'node-a' } };
    return [before, after];
  };
  const host = 'probe-node-a';

  it('a process or tmux claim adds its target to the host hash and a change to its stream', () => {
    for (const type of ['process', 'tmux'] as const) {
      const [before, after] = claimedOn(type);
      const ops = indexOpsFor(keys, before, after, now);
      expect(ops).toContainEqual({ op: 'hset', key: keys.hostTargets(host), field: 't1', value: JSON.stringify(probeTargetOf(after)) });
      expect(ops).toContainEqual({ op: 'xadd', key: keys.hostTargetChanges(host), id: 't1', maxLen: HOST_CHANGES_MAXLEN });
      expect(probeTargetEntry(after).split('|')[1]).toBe(host);
    }
  });

  it('a pin changes the host target; a beat does not', () => {
    const [, running] = claimedOn('process');
    expect(indexOpsFor(keys, running, { ...running, heartbeatAt: now + 5 }, now)).toEqual([]);
    const pinned = { ...running, runner: { ...running.runner!, pidStartTime: '777', pidStartTimePinned: 'first-probe' as const } };
    expect(indexOpsFor(keys, running, pinned, now).map((o) => o.op)).toEqual(['hset', 'hset', 'xadd']);
  });

  it('the end of the attempt removes it, with a change', () => {
    const [, running] = claimedOn('tmux');
    const ops = indexOpsFor(keys, running, { ...running, status: 'COMPLETED' }, now);
    expect(ops).toContainEqual({ op: 'hdel', key: keys.hostTargets(host), field: 't1' });
    expect(ops).toContainEqual({ op: 'xadd', key: keys.hostTargetChanges(host), id: 't1', maxLen: HOST_CHANGES_MAXLEN });
  });

  it('an http runner is not host-watched', () => {
    const [before, after] = claimedOn('http');
    const ops = indexOpsFor(keys, before, after, now);
    expect(ops.filter((o) => o.op === 'xadd')).toEqual([]);
    expect(probeTargetEntry(after).split('|')[1]).toBe('');
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
