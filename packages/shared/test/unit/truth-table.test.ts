import { describe, expect, it } from 'vitest';
import { AXIS_STATES, decide, nextRoundCounters, type AxisState, type DecideInput } from '@smart-reap/shared';

const base: DecideInput = {
  runtime: 'alive',
  process: 'alive',
  heartbeatFresh: true,
  due: false,
  extensions: 0,
  maxExtensions: 2,
  unknownRounds: 0,
  contradictionRounds: 0,
  runtimeType: 'process',
};

/** The design's table, written independently of the implementation, for every combination. */
function expected(i: DecideInput): string {
  const unknown = i.runtime === 'unknown' || i.process === 'unknown';
  if (unknown) return i.heartbeatFresh ? 'skip' : i.unknownRounds >= 3 ? 'diagnose' : 'skip';
  if (i.runtime === 'dead' && i.process === 'alive') return i.contradictionRounds >= 3 ? 'escalate' : 'reprobe';
  if (i.process === 'dead') return 'diagnose';
  if (!i.due) return 'none';
  if (i.extensions < i.maxExtensions) return 'extend';
  return i.heartbeatFresh ? 'escalate' : 'stop';
}

describe('truth table (DESIGN §4)', () => {
  const combos: DecideInput[] = [];
  for (const runtime of AXIS_STATES)
    for (const process of AXIS_STATES)
      for (const heartbeatFresh of [true, false])
        for (const due of [true, false])
          for (const extensions of [0, 1, 2])
            for (const rounds of [1, 2, 3, 4])
              combos.push({ ...base, runtime, process, heartbeatFresh, due, extensions, unknownRounds: rounds, contradictionRounds: rounds });

  it.each(combos.map((c) => [`${c.runtime}/${c.process}/${c.heartbeatFresh ? 'fresh' : 'stale'}/${c.due ? 'due' : 'not-due'}/ext${c.extensions}/r${c.unknownRounds}`, c] as const))(
    '%s',
    (_, input) => {
      expect(decide(input).action).toBe(expected(input));
    },
  );

  it('never stops or diagnoses a task with a fresh heartbeat whose process is not confirmed dead', () => {
    for (const c of combos) {
      if (c.heartbeatFresh && c.process !== 'dead') expect(['stop', 'diagnose']).not.toContain(decide(c).action);
    }
  });

  it('a stuck runner is stopped with timeout as the hint', () => {
    expect(decide({ ...base, heartbeatFresh: false, due: true, extensions: 2 })).toMatchObject({ action: 'stop', crashHint: 'timeout' });
  });

  it('a lost runner is diagnosed with unknown as the hint', () => {
    expect(decide({ ...base, runtime: 'unknown', heartbeatFresh: false, unknownRounds: 3 })).toMatchObject({ action: 'diagnose', crashHint: 'unknown' });
  });

  it('MAX_EXTENSIONS=0 escalates a beating runner at the first deadline', () => {
    expect(decide({ ...base, due: true, maxExtensions: 0 }).action).toBe('escalate');
  });
});

describe('round counters', () => {
  const states: AxisState[] = ['alive', 'dead', 'unknown'];
  it('count consecutive unknown-and-stale rounds and reset otherwise', () => {
    let c = nextRoundCounters(undefined, 'unknown', 'alive', false);
    c = nextRoundCounters(c, 'alive', 'unknown', false);
    expect(c.unknownRounds).toBe(2);
    expect(nextRoundCounters(c, 'unknown', 'alive', true).unknownRounds).toBe(0);
    expect(nextRoundCounters(c, 'alive', 'alive', false).unknownRounds).toBe(0);
  });
  it('count consecutive contradictions and reset otherwise', () => {
    for (const r of states)
      for (const p of states) {
        const c = nextRoundCounters({ unknownRounds: 0, contradictionRounds: 2 }, r, p, true);
        expect(c.contradictionRounds).toBe(r === 'dead' && p === 'alive' ? 3 : 0);
      }
  });
});
