import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProcStat, type ProcStat } from './parse-proc-stat.js';

export interface ProcOptions {
  /** Where procfs is mounted. Default `/proc` (the host's own when the prober runs with hostPID). */
  procRoot?: string;
  signal?: AbortSignal;
}

export const DEFAULT_PROC_ROOT = '/proc';

/** The process's stat, or undefined when no process has that pid (it vanished, or never was). */
export async function readProcStat(pid: number, opts: ProcOptions = {}): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(join(opts.procRoot ?? DEFAULT_PROC_ROOT, String(pid), 'stat'), { encoding: 'utf8', signal: opts.signal });
  } catch (err) {
    // ESRCH: the process exited between open and read.
    if (isGone(err)) return undefined;
    throw err;
  }
  return parseProcStat(text);
}

/** Field 22 of `/proc/<pid>/stat` (clock ticks after boot): with the pid, it names one process for good. */
export async function readProcessStartTime(pid: number, opts: ProcOptions = {}): Promise<string | undefined> {
  return (await readProcStat(pid, opts))?.startTime;
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}
