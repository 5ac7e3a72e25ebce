import type { ProbeResult } from '../probes/port.js';

/** The runtimes a host's own watcher watches (DESIGN §3): only they are seen from their host alone. */
export const HOST_WATCHED_RUNTIMES: ReadonlySet<string> = new Set(['process', 'tmux']);

export function isHostWatched(runtimeType: string): boolean {
  return HOST_WATCHED_RUNTIMES.has(runtimeType);
}

/** What a host's watcher remembers of one target between two sweeps. */
export interface WatchMemory {
  /** The target was last seen alive on both axes. */
  alive: boolean;
  /** When it was last reported to the decide step (epoch ms); undefined when never. */
  reportedAt?: number;
}

export interface WatchSeen {
  taskId: string;
  result: ProbeResult;
}

/**
 * One sweep of a host's watcher, as a pure step: which targets to report to the decide step, and
 * what to remember. A change is reported in the sweep that sees it (alive → anything else, or a
 * first sight that is not alive); a target that stays not alive is reported again once per
 * interval, so that the truth table's counters advance and a death held by the mass-death breaker
 * is seen again after its hold, exactly as with probe rounds; a start time read at first sight (a
 * pin) is reported so that the task keeps it. A target alive on both axes is not reported: the
 * host's summary says so for all of them at once. Targets not seen this sweep are forgotten.
 */
export function watchReports(
  memory: ReadonlyMap<string, WatchMemory>,
  seen: readonly WatchSeen[],
  now: number,
  intervalMs: number,
): { report: WatchSeen[]; memory: Map<string, WatchMemory> } {
  const next = new Map<string, WatchMemory>();
  const report: WatchSeen[] = [];
  for (const s of seen) {
    const before = memory.get(s.taskId);
    const alive = s.result.runtimeState === 'alive' && s.result.processState === 'alive';
    const changed = before === undefined || before.alive || before.reportedAt === undefined;
    const due = before?.reportedAt !== undefined && now - before.reportedAt >= intervalMs;
    const pin = s.result.pinnedPidStartTime !== undefined;
    if ((!alive && (changed || due)) || pin) {
      report.push(s);
      next.set(s.taskId, { alive, reportedAt: now });
    } else {
      next.set(s.taskId, { alive, reportedAt: before?.reportedAt });
    }
  }
  return { report, memory: next };
}

/**
 * The oldest summary time at which a host still counts as watched at `now`: three summary
 * intervals, so that two late summaries are survived. A host whose last summary is older falls
 * back to probe rounds every probe interval (the scheduler's safety net), and from there to the
 * unsupervised notice when its prober is gone too.
 */
export function hostWatchFreshSince(now: number, summaryIntervalMs: number): number {
  return now - 3 * summaryIntervalMs;
}
