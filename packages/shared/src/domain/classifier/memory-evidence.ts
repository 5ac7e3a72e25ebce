import { normalizeSignal } from './exit-status.js';
import type { Classification } from './types.js';

/**
 * What the host, not the log, says about memory at the runner's death (issue #14): a process the
 * kernel's OOM killer took inside a memory cgroup prints nothing itself — its wrapper says
 * `Killed`, the exit status says SIGKILL — and the text alone can only call that `killed`.
 */
export interface HostMemoryEvidence {
  /**
   * The runner's memory cgroup's OOM-kill counter: as pinned while the runner lived, and as read
   * at the diagnosis. `file` names where it was read (cgroup v2 `memory.events`, v1 `memory.oom_control`).
   */
  oomKills?: { file: string; before: number; after: number };
  /** Kernel log lines saying the OOM killer killed the runner's pid ("Out of memory: Killed process 4242"). */
  kernelLines?: string[];
}

export interface Death {
  exitCode?: number;
  signal?: string;
}

const OOM_CONFIDENCE = 0.95;
// Without the exit status, a death that the cgroup counted as an OOM kill is still most likely one,
// but the kill might have taken another process of the same cgroup.
const OOM_CONFIDENCE_NO_EXIT_STATUS = 0.85;

/** SIGKILL: the OOM killer's signal. `undefined` when nobody saw how the process ended. */
function diedOfSigkill(death: Death): boolean | undefined {
  const signal = normalizeSignal(death.signal);
  if (signal !== undefined) return signal === 'SIGKILL';
  if (death.exitCode === undefined) return undefined;
  return death.exitCode === 137 || death.exitCode === -9;
}

/**
 * Folds the host's memory evidence into the text's verdict. Precedence, and why:
 * - A SIGKILL death while the runner's cgroup counted a new OOM kill, or with a kernel line naming
 *   the runner's pid, is `oom` whatever the tail said: the kernel sent that SIGKILL, so nothing the
 *   process printed before it (a timeout, an exception) explains the death.
 * - With no exit status seen (the reporter died with the runner), the same evidence turns only a
 *   `killed` or `unknown` verdict into `oom`: a specific cause in the tail may still be the death.
 * - A death by any other signal or exit code is left to the tail: an OOM kill of another process of
 *   the cgroup says nothing about it.
 */
export function withHostMemoryEvidence(c: Classification, death: Death, host: HostMemoryEvidence): Classification {
  const counted = host.oomKills !== undefined && host.oomKills.after > host.oomKills.before;
  const kernel = host.kernelLines ?? [];
  if (!counted && kernel.length === 0) return c;
  const sigkill = diedOfSigkill(death);
  if (sigkill === false) return c;
  if (sigkill === undefined && c.crashType !== 'killed' && c.crashType !== 'unknown') return c;

  const evidence = [
    ...(counted ? [`${host.oomKills!.file} oom_kill ${host.oomKills!.before}→${host.oomKills!.after}`] : []),
    ...kernel.map((line) => `kernel: ${line}`),
  ];
  const how = sigkill ? 'Killed by the kernel OOM killer (SIGKILL' : 'Killed by the kernel OOM killer (no exit status seen';
  const where = counted ? `; ${host.oomKills!.file} oom_kill ${host.oomKills!.before}→${host.oomKills!.after})` : '; kernel log)';
  return {
    ...c,
    crashType: 'oom',
    confidence: sigkill ? OOM_CONFIDENCE : OOM_CONFIDENCE_NO_EXIT_STATUS,
    summary: `${how}${where}`,
    evidence: [...evidence, ...c.evidence.filter((e) => !evidence.includes(e))].slice(0, 5),
  };
}
