import { hostname } from 'node:os';
import { DEFAULT_EXIT_REPORT_GRACE_MS, readExitReport, type ProbeAdapter, type ProbeContext, type ProbeResult, type ProbeTarget } from '@smart-reap/shared';
import { checkProcessIdentity } from '../proc/process-identity.js';
import { foreignHostEvidence } from './host-guard.js';
import { errorMessage, unknownResult } from './probe-results.js';

export interface ProcessAdapterOptions {
  /** Default `/proc`. */
  procRoot?: string;
  /** This prober's host; runners claimed on another host are `unknown`. Default: no check. */
  nodeName?: string;
  /** How long a gone runner whose reporter lives reads `unknown` (readExitReport). Default 10 000 ms. */
  exitReportGraceMs?: number;
}

/**
 * A runner that is a plain process on this host. The runtime is the host itself: this prober runs
 * on it, so it is alive. The process is the pid checked against its start time at claim.
 *
 * A claim may name a reporter too (`reaper run` names itself): a runner found gone while its
 * reporter lives is an exit on its way to the API, `unknown` for a bounded grace (readExitReport).
 * The first time each such runner was seen gone is kept here, in memory: the host's prober sees
 * all of its host's probes, and a restarted prober only starts the grace over once.
 */
export class ProcessProbeAdapter implements ProbeAdapter {
  readonly type = 'process' as const;
  private readonly goneSince = new Map<string, number>();

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
      const dead: ProbeResult = { runtimeState: 'alive', processState: 'dead', evidence: [runtime, id.evidence], exitCode: id.exitCode, signal: id.signal };
      if (!target.reporter) return dead;
      return await this.withReporter(target, ctx, dead);
    } catch (err) {
      return { runtimeState: 'alive', processState: 'unknown', evidence: [runtime, `reading pid ${target.pid} failed: ${errorMessage(err)}`] };
    }
  }

  /** The runner is gone; its reporter says whether that is an exit being reported or a death. */
  private async withReporter(target: ProbeTarget, ctx: ProbeContext, dead: ProbeResult): Promise<ProbeResult> {
    const reporter = target.reporter!;
    const graceMs = this.o.exitReportGraceMs ?? DEFAULT_EXIT_REPORT_GRACE_MS;
    this.forgetOlderThan(ctx.now - 2 * graceMs);
    const key = `${target.taskId}|${target.pid}|${target.pidStartTime ?? ''}`;
    const check = await checkProcessIdentity(reporter.pid, reporter.pidStartTime, { procRoot: this.o.procRoot, signal: ctx.signal });
    const reading = readExitReport({ reporterAlive: check.state === 'alive', firstSeenGoneAt: this.goneSince.get(key), now: ctx.now, graceMs });
    const evidence = [...dead.evidence, `reporter pid ${reporter.pid}: ${check.evidence}; ${reading.why}`];
    if (reading.processState === 'unknown') {
      this.goneSince.set(key, reading.goneSince);
      return { runtimeState: 'alive', processState: 'unknown', evidence };
    }
    this.goneSince.delete(key);
    return { ...dead, evidence };
  }

  private forgetOlderThan(at: number): void {
    for (const [key, since] of this.goneSince) if (since < at) this.goneSince.delete(key);
  }
}
