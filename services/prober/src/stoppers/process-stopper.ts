import type { ProbeTarget, RunnerStopper, StopResult } from '@smart-reap/shared';
import { killProcessTree, type KillTreeOptions } from '../proc/kill-tree.js';
import { foreignHostEvidence } from '../probes/host-guard.js';

export interface ProcessStopperOptions extends Omit<KillTreeOptions, 'signal'> {
  /** This prober's host; runners claimed on another host are never signalled. Default: no check. */
  nodeName?: string;
}

/**
 * Stops a process runner: its whole tree, SIGTERM then SIGKILL after the grace (killProcessTree).
 * Signals only a pid whose start time is the one recorded at claim: without one, nothing proves
 * the pid still names the runner, and it is not signalled.
 */
export class ProcessStopper implements RunnerStopper {
  readonly type = 'process' as const;

  constructor(private readonly o: ProcessStopperOptions = {}) {}

  async stop(target: ProbeTarget, signal: AbortSignal): Promise<StopResult> {
    const foreign = foreignHostEvidence(target, this.o.nodeName);
    if (foreign) return { stopped: false, evidence: [foreign] };
    if (target.pid === undefined || target.pid <= 1) return { stopped: false, evidence: ['no usable pid recorded at claim: nothing to signal'] };
    if (target.pidStartTime === undefined) {
      return { stopped: false, evidence: [`no start time recorded at claim: pid ${target.pid} cannot be checked, not signalled`] };
    }
    return killProcessTree({ pid: target.pid, startTime: target.pidStartTime }, { ...this.o, signal });
  }
}
