import { describe, expect, it } from 'vitest';
import { InPlaceBlock, buildRow, changeLines, fit, renderTable, seconds } from '../../src/live-table.js';
import { SCENARIOS } from '../../src/scenarios.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { diagnosis, event } from './fixtures.js';

const oom = SCENARIOS.find((s) => s.name === 'oom')!;
const resumed = SCENARIOS.find((s) => s.name === 'resumed')!;

describe('buildRow', () => {
  it('shows a running task with its probe, heartbeat age and extensions', () => {
    const task = taskFixture({ heartbeatAt: 1000, extensions: 1, probe: { runtimeState: 'alive', processState: 'alive', at: 900, evidence: [], unknownRounds: 0, contradictionRounds: 0 } });
    const row = buildRow(oom, { task, events: [event('extend', 't1', 800, 'past deadline, alive and beating: extension 1 of 2')] }, 3500);
    expect(row).toEqual({
      scenario: 'oom',
      status: 'IN_PROGRESS #1',
      probe: 'alive/alive',
      heartbeat: '2.5 s',
      extensions: '1',
      diagnosis: '-',
      last: 'extend: past deadline, alive and beating: extension 1 of 2',
    });
  });

  it('shows a diagnosed, retried task without probe or heartbeat once it no longer runs', () => {
    const task = taskFixture({ status: 'ASSIGNED', attempt: 2, heartbeatAt: 1000 });
    const row = buildRow(oom, { task, firstDiagnosis: diagnosis(), events: [event('diagnose', 't1', 2), event('reassign', 't1', 3, 'attempt 2 of 2 queued')] }, 5000);
    expect(row).toMatchObject({ status: 'ASSIGNED #2', probe: '-', heartbeat: '-', diagnosis: 'oom', last: 'reassign: attempt 2 of 2 queued' });
  });

  it('follows the continuation of a resumed task', () => {
    const task = taskFixture({ status: 'FAILED', continuationId: 'c1' });
    const continuation = taskFixture({ id: 'c1', status: 'ASSIGNED' });
    const row = buildRow(resumed, { task, continuation, events: [] }, 0);
    expect(row).toMatchObject({ status: 'FAILED → cont. ASSIGNED', last: 'waiting for a runner' });
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell and never runs past the width', () => {
    const rows = [
      buildRow(oom, { task: taskFixture(), events: [event('diagnose', 't1', 1, 'x'.repeat(300))] }, 0),
      buildRow(resumed, { events: [] }, 0),
    ];
    const lines = renderTable(rows, 100);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}scenario +status +probe rt\/proc +heartbeat +ext +diagnosis +latest decision$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/…$/);
    // Same column positions on every line.
    expect(lines[1]!.indexOf('IN_PROGRESS')).toBe(lines[0]!.indexOf('status'));
    expect(lines[2]!.indexOf('creating')).toBe(lines[0]!.indexOf('status'));
  });
});

describe('changeLines', () => {
  it('prints a row only when its status, diagnosis or latest decision changed', () => {
    const seen = new Map<string, string>();
    const running = buildRow(oom, { task: taskFixture({ heartbeatAt: 0 }), events: [] }, 1000);
    expect(changeLines(seen, [running], 1000, 200)).toEqual(['[  1.0 s] oom  IN_PROGRESS #1  working: nothing to decide']);
    // Only the heartbeat age moved: nothing to say.
    expect(changeLines(seen, [buildRow(oom, { task: taskFixture({ heartbeatAt: 0 }), events: [] }, 2000)], 2000, 200)).toEqual([]);
    const dead = buildRow(oom, { task: taskFixture({ status: 'FAILED' }), firstDiagnosis: diagnosis(), events: [event('reassign', 't1', 3, 'retry 1 of 1 after oom')] }, 3000);
    expect(changeLines(seen, [dead], 3000, 200)).toEqual(['[  3.0 s] oom  FAILED #1 [oom]  reassign: retry 1 of 1 after oom']);
  });
});

describe('InPlaceBlock', () => {
  it('moves back over the block it drew last and clears each line', () => {
    const out: string[] = [];
    const block = new InPlaceBlock((t) => out.push(t));
    block.draw(['a', 'b']);
    block.draw(['c']);
    expect(out[0]).toBe('\u001b[2Ka\n\u001b[2Kb\n');
    expect(out[1]).toBe('\u001b[2A\u001b[2Kc\n\u001b[2K\n\u001b[1A');
  });
});

describe('formatting', () => {
  it('seconds and fit', () => {
    expect(seconds(1234)).toBe('1.2 s');
    expect(seconds(-5)).toBe('0.0 s');
    expect(fit('a\nb\tc', 10)).toBe('a b c');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('a  b', 10)).toBe('a  b');
  });
});
