/** DESIGN §4's mass-death breaker: at least this many tasks in a round… */
export const MASS_DEATH_MIN_TASKS = 5;

export interface RoundDeath {
  taskId: string;
  host: string;
  /** The decide step would act on this task's death (diagnose) this round. */
  dead: boolean;
}

/**
 * The deaths of one probe round that must be held as inconclusive: when the round (or one host
 * within it) has at least 5 tasks and more than half of them dead, a prober's passing fault is
 * likelier than a fleet dying at once. `alsoAlive`: tasks of the round seen alive but not listed.
 */
export function massDeathHeld(round: RoundDeath[], alsoAlive = 0): { held: Set<string>; scopes: string[] } {
  const held = new Set<string>();
  const scopes: string[] = [];
  const consider = (scope: string, members: RoundDeath[], besides = 0) => {
    const dead = members.filter((m) => m.dead);
    const total = members.length + besides;
    if (total >= MASS_DEATH_MIN_TASKS && dead.length * 2 > total) {
      scopes.push(`${scope}: ${dead.length} of ${total} dead`);
      for (const m of dead) held.add(m.taskId);
    }
  };
  // A host watcher's round names only the targets that are not alive; `alsoAlive` counts the rest
  // of the host it swept (all on that one host), so the round is judged whole.
  consider('round', round, alsoAlive);
  const byHost = new Map<string, RoundDeath[]>();
  for (const m of round) byHost.set(m.host, [...(byHost.get(m.host) ?? []), m]);
  if (byHost.size > 1) for (const [host, members] of byHost) consider(`host ${host}`, members);
  return { held, scopes };
}
