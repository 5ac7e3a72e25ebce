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
 * likelier than a fleet dying at once.
 */
export function massDeathHeld(round: RoundDeath[]): { held: Set<string>; scopes: string[] } {
  const held = new Set<string>();
  const scopes: string[] = [];
  const consider = (scope: string, members: RoundDeath[]) => {
    const dead = members.filter((m) => m.dead);
    if (members.length >= MASS_DEATH_MIN_TASKS && dead.length * 2 > members.length) {
      scopes.push(`${scope}: ${dead.length} of ${members.length} dead`);
      for (const m of dead) held.add(m.taskId);
    }
  };
  consider('round', round);
  const byHost = new Map<string, RoundDeath[]>();
  for (const m of round) byHost.set(m.host, [...(byHost.get(m.host) ?? []), m]);
  if (byHost.size > 1) for (const [host, members] of byHost) consider(`host ${host}`, members);
  return { held, scopes };
}
