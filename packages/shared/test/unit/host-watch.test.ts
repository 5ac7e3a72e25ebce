import { describe, expect, it } from 'vitest';
import { hostWatchFreshSince, isHostWatched, massDeathHeld, watchReports, type ProbeResult, type WatchMemory } from '../../src/index.js';

const alive: ProbeResult = { runtimeState: 'alive', processState: 'alive', evidence: ['running'] };
const dead: ProbeResult = { runtimeState: 'alive', processState: 'dead', evidence: ['pid gone'] };
const unknown: ProbeResult = { runtimeState: 'alive', processState: 'unknown', evidence: ['exit being reported'] };

describe("a host watcher's sweep: only changes are reported (issue 13)", () => {
  const interval = 1000;

  it('a target alive on both axes is never reported, first sight included', () => {
    let memory: Map<string, WatchMemory> = new Map();
    for (let now = 0; now < 5000; now += 250) {
      const sweep = watchReports(memory, [{ taskId: 'a', result: alive }], now, interval);
      expect(sweep.report).toEqual([]);
      memory = sweep.memory;
    }
  });

  it('a death is reported in the sweep that sees it, then once per interval while it lasts', () => {
    let { memory } = watchReports(new Map(), [{ taskId: 'a', result: alive }], 0, interval);
    const reportedAt: number[] = [];
    for (let now = 250; now <= 3000; now += 250) {
      const sweep = watchReports(memory, [{ taskId: 'a', result: dead }], now, interval);
      if (sweep.report.length) reportedAt.push(now);
      memory = sweep.memory;
    }
    expect(reportedAt).toEqual([250, 1250, 2250]);
  });

  it('a first sight that is not alive, and a change to unknown, are reported at once', () => {
    expect(watchReports(new Map(), [{ taskId: 'a', result: dead }], 0, interval).report).toHaveLength(1);
    const { memory } = watchReports(new Map(), [{ taskId: 'a', result: alive }], 0, interval);
    expect(watchReports(memory, [{ taskId: 'a', result: unknown }], 10, interval).report).toHaveLength(1);
  });

  it('a start time pinned at first sight is reported though the runner is alive', () => {
    const pinned = { ...alive, pinnedPidStartTime: '12345' };
    expect(watchReports(new Map(), [{ taskId: 'a', result: pinned }], 0, interval).report).toHaveLength(1);
  });

  it('targets not seen in a sweep are forgotten', () => {
    const { memory } = watchReports(new Map([['gone', { alive: true }]]), [{ taskId: 'a', result: alive }], 0, interval);
    expect([...memory.keys()]).toEqual(['a']);
  });

  it('watches process and tmux runners only', () => {
    expect(['process', 'tmux'].map(isHostWatched)).toEqual([true, true]);
    expect(['http', 'kubernetes', 'heartbeat'].map(isHostWatched)).toEqual([false, false, false]);
  });

  it('a summary counts for three intervals', () => {
    expect(hostWatchFreshSince(10_000, 1000)).toBe(7000);
  });
});

describe('the mass-death breaker over a watcher round: the targets seen alive count too', () => {
  const deaths = (n: number) => Array.from({ length: n }, (_, i) => ({ taskId: `d${i}`, host: 'h', dead: true }));

  it('6 deaths among 8 watched are held; 6 among 20 are not', () => {
    expect(massDeathHeld(deaths(6), 2).held.size).toBe(6);
    expect(massDeathHeld(deaths(6), 2).scopes).toEqual(['round: 6 of 8 dead']);
    expect(massDeathHeld(deaths(6), 14).held.size).toBe(0);
  });

  it('a round of fewer than 5 watched is never held', () => {
    expect(massDeathHeld(deaths(3), 1).held.size).toBe(0);
  });
});
