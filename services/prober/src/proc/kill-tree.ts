import { setTimeout as delay } from 'node:timers/promises';
import { hasExited, type ProcStat } from '@smart-reap/shared';
import { descendantsOf, readProcessTable } from './process-tree.js';
import type { ProcOptions } from '@smart-reap/shared';

export interface KillTreeOptions {
  /** Default `/proc`. */
  procRoot?: string;
  /** How long the tree gets to exit after SIGTERM before SIGKILL. Default 5 000 ms. */
  graceMs?: number;
  /** How long to wait for SIGKILLed processes to vanish before reporting them. Default 2 000 ms. */
  killWaitMs?: number;
  /** How often to look whether the tree has exited. Default 50 ms. */
  pollMs?: number;
  /**
   * The stop's budget. Aborted before anything was signalled: nothing is. Aborted during the grace:
   * the grace is cut short and what remains gets SIGKILL at once (the decision to stop is taken).
   */
  signal?: AbortSignal;
}

export interface KillTreeResult {
  stopped: boolean;
  evidence: string[];
  /** Set when the pid now names another process: nothing was signalled. */
  pidReused?: boolean;
}

/** One process for good: a pid alone may be reused by the time it is signalled. */
export interface PinnedProcess {
  pid: number;
  startTime: string;
}

/**
 * Stops a process and its descendants: checks the root is still the process that was claimed,
 * SIGTERMs the whole tree, waits up to the grace, then SIGKILLs what remains. The members are tracked
 * by pid and start time, so a child reparented when its parent died is still found, and a pid
 * reused meanwhile is never signalled. Zombies count as gone: they hold no resources but a pid.
 */
export async function killProcessTree(root: PinnedProcess, o: KillTreeOptions = {}): Promise<KillTreeResult> {
  const graceMs = o.graceMs ?? 5_000;
  const killWaitMs = o.killWaitMs ?? 2_000;
  const pollMs = o.pollMs ?? 50;
  const proc: ProcOptions = { procRoot: o.procRoot };
  if (o.signal?.aborted) return { stopped: false, evidence: [`stop aborted before pid ${root.pid} was signalled`] };

  const table = await readProcessTable(proc);
  const stat = table.get(root.pid);
  if (!stat || hasExited(stat)) return { stopped: true, evidence: [`pid ${root.pid} already exited: nothing to signal`] };
  if (stat.startTime !== root.startTime) {
    return {
      stopped: false,
      pidReused: true,
      evidence: [`pid reused, not signalled: pid ${root.pid} is ${JSON.stringify(stat.comm)} started at tick ${stat.startTime}, the runner started at tick ${root.startTime}`],
    };
  }
  const members = new Map<number, PinnedProcess>([[root.pid, root]]);
  adoptDescendants(members, table);
  if (members.has(process.pid)) return { stopped: false, evidence: [`refused: the tree of pid ${root.pid} holds this prober (pid ${process.pid})`] };

  const evidence: string[] = [];
  const descendants = members.size - 1;
  const termFailures = signalAll(members.values(), 'SIGTERM');
  // A stopped (T) process only acts on SIGTERM once continued.
  signalAll(members.values(), 'SIGCONT');
  evidence.push(`SIGTERM sent to pid ${root.pid} (${stat.comm}) and ${descendants} descendant${descendants === 1 ? '' : 's'}`, ...termFailures);

  const started = Date.now();
  let alive = await waitForExit(members, { untilMs: graceMs, pollMs, signal: o.signal, proc, adopt: true });
  if (alive.length === 0) {
    evidence.push(`all exited within ${Date.now() - started} ms of SIGTERM`);
    return { stopped: true, evidence };
  }
  const why = o.signal?.aborted ? 'when the stop budget ran out' : `after the ${graceMs} ms grace`;
  const killFailures = signalAll(alive, 'SIGKILL');
  evidence.push(`${alive.length} still running ${why} (pid ${alive.map((m) => m.pid).join(', ')}): SIGKILL sent`, ...killFailures);

  const killed = new Map(alive.map((m) => [m.pid, m]));
  alive = await waitForExit(killed, { untilMs: killWaitMs, pollMs, proc, adopt: false });
  if (alive.length === 0) {
    evidence.push('all gone after SIGKILL');
    return { stopped: true, evidence };
  }
  evidence.push(`still present ${killWaitMs} ms after SIGKILL: pid ${alive.map((m) => m.pid).join(', ')}`);
  return { stopped: false, evidence };
}

function isRunning(m: PinnedProcess, table: ReadonlyMap<number, ProcStat>): boolean {
  const s = table.get(m.pid);
  return s !== undefined && s.startTime === m.startTime && !hasExited(s);
}

/** Adds the running descendants of running members: children forked after the first look count too. */
function adoptDescendants(members: Map<number, PinnedProcess>, table: ReadonlyMap<number, ProcStat>): PinnedProcess[] {
  const added: PinnedProcess[] = [];
  for (const m of [...members.values()]) {
    if (!isRunning(m, table)) continue;
    for (const d of descendantsOf(m.pid, table)) {
      if (members.has(d.pid) || hasExited(d)) continue;
      const member = { pid: d.pid, startTime: d.startTime };
      members.set(d.pid, member);
      added.push(member);
    }
  }
  return added;
}

/** Signals each member; a vanished one (ESRCH) is fine, a refusal (EPERM) is reported. */
function signalAll(members: Iterable<PinnedProcess>, sig: NodeJS.Signals): string[] {
  const failures: string[] = [];
  for (const m of members) {
    try {
      process.kill(m.pid, sig);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') failures.push(`${sig} to pid ${m.pid} failed: ${code ?? (err as Error).message}`);
    }
  }
  return failures;
}

/** Polls until no member runs, the time is up or the signal aborts; returns the members still running. */
async function waitForExit(
  members: Map<number, PinnedProcess>,
  w: { untilMs: number; pollMs: number; signal?: AbortSignal; proc: ProcOptions; adopt: boolean },
): Promise<PinnedProcess[]> {
  const deadline = Date.now() + w.untilMs;
  for (;;) {
    const table = await readProcessTable(w.proc);
    // A child forked after SIGTERM reached its parent has not seen SIGTERM yet.
    if (w.adopt) signalAll(adoptDescendants(members, table), 'SIGTERM');
    const alive = [...members.values()].filter((m) => isRunning(m, table));
    if (alive.length === 0 || Date.now() >= deadline || w.signal?.aborted) return alive;
    await delay(Math.min(w.pollMs, Math.max(0, deadline - Date.now())), undefined, { signal: w.signal }).catch(() => undefined);
  }
}
