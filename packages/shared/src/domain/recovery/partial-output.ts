import type { Task } from '../../schemas/task.js';

/** DESIGN §7's fallback length of a full output when nothing better is known. */
export const DEFAULT_EXPECTED_OUTPUT_CHARS = 4000;

/**
 * How much of the work the runner had done: its own ratio when it reported one; otherwise its
 * partial output's length over the expected length (the task's, the kind's median, or 4000).
 */
export function partialOutputRatio(task: Task, kindMedianOutputChars?: number): number {
  const p = task.progress;
  if (!p) return 0;
  if (typeof p.ratio === 'number' && p.ratio > 0) return Math.min(1, p.ratio);
  const chars = p.partialOutput?.length ?? 0;
  const expected = task.expectedOutputChars ?? kindMedianOutputChars ?? DEFAULT_EXPECTED_OUTPUT_CHARS;
  return Math.min(1, chars / expected);
}
