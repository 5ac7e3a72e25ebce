import { hasExited, readProcStat, type ProcOptions, type ProcStat } from '@smart-reap/shared';
import { decodeWaitStatus, describeExit } from './wait-status.js';

/** What one look at a pid says about the runner that was claimed with it. */
export type IdentityCheck =
  | { state: 'alive'; evidence: string; stat: ProcStat }
  | { state: 'dead'; evidence: string; exitCode?: number; signal?: string };

/**
 * Is the runner claimed as (pid, start time) still running? Dead when no process has the pid,
 * when the pid now belongs to a process with another start time (the pid was reused), or when the
 * process is a zombie. Start times have clock-tick granularity (1/100 s on most kernels): a pid
 * reused within the same tick cannot be told apart, which pid allocation makes vanishingly rare.
 * Without a recorded start time the identity cannot be checked, and the evidence says so.
 */
export async function checkProcessIdentity(pid: number, expectedStartTime: string | undefined, opts: ProcOptions = {}): Promise<IdentityCheck> {
  const stat = await readProcStat(pid, opts);
  if (!stat) return { state: 'dead', evidence: `pid ${pid} not found: the process has exited` };
  if (expectedStartTime !== undefined && stat.startTime !== expectedStartTime) {
    return {
      state: 'dead',
      evidence: `pid reused: pid ${pid} is now ${JSON.stringify(stat.comm)} started at tick ${stat.startTime}, the runner started at tick ${expectedStartTime}`,
    };
  }
  if (hasExited(stat)) {
    // The kernel prints exit_code only to a reader allowed to ptrace the process (same uid, or root).
    const exit = stat.exitStatus !== undefined ? decodeWaitStatus(stat.exitStatus) : {};
    const what = stat.state === 'Z' ? 'a zombie' : 'dead (state X)';
    return {
      state: 'dead',
      evidence: `pid ${pid} (${stat.comm}) is ${what}: ${describeExit(exit)}`,
      ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
      ...(exit.signal !== undefined ? { signal: exit.signal } : {}),
    };
  }
  const identity =
    expectedStartTime === undefined ? 'no start time recorded at claim, identity unchecked' : `started at tick ${stat.startTime}, as at claim`;
  return { state: 'alive', evidence: `pid ${pid} (${stat.comm}) running, state ${stat.state}, ${identity}`, stat };
}
