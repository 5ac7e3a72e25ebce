/**
 * A dry run writes nothing that records what it decided, so each "would …" is paced instead: said
 * when it first comes due for a task and action, and again only once `repeatMs` has passed, rather
 * than every round. `said` is when each key was last said; the result is the map to keep, with
 * the entries that have run out dropped so it does not grow with every task ever seen.
 */
export function paceWould(said: ReadonlyMap<string, number>, taskId: string, action: string, now: number, repeatMs: number): { say: boolean; said: Map<string, number> } {
  const next = new Map<string, number>();
  for (const [key, at] of said) if (now - at < repeatMs) next.set(key, at);
  const key = `${taskId}|${action}`;
  if (next.has(key)) return { say: false, said: next };
  next.set(key, now);
  return { say: true, said: next };
}
