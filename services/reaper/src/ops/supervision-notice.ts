import type { TaskStore } from '@smart-reap/shared';
import type { ReadinessCheck } from './readiness.js';

/** Tasks named in the notice; the gauge has the full count. */
const NAMED = 20;

/**
 * The `/readyz` notice for tasks nobody probes (their host's prober is gone, or their probe queue is
 * paused). A notice, not a problem: restarting reaper replicas would not bring a prober back.
 */
export function unsupervisedNotice(store: TaskStore): ReadinessCheck {
  return async () => {
    const { count, tasks } = await store.unsupervised(NAMED);
    if (count === 0) return undefined;
    const named = tasks.map((t) => `${t.id}${t.reason ? ` (${t.reason})` : ''}`);
    const more = count > named.length ? `; and ${count - named.length} more` : '';
    return `${count} task${count === 1 ? '' : 's'} unsupervised, not reaped while it lasts: ${named.join('; ')}${more}`;
  };
}
