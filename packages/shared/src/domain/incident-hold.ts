export interface IncidentHoldPolicy {
  /** INCIDENT_MAX_HOLD_MS: how long after it opened an incident may hold a retry. */
  maxHoldMs: number;
}

/**
 * May a retry that an incident holds go now? Yes once the incident is resolved (by healthy
 * completions or an operator) and once it has been open for the max hold: a breaker that stays
 * open with nothing to close it would otherwise hold every retry in its scope forever.
 */
export function mayHeldRetryGo(incident: { openedAt: number; resolvedAt?: number } | undefined, now: number, policy: IncidentHoldPolicy): boolean {
  if (!incident || incident.resolvedAt !== undefined) return true;
  return now >= incident.openedAt + policy.maxHoldMs;
}
