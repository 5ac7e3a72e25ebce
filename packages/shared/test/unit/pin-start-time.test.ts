import { describe, expect, it } from 'vitest';
import { evaluateRound, indexOpsFor, Keys, probeTargetOf, type ProbeResultJob, type Task } from '../../src/index.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const now = 1_000_000;
const settings = { heartbeatGraceMs: 90_000, maxExtensions: 2, massDeathHoldMs: 60_000 };
const runner = (pidStartTime?: string): Task['runner'] => ({ runnerId: 'r', runtime: { type: 'process', ref: '' }, pid: 4242, pidStartTime, host: 'h', claimedAt: now - 1000 });
const result = (pinned?: string): ProbeResultJob => ({
  taskId: 't1', attempt: 1, host: 'h', runtimeState: 'alive', processState: 'alive', evidence: [], probedAt: now, pinnedPidStartTime: pinned,
});

describe('a start time pinned at first probe (issue 10)', () => {
  it('is taken from the round for a pid claimed without one, and forces the write', () => {
    const task = taskFixture({ id: 't1', status: 'IN_PROGRESS', runner: runner(), heartbeatAt: now, deadline: now + 60_000, probe: { runtimeState: 'alive', processState: 'alive', at: now - 100, evidence: [], unknownRounds: 0, contradictionRounds: 0 } });
    const [v] = evaluateRound(new Map([['t1', task]]), [result('777')], settings, now).verdicts;
    expect(v).toMatchObject({ pin: '777', stampChanged: true, outcome: { action: 'none' } });
  });

  it('never replaces a start time the runner gave or one pinned before', () => {
    const task = taskFixture({ id: 't1', status: 'IN_PROGRESS', runner: runner('555'), heartbeatAt: now, deadline: now + 60_000 });
    const [v] = evaluateRound(new Map([['t1', task]]), [result('777')], settings, now).verdicts;
    expect(v!.pin).toBeUndefined();
  });

  it('once on the runner, is in the probe target the scheduler hands out', () => {
    const keys = new Keys('k');
    const before = taskFixture({ id: 't1', status: 'IN_PROGRESS', runner: runner() });
    const after = { ...before, runner: { ...before.runner!, pidStartTime: '777', pidStartTimePinned: 'first-probe' as const } };
    expect(probeTargetOf(after).pidStartTime).toBe('777');
    expect(indexOpsFor(keys, before, after, now)).toContainEqual(expect.objectContaining({ op: 'hset', key: keys.probeTargets(), field: 't1', value: expect.stringContaining('"pidStartTime":"777"') }));
  });
});
