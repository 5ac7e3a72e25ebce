import type { ProbeAdapter, ProbeResult } from '@smart-reap/shared';

/**
 * A runner seen only through its heartbeats (DESIGN §3). There is nothing here for a prober to
 * look at: the heartbeat is a timestamp the task already holds, and its freshness is judged once,
 * by the decide step on its own clock (domain `heartbeatAxes`), not here on another. This adapter
 * only says so, so that the round still carries the task to the decide step.
 */
export class HeartbeatProbeAdapter implements ProbeAdapter {
  readonly type = 'heartbeat' as const;

  async probe(): Promise<ProbeResult> {
    return { runtimeState: 'unknown', processState: 'unknown', evidence: ['heartbeat-only runner: judged by its heartbeat when the round is decided'] };
  }
}
