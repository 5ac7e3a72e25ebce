import { describe, expect, it } from 'vitest';
import { judge, type Observation } from '../../src/expectations.js';
import { SCENARIOS, type Scenario } from '../../src/scenarios.js';
import { duration, renderSummary, summarize } from '../../src/summary.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { diagnosis, event } from './fixtures.js';

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const row = (name: string, o: Observation) => summarize(scenario(name), o, judge(scenario(name), o));
const info = { apiUrl: 'http://127.0.0.1:9', dashboardUrl: 'http://127.0.0.1:9/admin/queues', wallMs: 31_234, kept: false, width: 200 };

describe('summarize', () => {
  it('a death: the diagnosis, the time from the death to the reaper taking it down, and the retry', () => {
    const r = row('oom', {
      task: taskFixture({ status: 'COMPLETED', attempt: 2 }),
      firstDiagnosis: diagnosis(),
      deathAt: 10_000,
      events: [event('diagnose', 't1', 10_640), event('reassign', 't1', 10_700)],
    });
    expect(r).toMatchObject({ final: 'COMPLETED (attempt 2)', crashType: 'oom', found: '640 ms after death', decision: 'reassign → attempt 2 completed', ok: true });
  });

  it('a stuck runner: found from its last deadline, extended and stopped', () => {
    const r = row('stuck', {
      task: taskFixture({ status: 'COMPLETED', attempt: 2 }),
      firstDiagnosis: diagnosis({ crashType: 'timeout' }),
      lastDeadline: 20_000,
      events: [event('extend', 't1', 7000), event('extend', 't1', 14_000), event('stop', 't1', 20_300)],
    });
    expect(r).toMatchObject({ found: '300 ms past deadline', decision: 'extended ×2, stopped, reassign → attempt 2 completed', ok: true });
  });

  it('a resumed task and its continuation', () => {
    const r = row('resumed', {
      task: taskFixture({ status: 'FAILED', continuationId: 'c1' }),
      continuation: taskFixture({ id: 'c1', status: 'COMPLETED' }),
      firstDiagnosis: diagnosis({ crashType: 'network_error', decision: 'resume' }),
      deathAt: 1000,
      events: [event('diagnose', 't1', 1100), event('resume', 't1', 1200)],
    });
    expect(r).toMatchObject({ final: 'FAILED → continuation COMPLETED', decision: 'resume → continuation completed', continuationId: 'c1', ok: true });
  });

  it('the working ones need no decision; the hung one is escalated', () => {
    expect(row('works', { task: taskFixture({ status: 'COMPLETED' }), events: [] })).toMatchObject({ decision: 'none needed', found: '-', ok: true });
    expect(row('blocks-loop', { task: taskFixture({ status: 'COMPLETED' }), events: [event('extend', 't1', 6)] })).toMatchObject({ decision: 'extended ×1, not reaped' });
    const hung = row('hangs', {
      task: taskFixture({ status: 'CANCELLED' }),
      lastDeadline: 18_000,
      events: [event('extend', 't1', 6000), event('extend', 't1', 12_000), event('escalate', 't1', 18_100)],
    });
    expect(hung).toMatchObject({ decision: 'extended ×2, escalated, cancelled by the demo', found: '100 ms past deadline', ok: true });
  });
});

describe('duration', () => {
  it('milliseconds under a second, else seconds', () => {
    expect(duration(40)).toBe('40 ms');
    expect(duration(-3)).toBe('0 ms');
    expect(duration(1340)).toBe('1.3 s');
  });
});

describe('renderSummary', () => {
  const good = row('oom', { task: taskFixture({ id: 'id-oom', status: 'COMPLETED', attempt: 2 }), firstDiagnosis: diagnosis(), deathAt: 0, events: [event('diagnose', 'id-oom', 500)] });
  const bad = row('killed', { task: taskFixture({ id: 'id-killed', status: 'FAILED' }), firstDiagnosis: diagnosis({ crashType: 'unknown', summary: 'no log output' }), events: [] });

  it('a table, each diagnosis, the task ids, the dashboard and the verdict', () => {
    const text = renderSummary([good], info).join('\n');
    expect(text).toContain('smart-reap demo: summary after 31.2 s');
    expect(text).toMatch(/ok {2}oom +dies by heap exhaustion +COMPLETED \(attempt 2\) +oom +500 ms after death +reassign → attempt 2 completed/);
    expect(text).toContain('oom  oom (confidence 0.99): Node.js ran out of heap memory');
    expect(text).toContain('oom  id-oom');
    expect(text).toContain('Dashboard (Bull Board): http://127.0.0.1:9/admin/queues');
    expect(text).toContain('All 1 scenarios ended as expected.');
    expect(text).not.toContain('reaper task');
  });

  it('says what did not end as expected, and how to look at a task when the stack is kept', () => {
    const text = renderSummary([good, bad], { ...info, kept: true }).join('\n');
    expect(text).toMatch(/NOT OK {2}killed/);
    expect(text).toContain('1 of 2 scenarios did not end as expected:');
    expect(text).toContain('  killed: diagnosed unknown, expected killed (no log output)');
    expect(text).toContain('pnpm -s reaper task <id> --api http://127.0.0.1:9');
  });
});
