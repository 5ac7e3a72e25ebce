/** How long a runner's exit may take to be reported by a live reporter before it counts as a death. */
export const DEFAULT_EXIT_REPORT_GRACE_MS = 10_000;

export interface ExitReportInput {
  /** Is the reporter (pid and start time as claimed) still running? */
  reporterAlive: boolean;
  /** When a probe first saw this runner gone while its reporter lived; undefined: this is the first. */
  firstSeenGoneAt: number | undefined;
  now: number;
  graceMs: number;
}

export type ExitReportReading =
  /** The exit is being reported: the probe says `unknown`, and remembers since when. */
  | { processState: 'unknown'; goneSince: number; why: string }
  /** A death: the reporter is gone too, or did not report within the grace. */
  | { processState: 'dead'; why: string };

/**
 * A runner pid found gone while the process that reports its exit (`reaper run`) lives: between
 * the command's exit and the report reaching the API a probe may look, and a finished task must
 * not be diagnosed as a crash. So the gone pid reads `unknown` while the reporter lives, for at
 * most `graceMs` from the first such look; after that, or once the reporter is gone as well, the
 * runner is dead as the probe saw it.
 */
export function readExitReport(i: ExitReportInput): ExitReportReading {
  if (!i.reporterAlive) return { processState: 'dead', why: 'its reporter is gone too: no report is coming' };
  const since = i.firstSeenGoneAt ?? i.now;
  const waited = i.now - since;
  if (waited < i.graceMs) {
    return { processState: 'unknown', goneSince: since, why: `its reporter is alive and reporting the exit (${waited} ms of a ${i.graceMs} ms grace)` };
  }
  return { processState: 'dead', why: `its reporter is alive but has not reported the exit within ${i.graceMs} ms` };
}
