import { describe, expect, it } from 'vitest';
import { finalVerdict, judge, type Observation } from '../../src/expectations.js';
import { SCENARIOS, type Scenario } from '../../src/scenarios.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { diagnosis, event } from './fixtures.js';

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const obs = (over: Partial<Observation>): Observation => ({ events: [], ...over });

describe('judge', () => {
  it('waits while nothing is known, and fails at once when a runner could not start', () => {
    expect(judge(scenario('works'), obs({}))).toEqual({ settled: false, ok: false, problems: [] });
    const v = judge(scenario('works'), obs({ runnerProblem: 'runner for t1#1 did not start: boom' }));
    expect(v).toMatchObject({ settled: true, ok: false, problems: ['runner for t1#1 did not start: boom'] });
  });

  it('a working runner passes when it completes, and fails when it was taken down', () => {
    const s = scenario('works');
    expect(judge(s, obs({ task: taskFixture() })).settled).toBe(false);
    expect(judge(s, obs({ task: taskFixture({ status: 'COMPLETED' }) }))).toMatchObject({ settled: true, ok: true });
    const reaped = judge(s, obs({ task: taskFixture(), events: [event('diagnose', 't1', 5, 'runner gone')] }));
    expect(reaped).toMatchObject({ settled: true, ok: false });
    expect(reaped.problems[0]).toMatch(/taken down \(diagnose: runner gone\)/);
  });

  it('the blocked runner must have been extended before it completed', () => {
    const s = scenario('blocks-loop');
    const done = taskFixture({ status: 'COMPLETED' });
    expect(judge(s, obs({ task: done }))).toMatchObject({ settled: true, ok: false, problems: [expect.stringMatching(/without ever being extended/)] });
    expect(judge(s, obs({ task: done, events: [event('extend', 't1', 6)] }))).toMatchObject({ settled: true, ok: true });
    // Another task's extension does not count.
    expect(judge(s, obs({ task: done, events: [event('extend', 'other', 6)] })).ok).toBe(false);
  });

  it('the hung runner passes once escalated and then cancelled, never reaped', () => {
    const s = scenario('hangs');
    const escalated = [event('extend', 't1', 6), event('extend', 't1', 12), event('escalate', 't1', 18)];
    expect(judge(s, obs({ task: taskFixture(), events: escalated })).settled).toBe(false);
    expect(judge(s, obs({ task: taskFixture({ status: 'CANCELLED' }), events: escalated }))).toMatchObject({ settled: true, ok: true });
    expect(judge(s, obs({ task: taskFixture({ status: 'CANCELLED' }) })).ok).toBe(false);
    expect(judge(s, obs({ task: taskFixture(), events: [...escalated, event('stop', 't1', 19)] })).ok).toBe(false);
  });

  it('a death passes when diagnosed as expected and its retry completed', () => {
    const s = scenario('oom');
    const d = diagnosis();
    const down = [event('diagnose', 't1', 3)];
    expect(judge(s, obs({ task: taskFixture({ status: 'ASSIGNED', attempt: 2 }), firstDiagnosis: d, events: down })).settled).toBe(false);
    expect(judge(s, obs({ task: taskFixture({ status: 'COMPLETED', attempt: 2 }), firstDiagnosis: d, events: down }))).toMatchObject({ settled: true, ok: true });
  });

  it('names the wrong crash type, decision or way down', () => {
    const s = scenario('segfault');
    const v = judge(s, obs({ task: taskFixture({ status: 'FAILED' }), firstDiagnosis: diagnosis({ crashType: 'unknown', decision: 'fail', summary: 'nothing' }), events: [event('stop', 't1', 3)] }));
    expect(v.settled).toBe(true);
    expect(v.problems).toEqual([
      'diagnosed unknown, expected segfault (nothing)',
      'recovered by fail, expected reassign',
      'taken down by stop, expected diagnose',
    ]);
  });

  it('a resumed task passes when its continuation completed', () => {
    const s = scenario('resumed');
    const d = diagnosis({ crashType: 'network_error', decision: 'resume' });
    const task = taskFixture({ status: 'FAILED', continuationId: 't1-c1' });
    const base = { task, firstDiagnosis: d, events: [event('diagnose', 't1', 3)] };
    expect(judge(s, obs(base)).settled).toBe(false);
    expect(judge(s, obs({ ...base, continuation: taskFixture({ id: 't1-c1', status: 'IN_PROGRESS' }) })).settled).toBe(false);
    expect(judge(s, obs({ ...base, continuation: taskFixture({ id: 't1-c1', status: 'COMPLETED' }) }))).toMatchObject({ settled: true, ok: true });
    expect(judge(s, obs({ ...base, continuation: taskFixture({ id: 't1-c1', status: 'FAILED' }) })).ok).toBe(false);
  });

  it('a death that never came fails when the task completes at attempt 1', () => {
    expect(judge(scenario('killed'), obs({ task: taskFixture({ status: 'COMPLETED' }) }))).toMatchObject({ settled: true, ok: false, problems: ['completed without dying: nothing to recover'] });
  });
});

describe('finalVerdict', () => {
  it('turns what has not settled by the time limit into a failure that says where it stood', () => {
    const o = obs({ task: taskFixture({ status: 'IN_PROGRESS', attempt: 2 }) });
    expect(finalVerdict(scenario('oom'), o, false).settled).toBe(false);
    expect(finalVerdict(scenario('oom'), o, true)).toMatchObject({ settled: true, ok: false, problems: ['did not finish in time (IN_PROGRESS, attempt 2)'] });
  });
});

describe('SCENARIOS', () => {
  it('covers what the issue asks for, each with a kind of its own', () => {
    const crashTypes = SCENARIOS.flatMap((s) => (s.expect.type === 'recovered' ? [s.expect.crashType] : []));
    expect(crashTypes).toEqual(expect.arrayContaining(['oom', 'segfault', 'rate_limited', 'killed']));
    expect(SCENARIOS.some((s) => s.expect.type === 'recovered' && s.expect.decision === 'resume')).toBe(true);
    expect(new Set(SCENARIOS.map((s) => s.kind)).size).toBe(SCENARIOS.length);
  });

  it('spreads the deaths at least 2 s apart, so no probe round sees several', () => {
    const deaths = SCENARIOS.filter((s) => s.expect.type === 'recovered' && s.expect.takenDownBy === 'diagnose').map((s) => s.startAfterMs + (s.killAfterMs ?? 0));
    const sorted = [...deaths].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(2000);
  });
});
