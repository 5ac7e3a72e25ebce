import { describe, expect, it } from 'vitest';
import { heartbeatAgeMs, heartbeatIndexScore, isHeartbeatFresh, isHeartbeatJudged, staleHeartbeatBefore } from '../../src/index.js';

describe('the heartbeat index agrees with the one judge of freshness (issue 13)', () => {
  it('a score is in the stale range exactly when isHeartbeatFresh says stale', () => {
    const now = 1_000_000;
    const grace = 90_000;
    for (const at of [now - grace - 2, now - grace - 1, now - grace, now - grace + 1, now, now + 5]) {
      const inStaleRange = at <= staleHeartbeatBefore(now, grace);
      expect(inStaleRange, `beat at ${at}`).toBe(!isHeartbeatFresh(heartbeatAgeMs(at, now), grace));
    }
  });

  it('scores by the last beat, or the claim when none came yet', () => {
    expect(heartbeatIndexScore({ heartbeatAt: 7, runner: { claimedAt: 3 } })).toBe(7);
    expect(heartbeatIndexScore({ runner: { claimedAt: 3 } })).toBe(3);
  });

  it('only heartbeat runtimes (or runners that named none) are judged from it', () => {
    expect(isHeartbeatJudged({ runner: { runtime: { type: 'heartbeat' } } })).toBe(true);
    expect(isHeartbeatJudged({})).toBe(true);
    for (const type of ['process', 'tmux', 'http', 'kubernetes']) expect(isHeartbeatJudged({ runner: { runtime: { type } } })).toBe(false);
  });
});
