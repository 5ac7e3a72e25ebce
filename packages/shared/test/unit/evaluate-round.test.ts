import { describe, expect, it } from 'vitest';
import { STAMP_REFRESH_MS, evaluateRound, type ProbeResultJob, type ProbeStamp, type RuntimeType, type Task } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const now = 10_000_000;
const settings = { heartbeatGraceMs: 90_000, maxExtensions: 2, massDeathHoldMs: 60_000 };

const live = (id: string, over: Partial<Task> = {}, type: RuntimeType = 'process', host = 'h1'): Task =>
  taskFixture({
    id,
    status: 'IN_PROGRESS',
    runner: { runnerId: `r-${id}`, runtime: { type, ref: '' }, pid: 1, pidStartTime: '1', host, claimedAt: now - 1000 },
    heartbeatAt: now - 1000,
    deadline: now + 60_000,
    ...over,
  });

const seen = (taskId: string, runtimeState: ProbeResultJob['runtimeState'], processState: ProbeResultJob['processState'], host = 'h1', attempt = 1): ProbeResultJob => ({
  taskId,
  attempt,
  host,
  runtimeState,
  processState,
  evidence: [],
  probedAt: now,
});

const stamp = (over: Partial<ProbeStamp> = {}): ProbeStamp => ({ runtimeState: 'alive', processState: 'alive', at: now - 1000, evidence: [], unknownRounds: 0, contradictionRounds: 0, ...over });
const round = (tasks: Task[], results: ProbeResultJob[], at = now) => evaluateRound(new Map(tasks.map((t) => [t.id, t])), results, settings, at);
const ids = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('evaluateRound: which results count', () => {
  it('drops results for tasks gone, not IN_PROGRESS, of another attempt, or already reaped', () => {
    const tasks = [live('a', { status: 'FAILED' }), live('b', { attempt: 2 }), live('c', { reap: { at: 0, by: 'reaper', reason: 'x' } }), live('d')];
    const r = round(tasks, [seen('a', 'alive', 'dead'), seen('b', 'alive', 'dead'), seen('c', 'alive', 'dead'), seen('d', 'alive', 'dead'), seen('gone', 'alive', 'dead')]);
    expect(r.verdicts.map((v) => v.task.id)).toEqual(['d']);
  });
});

describe('evaluateRound: heartbeat and counters', () => {
  it('judges the heartbeat fresh up to the grace included, stale after', () => {
    const at = (heartbeatAt: number) => round([live('a', { heartbeatAt })], [seen('a', 'unknown', 'alive')]).verdicts[0]!;
    expect(at(now - 90_000)).toMatchObject({ heartbeatAgeMs: 90_000, outcome: { action: 'skip' }, stamp: { unknownRounds: 0 } });
    expect(at(now - 90_001)).toMatchObject({ heartbeatAgeMs: 90_001, stamp: { unknownRounds: 1 } });
  });

  it('counts a task that never beat from its claim', () => {
    const t = live('a', { heartbeatAt: undefined });
    expect(round([t], [seen('a', 'alive', 'alive')]).verdicts[0]!.heartbeatAgeMs).toBe(1000);
  });

  it("carries the counters on from the stored stamp: the third stale unknown round diagnoses as lost", () => {
    const t = live('a', { heartbeatAt: now - 100_000, probe: stamp({ runtimeState: 'unknown', unknownRounds: 2 }) });
    expect(round([t], [seen('a', 'unknown', 'alive')]).verdicts[0]).toMatchObject({ stamp: { unknownRounds: 3 }, outcome: { action: 'diagnose', crashHint: 'unknown' } });
  });

  it('the third contradiction round escalates', () => {
    const t = live('a', { probe: stamp({ runtimeState: 'dead', contradictionRounds: 2 }) });
    expect(round([t], [seen('a', 'dead', 'alive')]).verdicts[0]).toMatchObject({ stamp: { contradictionRounds: 3, unknownRounds: 0 }, outcome: { action: 'escalate' } });
  });

  it('passes the runtime type: a stuck http runner is diagnosed, a stuck process runner stopped', () => {
    const stuck = { heartbeatAt: now - 100_000, deadline: now - 1, extensions: 2 };
    expect(round([live('a', stuck, 'http')], [seen('a', 'alive', 'alive')]).verdicts[0]!.outcome).toMatchObject({ action: 'diagnose', crashHint: 'timeout' });
    expect(round([live('a', stuck, 'process')], [seen('a', 'alive', 'alive')]).verdicts[0]!.outcome).toMatchObject({ action: 'stop', crashHint: 'timeout' });
  });
});

describe('evaluateRound: the stamp', () => {
  it('is unchanged while nothing the next round depends on moved, and refreshed after STAMP_REFRESH_MS', () => {
    const t = live('a', { probe: stamp({ at: now - 1000 }) });
    expect(round([t], [seen('a', 'alive', 'alive')]).verdicts[0]!.stampChanged).toBe(false);
    const old = live('a', { probe: stamp({ at: now - STAMP_REFRESH_MS }) });
    expect(round([old], [seen('a', 'alive', 'alive')]).verdicts[0]!.stampChanged).toBe(true);
    expect(round([t], [seen('a', 'dead', 'alive')]).verdicts[0]!.stampChanged).toBe(true);
    expect(round([live('a')], [seen('a', 'alive', 'alive')]).verdicts[0]!.stampChanged).toBe(true);
  });
});

