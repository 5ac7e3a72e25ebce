import type { ProbeAdapter, ProbeResult, ProbeTarget } from '@smart-reap/shared';
import { errorMessage, unknownResult } from './probe-results.js';

export interface ProbeBudgetOptions {
  /** The probe's budget (PROBE_TIMEOUT_MS). */
  timeoutMs: number;
  now: number;
}

/**
 * Runs one probe under its own budget (DESIGN §3). On overrun the adapter's signal is aborted and
 * the result is unknown/unknown at the budget, whether or not the adapter heeds the signal: a hung
 * probe holds its own slot and nothing else. A throw is unknown/unknown too. Never rejects.
 */
export async function probeWithBudget(adapter: ProbeAdapter, target: ProbeTarget, o: ProbeBudgetOptions): Promise<ProbeResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      // Resolve before aborting, so the adapter's own reaction to the abort cannot win the race.
      resolve(unknownResult(`probe timed out after ${o.timeoutMs} ms`));
      controller.abort(new DOMException(`probe budget of ${o.timeoutMs} ms spent`, 'TimeoutError'));
    }, o.timeoutMs);
  });
  const run = Promise.resolve()
    .then(() => adapter.probe(target, { signal: controller.signal, now: o.now }))
    .catch((err: unknown) => unknownResult(`probe error: ${errorMessage(err)}`));
  try {
    return await Promise.race([run, overrun]);
  } finally {
    clearTimeout(timer);
  }
}
