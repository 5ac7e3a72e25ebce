/**
 * The one judge of heartbeat freshness (DESIGN §4), called only by the decide step (evaluateRound),
 * on the reaper's clock, for the truth table and for heartbeat-only runners' axes alike: fresh while the last beat is at most
 * HEARTBEAT_GRACE_MS old, the grace included. A beat stamped ahead of the judging clock (clocks
 * disagree) counts as age 0.
 */
export function heartbeatAgeMs(heartbeatAt: number, now: number): number {
  return Math.max(0, now - heartbeatAt);
}

export function isHeartbeatFresh(ageMs: number, graceMs: number): boolean {
  return ageMs <= graceMs;
}

/** A task's heartbeat age: from its claim when it never beat (the claim is its first sign of life). */
export function taskHeartbeatAgeMs(task: { heartbeatAt?: number; runner?: { claimedAt: number } }, now: number): number {
  return heartbeatAgeMs(task.heartbeatAt ?? task.runner?.claimedAt ?? now, now);
}

/**
 * What a heartbeat-only runner's axes are (DESIGN §3: the heartbeat is its only evidence), judged
 * by the decide step on its own clock from the stored task: fresh → alive/alive; stale or never
 * sent → unknown/unknown, never dead, since silence does not show the runner gone (DESIGN §4). The
 * truth table then diagnoses it as lost after 3 unknown rounds with a stale heartbeat.
 */
export function heartbeatAxes(
  task: { heartbeatAt?: number; runner?: { claimedAt: number } },
  now: number,
  graceMs: number,
): { runtimeState: 'alive' | 'unknown'; processState: 'alive' | 'unknown'; evidence: string[] } {
  const grace = `grace ${formatMs(graceMs)}`;
  if (task.heartbeatAt === undefined) {
    return { runtimeState: 'unknown', processState: 'unknown', evidence: [`no heartbeat received yet (${grace}): nothing else shows this runner`] };
  }
  const age = now - task.heartbeatAt;
  if (isHeartbeatFresh(taskHeartbeatAgeMs(task, now), graceMs)) {
    const when = age < 0 ? `${formatMs(-age)} in the future (clocks disagree)` : `${formatMs(age)} ago`;
    return { runtimeState: 'alive', processState: 'alive', evidence: [`heartbeat fresh: last beat ${when} (${grace})`] };
  }
  return { runtimeState: 'unknown', processState: 'unknown', evidence: [`heartbeat stale: last beat ${formatMs(age)} ago (${grace}); nothing else shows this runner`] };
}

function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * Whether a task's liveness is its heartbeat alone (a `heartbeat` runtime, or a runner that named
 * none): its one fact is a timestamp Redis already holds, so it is judged from the heartbeat index
 * by the scheduler and never probed (no prober can see more of it).
 */
export function isHeartbeatJudged(task: { runner?: { runtime: { type: string } } }): boolean {
  return (task.runner?.runtime.type ?? 'heartbeat') === 'heartbeat';
}

/** A task's score in the heartbeat index: its last beat, or its claim when it never beat (as taskHeartbeatAgeMs counts). */
export function heartbeatIndexScore(task: { heartbeatAt?: number; runner?: { claimedAt: number } }): number {
  return task.heartbeatAt ?? task.runner?.claimedAt ?? 0;
}

/**
 * The newest heartbeat index score that is stale at `now`: fresh is an age of at most the grace
 * (isHeartbeatFresh), so a beat at `now - grace` is still fresh and one a millisecond older is not.
 * The scheduler reads `ZRANGEBYSCORE -inf <this>`.
 */
export function staleHeartbeatBefore(now: number, graceMs: number): number {
  return now - graceMs - 1;
}
