import { readdir } from 'node:fs/promises';
import { DEFAULT_PROC_ROOT, readProcStat, type ProcOptions, type ProcStat } from '@smart-reap/shared';

/**
 * Every process visible in procfs, by pid. Children are found from each process's ppid rather than
 * `/proc/<pid>/task/<tid>/children`, which needs CONFIG_PROC_CHILDREN and is missing on many kernels.
 */
export async function readProcessTable(opts: ProcOptions = {}): Promise<Map<number, ProcStat>> {
  const entries = await readdir(opts.procRoot ?? DEFAULT_PROC_ROOT);
  const stats = await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map((e) => readProcStat(Number(e), opts).catch(() => undefined)),
  );
  const table = new Map<number, ProcStat>();
  for (const s of stats) if (s) table.set(s.pid, s);
  return table;
}

/** The descendants of `pid` in `table`, parents before their children. */
export function descendantsOf(pid: number, table: ReadonlyMap<number, ProcStat>): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of table.values()) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(s);
    else children.set(s.ppid, [s]);
  }
  const out: ProcStat[] = [];
  const seen = new Set<number>([pid]);
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      // The table is read file by file, not as one snapshot: a reused pid could fake a loop.
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The pids of a process's descendants as of now (children, grandchildren, …). */
export async function listDescendants(pid: number, opts: ProcOptions = {}): Promise<number[]> {
  return descendantsOf(pid, await readProcessTable(opts)).map((s) => s.pid);
}
