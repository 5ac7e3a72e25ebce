import type { AxisState, ProbeAdapter, ProbeContext, ProbeResult, ProbeTarget } from '@smart-reap/shared';
import { checkProcessIdentity, type IdentityCheck } from '../proc/process-identity.js';
import { describeDeadPane, paneExit } from '../tmux/describe-pane.js';
import { TmuxClient, type TmuxOptions, type TmuxPane } from '../tmux/tmux-client.js';
import { describeTmuxRef, parseTmuxRef, type TmuxRef } from '@smart-reap/shared';
import { foreignHostEvidence } from './host-guard.js';
import { errorMessage, unknownResult } from './probe-results.js';

export interface TmuxAdapterOptions extends TmuxOptions {
  /** Default `/proc`. */
  procRoot?: string;
  /** This prober's host; runners claimed on another host are `unknown`. Default: no check. */
  nodeName?: string;
}

interface Axis {
  state: AxisState;
  evidence: string;
  exitCode?: number;
  signal?: string;
}

/**
 * A runner inside a tmux session (ref: see parseTmuxRef). Runtime: does the session exist. Process:
 * the runner's pid checked against its start time when one was recorded; otherwise the session's
 * first pane (the one it was created with): dead pane (remain-on-exit) or pane pid gone → dead.
 * Zellij is not supported: it has no equivalent of `has-session` and pane pids worth relying on.
 */
export class TmuxProbeAdapter implements ProbeAdapter {
  readonly type = 'tmux' as const;
  private readonly tmux: TmuxClient;

  constructor(private readonly o: TmuxAdapterOptions = {}) {
    this.tmux = new TmuxClient(o);
  }

  async probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult> {
    const foreign = foreignHostEvidence(target, this.o.nodeName);
    if (foreign) return unknownResult(foreign);
    let ref: TmuxRef;
    try {
      ref = parseTmuxRef(target.runtime.ref);
    } catch (err) {
      return unknownResult(errorMessage(err));
    }
    const pid = target.pid !== undefined && target.pid > 0 ? target.pid : undefined;
    // The pid is read before the panes: once tmux has reaped a pane's process it holds its exit
    // status, so a pid found gone here has its status in the listing below.
    const runner = pid !== undefined ? await this.check(pid, target.pidStartTime, ctx.signal) : undefined;
    const { runtime, panes } = await this.readSession(ref, ctx.signal);
    const process = pid !== undefined && runner ? fromRunnerPid(pid, runner, panes) : await this.fromFirstPane(panes, runtime.state, ctx.signal);
    return {
      runtimeState: runtime.state,
      processState: process.state,
      evidence: [runtime.evidence, process.evidence],
      ...(process.exitCode !== undefined ? { exitCode: process.exitCode } : {}),
      ...(process.signal !== undefined ? { signal: process.signal } : {}),
      // A runner pid claimed without a start time is pinned at first sight, as for `process`.
      ...(target.pidStartTime === undefined && runner && !(runner instanceof Error) && runner.state === 'alive' ? { pinnedPidStartTime: runner.stat.startTime } : {}),
    };
  }

  /** One list-panes answers for the session too: has-session would be a second round trip. */
  private async readSession(ref: TmuxRef, signal: AbortSignal): Promise<{ runtime: Axis; panes?: TmuxPane[] }> {
    const name = describeTmuxRef(ref, this.o.socketName);
    try {
      const panes = await this.tmux.listPanes(ref, signal);
      return panes ? { runtime: { state: 'alive', evidence: `${name} exists` }, panes } : { runtime: { state: 'dead', evidence: `${name} not found` } };
    } catch (err) {
      return { runtime: { state: 'unknown', evidence: `${name}: ${errorMessage(err)}` } };
    }
  }

  private async check(pid: number, startTime: string | undefined, signal: AbortSignal): Promise<IdentityCheck | Error> {
    try {
      return await checkProcessIdentity(pid, startTime, { procRoot: this.o.procRoot, signal });
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Without a recorded pid, the runner is the session's first pane: the one it was created with. */
  private async fromFirstPane(panes: TmuxPane[] | undefined, runtime: AxisState, signal: AbortSignal): Promise<Axis> {
    if (runtime === 'dead') return { state: 'dead', evidence: 'no pid recorded at claim; the session is gone and its panes with it' };
    const first = panes?.[0];
    if (!first) return { state: 'unknown', evidence: 'no pid recorded at claim and the session could not be read' };
    const id = await this.check(first.pid, undefined, signal);
    if (hasEnded(first)) return endedPane(first, id instanceof Error ? undefined : id);
    const label = `pane ${first.index}${panes && panes.length > 1 ? ` (first of ${panes.length} panes)` : ''}`;
    if (id instanceof Error) return { state: 'unknown', evidence: `${label}: reading pid ${first.pid} failed: ${id.message}` };
    if (id.state === 'alive') return { state: 'alive', evidence: `${label}: ${id.evidence}` };
    return { state: 'dead', evidence: `${label}: ${id.evidence}`, exitCode: id.exitCode, signal: id.signal };
  }
}

function fromRunnerPid(pid: number, id: IdentityCheck | Error, panes: TmuxPane[] | undefined): Axis {
  if (id instanceof Error) return { state: 'unknown', evidence: `reading pid ${pid} failed: ${id.message}` };
  if (id.state === 'alive') return { state: 'alive', evidence: id.evidence };
  const pane = panes?.find((p) => p.pid === pid && hasEnded(p));
  return pane ? endedPane(pane, id) : { state: 'dead', evidence: id.evidence, exitCode: id.exitCode, signal: id.signal };
}

/** Dead (remain-on-exit), or reaped by tmux already: tmux records the status before the pty closes. */
function hasEnded(pane: TmuxPane): boolean {
  return pane.dead || pane.deadStatus !== undefined || pane.deadSignal !== undefined;
}

/**
 * An ended pane's exit status comes from tmux once it has reaped the process, or from /proc while
 * the process is a zombie still waiting for tmux to reap it: whichever has it.
 */
function endedPane(pane: TmuxPane, id: IdentityCheck | undefined): Axis {
  const fromTmux = paneExit(pane);
  if (fromTmux.exitCode !== undefined || fromTmux.signal !== undefined) return { state: 'dead', evidence: describeDeadPane(pane), ...fromTmux };
  if (id?.state === 'dead' && (id.exitCode !== undefined || id.signal !== undefined)) {
    return { state: 'dead', evidence: `pane ${pane.index} dead; ${id.evidence}`, exitCode: id.exitCode, signal: id.signal };
  }
  return { state: 'dead', evidence: describeDeadPane(pane) };
}
