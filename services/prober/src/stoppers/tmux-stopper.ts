import type { ProbeTarget, RunnerStopper, StopResult } from '@smart-reap/shared';
import { killProcessTree, type KillTreeOptions, type KillTreeResult } from '../proc/kill-tree.js';
import { readProcessStartTime } from '@smart-reap/shared';
import { foreignHostEvidence } from '../probes/host-guard.js';
import { errorMessage } from '../probes/probe-results.js';
import { TmuxClient, type TmuxOptions } from '../tmux/tmux-client.js';
import { describeTmuxRef, parseTmuxRef, type TmuxRef } from '@smart-reap/shared';

export interface TmuxStopperOptions extends TmuxOptions, Omit<KillTreeOptions, 'signal'> {
  /** This prober's host; runners claimed on another host are never touched. Default: no check. */
  nodeName?: string;
}

/**
 * Stops a tmux runner: the runner's process tree (identity checked, as for `process`), then every
 * live pane's process tree, then the session. Killing the session alone only sends SIGHUP, which
 * a runner started with nohup or its own handler survives.
 */
export class TmuxStopper implements RunnerStopper {
  readonly type = 'tmux' as const;
  private readonly tmux: TmuxClient;

  constructor(private readonly o: TmuxStopperOptions = {}) {
    this.tmux = new TmuxClient(o);
  }

  async stop(target: ProbeTarget, signal: AbortSignal): Promise<StopResult> {
    const foreign = foreignHostEvidence(target, this.o.nodeName);
    if (foreign) return { stopped: false, evidence: [foreign] };
    let ref: TmuxRef;
    try {
      ref = parseTmuxRef(target.runtime.ref);
    } catch (err) {
      return { stopped: false, evidence: [errorMessage(err)] };
    }
    const name = describeTmuxRef(ref, this.o.socketName);
    const kill = { ...this.o, signal };
    try {
      // Runner and panes at once: the grace runs once, not once per tree.
      const [runner, panes] = await Promise.all([this.killRunner(target, kill), this.killPanes(ref, signal, kill)]);
      const killed = await this.tmux.killSession(ref, signal);
      // Without remain-on-exit, a session ends by itself once its last pane's process is gone.
      const session = killed ? `${name} killed` : panes.length ? `${name} ended with its panes` : `${name} already gone`;
      const parts = [...(runner ? [runner] : []), ...panes];
      return { stopped: parts.every((p) => p.stopped), evidence: [...parts.flatMap((p) => p.evidence), session] };
    } catch (err) {
      return { stopped: false, evidence: [`stopping ${name} failed: ${errorMessage(err)}`] };
    }
  }

  /** The recorded runner pid's tree, identity checked; undefined when no pid was recorded. */
  private async killRunner(target: ProbeTarget, o: KillTreeOptions): Promise<KillTreeResult | undefined> {
    if (target.pid === undefined || target.pid <= 1) return undefined;
    if (target.pidStartTime === undefined) {
      return { stopped: true, evidence: [`no start time recorded at claim: pid ${target.pid} not signalled, its pane is stopped instead`] };
    }
    const res = await killProcessTree({ pid: target.pid, startTime: target.pidStartTime }, o);
    // A reused pid is not the runner's any more: the runner is gone, and its session is stopped anyway.
    return { ...res, stopped: res.stopped || res.pidReused === true };
  }

  /** Every live pane's tree: killing the session alone only SIGHUPs them. */
  private async killPanes(ref: TmuxRef, signal: AbortSignal, o: KillTreeOptions): Promise<KillTreeResult[]> {
    const panes = (await this.tmux.listPanes(ref, signal)) ?? [];
    return Promise.all(panes.filter((p) => !p.dead).map((p) => this.killPane(p.pid, p.index, o)));
  }

  private async killPane(pid: number, index: string, o: KillTreeOptions): Promise<KillTreeResult> {
    // The pane pid comes from tmux this instant: its start time, read now, pins it for the kill.
    const startTime = await readProcessStartTime(pid, { procRoot: this.o.procRoot });
    if (startTime === undefined) return { stopped: true, evidence: [`pane ${index}: pid ${pid} already exited`] };
    const res = await killProcessTree({ pid, startTime }, o);
    return { stopped: res.stopped, evidence: res.evidence.map((e) => `pane ${index}: ${e}`) };
  }
}