describe('evaluateRound: the mass-death breaker and its hold', () => {
  it('holds the deaths of a round where 5 or more tasks and more than half died, and says where', () => {
    const n = ids(5);
    const r = round(n.map((id) => live(id)), [...n.slice(0, 3).map((id) => seen(id, 'alive', 'dead')), ...n.slice(3).map((id) => seen(id, 'alive', 'alive'))]);
    expect(r.breaker).toEqual(['round: 3 of 5 dead']);
    const held = r.verdicts.filter((v) => v.outcome.action === 'hold');
    expect(held.map((v) => v.task.id)).toEqual(['t0', 't1', 't2']);
    expect(held[0]).toMatchObject({ outcome: { heldUntil: now + 60_000, firstHold: true }, stamp: { heldUntil: now + 60_000 }, stampChanged: true });
    expect(r.verdicts.find((v) => v.task.id === 't3')!.outcome.action).toBe('none');
  });

  it('acts on deaths below the threshold: 4 tasks, or half dead', () => {
    const four = ids(4);
    expect(round(four.map((id) => live(id)), four.map((id) => seen(id, 'alive', 'dead'))).verdicts.every((v) => v.outcome.action === 'diagnose')).toBe(true);
    const six = ids(6);
    const r = round(six.map((id) => live(id)), six.map((id, i) => seen(id, 'alive', i < 3 ? 'dead' : 'alive')));
    expect(r.breaker).toEqual([]);
    expect(r.verdicts.filter((v) => v.outcome.action === 'diagnose')).toHaveLength(3);
  });

  it('judges one host apart when the round spans hosts', () => {
    const onA = ids(5, 'a');
    const onB = ids(6, 'b');
    const tasks = [...onA.map((id) => live(id, {}, 'process', 'A')), ...onB.map((id) => live(id, {}, 'process', 'B'))];
    const r = round(tasks, [...onA.map((id) => seen(id, 'alive', 'dead', 'A')), ...onB.map((id) => seen(id, 'alive', 'alive', 'B'))]);
    expect(r.breaker).toEqual(['host A: 5 of 5 dead']);
    expect(r.verdicts.filter((v) => v.outcome.action === 'hold')).toHaveLength(5);
  });

  it('counts neither lost nor stuck tasks as deaths', () => {
    const n = ids(5);
    const lost = n.map((id) => live(id, { heartbeatAt: now - 100_000, probe: stamp({ runtimeState: 'unknown', unknownRounds: 2 }) }, 'heartbeat'));
    const r = round(lost, n.map((id) => seen(id, 'unknown', 'unknown')));
    expect(r.breaker).toEqual([]);
    expect(r.verdicts.every((v) => v.outcome.action === 'diagnose')).toBe(true);
    const stuck = n.map((id) => live(id, { heartbeatAt: now - 100_000, deadline: now - 1, extensions: 2 }, 'http'));
    expect(round(stuck, n.map((id) => seen(id, 'alive', 'alive'))).breaker).toEqual([]);
  });

  it('a death held earlier stays held until its hold ends, without a second first-hold', () => {
    const t = live('a', { probe: stamp({ processState: 'dead', heldUntil: now + 5000 }) });
    expect(round([t], [seen('a', 'alive', 'dead')]).verdicts[0]).toMatchObject({ outcome: { action: 'hold', heldUntil: now + 5000, firstHold: false }, stamp: { heldUntil: now + 5000 } });
  });

  it('a death still seen once its hold ended is acted on, even in a round that trips the breaker again', () => {
    const n = ids(5);
    const tasks = n.map((id) => live(id, { probe: stamp({ processState: 'dead', heldUntil: now }) }));
    const r = round(tasks, n.map((id) => seen(id, 'alive', 'dead')));
    expect(r.verdicts.every((v) => v.outcome.action === 'diagnose' && v.stamp.heldUntil === undefined)).toBe(true);
  });

  it('a held task seen alive again is let go: the hold is cleared from its stamp', () => {
    const t = live('a', { probe: stamp({ processState: 'dead', heldUntil: now + 5000 }) });
    expect(round([t], [seen('a', 'alive', 'alive')]).verdicts[0]).toMatchObject({ outcome: { action: 'none' }, stamp: { heldUntil: undefined }, stampChanged: true });
  });
});

describe('evaluateRound: heartbeat-only runners are judged on this clock', () => {
  const beat = (heartbeatAt: number | undefined, at = now) =>
    round([live('h', { heartbeatAt, deadline: at + 60_000 }, 'heartbeat')], [seen('h', 'unknown', 'unknown')], at).verdicts[0]!;

  it('fresh up to the grace included: alive on both axes whatever the prober said', () => {
    expect(beat(now - 5_000)).toMatchObject({ stamp: { runtimeState: 'alive', processState: 'alive', unknownRounds: 0, evidence: ['heartbeat fresh: last beat 5000 ms ago (grace 90 s)'] }, outcome: { action: 'none' } });
    expect(beat(now - 90_000).stamp).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
  });

  it('stale past the grace: unknown on both axes, never dead, and the unknown rounds count', () => {
    const v = beat(now - 90_001);
    expect(v.stamp).toMatchObject({ runtimeState: 'unknown', processState: 'unknown', unknownRounds: 1 });
    expect(v.stamp.evidence[0]).toMatch(/^heartbeat stale: last beat 90 s ago \(grace 90 s\)/);
  });

  it('a beat stamped ahead of this clock counts as fresh and says the clocks disagree', () => {
    expect(beat(now + 1_500).stamp).toMatchObject({ runtimeState: 'alive', evidence: [expect.stringMatching(/in the future \(clocks disagree\)/)] });
  });

  it('a prober that says alive does not make a stale heartbeat-only runner alive', () => {
    const v = round([live('h', { heartbeatAt: now - 100_000 }, 'heartbeat')], [seen('h', 'alive', 'alive')]).verdicts[0]!;
    expect(v.stamp).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
  });
});
