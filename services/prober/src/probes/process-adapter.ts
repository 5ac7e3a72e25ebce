import { hostname } from 'node:os';
import type { ProbeAdapter, ProbeContext, ProbeResult, ProbeTarget } from '@smart-reap/shared';
import { checkProcessIdentity } from '../proc/process-identity.js';
import { foreignHostEvidence } from './host-guard.js';
import { errorMessage, unknownResult } from './probe-results.js';

export interface ProcessAdapterOptions {
  /** Default `/proc`. */
  procRoot?: string;
  /** This prober's host; runners claimed on another host are `unknown`. Default: no check. */
  nodeName?: string;
}

/**
 * A runner that is a plain process on this host. The runtime is the host itself: this prober runs
 * on it, so it is alive. The process is the pid checked against its start time at claim.
 */
export class ProcessProbeAdapter implements ProbeAdapter {
  readonly type = 'process' as const;

  constructor(private readonly o: ProcessAdapterOptions = {}) {}

  async probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult> {
    const foreign = foreignHostEvidence(target, this.o.nodeName);
    if (foreign) return unknownResult(foreign);
    const runtime = `host ${this.o.nodeName ?? hostname()} is up: this prober runs on it`;
    if (target.pid === undefined || target.pid <= 0) {
      return { runtimeState: 'alive', processState: 'unknown', evidence: [runtime, 'no pid recorded at claim: the process cannot be looked at'] };
    }
    try {
      const id = await checkProcessIdentity(target.pid, target.pidStartTime, { procRoot: this.o.procRoot, signal: ctx.signal });
      if (id.state === 'alive') {
        // Pinned at first sight, so later probes and a stop can tell this process from a pid reused.
        if (target.pidStartTime === undefined) {
          return { runtimeState: 'alive', processState: 'alive', evidence: [runtime, id.evidence, `start time pinned at tick ${id.stat.startTime}`], pinnedPidStartTime: id.stat.startTime };
        }
        return { runtimeState: 'alive', processState: 'alive', evidence: [runtime, id.evidence] };
      }
      return { runtimeState: 'alive', processState: 'dead', evidence: [runtime, id.evidence], exitCode: id.exitCode, signal: id.signal };
    } catch (err) {
      return { runtimeState: 'alive', processState: 'unknown', evidence: [runtime, `reading pid ${target.pid} failed: ${errorMessage(err)}`] };
    }
  }
}
