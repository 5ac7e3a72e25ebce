import { describe, expect, it } from 'vitest';
import { paceWould } from '@smart-reap/shared';

const MIN = 60_000;
const REPEAT = 30 * MIN;

/** Runs a sequence of (task, action, at) through the pacer the way the applier keeps its map. */
function said(calls: Array<[string, string, number]>): boolean[] {
  let seen: ReadonlyMap<string, number> = new Map();
  return calls.map(([task, action, at]) => {
    const r = paceWould(seen, task, action, at, REPEAT);
    seen = r.said;
    return r.say;
  });
}

describe('dry-run pacing: each "would …" once per task and action per 30 min', () => {
  it('says it when it first comes due, then not again every round', () => {
    expect(said([['t1', 'stop', 0], ['t1', 'stop', 5_000], ['t1', 'stop', 29 * MIN]])).toEqual([true, false, false]);
  });

  it('says it again once 30 min have passed', () => {
    expect(said([['t1', 'stop', 0], ['t1', 'stop', REPEAT - 1], ['t1', 'stop', REPEAT], ['t1', 'stop', REPEAT + 1]])).toEqual([true, false, true, false]);
  });

  it('paces each task and each action on its own', () => {
    expect(said([['t1', 'stop', 0], ['t2', 'stop', 1], ['t1', 'extend', 2], ['t1', 'stop', 3]])).toEqual([true, true, true, false]);
  });

  it('drops what has run out, so the map does not grow with every task ever seen', () => {
    const first = paceWould(new Map(), 't1', 'stop', 0, REPEAT);
    const later = paceWould(first.said, 't2', 'stop', REPEAT, REPEAT);
    expect([...later.said.keys()]).toEqual(['t2|stop']);
  });

  it('leaves the map it was given alone', () => {
    const before = new Map([['t1|stop', 0]]);
    paceWould(before, 't2', 'stop', 1, REPEAT);
    expect([...before.keys()]).toEqual(['t1|stop']);
  });
});
