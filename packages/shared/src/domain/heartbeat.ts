/**
 * The one judge of heartbeat freshness (DESIGN §4), used by the heartbeat probe and by the decide
 * step alike so the two never disagree at the boundary: fresh while the last beat is at most
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
