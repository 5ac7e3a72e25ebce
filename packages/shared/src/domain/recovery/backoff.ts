import type { CrashType } from '../../schemas/diagnosis.js';
import { REMEDIES } from '../heal-remedies.js';

/**
 * The delay before attempt `retryIndex + 2` (retryIndex 0 = the first retry): base × factor × 2^n
 * with ±25 % jitter so a fleet that died together does not come back together; a rate limit waits
 * at least the provider's retry-after.
 */
export function reassignDelayMs(crashType: CrashType, retryIndex: number, baseMs: number, random: () => number, retryAfterMs?: number): number {
  const factor = REMEDIES[crashType].backoffFactor;
  const exp = baseMs * factor * 2 ** Math.min(retryIndex, 10);
  const jittered = exp * (0.75 + random() * 0.5);
  const floor = crashType === 'rate_limited' && retryAfterMs ? retryAfterMs : 0;
  return Math.round(Math.max(jittered, floor));
}
