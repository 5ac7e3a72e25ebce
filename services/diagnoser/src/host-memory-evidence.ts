import { execFile } from 'node:child_process';
import { readOomKills, type HostMemoryEvidence, type Task } from '@smart-reap/shared';

/**
 * Reads what the host says about memory at a runner's death (issue #14): the OOM-kill counter of
 * the memory cgroup pinned on the runner while it lived, and the kernel log's OOM-killer lines for
 * its pid. Either may be missing (another host, no cgroup pinned, no right to read the kernel log):
 * then there is no host evidence, never an error.
 */
export interface HostMemoryEvidenceReader {
  read(task: Task, signal: AbortSignal): Promise<HostMemoryEvidence>;
}

/** The kernel log's text (`dmesg`), or undefined when it cannot be read here. */
export type KernelLog = (signal: AbortSignal) => Promise<string | undefined>;

/** Clock ticks per second of /proc/<pid>/stat's start time (USER_HZ: 100 on every Linux arch we run on). */
const USER_HZ = 100;

export const readDmesg: KernelLog = (signal) =>
  new Promise((resolve) => {
    execFile('dmesg', { signal, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout));
  });

/**
 * The OOM killer's lines that name `pid`: `Out of memory: Killed process 4242 (python3)` (global) or
 * `Memory cgroup out of memory: Killed process 4242 (python3)`. A line stamped (seconds since boot)
 * before the process started is about an earlier process that had the same pid, so it is left out.
 */
export function oomKillLines(kernelLog: string, pid: number, startTicks: number): string[] {
  const lines: string[] = [];
  for (const raw of kernelLog.split('\n')) {
    const m = /^\[\s*(\d+)\.(\d+)\]\s*(.*\bout of memory: Killed process (\d+)\b.*)$/i.exec(raw.trim());
    if (!m || Number(m[4]) !== pid) continue;
    if (Number(`${m[1]}.${m[2]}`) * USER_HZ < startTicks) continue;
    const line = m[3]!;
    lines.push(line.length > 200 ? `${line.slice(0, 199)}…` : line);
  }
  return lines;
}

export function hostMemoryEvidenceReader(kernelLog: KernelLog = readDmesg): HostMemoryEvidenceReader {
  return {
    async read(task, signal) {
      const runner = task.runner;
      if (!runner) return {};
      const evidence: HostMemoryEvidence = {};
      const pin = runner.memoryCgroup;
      if (pin) {
        const after = await readOomKills(pin.file);
        if (after !== undefined) evidence.oomKills = { file: pin.file.slice(pin.file.lastIndexOf('/') + 1), before: pin.oomKills, after };
      }
      // Only a pid whose start time is known can be told apart from an earlier one of the same number.
      if (runner.pid !== undefined && runner.pidStartTime !== undefined && /^\d+$/.test(runner.pidStartTime)) {
        const log = await kernelLog(signal);
        const lines = log ? oomKillLines(log, runner.pid, Number(runner.pidStartTime)) : [];
        if (lines.length) evidence.kernelLines = lines;
      }
      return evidence;
    },
  };
}
