import { heartbeatAgeMs, isHeartbeatFresh, type ProbeAdapter, type ProbeContext, type ProbeResult, type ProbeTarget } from '@smart-reap/shared';

/**
 * A runner seen only through its heartbeats (DESIGN §3): the heartbeat is the only evidence for
 * both axes. Fresh → alive/alive. Stale or never sent → unknown/unknown, never dead: silence does
 * not show the runner gone (DESIGN §4: confirmed dead only when the probe saw it gone). The truth
 * table then diagnoses it as lost after 3 unknown rounds with a stale heartbeat, which is exactly
 * the escalation a silent heartbeat-only runner needs.
 */
export class HeartbeatProbeAdapter implements ProbeAdapter {
  readonly type = 'heartbeat' as const;

  async probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult> {
    const grace = `grace ${formatMs(ctx.heartbeatGraceMs)}`;
    if (target.heartbeatAt === undefined) {
      return { runtimeState: 'unknown', processState: 'unknown', evidence: [`no heartbeat received yet (${grace}): nothing else shows this runner`] };
    }
    const age = ctx.now - target.heartbeatAt;
    if (isHeartbeatFresh(heartbeatAgeMs(target.heartbeatAt, ctx.now), ctx.heartbeatGraceMs)) {
      const when = age < 0 ? `${formatMs(-age)} in the future (clocks disagree)` : `${formatMs(age)} ago`;
      return { runtimeState: 'alive', processState: 'alive', evidence: [`heartbeat fresh: last beat ${when} (${grace})`] };
    }
    return {
      runtimeState: 'unknown',
      processState: 'unknown',
      evidence: [`heartbeat stale: last beat ${formatMs(age)} ago (${grace}); nothing else shows this runner`],
    };
  }
}

function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}
