import type { ProbeTarget, RunnerStopper, StopResult } from '@smart-reap/shared';

/**
 * `http` and `heartbeat` runners live where the prober cannot reach their process: they are only
 * fenced (their later calls get 409), and the stop says so.
 */
export class UnstoppableStopper implements RunnerStopper {
  constructor(readonly type: 'http' | 'heartbeat') {}

  async stop(target: ProbeTarget): Promise<StopResult> {
    return { stopped: false, evidence: [`${this.type} runners cannot be stopped from here (task ${target.taskId}): the runner is fenced only`] };
  }
}
