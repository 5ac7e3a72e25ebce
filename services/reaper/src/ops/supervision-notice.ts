import type { Keys } from '@smart-reap/shared';
import type { Redis } from 'ioredis';
import type { ReadinessCheck } from './readiness.js';

/** Tasks named in the notice; the gauge has the full count. */
const NAMED = 20;

/**
 * The `/readyz` notice for tasks nobody probes (their host's prober is gone, or their probe queue is
 * paused). A notice, not a problem: restarting reaper replicas would not bring a prober back.
 */
export function unsupervisedNotice(redis: Redis, keys: Keys): ReadinessCheck {
  return async () => {
    const count = await redis.hlen(keys.unsupervised());
    if (count === 0) return undefined;
    const [, flat] = await redis.hscan(keys.unsupervised(), '0', 'COUNT', NAMED);
    const named: string[] = [];
    for (let i = 0; i + 1 < flat.length && named.length < NAMED; i += 2) {
      let reason = '';
      try {
        reason = (JSON.parse(flat[i + 1]!) as { reason?: string }).reason ?? '';
      } catch {
        // An entry this code did not write: named without its reason.
      }
      named.push(`${flat[i]}${reason ? ` (${reason})` : ''}`);
    }
    const more = count > named.length ? `; and ${count - named.length} more` : '';
    return `${count} task${count === 1 ? '' : 's'} unsupervised, not reaped while it lasts: ${named.join('; ')}${more}`;
  };
}
