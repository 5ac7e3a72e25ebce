import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PROC_ROOT } from './read-proc-stat.js';

/**
 * A process's memory cgroup and its OOM-kill counter, pinned while the process lives: after its
 * death `/proc/<pid>/cgroup` is gone, but the cgroup's counter still says whether the kernel's OOM
 * killer took something in it (issue #14).
 *
 * - cgroup v2: `<root>/<path>/memory.events`, line `oom_kill N` (needs the memory controller there);
 * - cgroup v1: `<root>/memory/<path>/memory.oom_control`, line `oom_kill N` (Linux ≥ 4.13).
 */
export interface MemoryCgroupPin {
  /** The counter's file, absolute. */
  file: string;
  /** Its `oom_kill` count when pinned. */
  oomKills: number;
}

export interface CgroupOptions {
  procRoot?: string;
  /** Where the cgroup hierarchies are mounted. Default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
}

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

/** `oom_kill N` of a memory.events or memory.oom_control text. */
export function parseOomKills(text: string): number | undefined {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The counter files `/proc/<pid>/cgroup` points at, most specific first (v2, then v1). */
export function memoryCounterFiles(procCgroup: string, cgroupRoot: string = DEFAULT_CGROUP_ROOT): string[] {
  const files: string[] = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (!m) continue;
    const [, controllers, path] = m as unknown as [string, string, string];
    // v2's single hierarchy, mounted at the root (unified) or at unified/ (hybrid hosts).
    if (controllers === '') files.push(join(cgroupRoot, path, 'memory.events'), join(cgroupRoot, 'unified', path, 'memory.events'));
    else if (controllers.split(',').includes('memory')) files.push(join(cgroupRoot, 'memory', path, 'memory.oom_control'));
  }
  return files;
}

/** The count of the pinned file now, or undefined when it can no longer be read (the cgroup is gone). */
export async function readOomKills(file: string): Promise<number | undefined> {
  try {
    return parseOomKills(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Pins the process's memory cgroup: undefined where there is none to read (no procfs, no memory controller). */
export async function pinMemoryCgroup(pid: number, opts: CgroupOptions = {}): Promise<MemoryCgroupPin | undefined> {
  let procCgroup: string;
  try {
    procCgroup = await readFile(join(opts.procRoot ?? DEFAULT_PROC_ROOT, String(pid), 'cgroup'), 'utf8');
  } catch {
    return undefined;
  }
  for (const file of memoryCounterFiles(procCgroup, opts.cgroupRoot ?? DEFAULT_CGROUP_ROOT)) {
    try {
      await access(file);
    } catch {
      continue;
    }
    const oomKills = await readOomKills(file);
    if (oomKills !== undefined) return { file, oomKills };
  }
  return undefined;
}
