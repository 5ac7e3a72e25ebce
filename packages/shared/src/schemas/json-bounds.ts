import { z } from 'zod';

/** How deep a client's JSON value (a payload, an output) may nest. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests deeper than `max` levels (a scalar is level 0, `[]` level 1). Walked with
 * an explicit stack, never by recursion: JSON.parse builds values of any depth without trouble,
 * but JSON.stringify and every recursive walk after it overflow the call stack near 4 000 levels,
 * so this check has to come first and must not overflow itself.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Any JSON value, at most MAX_JSON_DEPTH levels deep and, when `maxChars` is given, at most that
 * many characters as JSON (measured only once the depth is known to be safe to serialise).
 */
export function boundedJson(maxChars?: number) {
  return z.unknown().superRefine((value, ctx) => {
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      ctx.addIssue({ code: 'custom', message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    if (maxChars !== undefined && value !== undefined && JSON.stringify(value).length > maxChars) {
      ctx.addIssue({ code: 'custom', message: `more than ${maxChars} characters as JSON` });
    }
  });
}
