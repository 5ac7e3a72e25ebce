/** Completed attempts a kind needs before its window is learned (DESIGN §8). */
export const MIN_SAMPLES_TO_LEARN = 5;
/** Durations the learned window looks at: the newest ones. */
export const LEARNING_WINDOW = 30;

export interface LearnedTimeoutSettings {
  defaultMaxAgeMinutes: number;
  minMaxAgeMinutes: number;
}

export interface KindTimeoutFigures {
  samples: number;
  p90Ms?: number;
  /** The learned window, or undefined while there are too few samples. */
  learnedMaxAgeMinutes?: number;
  floorMinutes: number;
  capMinutes: number;
}

/** Nearest-rank percentile: one outlier in 30 sits above the p90 and does not move it. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** p90 × 1.5 over the newest 30 completed durations, clamped between the floor and 3 × default. */
export function learnedTimeout(durationsMs: readonly number[], s: LearnedTimeoutSettings): KindTimeoutFigures {
  const recent = durationsMs.slice(0, LEARNING_WINDOW);
  const floorMinutes = s.minMaxAgeMinutes;
  const capMinutes = 3 * s.defaultMaxAgeMinutes;
  const p90Ms = percentile(recent, 0.9);
  if (recent.length < MIN_SAMPLES_TO_LEARN || p90Ms === undefined) return { samples: recent.length, p90Ms, floorMinutes, capMinutes };
  const raw = (p90Ms * 1.5) / 60_000;
  return { samples: recent.length, p90Ms, learnedMaxAgeMinutes: Math.min(capMinutes, Math.max(floorMinutes, raw)), floorMinutes, capMinutes };
}

/** The window an attempt gets: the task's own always wins; a continuation gets 1.5 × the kind's. */
export function effectiveMaxAge(task: { maxAgeMinutes?: number; parentId?: string }, kindMinutes: number | undefined, defaultMinutes: number): number {
  if (task.maxAgeMinutes !== undefined) return task.maxAgeMinutes;
  const base = kindMinutes ?? defaultMinutes;
  return task.parentId ? base * 1.5 : base;
}
